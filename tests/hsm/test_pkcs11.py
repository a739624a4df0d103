"""What only a real token shows: key attributes in SoftHSM2, login, capability detection."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import pytest

from pqpay.exceptions import HSMError, HSMUnavailable
from pqpay.hsm import Algorithm, KeyStore, PKCS11Backend, SigningHandle, find_softhsm_module
from tests._support.hsm_util import softhsm_backend, softhsm_token


@pytest.fixture
def backend() -> PKCS11Backend:
    return softhsm_backend()


def token_objects(backend: PKCS11Backend, attrs: dict[Any, Any]) -> list[Any]:
    with backend._call("test lookup") as session:
        return list(session.get_objects(attrs))


def test_keys_are_sensitive_and_never_extractable(backend: PKCS11Backend) -> None:
    import pkcs11
    from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass

    store = KeyStore(backend)
    handle = store.create(f"attrs-{uuid.uuid4().hex[:8]}", Algorithm.MLDSA65_ED25519)
    key_id = bytes.fromhex(handle.handle_id)
    (priv,) = token_objects(
        backend, {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: key_id}
    )
    (pub,) = token_objects(backend, {Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.ID: key_id})
    kek_id = handle._record.kek_id
    (kek,) = token_objects(backend, {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.ID: kek_id})
    with backend._call("test attributes"):
        for key in (priv, kek):
            assert key[Attribute.TOKEN] and key[Attribute.PRIVATE]
            assert key[Attribute.SENSITIVE] and key[Attribute.ALWAYS_SENSITIVE]
            assert not key[Attribute.EXTRACTABLE] and key[Attribute.NEVER_EXTRACTABLE]
            with pytest.raises(pkcs11.AttributeSensitive):
                key[Attribute.VALUE]
        assert priv[Attribute.KEY_TYPE] == KeyType.EC_EDWARDS and priv[Attribute.SIGN]
        assert not priv[Attribute.DECRYPT] and not priv[Attribute.DERIVE]
        assert kek[Attribute.ENCRYPT] and kek[Attribute.DECRYPT]
        assert not kek[Attribute.WRAP] and not kek[Attribute.UNWRAP]
        assert not kek[Attribute.SIGN] and not kek[Attribute.DERIVE]
        # The public key in the record is the token's CKA_EC_POINT (DER OCTET STRING 04 20 ...).
        point = pub[Attribute.EC_POINT]
        assert point[:2] == b"\x04\x20"
        assert handle._record.public_key[1952:] == point[2:]
    # Neither key leaves the token wrapped, even under a wrapping key made for the purpose.
    with backend._call("test wrap") as session:
        wrapper = session.generate_key(
            KeyType.AES, 256, capabilities=MechanismFlag.WRAP | MechanismFlag.UNWRAP
        )
        try:
            for key in (priv, kek):
                with pytest.raises(pkcs11.KeyUnextractable):
                    wrapper.wrap_key(key, mechanism=Mechanism.AES_KEY_WRAP_PAD)
        finally:
            wrapper.destroy()


def test_the_record_holds_no_seed_in_clear(backend: PKCS11Backend) -> None:
    from pkcs11 import Attribute, ObjectClass

    store = KeyStore(backend)
    handle = store.create(f"rec-{uuid.uuid4().hex[:8]}", Algorithm.XWING)
    (obj,) = token_objects(
        backend,
        {Attribute.CLASS: ObjectClass.DATA, Attribute.LABEL: handle.handle_id},
    )
    with backend._call("test record"):
        assert obj[Attribute.PRIVATE] and obj[Attribute.TOKEN]
        assert obj[Attribute.APPLICATION] == "pqpay.hsm"
        stored = bytes(obj[Attribute.VALUE])
    assert stored == handle._record.to_bytes()
    assert handle._record.sealed_seed is not None and len(handle._record.sealed_seed) == 32 + 16


def test_login_once_per_process(backend: PKCS11Backend) -> None:
    token = softhsm_token()
    again = PKCS11Backend(token.module, token_label=token.label, user_pin=token.pin)
    assert again._session is backend._session
    assert again.token_serial == backend.token_serial
    with pytest.raises(HSMError, match="PIN incorrect"):
        PKCS11Backend(token.module, token_label=token.label, user_pin="wrong")
    serial = PKCS11Backend(token.module, token_serial=backend.token_serial, user_pin=token.pin)
    assert serial._session is backend._session


def test_missing_token_module_or_library(
    backend: PKCS11Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = softhsm_token()
    with pytest.raises(HSMUnavailable, match="no token"):
        PKCS11Backend(token.module, token_label="no-such-token", user_pin="1234")
    with pytest.raises(HSMUnavailable, match="cannot load"):
        PKCS11Backend("/nonexistent/libpkcs11.so", token_label="x", user_pin="1234")
    with pytest.raises(ValueError, match="exactly one"):
        PKCS11Backend(token.module, user_pin="1234")
    monkeypatch.setitem(sys.modules, "pkcs11", None)
    with pytest.raises(HSMUnavailable, match="python-pkcs11"):
        PKCS11Backend(token.module, token_label=token.label, user_pin=token.pin)


def test_mechanism_detection(backend: PKCS11Backend) -> None:
    from pkcs11 import Mechanism

    # SoftHSM 2.6.1 offers no ML-DSA / ML-KEM: the PQ halves take the sealed-seed route.
    assert backend.pq_mechanisms == frozenset()
    assert {Mechanism.EDDSA, Mechanism.AES_GCM, Mechanism.EC_EDWARDS_KEY_PAIR_GEN} <= (
        backend._mechanisms
    )
    assert find_softhsm_module() == softhsm_token().module


def test_one_kek_per_token(backend: PKCS11Backend) -> None:
    store = KeyStore(backend)
    a = store.create(f"kek-{uuid.uuid4().hex[:8]}", Algorithm.MLKEM768)
    b = store.create(f"kek-{uuid.uuid4().hex[:8]}", Algorithm.MLDSA65_ED25519)
    assert a._record.kek_id == b._record.kek_id == backend.kek_id()


def test_concurrent_token_signing_from_fresh_backends() -> None:
    """Threads that each open their own backend (sharing the process's login) and sign with
    the same token key: the module lock keeps SoftHSM (running without mutexes) intact."""
    from concurrent.futures import ThreadPoolExecutor

    store = KeyStore(softhsm_backend())
    handle = store.create(f"threads-{uuid.uuid4().hex[:8]}", Algorithm.ED25519)

    def work(worker: int) -> list[tuple[bytes, bytes]]:
        own = KeyStore(softhsm_backend()).get(handle.handle_id)
        assert isinstance(own, SigningHandle)
        return [(b"%d/%d" % (worker, i), own.sign(b"%d/%d" % (worker, i))) for i in range(50)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [r for batch in pool.map(work, range(8)) for r in batch]
    pub = handle.public_key()
    for msg, sig in results:
        pub.verify(sig, msg)
    assert len(results) == 400
