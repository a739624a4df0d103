"""No avoidable immutable copy of a seed (issue 12, S-6): the seed a backend opens reaches the
native key as that very object (python-pkcs11's bytes uncopied; a bytearray copied only by the
native boundary and then wiped), and a new key's seed is sealed as the bytes the key gave, not
through an extra bytearray and a second bytes copy. On both backends."""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import kem, signatures
from pqpay.hsm import Algorithm, DecapsulationHandle, KeyStore, SigningHandle
from tests._support.hsm_util import BACKENDS, make_store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> KeyStore:
    return make_store(request.param)


def _spy_classmethod(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    """Records the first argument every call of the classmethod ``owner.name`` receives."""
    seen: list[Any] = []
    real = getattr(owner, name)

    def spy(cls: Any, arg: Any, *rest: Any) -> Any:
        seen.append(arg)
        return real.__func__(cls, arg, *rest)

    monkeypatch.setattr(owner, name, classmethod(spy))
    return seen


def _spy_unseal(monkeypatch: pytest.MonkeyPatch, store: KeyStore) -> list[Any]:
    opened: list[Any] = []
    real = store.backend.unseal

    def spy(*args: bytes) -> Any:
        seed = real(*args)
        opened.append(seed)
        return seed

    monkeypatch.setattr(store.backend, "unseal", spy)
    return opened


def _use(handle: SigningHandle | DecapsulationHandle) -> None:
    if isinstance(handle, SigningHandle):
        handle.public_key().verify(handle.sign(b"m"), b"m")
    else:
        shared, ct = handle.public_key().encapsulate()
        assert handle.decapsulate(ct) == shared


@pytest.mark.parametrize(
    ("alg", "key_class", "entry"),
    [
        (Algorithm.MLDSA65_ED25519, signatures.MLDSA65PrivateKey, "from_private_bytes"),
        (Algorithm.XWING, kem.XWingPrivateKey, "from_seed_bytes"),
    ],
    ids=["sign", "decapsulate"],
)
def test_each_use_hands_the_opened_seed_on(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch, alg: Algorithm, key_class: Any, entry: str
) -> None:
    handle = store.create(f"seed-use-{alg.value}", alg)
    assert isinstance(handle, (SigningHandle, DecapsulationHandle))
    opened = _spy_unseal(monkeypatch, store)
    given = _spy_classmethod(monkeypatch, key_class, entry)
    _use(handle)
    assert len(opened) == 1 and len(given) == 1
    if store.backend.kind == "pkcs11":
        # python-pkcs11 already made bytes: any bytearray of them is one more copy to come.
        assert type(opened[0]) is bytes and given[0] is opened[0]
    else:
        assert isinstance(opened[0], bytearray) and opened[0] == bytearray(32)  # wiped
        assert type(given[0]) is bytes  # the one copy the native boundary needs
    store.destroy(handle.handle_id)


@pytest.mark.parametrize(
    ("alg", "key_class"),
    [
        (Algorithm.MLDSA65_ED25519, signatures.MLDSA65PrivateKey),
        (Algorithm.MLKEM768, kem.MLKEM768PrivateKey),
    ],
    ids=["composite", "ml-kem"],
)
def test_a_new_seed_is_sealed_as_the_key_gave_it(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch, alg: Algorithm, key_class: Any
) -> None:
    given: list[Any] = []
    real_raw = key_class.private_bytes_raw

    def raw(self: Any) -> bytes:
        out: bytes = real_raw(self)
        given.append(out)
        return out

    monkeypatch.setattr(key_class, "private_bytes_raw", raw)
    sealed: list[Any] = []
    real_seal = store.backend.seal

    def seal(kek_id: bytes, nonce: bytes, aad: bytes, seed: Any) -> bytes:
        sealed.append(seed)
        return real_seal(kek_id, nonce, aad, seed)

    monkeypatch.setattr(store.backend, "seal", seal)
    handle = store.create(f"seed-new-{alg.value}", alg)
    assert len(given) == 1 and len(sealed) == 1
    assert sealed[0] is given[0]  # no bytearray(...) copy, so no second bytes(...) copy either
    store.destroy(handle.handle_id)
