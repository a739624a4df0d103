"""COSE_Sign1 (RFC 9052) in pqpay.payments: round trips for every algorithm, structure checked
with cbor2, detached payloads, external AAD, tampering, algorithm confusion and strict
decoding; pyca/cryptography ML-DSA and Ed25519 signatures over our Sig_structure."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa
from hypothesis import given
from hypothesis import strategies as st

from pqpay import _cbor, payments, signatures
from pqpay.exceptions import EncodingError, InvalidSignature, UnsupportedAlgorithm
from tests._support import vector_sources

# cbor2 (the test extra) is the independent CBOR implementation these tests check against;
# CI must have it, a bare local run skips.
cbor2: Any = (
    __import__("cbor2") if vector_sources.vectors_required() else pytest.importorskip("cbor2")
)

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


# --- the cose-wg ML-DSA example ---------------------------------------------------------------

# github.com/cose-wg/draft-ietf-cose-dilithium examples/cose/examples/ML_DSA_44.cose.json
# (commit e6698b66305ae76d9f0f69547620a4332c951645): "sign1" and "raw_to_be_signed", made with
# the all-zero seed; the kid is the key's RFC 9679 thumbprint.
COSE_WG_ML_DSA_44_SIGN1 = (
    "d2845827a201382f045820b8969ab4b37da9f0684e42647eb8a0be8b5b661ebf5d76f0583bf5b8d3a8059aa0"
    "581d68656c6c6f20706f7374207175616e74756d207369676e6174757265735909742657237b7520fd4cb880"
    "3f69a6e4ab613f4816420cd38e6474e548a370c6f0a18851ce8b7bb1b43c658b795303d0f22d23aad9afc707"
    "7877ab77d7cc92947bcf800e09626d7ceb809f74d2dc435200b272ecc92a993901087a42eaeaa6b9009df00f"
    "26055e6032ccca2995bf9c455e93c95adb9dda970ba07d778a9b4950169b289a86ec272bb810f9506b960941"
    "fa4ac804de49cb80f9bd54f51adef76670c06f94bf948ad7675ab28aa3254944753aac0cdbd8594752a43855"
    "2e846fb476be3e31df0c91222db5e5d70bddb05b624a78103654d4e9ec514f6be91cfe8fa3b8529b2659a89e"
    "70227f35d0059362ed51c7523bf4a8ca7ceb0da6216bea77576548cd98f5ad6f87326facc8b308debce4461f"
    "1f2c4b190bd4950eec52cb66da70c9913e8a476826a0ea05edd8f2d3ca53e485ffcebc4e7ae33aeeb1d8dc3e"
    "e6b8d09cea138377ceeaed4fef57d868c16311e18c64b9df501791a6142085083850b3ad2e74901298c09b7f"
    "c4d87a660031e955b39cf9e6fbbe3cae5b36360f6b61f904771d55d542fbc68be5468738f5b8c44eb624da53"
    "5a112c0266f79b9ae7ac996feab2c5874c65f59a72bf671b568d06e57b89f6fa168f48050f869e9fe0b95490"
    "487597e1746d7f54ef04eca32710bd4655a2269fd9afdfa0c7630c09ad59273d5d76f6bc026b623e5fee4fe3"
    "978efb4fdc5f905d8a346259cad9cd8ad826cdea818fcca6804bd78ddddb70d46d723ec63980fe7bb2eb8dab"
    "84692cb6f6a560eb80381dc0d5ded38d1de896772702f99637f6b9a9b207be86e2a401187bb250f68230f784"
    "0ecf9787bb6073e2e29f1287cd73bdf1dae8302fcf23f942305c4c9807aba037af66f8b278003c98a30084f9"
    "ad3f2e4c4b31eb1b3f20170c70f0310f71932a4e0065a2bd79eedc70e59f9cc261aed96fd7ebec86be249078"
    "9ad0dffc76f4cccc28ed675a769edf9f8d6e9fd78d59393687fb19b641626f70bbed7c6496a3a1393be6751f"
    "533e7af8f20f9ef32c7b58b231feb4231aa407ecf5e0be7921c449a537ab58871b4cef2f8b1212b189ddc9e2"
    "07b0ebe8135be534b30f25ce0aa33371a94971da4b6b78bb2cb708035b539f3706348d1f6ef0e2ab9c741f1f"
    "fce5bd34c20c2ded6272c583188d2f48404cbd10f6aa759fecb1e5b87c755573db0d86ef17fecd7231179f47"
    "a19b0bcdafadad9a8b20dfe1d2792cc2d78d13c76722739d6c31563bc938fb07a0bc5d96d3a4e852141815b5"
    "26ac74fa210c48ce1e2ffa3faa682191aea55a476a6cd7e0ab42902180b1444a2e08302c17608b5831daa4c4"
    "008dbb54f0b4ce566c069ed48d4a9c5b542816f3156cde0d7323bb071cccc98ee35672248e873b5907d02a15"
    "3a57e5777c6767fd75e833df46813c2abe44dc6492e8de4487f4fa1d1377d4ae273d28869c6630ba4865e656"
    "76d9dc9ca0998a0082e95c78314d543068f6fd38a27bdbc98f8b5fefa21e704e4bc8ac7ed46ea5c03eb700cf"
    "0e549b8a1c50b5d051bd7c2588938f7c9f5499e7b95430b1e567a2e36b4a55252829d7fb319c7edab4e19108"
    "fa2a784c96ec1027f19f571448132b6c8c4441a7a7488ddda530b84ba0221120c95311eab37660b1329a7036"
    "5117eebbb7e0240cc5052ec723e0121c2a175053c762b88943ac7b965d10239c4b8f8d39a1a57ace097a1631"
    "c7e93c36abc8a085a21a18a14b621cff49369707891e06e508e41970b26490c8f5c038bcb2e62a72d24591f5"
    "63c42fed3dfa3539f75dacbc7918919642220a01da483a2c0413360e424c6cc30dfc502858a57ffdc20d30bb"
    "57c1659a7d4beb6794c4675524e813a27e3807547d0bc16e91242d7925b01f0a8cf03f5c6e867710373ad02e"
    "53816f82a21b2c9f359e7d586ec0590c0a1780a6755e1723981ebd866d251e20a0a5b2dc08e05beb325797aa"
    "7c2746596c534964cc751ff341d49e39c8b6f8a903549779189c5732b841abde352eddff9ffb67f20b9c27d3"
    "0078994ac96c8250b3428c65a714c05c91c897a18ee58f908557062bd733444a9d73ed89a637c62143e46e1c"
    "b3723c6a8fd2df0d90d03b6cdfb4e6c033f67c51a803b6eaea79e0ecfe4a3b22c5dc951d51683ea716149958"
    "c59ab43f1085d8e5896aa3c8d972d54998d3de2b27c2d67e0059b78dff6f804cd491dfae0308b4c8983ea1c5"
    "74b4414df8ca772fbb60dc49249f8dbab9c43357016893f7a4b2eb28c0a8de635157b717e20ad60d5a52d37e"
    "2ebf5b87dcdcccddd1f40825d56b948e60015118e8988f6000dd157ce92a0f0ec1d5459890317ee861a0d29f"
    "7305331047886e1918b8438d1df534e685c93f2f11317b000b0bd7da766e5f1d4a0816a7af878be4c8dc8fdd"
    "208abd5c7f98aa0e882772387ef5032f60e71a7c1c630a8eacdde2a7c5e86277b20e1317cd8b9892e8509647"
    "d55143dccca07ffdd678d5856eaab93f55df72ff4c909146de54393aeed095cbd9fc1a24b7f7950cb80eb423"
    "ed114cdc21e59593b2a5fcbbdf1613810fd63c8dd45e39bc5bd02d71328cfea87d2deadda75089ca7d4529e0"
    "b5b64fb887fc38cb9531033386255c6a155af95447b2154354e6d163b752bef91f248b5068f3e620365c8c49"
    "7cfcbe61930d0cf08387308310f485bfa23c31bf2d01900e801352a388c97212ef58b6a81f5082f08831433a"
    "7ca8c0df910cc462b36d61f532325eeee540547b6c07c738b010daf7384f8cf01975761101e556e8639848df"
    "d049ee5360bb9b62bb38aef0fc84970dad3e78c0f3413573042abe52805b5aec545bcb43142f5d44a9c1d2b6"
    "cdf3ded20907f02ebc78e78f598beadd0fc1faa676560edffbd7a83b61795bc29b6fbe4c7c6e9097139dbb85"
    "b54a8b446a37f2fd6a7db528f1c5da5fe367823f8fa39adae0bd23196f689059e2de3cfcbaad6bec71046415"
    "6cd72be70d5950075953286feb605f6898746586750e3aef767b0e80136453c1ab388ff5462bfc0316ed7893"
    "7ea235dd883e9fedbd66f9060b542272ac9747fe3109a27a89403fc1c2380ccb1e3f199077582aa565fba462"
    "1092c5665f2f7803f5ecfdaf86878ec045a780ea3751bd32333cd02fef8b4eb9386f51fa7a5f3bb81c55fb0d"
    "e38c905ba4002dadfcc5123bf561bef2d32c40577dc487736162c69444279d917abd0d2320fb715299c1043d"
    "efb582a20fec3190a6c0e484360910388889c122c4a13adc73031a0969e3c1a9008d8467c4c4d59c848d9ca2"
    "441ec57b02034fd5872b4cf75185d5fb14e6af1aead0e1727db42db39877f01d674558f7b59b0e0f10363e3f"
    "505d82a7c0c7cadd1618233541424f57596476777d80a6b8dfe6eefcfd0515196c8e99c3cfd2ebf2020b0c16"
    "202b3337484e525657a4b5bec3cad2d4d5d6dd00000000000000000000000e232e45"
)
COSE_WG_ML_DSA_44_TBS = (
    "846a5369676e6174757265315827a201382f045820b8969ab4b37da9f0684e42647eb8a0be8b5b661ebf5d76f0"
    "583bf5b8d3a8059a40581d68656c6c6f20706f7374207175616e74756d207369676e617475726573"
)


def test_cose_wg_ml_dsa_44_example() -> None:
    from pqpay import jose
    from pqpay.payments import cose as _cose

    data = bytes.fromhex(COSE_WG_ML_DSA_44_SIGN1)
    pk = signatures.MLDSA44PrivateKey.from_seed_bytes(bytes(32)).public_key()
    assert payments.verify_cose(pk, data) == b"hello post quantum signatures"
    message = payments.decode_cose(data)
    assert message.alg == -48
    assert message.kid == jose.cose_key_thumbprint(pk)
    assert message.unprotected_header == {}
    tbs = _cose.sig_structure(message.protected, b"", b"hello post quantum signatures")
    assert tbs == bytes.fromhex(COSE_WG_ML_DSA_44_TBS)
    # An ML-DSA-44 message never verifies under a key of another parameter set.
    with pytest.raises(InvalidSignature):
        payments.verify_cose(signatures.MLDSA65PrivateKey.generate().public_key(), data)
    bad = bytearray(data)
    bad[-1] ^= 1
    with pytest.raises(InvalidSignature):
        payments.verify_cose(pk, bytes(bad))


def test_option_types() -> None:
    sk = key("Ed25519")
    with pytest.raises(TypeError, match="kid must be bytes-like"):
        payments.sign_cose(sk, PAYLOAD, kid="text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="payload must be bytes-like"):
        payments.sign_cose(sk, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="external_aad must be bytes-like"):
        payments.sign_cose(sk, PAYLOAD, external_aad="aad")  # type: ignore[arg-type]
    msg = payments.sign_cose(sk, PAYLOAD, kid=bytearray(b"k"), external_aad=memoryview(b"a"))
    assert payments.verify_cose(sk.public_key(), bytearray(msg), external_aad=b"a") == PAYLOAD


@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    pk = key("Ed25519").public_key()
    for candidate in (data, b"\xd2" + data, b"\xd2\x84" + data):
        with pytest.raises((EncodingError, InvalidSignature, ValueError)):
            payments.verify_cose(pk, candidate)


@given(st.integers(0, 200), st.binary(max_size=8), st.integers(0, 8))
def test_spliced_messages_never_crash(at: int, insert: bytes, cut: int) -> None:
    sk = key("Ed25519")
    good = payments.sign_cose(sk, PAYLOAD[:40], kid=b"k")
    bad = good[:at] + insert + good[at + cut :]
    if bad == good:
        return
    with pytest.raises((EncodingError, InvalidSignature)):
        payments.verify_cose(sk.public_key(), bad)


def test_identifier_table() -> None:
    """The identifiers standards.md §4 gives (COSE requested values, JOSE names), plus EdDSA."""
    table = {name: (a.jose, a.cose) for name, a in payments.ALGORITHMS.items()}
    assert table == {
        "ML-DSA-44": ("ML-DSA-44", -48),
        "ML-DSA-65": ("ML-DSA-65", -49),
        "ML-DSA-87": ("ML-DSA-87", -50),
        "MLDSA65-ECDSA-P256-SHA512": ("ML-DSA-65-ES256", -55),
        "MLDSA87-ECDSA-P384-SHA512": ("ML-DSA-87-ES384", -56),
        "MLDSA44-Ed25519-SHA512": ("ML-DSA-44-Ed25519", -57),
        "MLDSA65-Ed25519-SHA512": ("ML-DSA-65-Ed25519", -58),
        "MLDSA87-Ed448-SHAKE256": ("ML-DSA-87-Ed448", -59),
        "Ed25519": ("EdDSA", -8),
        "Ed448": ("EdDSA", -8),
    }
    with pytest.raises(TypeError):
        payments.ALGORITHMS["x"] = payments.ALGORITHMS["Ed25519"]  # type: ignore[index]
