"""JWK and COSE_Key (AKP, OKP) for signature keys: round trips, published examples, thumbprints
and strict parsing."""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqpay import jose, signatures
from pqpay.exceptions import EncodingError, InvalidKey, UnsupportedAlgorithm
from pqpay.serialization import Encoding, MLDSAPrivateKeyForm, PrivateFormat, load_der_private_key
from tests._support.vector_sources import h

S = signatures
AKP = {
    S.MLDSA44PrivateKey: ("ML-DSA-44", -48),
    S.MLDSA65PrivateKey: ("ML-DSA-65", -49),
    S.MLDSA87PrivateKey: ("ML-DSA-87", -50),
    S.SLHDSASHA2_128sPrivateKey: ("SLH-DSA-SHA2-128s", -51),
    S.SLHDSASHAKE_128sPrivateKey: ("SLH-DSA-SHAKE-128s", -52),
    S.SLHDSASHA2_128fPrivateKey: ("SLH-DSA-SHA2-128f", -53),
    S.MLDSA65P256PrivateKey: ("ML-DSA-65-ES256", -55),
    S.MLDSA87P384PrivateKey: ("ML-DSA-87-ES384", -56),
    S.MLDSA44Ed25519PrivateKey: ("ML-DSA-44-Ed25519", -57),
    S.MLDSA65Ed25519PrivateKey: ("ML-DSA-65-Ed25519", -58),
    S.MLDSA87Ed448PrivateKey: ("ML-DSA-87-Ed448", -59),
}
OKP = {S.Ed25519PrivateKey: ("Ed25519", 6), S.Ed448PrivateKey: ("Ed448", 7)}
NO_IDENTIFIER = [
    S.SLHDSASHA2_192sPrivateKey,
    S.SLHDSASHA2_192fPrivateKey,
    S.SLHDSASHA2_256sPrivateKey,
    S.SLHDSASHA2_256fPrivateKey,
    S.SLHDSASHAKE_128fPrivateKey,
    S.SLHDSASHAKE_192sPrivateKey,
    S.SLHDSASHAKE_192fPrivateKey,
    S.SLHDSASHAKE_256sPrivateKey,
    S.SLHDSASHAKE_256fPrivateKey,
]


def require_family(cls: Any) -> None:
    """Skips while ``cls``'s family is still the integration-branch placeholder (SLH-DSA may
    land after this branch; its cases then run in the integrated tree)."""
    try:
        cls.from_private_bytes(b"")
    except UnsupportedAlgorithm as e:
        if "not implemented yet" in str(e):
            pytest.skip(f"{cls.ALGORITHM}: family not merged into this branch yet")
    except ValueError:
        pass


def _ids(cls: Any) -> str:
    return str(cls.ALGORITHM)


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _cbor_head(major: int, n: int) -> bytes:
    """Independent minimal CBOR head, for building expected encodings by hand."""
    if n < 24:
        return bytes([major << 5 | n])
    if n < 256:
        return bytes([major << 5 | 24, n])
    return bytes([major << 5 | 25]) + n.to_bytes(2, "big")


def _neg(value: int) -> bytes:
    return _cbor_head(1, -1 - value)


def _bstr(data: bytes) -> bytes:
    return _cbor_head(2, len(data)) + data


def test_every_algorithm_is_classified() -> None:
    assert len(AKP) + len(OKP) + len(NO_IDENTIFIER) == 22


@pytest.mark.parametrize("cls", list(AKP), ids=_ids)
def test_akp_round_trip(cls: Any) -> None:
    require_family(cls)
    alg, cose_alg = AKP[cls]
    sk = cls.generate()
    pub = sk.public_key().public_bytes_raw()
    priv = sk.private_bytes_raw()
    jwk = jose.to_jwk(sk)
    assert jwk == {"kty": "AKP", "alg": alg, "pub": _b64(pub), "priv": _b64(priv)}
    assert json.loads(json.dumps(jwk)) == jwk
    back = jose.from_jwk(jwk)
    assert type(back) is cls
    assert back.private_bytes_raw() == priv
    pub_jwk = jose.to_jwk(sk.public_key())
    assert pub_jwk == {"kty": "AKP", "alg": alg, "pub": _b64(pub)}
    assert jose.from_jwk(pub_jwk) == sk.public_key()

    cose = jose.to_cose_key(sk)
    # Deterministic CBOR: labels 1, 3, -1, -2 in that order.
    expected = b"\xa4\x01\x07\x03" + _neg(cose_alg) + b"\x20" + _bstr(pub) + b"\x21" + _bstr(priv)
    assert cose == expected
    back_cose = jose.from_cose_key(cose)
    assert type(back_cose) is cls
    assert back_cose.private_bytes_raw() == priv
    cose_pub = jose.to_cose_key(sk.public_key())
    assert cose_pub == b"\xa3\x01\x07\x03" + _neg(cose_alg) + b"\x20" + _bstr(pub)
    assert jose.from_cose_key(cose_pub) == sk.public_key()

    thumb_input = json.dumps({"alg": alg, "kty": "AKP", "pub": _b64(pub)}, separators=(",", ":"))
    assert jose.jwk_thumbprint(sk) == _b64(hashlib.sha256(thumb_input.encode()).digest())
    assert jose.jwk_thumbprint(jwk) == jose.jwk_thumbprint(sk.public_key())
    assert jose.cose_key_thumbprint(sk) == hashlib.sha256(cose_pub).digest()
    assert jose.cose_key_thumbprint(cose) == jose.cose_key_thumbprint(sk.public_key())


@pytest.mark.parametrize("cls", list(OKP), ids=_ids)
def test_okp_round_trip(cls: Any) -> None:
    crv, cose_crv = OKP[cls]
    sk = cls.generate()
    x = sk.public_key().public_bytes_raw()
    d = sk.private_bytes_raw()
    jwk = jose.to_jwk(sk)
    assert jwk == {"kty": "OKP", "crv": crv, "x": _b64(x), "d": _b64(d)}
    assert type(jose.from_jwk(jwk)) is cls
    assert jose.from_jwk({**jwk, "alg": "EdDSA"}).private_bytes_raw() == d
    assert jose.from_jwk({**jwk, "alg": crv}).private_bytes_raw() == d
    cose = jose.to_cose_key(sk)
    assert cose == b"\xa4\x01\x01\x20" + bytes([cose_crv]) + b"\x21" + _bstr(x) + b"\x23" + _bstr(d)
    assert jose.from_cose_key(cose).private_bytes_raw() == d
    pub_cose = jose.to_cose_key(sk.public_key())
    assert jose.cose_key_thumbprint(sk) == hashlib.sha256(pub_cose).digest()
    # alg -8 (EdDSA) and the RFC 9864 fully-specified value are accepted.
    for alg in (-8, -19 if crv == "Ed25519" else -53):
        with_alg = b"\xa4\x01\x01\x03" + _neg(alg) + pub_cose[3:]
        assert jose.from_cose_key(with_alg) == sk.public_key()


@pytest.mark.parametrize("cls", NO_IDENTIFIER, ids=_ids)
def test_algorithms_without_identifier(cls: Any) -> None:
    require_family(cls)
    sk = cls.generate()
    for fn in (jose.to_jwk, jose.to_cose_key, jose.jwk_thumbprint, jose.cose_key_thumbprint):
        with pytest.raises(UnsupportedAlgorithm):
            fn(sk)


def test_rfc8037_ed25519_example() -> None:
    # RFC 8037 Appendix A.1 (private key) and A.3 (thumbprint).
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
    sk = jose.from_jwk(jwk)
    assert type(sk) is S.Ed25519PrivateKey
    assert jose.to_jwk(sk) == jwk
    assert jose.jwk_thumbprint(sk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_rfc9964_mldsa44_example() -> None:
    # draft-ietf-cose-dilithium examples (RFC 9964): ML-DSA-44 from the all-zero seed; the
    # JWK's kid is its RFC 7638 thumbprint.
    sk = S.MLDSA44PrivateKey.from_seed_bytes(bytes(32))
    jwk = jose.to_jwk(sk)
    assert jwk["pub"].startswith("unH59k4RuutY-pxvu24U5h8YZD2rSVtHU5qRZsoBmBMcRPgmu9VuNOVdteXi1zN")
    assert jwk["pub"].endswith("cy7KmWDZgbTP07e7gEWzw4MFRrndjbDQ")
    assert jwk["priv"] == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert jose.jwk_thumbprint(jwk) == "T4xl70S7MT6Zeq6r9V9fPJGVn76wfnXJ21-gyo0Gu6o"
    # The COSE example's kid is the RFC 9679 thumbprint, computed with the placeholder alg 48
    # the -09 examples used (the requested value is -48): our deterministic encoder reproduces
    # it byte for byte.
    pub = sk.public_key().public_bytes_raw()
    canonical = jose._cbor_encode({-1: pub, 3: 48, 1: 7})
    assert canonical[:7] == b"\xa3\x01\x07\x03\x18\x30\x20"
    assert hashlib.sha256(canonical).hexdigest() == (
        "1e1d556de7bec8153526f951c9a4534dedbe9b1ec2384f5bcaffce67a34d9071"
    )
    # The example's kid is accepted as an extra member.
    assert jose.from_jwk({**jwk, "kid": "T4xl70S7MT6Zeq6r9V9fPJGVn76wfnXJ21-gyo0Gu6o"}) is not None


def test_slhdsa_draft_cose_example() -> None:
    require_family(S.SLHDSASHA2_128sPrivateKey)
    # draft-ietf-cose-sphincs-plus, "Example SLH-DSA-SHA2-128s Private COSE Key" (with kid),
    # labels in the example's order (1, 3, 2, -1, -2).
    pub = h("f3eb7b23659086bd1d5196f8201898c189ae9fd5567be8941f135e54b261ca9d")
    priv = h("4d9884c45556898d0da29c5af418386d9abcdb84426e64ab44e5bcb3126c77de") + pub
    kid = h("736c682d6473612d313238732d6b6964")
    cose = (
        b"\xa5\x01\x07\x03\x38\x32\x02" + _bstr(kid) + b"\x20" + _bstr(pub) + b"\x21" + _bstr(priv)
    )
    sk = jose.from_cose_key(cose)
    assert type(sk) is S.SLHDSASHA2_128sPrivateKey
    assert sk.public_key().public_bytes_raw() == pub
    assert jose.to_cose_key(sk) == b"\xa4\x01\x07\x03\x38\x32\x20" + _bstr(pub) + b"\x21" + _bstr(
        priv
    )


def test_expanded_only_mldsa_key_has_no_jwk() -> None:
    sk = S.MLDSA65PrivateKey.generate()
    der = sk.private_bytes(
        Encoding.DER, PrivateFormat.PKCS8, mldsa_form=MLDSAPrivateKeyForm.EXPANDED
    )
    loaded = load_der_private_key(der)
    with pytest.raises(UnsupportedAlgorithm):
        jose.to_jwk(loaded)
    assert jose.to_jwk(loaded.public_key()) == jose.to_jwk(sk.public_key())
    assert jose.jwk_thumbprint(loaded) == jose.jwk_thumbprint(sk)


# --- strict JWK parsing ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def mldsa_jwk() -> dict[str, str]:
    return jose.to_jwk(S.MLDSA44PrivateKey.from_seed_bytes(bytes(range(32))))


def test_jwk_errors(mldsa_jwk: dict[str, str]) -> None:
    j = mldsa_jwk
    cases: list[tuple[Any, type[Exception], str]] = [
        ({k: v for k, v in j.items() if k != "alg"}, EncodingError, '"alg" is required'),
        ({k: v for k, v in j.items() if k != "kty"}, EncodingError, '"kty" is required'),
        ({k: v for k, v in j.items() if k != "pub"}, EncodingError, '"pub" is required'),
        ({**j, "alg": "ML-DSA-55"}, UnsupportedAlgorithm, "unknown AKP JWK alg"),
        ({**j, "alg": "EdDSA"}, UnsupportedAlgorithm, "unknown AKP JWK alg"),
        ({**j, "kty": "EC"}, UnsupportedAlgorithm, "unsupported JWK kty"),
        ({**j, "kty": 7}, EncodingError, "must be a string"),
        ({**j, "pub": j["pub"] + "=="}, EncodingError, "unpadded"),
        ({**j, "priv": j["priv"] + "="}, EncodingError, "unpadded"),
        ({**j, "pub": j["pub"][:-1] + "+"}, EncodingError, "base64url"),
        ({**j, "pub": j["pub"] + "AAA"}, EncodingError, "base64url"),
        ({**j, "pub": _b64(bytes(1311))}, InvalidKey, "1312 bytes"),
        ({**j, "priv": _b64(bytes(64))}, InvalidKey, "32 bytes"),
        ({**j, "priv": _b64(bytes(32))}, InvalidKey, "does not match"),
        ([("kty", "AKP")], EncodingError, "JSON object"),
        ({"kty": "OKP", "crv": "X25519", "x": _b64(bytes(32))}, UnsupportedAlgorithm, "crv"),
        ({"kty": "OKP", "x": _b64(bytes(32))}, EncodingError, '"crv" is required'),
    ]
    for jwk, exc, needle in cases:
        with pytest.raises(exc, match=needle):
            jose.from_jwk(jwk)
    # Non-canonical base64url: the last character carries stray low bits.
    last = j["priv"][-1]
    stray = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    flipped = stray[stray.index(last) ^ 1]
    with pytest.raises(EncodingError, match="non-canonical"):
        jose.from_jwk({**j, "priv": j["priv"][:-1] + flipped})


def test_okp_jwk_errors() -> None:
    sk = S.Ed25519PrivateKey.generate()
    j = jose.to_jwk(sk)
    with pytest.raises(EncodingError, match="does not match crv"):
        jose.from_jwk({**j, "alg": "Ed448"})
    with pytest.raises(EncodingError, match="does not match crv"):
        jose.from_jwk({**j, "alg": "ES256"})
    with pytest.raises(InvalidKey, match="does not match"):
        jose.from_jwk(
            {**j, "x": _b64(S.Ed25519PrivateKey.generate().public_key().public_bytes_raw())}
        )
    with pytest.raises(InvalidKey, match="57 bytes"):
        jose.from_jwk({**j, "crv": "Ed448"})


# --- strict COSE_Key parsing -----------------------------------------------------------------


def test_cose_errors() -> None:
    sk = S.MLDSA44PrivateKey.from_seed_bytes(bytes(range(32)))
    good = jose.to_cose_key(sk.public_key())
    pub = sk.public_key().public_bytes_raw()
    body = b"\x01\x07\x03\x38\x2f\x20" + _bstr(pub)
    cases: list[tuple[bytes, type[Exception], str]] = [
        (good + b"\x00", EncodingError, "trailing"),
        (b"\xbf" + body + b"\xff", EncodingError, "indefinite"),
        (b"\xa3\x18\x01\x07\x03\x38\x2f\x20" + _bstr(pub), EncodingError, "shortest"),
        (b"\xa3\x01\x07\x01\x07\x20" + _bstr(pub), EncodingError, "twice"),
        (b"\xc1" + good, EncodingError, "tag"),
        (b"\x83\x01\x02\x03", EncodingError, "must be a CBOR map"),
        (b"\xa2\x03\x38\x2f\x20" + _bstr(pub), EncodingError, "kty"),
        (b"\xa2\x01\x07\x20" + _bstr(pub), EncodingError, "alg"),
        (b"\xa2\x01\x07\x03\x38\x2f", EncodingError, "pub"),
        (b"\xa3\x01\x02\x03\x38\x2f\x20" + _bstr(pub), UnsupportedAlgorithm, "kty 2"),
        (b"\xa3\x01\x07\x03\x26\x20" + _bstr(pub), UnsupportedAlgorithm, "alg -7"),
        (b"\xa3\x01\x07\x03\x18\x30\x20" + _bstr(pub), UnsupportedAlgorithm, "alg 48"),
        (b"\xa3\x01\x07\x03\x38\x2f\x20\x79\x05\x20" + b"a" * 1312, EncodingError, "byte str"),
        (b"\xa3\x01\x07\x03\x38\x2f\x20" + _bstr(pub[:-1]), InvalidKey, "1312 bytes"),
        (b"\xa3\x01\x07\x03\xf5\x20" + _bstr(pub), EncodingError, "float/simple"),
    ]
    for data, exc, needle in cases:
        with pytest.raises(exc, match=needle):
            jose.from_cose_key(data)
    for n in range(len(good)):
        with pytest.raises(EncodingError):
            jose.from_cose_key(good[:n])
    # Any label order is accepted on input (the RFC 9964 examples put kid first).
    shuffled = b"\xa3\x20" + _bstr(pub) + b"\x03\x38\x2f\x01\x07"
    assert jose.from_cose_key(shuffled) == sk.public_key()
    # Mismatched private key.
    other = S.MLDSA44PrivateKey.from_seed_bytes(bytes(32)).private_bytes_raw()
    with pytest.raises(InvalidKey, match="does not match"):
        jose.from_cose_key(b"\xa4" + body + b"\x21" + _bstr(other))
    # Deep nesting is refused, not recursed into without bound.
    with pytest.raises(EncodingError, match="nesting"):
        jose.from_cose_key(b"\xa1\x04" + b"\x81" * 20 + b"\x00")


def test_okp_cose_errors() -> None:
    sk = S.Ed448PrivateKey.generate()
    x = sk.public_key().public_bytes_raw()
    with pytest.raises(UnsupportedAlgorithm, match="crv 4"):
        jose.from_cose_key(b"\xa3\x01\x01\x20\x04\x21" + _bstr(x))
    with pytest.raises(EncodingError, match="does not match crv"):
        jose.from_cose_key(b"\xa4\x01\x01\x03\x32\x20\x07\x21" + _bstr(x))  # alg -19 (Ed25519)
    with pytest.raises(InvalidKey, match="57 bytes"):
        jose.from_cose_key(b"\xa3\x01\x01\x20\x07\x21" + _bstr(x[:32]))


# --- properties ------------------------------------------------------------------------------

_ED25519_COSE = jose.to_cose_key(S.Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
_ED25519_JWK = jose.to_jwk(S.Ed25519PrivateKey.from_private_bytes(bytes(range(32))))


@given(st.binary(max_size=200))
def test_cose_decoder_never_crashes_on_random_bytes(data: bytes) -> None:
    with contextlib.suppress(EncodingError, UnsupportedAlgorithm, InvalidKey, ValueError):
        jose.from_cose_key(data)


@given(st.integers(0, len(_ED25519_COSE) - 1), st.integers(0, 255))
def test_cose_single_byte_mutations(pos: int, value: int) -> None:
    mutated = bytearray(_ED25519_COSE)
    mutated[pos] = value
    try:
        key = jose.from_cose_key(bytes(mutated))
    except (EncodingError, UnsupportedAlgorithm, InvalidKey, ValueError):
        return
    # Accepted only as a well-formed key: a private key consistent with its x, or a public key
    # when the mutation removed the d label.
    if isinstance(key, S.SignaturePrivateKey):
        assert jose.to_jwk(key)["x"] == _b64(key.public_key().public_bytes_raw())
    else:
        assert isinstance(key, (S.Ed25519PublicKey, S.Ed448PublicKey))


@given(
    st.dictionaries(
        st.sampled_from(["kty", "crv", "alg", "x", "d", "pub", "priv", "kid"]),
        st.one_of(
            st.sampled_from(["OKP", "AKP", "Ed25519", "Ed448", "EdDSA", "ML-DSA-44", ""]),
            st.text(max_size=8),
            st.integers(),
            st.none(),
        ),
    )
)
def test_jwk_parser_never_crashes(jwk: dict[str, Any]) -> None:
    with contextlib.suppress(EncodingError, UnsupportedAlgorithm, InvalidKey, ValueError):
        jose.from_jwk({**_ED25519_JWK, **jwk})
