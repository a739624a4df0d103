"""COSE_Sign1 (RFC 9052) in pqpay.payments: round trips for every algorithm, structure checked
with cbor2, detached payloads, external AAD, tampering, algorithm confusion and strict
decoding; pyca/cryptography ML-DSA and Ed25519 signatures over our Sig_structure."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa

import vectors
from pqpay import _cbor, payments, signatures
from pqpay.exceptions import EncodingError, InvalidSignature, UnsupportedAlgorithm

# cbor2 (the test extra) is the independent CBOR implementation these tests check against;
# CI must have it, a bare local run skips.
cbor2: Any = __import__("cbor2") if vectors.vectors_required() else pytest.importorskip("cbor2")

ALGS = sorted(payments.ALGORITHMS)
PAYLOAD = b'{"amount":1250,"currency":"EUR","id":"pay_1"}'


def _key(algorithm: str) -> signatures.SignaturePrivateKey[Any]:
    return signatures.PRIVATE_KEY_CLASSES[algorithm].generate()


_KEYS: dict[str, signatures.SignaturePrivateKey[Any]] = {}


def key(algorithm: str) -> signatures.SignaturePrivateKey[Any]:
    if algorithm not in _KEYS:
        _KEYS[algorithm] = _key(algorithm)
    return _KEYS[algorithm]


def _sig_structure(protected: bytes, aad: bytes, payload: bytes) -> bytes:
    """The RFC 9052 §4.4 Sig_structure, encoded by cbor2 (independent of pqpay)."""
    out: bytes = cbor2.dumps(["Signature1", protected, aad, payload])
    return out


def _resign(sk: Any, protected: bytes, unprotected: dict[Any, Any], payload: bytes) -> bytes:
    """A COSE_Sign1 built with cbor2 around any protected bytes, validly signed by ``sk``."""
    sig = sk.sign(_sig_structure(protected, b"", payload))
    out: bytes = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, sig]))
    return out


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ALGS)
def test_round_trip_and_structure(algorithm: str) -> None:
    sk = key(algorithm)
    pk = sk.public_key()
    alg = payments.ALGORITHMS[algorithm]
    msg = payments.sign_cose(sk, PAYLOAD, kid=b"gw-1", external_aad=b"order-42")
    assert payments.verify_cose(pk, msg, external_aad=b"order-42") == PAYLOAD

    tag = cbor2.loads(msg)
    assert isinstance(tag, cbor2.CBORTag) and tag.tag == 18
    protected, unprotected, payload, sig = tag.value
    assert cbor2.loads(protected) == {1: alg.cose, 4: b"gw-1"}
    assert unprotected == {} and payload == PAYLOAD
    assert len(sig) <= type(pk).SIGNATURE_SIZE
    # The signature covers cbor2's own encoding of the Sig_structure.
    pk.verify(sig, _sig_structure(protected, b"order-42", PAYLOAD))
    # Our encoding is deterministic CBOR: cbor2's canonical re-encoding is byte-identical.
    assert cbor2.dumps(tag, canonical=True) == msg
    assert cbor2.dumps(cbor2.loads(protected), canonical=True) == protected

    decoded = payments.decode_cose(msg)
    assert decoded.alg == alg.cose and decoded.kid == b"gw-1"
    assert decoded.protected == protected and decoded.payload == PAYLOAD


@pytest.mark.parametrize("algorithm", ALGS)
def test_cbor2_built_message_verifies(algorithm: str) -> None:
    sk = key(algorithm)
    protected = cbor2.dumps({1: payments.ALGORITHMS[algorithm].cose})
    msg = _resign(sk, protected, {4: b"unprotected-kid"}, PAYLOAD)
    assert payments.verify_cose(sk.public_key(), msg) == PAYLOAD
    assert payments.decode_cose(msg).kid == b"unprotected-kid"


@pytest.mark.parametrize("algorithm", ["ML-DSA-65", "MLDSA65-Ed25519-SHA512", "Ed25519"])
def test_detached_payload(algorithm: str) -> None:
    sk = key(algorithm)
    pk = sk.public_key()
    msg = payments.sign_cose(sk, PAYLOAD, detached=True)
    assert cbor2.loads(msg).value[2] is None
    assert payments.decode_cose(msg).payload is None
    assert payments.verify_cose(pk, msg, detached_payload=PAYLOAD) == PAYLOAD
    with pytest.raises(InvalidSignature):
        payments.verify_cose(pk, msg, detached_payload=PAYLOAD + b" ")
    with pytest.raises(ValueError, match="detached"):
        payments.verify_cose(pk, msg)
    attached = payments.sign_cose(sk, PAYLOAD)
    with pytest.raises(ValueError, match="carries its payload"):
        payments.verify_cose(pk, attached, detached_payload=PAYLOAD)
    # The detached and attached forms sign the same Sig_structure.
    sig = cbor2.loads(msg).value[3]
    protected = cbor2.loads(msg).value[0]
    pk.verify(sig, _sig_structure(protected, b"", PAYLOAD))


def test_external_aad_and_empty_payload() -> None:
    sk = key("ML-DSA-44")
    pk = sk.public_key()
    msg = payments.sign_cose(sk, b"", external_aad=b"aad")
    assert payments.verify_cose(pk, msg, external_aad=b"aad") == b""
    for aad in (b"", b"aad ", b"AAD"):
        with pytest.raises(InvalidSignature):
            payments.verify_cose(pk, msg, external_aad=aad)


def test_no_kid_and_empty_unprotected() -> None:
    sk = key("Ed25519")
    msg = payments.sign_cose(sk, PAYLOAD)
    assert cbor2.loads(cbor2.loads(msg).value[0]) == {1: -8}
    assert payments.decode_cose(msg).kid is None


def test_sign_many() -> None:
    sk = key("MLDSA65-Ed25519-SHA512")
    pk = sk.public_key()
    payloads = [PAYLOAD + bytes([i]) for i in range(20)]
    msgs = payments.sign_cose_many(sk, payloads, kid=b"k", external_aad=b"a")
    assert len(msgs) == 20
    for payload, msg in zip(payloads, msgs, strict=True):
        assert payments.verify_cose(pk, msg, external_aad=b"a") == payload
    assert payments.sign_cose_many(sk, []) == []


class _PlainSigner:
    """A signer with only public_key() and sign(): the shape an HSM handle has."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    def public_key(self) -> signatures.SignaturePublicKey:
        pub: signatures.SignaturePublicKey = self.inner.public_key()
        return pub

    def sign(self, data: bytes, context: bytes = b"") -> bytes:
        self.calls += 1
        assert context == b""
        sig: bytes = self.inner.sign(data, context)
        return sig


def test_any_signer() -> None:
    inner = key("MLDSA65-Ed25519-SHA512")
    signer = _PlainSigner(inner)
    assert isinstance(signer, payments.Signer)
    msgs = payments.sign_cose_many(signer, [b"a", b"b", b"c"])
    assert signer.calls == 3
    assert [payments.verify_cose(inner.public_key(), m) for m in msgs] == [b"a", b"b", b"c"]


def test_not_a_signer() -> None:
    with pytest.raises(TypeError, match="signer"):
        payments.sign_cose(object(), PAYLOAD)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        payments.verify_cose(key("Ed25519"), payments.sign_cose(key("Ed25519"), b"x"))  # type: ignore[arg-type]


def test_unsupported_algorithm() -> None:
    sk = signatures.SLHDSASHA2_128fPrivateKey.generate()
    with pytest.raises(UnsupportedAlgorithm, match="SLH-DSA-SHA2-128f"):
        payments.sign_cose(sk, PAYLOAD)
    with pytest.raises(UnsupportedAlgorithm):
        payments.verify_cose(sk.public_key(), payments.sign_cose(key("Ed25519"), b"x"))


# --- cross-implementation: pyca signs, pqpay verifies ----------------------------------------


def test_pyca_mldsa65_signature_verifies() -> None:
    pyca_sk = pyca_mldsa.MLDSA65PrivateKey.generate()
    pk = signatures.MLDSA65PublicKey.from_public_bytes(pyca_sk.public_key().public_bytes_raw())
    protected = cbor2.dumps({1: -49, 4: b"pyca"})
    sig = pyca_sk.sign(_sig_structure(protected, b"", PAYLOAD))
    msg = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, PAYLOAD, sig]))
    assert payments.verify_cose(pk, msg) == PAYLOAD
    # ... and ours verifies under pyca.
    ours = signatures.MLDSA65PrivateKey.from_seed_bytes(bytes(range(32)))
    mine = cbor2.loads(payments.sign_cose(ours, PAYLOAD)).value
    pyca_pk = pyca_mldsa.MLDSA65PublicKey.from_public_bytes(ours.public_key().public_bytes_raw())
    pyca_pk.verify(mine[3], _sig_structure(mine[0], b"", PAYLOAD))


def test_pyca_ed25519_signature_verifies() -> None:
    pyca_sk = pyca_ed25519.Ed25519PrivateKey.generate()
    pk = signatures.Ed25519PublicKey.from_public_bytes(pyca_sk.public_key().public_bytes_raw())
    for alg in (-8, -19):  # EdDSA and the fully-specified Ed25519 (RFC 9864)
        protected = cbor2.dumps({1: alg})
        sig = pyca_sk.sign(_sig_structure(protected, b"", PAYLOAD))
        msg = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, PAYLOAD, sig]))
        assert payments.verify_cose(pk, msg) == PAYLOAD


# --- tampering -------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["MLDSA44-Ed25519-SHA512", "Ed25519"])
def test_every_byte_flip_fails(algorithm: str) -> None:
    sk = key(algorithm)
    pk = sk.public_key()
    msg = payments.sign_cose(sk, PAYLOAD, kid=b"kid", external_aad=b"aad")
    for i in range(len(msg)):
        for bit in (0x01, 0x80):
            bad = bytearray(msg)
            bad[i] ^= bit
            with pytest.raises((InvalidSignature, EncodingError)):
                payments.verify_cose(pk, bytes(bad), external_aad=b"aad")


def test_every_truncation_and_extension_fails() -> None:
    sk = key("Ed25519")
    msg = payments.sign_cose(sk, PAYLOAD)
    for n in range(len(msg)):
        with pytest.raises(EncodingError):
            payments.verify_cose(sk.public_key(), msg[:n])
    with pytest.raises(EncodingError, match="trailing"):
        payments.verify_cose(sk.public_key(), msg + b"\x00")


def test_wrong_key_fails() -> None:
    msg = payments.sign_cose(key("ML-DSA-65"), PAYLOAD)
    with pytest.raises(InvalidSignature):
        payments.verify_cose(_key("ML-DSA-65").public_key(), msg)


# --- algorithm confusion ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "header_alg"),
    [
        ("ML-DSA-65", -48),
        ("ML-DSA-65", -58),
        ("ML-DSA-65", -7),
        ("MLDSA65-Ed25519-SHA512", -49),
        ("MLDSA65-Ed25519-SHA512", -8),
        ("MLDSA65-ECDSA-P256-SHA512", -58),
        ("Ed25519", -48),
        ("Ed25519", -53),
        ("Ed448", -19),
        ("Ed25519", 48),
    ],
)
def test_header_alg_must_match_key(algorithm: str, header_alg: int) -> None:
    """A message validly signed by the key but labelled with another algorithm fails."""
    sk = key(algorithm)
    msg = _resign(sk, cbor2.dumps({1: header_alg}), {}, PAYLOAD)
    with pytest.raises(InvalidSignature):
        payments.verify_cose(sk.public_key(), msg)


@pytest.mark.parametrize(
    ("protected", "unprotected", "needle"),
    [
        ({}, {}, "no alg"),
        ({4: b"k"}, {1: -8}, "protected header"),
        ({1: "EdDSA"}, {}, "integer"),
        ({1: True}, {}, "integer"),
        ({1: -8, 2: [4]}, {}, "crit"),
        ({1: -8}, {2: [4]}, "crit"),
        ({1: -8, 4: b"k"}, {4: b"k"}, "both"),
        ({1: -8, 4: "text kid"}, {}, "kid"),
        ({1: -8}, {4: 7}, "kid"),
    ],
)
def test_bad_headers(protected: dict[Any, Any], unprotected: dict[Any, Any], needle: str) -> None:
    sk = key("Ed25519")
    msg = _resign(sk, cbor2.dumps(protected) if protected else b"", unprotected, PAYLOAD)
    with pytest.raises(EncodingError, match=needle):
        payments.verify_cose(sk.public_key(), msg)


def test_protected_bytes_used_exactly_as_received() -> None:
    """A protected header in non-deterministic key order is signed and verified as sent; the
    same header re-encoded (sorted) no longer matches the signature."""
    sk = key("Ed25519")
    unsorted = b"\xa2\x04\x41k\x01\x27"  # {4: h'6b', 1: -8}
    assert cbor2.loads(unsorted) == {1: -8, 4: b"k"}
    msg = _resign(sk, unsorted, {}, PAYLOAD)
    assert payments.decode_cose(msg).protected == unsorted
    assert payments.verify_cose(sk.public_key(), msg) == PAYLOAD
    sig = cbor2.loads(msg).value[3]
    resorted = cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -8, 4: b"k"}), {}, PAYLOAD, sig]))
    with pytest.raises(InvalidSignature):
        payments.verify_cose(sk.public_key(), resorted)


# --- strict decoding -------------------------------------------------------------------------


def _body(*items: bytes) -> bytes:
    return _cbor.head(4, len(items)) + b"".join(items)


def test_strict_decoding() -> None:
    sk = key("Ed25519")
    good = payments.sign_cose(sk, PAYLOAD)
    protected, _, payload, sig = cbor2.loads(good).value
    p, u, pl, s = (cbor2.dumps(x) for x in (protected, {}, payload, sig))
    cases: list[tuple[bytes, str]] = [
        (b"", "tag 18"),
        (good[1:], "tag 18"),  # untagged
        (b"\xd8\x12" + good[1:], "tag 18"),  # tag 18 in a non-shortest head
        (b"\xd1" + good[1:], "tag 18"),  # COSE_Mac0's tag
        (b"\xd2\x9f" + p + u + pl + s + b"\xff", "indefinite"),
        (b"\xd2" + _body(p, u, pl), "array of 4"),
        (b"\xd2" + _body(p, u, pl, s, s), "array of 4"),
        (b"\xd2" + cbor2.dumps({1: 2}), "array of 4"),
        (b"\xd2" + _body(cbor2.dumps({1: -8}), u, pl, s), "protected header must be a byte"),
        (b"\xd2" + _body(p, cbor2.dumps([]), pl, s), "unprotected header must be a CBOR map"),
        (b"\xd2" + _body(p, u, cbor2.dumps(PAYLOAD.decode()), s), "payload"),
        (b"\xd2" + _body(p, u, b"\xf5", s), "payload"),
        (b"\xd2" + _body(p, u, pl, b"\xf6"), "signature"),
        (b"\xd2" + _body(p, u, b"\x5f" + pl + b"\xff", s), "indefinite"),
        (b"\xd2" + _body(p, u, pl, s) + b"\x00", "trailing"),
        (b"\xd2" + _body(p, b"\xa1\x04\xc1\x41k", pl, s), "tag"),
        (b"\xd2" + _body(p, b"\xa1\x04\xfb" + bytes(8), pl, s), "float"),
        (b"\xd2" + _body(p, b"\xa2\x04\x41k\x04\x41k", pl, s), "twice"),
        (b"\xd2" + _body(cbor2.dumps(b"\x81\x01"), u, pl, s), "protected header must be a"),
        (b"\xd2" + _body(cbor2.dumps(b"\xa1\x01\x27\x00"), u, pl, s), "trailing"),
        (b"\xd2" + _body(cbor2.dumps(b"\xa1\x01\x38\x07"), u, pl, s), "shortest"),
        (b"\xd2" + _body(p, b"\xa1\xf6\x00", pl, s), "label"),
    ]
    for data, needle in cases:
        with pytest.raises(EncodingError, match=needle):
            payments.decode_cose(data)
        with pytest.raises(EncodingError):
            payments.verify_cose(sk.public_key(), data)
    with pytest.raises(TypeError):
        payments.decode_cose("text")  # type: ignore[arg-type]


def test_deep_unprotected_header_is_refused() -> None:
    sk = key("Ed25519")
    good = cbor2.loads(payments.sign_cose(sk, PAYLOAD)).value
    deep = b"\xa1\x21" + b"\x81" * 50 + b"\x00"
    data = b"\xd2" + _body(cbor2.dumps(good[0]), deep, cbor2.dumps(good[2]), cbor2.dumps(good[3]))
    with pytest.raises(EncodingError, match="nesting"):
        payments.decode_cose(data)
