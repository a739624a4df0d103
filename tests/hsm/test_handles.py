"""pqpay.hsm key handles, run against a real SoftHSM2 token and the software backend alike."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa

from pqpay import hsm, kem, signatures
from pqpay.exceptions import (
    HSMError,
    InvalidKey,
    InvalidSignature,
    KeyNotFound,
    KeyRetired,
    PqpayError,
    SealedKeyError,
)
from pqpay.hpke import AEAD, KDF, KEM, Suite
from pqpay.hsm import Algorithm, DecapsulationHandle, KeyHandle, KeyStore, SigningHandle
from tests._support.hsm_util import BACKENDS, make_store

LABEL = b"COMPSIG-MLDSA65-Ed25519-SHA512"
PREFIX = b"CompositeAlgorithmSignatures2025"
KEM_ALGS = [Algorithm.XWING, Algorithm.MLKEM512, Algorithm.MLKEM768, Algorithm.MLKEM1024]
HPKE_KEM = {
    Algorithm.XWING: KEM.MLKEM768_X25519,
    Algorithm.MLKEM512: KEM.MLKEM512,
    Algorithm.MLKEM768: KEM.MLKEM768,
    Algorithm.MLKEM1024: KEM.MLKEM1024,
}


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> KeyStore:
    return make_store(request.param)


def fresh_label() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def m_prime(data: bytes, ctx: bytes) -> bytes:
    """M' built here independently of pqpay (draft-ietf-lamps-pq-composite-sigs-19)."""
    return PREFIX + LABEL + bytes([len(ctx)]) + ctx + hashlib.sha512(data).digest()


def tampered(handle: KeyHandle, **changes: object) -> KeyHandle:
    """The same handle over an altered record, as if the stored record had been edited."""
    return KeyHandle._make(handle._store, dataclasses.replace(handle._record, **changes))


# --- create, list, look up -------------------------------------------------------------------


def test_create_list_lookup(store: KeyStore) -> None:
    label = fresh_label()
    sig = store.create(label, Algorithm.MLDSA65_ED25519)
    kem_handle = store.create(label + "-kem", "X-Wing")
    assert isinstance(sig, SigningHandle)
    assert isinstance(kem_handle, DecapsulationHandle)
    assert (sig.label, sig.version, sig.algorithm) == (label, 1, Algorithm.MLDSA65_ED25519)
    assert len(sig.handle_id) == 32 and sig.handle_id != kem_handle.handle_id
    assert not sig.retired
    listed = store.handles()
    assert sig in listed and kem_handle in listed
    assert store.get(sig.handle_id) is sig
    assert store.get(bytes.fromhex(sig.handle_id)) is sig
    assert store.current(label) is sig
    assert store.versions(label) == [sig]
    assert store.signer(label) is sig
    assert store.decapsulation_key(label + "-kem") is kem_handle


def test_a_second_store_sees_the_same_handles(store: KeyStore) -> None:
    label = fresh_label()
    handle = store.create(label, Algorithm.ED25519)
    other = KeyStore(store.backend)
    again = other.get(handle.handle_id)
    assert again is not handle and again.label == label
    assert isinstance(again, SigningHandle)
    assert again.public_key() == handle.public_key()
    handle.public_key().verify(again.sign(b"m"), b"m")


def test_lookup_errors(store: KeyStore) -> None:
    label = fresh_label()
    store.create(label, Algorithm.MLKEM768)
    with pytest.raises(KeyNotFound):
        store.get("00" * 16)
    with pytest.raises(KeyNotFound):
        store.current(fresh_label())
    with pytest.raises(KeyNotFound):
        store.decapsulation_key(label, version=7)
    with pytest.raises(HSMError, match="rotate"):
        store.create(label, Algorithm.MLKEM768)
    with pytest.raises(TypeError, match="not a signing key"):
        store.signer(label)
    with pytest.raises(TypeError, match="not a signing key"):
        store.verify(label, b"x" * 64, b"m")
    with pytest.raises(ValueError, match="32 hex digits"):
        store.get("abc")
    with pytest.raises(ValueError, match="16 bytes"):
        store.get(b"\x00" * 15)
    with pytest.raises(ValueError):
        store.create(fresh_label(), "RSA-2048")
    with pytest.raises(ValueError, match="1 to 128"):
        store.create("", Algorithm.ED25519)
    with pytest.raises(ValueError, match="printable"):
        store.create("a\nb", Algorithm.ED25519)
    with pytest.raises(TypeError):
        store.create(b"bytes", Algorithm.ED25519)  # type: ignore[arg-type]
    assert issubclass(KeyNotFound, LookupError) and issubclass(KeyNotFound, PqpayError)


def test_destroy(store: KeyStore) -> None:
    label = fresh_label()
    handle = store.create(label, Algorithm.MLDSA65_ED25519)
    assert isinstance(handle, SigningHandle)
    store.destroy(handle.handle_id)
    with pytest.raises(KeyNotFound):
        store.get(handle.handle_id)
    with pytest.raises(KeyNotFound):
        store.current(label)
    with pytest.raises(KeyNotFound):
        handle.sign(b"m")
    with pytest.raises(KeyNotFound):
        store.destroy(handle.handle_id)


# --- rotation --------------------------------------------------------------------------------


def test_rotation_new_versions_sign_old_ones_verify(store: KeyStore) -> None:
    label = fresh_label()
    v1 = store.create(label, Algorithm.MLDSA65_ED25519)
    assert isinstance(v1, SigningHandle)
    sig1 = v1.sign(b"order 1", b"ctx")
    v2 = store.rotate(label)
    v3 = store.rotate(label)
    assert [h.version for h in store.versions(label)] == [1, 2, 3]
    assert v1.retired and v2.retired and not v3.retired
    assert store.signer(label) is v3
    assert isinstance(v3, SigningHandle)
    sig3 = v3.sign(b"order 3", b"ctx")
    with pytest.raises(KeyRetired):
        v1.sign(b"order 4")
    assert store.verify(label, sig1, b"order 1", b"ctx") == 1
    assert store.verify(label, sig3, b"order 3", b"ctx") == 3
    with pytest.raises(InvalidSignature):
        store.verify(label, sig1, b"order 1", b"other ctx")
    keys = store.public_keys(label)
    assert sorted(keys) == [1, 2, 3] and len(set(keys.values())) == 3
    assert keys[1] == v1.public_key()
    # A fresh store over the same backend learns the retirement from the versions.
    assert KeyStore(store.backend).get(v1.handle_id).retired


def test_rotation_keeps_old_kem_versions_decapsulating(store: KeyStore) -> None:
    label = fresh_label()
    v1 = store.create(label, Algorithm.XWING)
    assert isinstance(v1, DecapsulationHandle)
    ss, ct = v1.public_key().encapsulate()
    v2 = store.rotate(label)
    assert v1.retired and store.decapsulation_key(label) is v2
    assert store.decapsulation_key(label, version=1) is v1
    assert v1.decapsulate(ct) == ss
    assert v1.public_key() != v2.public_key()


def test_rotation_may_change_algorithm(store: KeyStore) -> None:
    label = fresh_label()
    v1 = store.create(label, Algorithm.ED25519)
    assert isinstance(v1, SigningHandle)
    old_sig = v1.sign(b"m")
    v2 = store.rotate(label, Algorithm.MLDSA65_ED25519)
    assert isinstance(v2, SigningHandle)
    assert v2.algorithm is Algorithm.MLDSA65_ED25519
    assert store.verify(label, old_sig, b"m") == 1
    assert store.verify(label, v2.sign(b"m", b"ctx"), b"m", b"ctx") == 2
    assert store.verify(label, v2.sign(b"m"), b"m") == 2
    with pytest.raises(InvalidSignature):
        store.verify(label, bytes(64), b"m", b"ctx")
    with pytest.raises(ValueError, match="255"):
        store.verify(label, bytes(64), b"m", bytes(256))
    with pytest.raises(KeyNotFound):
        store.rotate(fresh_label())


# --- signing ---------------------------------------------------------------------------------


def test_ed25519_handle(store: KeyStore) -> None:
    handle = store.create(fresh_label(), Algorithm.ED25519)
    assert isinstance(handle, SigningHandle)
    pub = handle.public_key()
    assert isinstance(pub, signatures.Ed25519PublicKey)
    sig = handle.sign(b"payment 42")
    assert len(sig) == 64
    pub.verify(sig, b"payment 42")
    pyca = pyca_ed25519.Ed25519PublicKey.from_public_bytes(pub.public_bytes_raw())
    pyca.verify(sig, b"payment 42")
    with pytest.raises(InvalidSignature):
        pub.verify(sig, b"payment 43")
    with pytest.raises(ValueError, match="no context"):
        handle.sign(b"m", b"ctx")
    with pytest.raises(TypeError):
        handle.sign("text")  # type: ignore[arg-type]


@pytest.mark.parametrize("ctx", [b"", b"gateway-v1", bytes(range(255))])
def test_composite_handle_matches_pqpay_and_pyca(store: KeyStore, ctx: bytes) -> None:
    handle = store.create(fresh_label(), Algorithm.MLDSA65_ED25519)
    assert isinstance(handle, SigningHandle)
    pub = handle.public_key()
    assert isinstance(pub, signatures.MLDSA65Ed25519PublicKey)
    data = b'{"amount":"12.34","currency":"EUR"}'
    sig = handle.sign(data, ctx)
    assert len(sig) == signatures.MLDSA65Ed25519PublicKey.SIGNATURE_SIZE
    pub.verify(sig, data, ctx)
    assert signatures.verify_many([(pub, sig, data, ctx)]) == [True]
    # Each half on its own, with pyca, over an M' built independently here.
    raw = pub.public_bytes_raw()
    mp = m_prime(data, ctx)
    pyca_mldsa.MLDSA65PublicKey.from_public_bytes(raw[:1952]).verify(sig[:3309], mp, LABEL)
    pyca_ed25519.Ed25519PublicKey.from_public_bytes(raw[1952:]).verify(sig[3309:], mp)
    for bad_data, bad_ctx in ((data + b" ", ctx), (data, ctx + b"x" if len(ctx) < 255 else b"")):
        with pytest.raises(InvalidSignature):
            pub.verify(sig, bad_data, bad_ctx)


def test_composite_signatures_are_hedged(store: KeyStore) -> None:
    handle = store.create(fresh_label(), Algorithm.MLDSA65_ED25519)
    assert isinstance(handle, SigningHandle)
    a, b = handle.sign(b"m"), handle.sign(b"m")
    assert a[:3309] != b[:3309]  # fresh ML-DSA randomness
    assert a[3309:] == b[3309:]  # Ed25519 is deterministic


def test_composite_bad_context(store: KeyStore) -> None:
    handle = store.create(fresh_label(), Algorithm.MLDSA65_ED25519)
    assert isinstance(handle, SigningHandle)
    with pytest.raises(ValueError, match="255"):
        handle.sign(b"m", b"x" * 256)


def test_handles_are_signers_for_verify_many(store: KeyStore) -> None:
    handles = [store.create(fresh_label(), alg) for alg in (Algorithm.ED25519,) * 2]
    items = []
    for h in handles:
        assert isinstance(h, SigningHandle)
        items.append((h.public_key(), h.sign(b"batch"), b"batch"))
    assert signatures.verify_many(items) == [True, True]


# --- sealed seeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("alg", [Algorithm.MLDSA65_ED25519, *KEM_ALGS], ids=str)
def test_sealed_seed_is_bound_to_id_algorithm_and_version(store: KeyStore, alg: Algorithm) -> None:
    handle = store.create(fresh_label(), alg)
    rec = handle._record
    assert rec.sealed_seed is not None and rec.nonce is not None
    flipped = bytes([rec.sealed_seed[0] ^ 1]) + rec.sealed_seed[1:]
    other_nonce = bytes([rec.nonce[0] ^ 1]) + rec.nonce[1:]
    same_size_alg = {Algorithm.MLKEM768: Algorithm.MLKEM512}.get(alg, Algorithm.MLKEM1024)
    for changes in (
        {"version": rec.version + 1},
        {"handle_id": bytes(16)},
        {"sealed_seed": flipped},
        {"sealed_seed": rec.sealed_seed[:-1]},
        {"nonce": other_nonce},
        {"algorithm": same_size_alg, "public_key": b""} if alg.value.startswith("ML-KEM") else {},
    ):
        if not changes:
            continue
        bad = tampered(handle, **changes)
        with pytest.raises(SealedKeyError):
            if isinstance(bad, SigningHandle):
                bad.sign(b"m")
            else:
                assert isinstance(bad, DecapsulationHandle)
                bad.decapsulate(
                    b"\x00" * kem.PUBLIC_KEY_CLASSES[bad.algorithm.value].CIPHERTEXT_SIZE
                )
    # The untouched record still works.
    if isinstance(handle, SigningHandle):
        handle.public_key().verify(handle.sign(b"m"), b"m")


def test_sealed_seed_must_match_the_record_public_key(store: KeyStore) -> None:
    a = store.create(fresh_label(), Algorithm.MLDSA65_ED25519)
    b = store.create(fresh_label(), Algorithm.MLDSA65_ED25519)
    swapped = tampered(a, public_key=b._record.public_key)
    assert isinstance(swapped, SigningHandle)
    with pytest.raises(SealedKeyError, match="public key"):
        swapped.sign(b"m")
    k1 = store.create(fresh_label(), Algorithm.XWING)
    k2 = store.create(fresh_label(), Algorithm.XWING)
    swapped_kem = tampered(k1, public_key=k2._record.public_key)
    assert isinstance(swapped_kem, DecapsulationHandle)
    with pytest.raises(SealedKeyError, match="public key"):
        swapped_kem.decapsulate(bytes(1120))


def test_a_record_from_another_backend_does_not_open() -> None:
    a, b = make_store("software"), make_store("software")
    handle = a.create(fresh_label(), Algorithm.MLKEM768)
    foreign = KeyHandle._make(b, handle._record)
    assert isinstance(foreign, DecapsulationHandle)
    with pytest.raises(SealedKeyError):
        foreign.decapsulate(bytes(1088))


# --- decapsulation ---------------------------------------------------------------------------


@pytest.mark.parametrize("alg", KEM_ALGS, ids=str)
def test_decapsulation_round_trip_and_hpke(store: KeyStore, alg: Algorithm) -> None:
    handle = store.create(fresh_label(), alg)
    assert isinstance(handle, DecapsulationHandle)
    pub = handle.public_key()
    assert isinstance(pub, kem.KEMPublicKey) and alg.value == pub.ALGORITHM
    ss, ct = pub.encapsulate()
    assert handle.decapsulate(ct) == ss
    with pytest.raises(ValueError, match=f"{pub.CIPHERTEXT_SIZE} bytes"):
        handle.decapsulate(ct[:-1])

    suite = Suite(HPKE_KEM[alg], KDF.HKDF_SHA256, AEAD.AES_256_GCM)
    enc, sealed = suite.seal(pub, b'{"pan":"4111111111111111"}', info=b"app", aad=b"order-1")
    assert suite.open(handle, enc, sealed, info=b"app", aad=b"order-1") == (
        b'{"pan":"4111111111111111"}'
    )
    enc, sender = suite.setup_sender(pub, info=b"ctx")
    receiver = suite.setup_receiver(handle, enc, info=b"ctx")
    for i in range(3):
        assert receiver.open(sender.seal(b"msg %d" % i)) == b"msg %d" % i
    assert receiver.export(b"e", 32) == sender.export(b"e", 32)


def test_hpke_refuses_a_handle_of_another_kem(store: KeyStore) -> None:
    handle = store.create(fresh_label(), Algorithm.MLKEM768)
    suite = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
    with pytest.raises(InvalidKey, match="ML-KEM-768"):
        suite.open(handle, bytes(1120), bytes(32))


# --- hygiene ---------------------------------------------------------------------------------


def test_repr_shows_no_secret(store: KeyStore) -> None:
    for alg in (Algorithm.MLDSA65_ED25519, Algorithm.XWING):
        handle = store.create(fresh_label(), alg)
        rec = handle._record
        assert rec.sealed_seed is not None
        text = repr(handle) + repr(store) + repr(store.backend) + repr(rec)
        for secretish in (rec.sealed_seed.hex(), rec.sealed_seed.hex()[:16], rec.to_bytes()):
            assert str(secretish) not in text
        assert handle.handle_id in repr(handle) and handle.label in repr(handle)
        assert "sealed" not in text and "seed" not in text
        for obj in (handle, store, store.backend):
            with pytest.raises(TypeError):
                pickle.dumps(obj)
    with pytest.raises(TypeError):
        SigningHandle()
    if isinstance(store.backend, hsm.SoftwareBackend):
        kek = store.backend._kek
        assert kek.hex() not in repr(store.backend)


# --- threads ---------------------------------------------------------------------------------


def test_concurrent_signing(store: KeyStore) -> None:
    """8 threads x 50 signatures on shared handles; every signature verifies."""
    composite = store.create(fresh_label(), Algorithm.MLDSA65_ED25519)
    ed = store.create(fresh_label(), Algorithm.ED25519)
    xwing = store.create(fresh_label(), Algorithm.XWING)
    assert isinstance(composite, SigningHandle) and isinstance(ed, SigningHandle)
    assert isinstance(xwing, DecapsulationHandle)
    ss, ct = xwing.public_key().encapsulate()
    start = threading.Barrier(8)

    def work(worker: int) -> list[tuple[SigningHandle, bytes, bytes]]:
        start.wait()
        out = []
        for i in range(50):
            msg = b"worker %d message %d" % (worker, i)
            handle = composite if i % 2 else ed
            out.append((handle, msg, handle.sign(msg)))
            if i % 10 == 0:
                assert xwing.decapsulate(ct) == ss
        return out

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [r for batch in pool.map(work, range(8)) for r in batch]
    assert len(results) == 400
    items = [(h.public_key(), sig, msg) for h, msg, sig in results]
    assert signatures.verify_many(items) == [True] * 400


def _token_key_count(store: KeyStore) -> int:
    backend = store.backend
    if isinstance(backend, hsm.SoftwareBackend):
        return len(backend._ed)
    from pkcs11 import Attribute, ObjectClass

    assert isinstance(backend, hsm.PKCS11Backend)
    with backend._call("test count") as session:
        return len(list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})))


def test_failed_create_leaves_no_key_behind(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _token_key_count(store)

    def refuse(handle_id: bytes, record: bytes) -> None:
        raise HSMError("token full")

    monkeypatch.setattr(store.backend, "store_record", refuse)
    label = fresh_label()
    with pytest.raises(HSMError, match="token full"):
        store.create(label, Algorithm.MLDSA65_ED25519)
    monkeypatch.undo()
    assert _token_key_count(store) == before
    with pytest.raises(KeyNotFound):
        store.current(label)


@pytest.mark.parametrize("alg", [Algorithm.MLDSA65_ED25519, Algorithm.XWING], ids=str)
def test_opened_seeds_are_wiped_after_use(
    store: KeyStore, alg: Algorithm, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = store.create(fresh_label(), alg)
    opened: list[bytes | bytearray] = []
    real = store.backend.unseal

    def spy(*args: bytes) -> bytes | bytearray:
        seed = real(*args)
        opened.append(seed)
        return seed

    monkeypatch.setattr(store.backend, "unseal", spy)
    if isinstance(handle, SigningHandle):
        handle.public_key().verify(handle.sign(b"m"), b"m")
    else:
        assert isinstance(handle, DecapsulationHandle)
        ss, ct = handle.public_key().encapsulate()
        assert handle.decapsulate(ct) == ss
    assert len(opened) == 1 and len(opened[0]) in (32, 64)
    if isinstance(opened[0], bytearray):
        assert opened[0] == bytearray(len(opened[0]))
    else:
        # python-pkcs11's own bytes (issue 12, S-6): unwipeable, handed on uncopied.
        assert isinstance(store.backend, hsm.PKCS11Backend) and type(opened[0]) is bytes
