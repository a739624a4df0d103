"""Compact JWS with a detached payload (RFC 7515 Appendix F) in pqpay.payments: round trips,
tampering, ``alg: none`` and other algorithm confusion, malformed segments; Ed25519 and ML-DSA
cross-checked against pyca/cryptography in both directions."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from cryptography.hazmat.primitives.asymmetric import mldsa as pyca_mldsa
from hypothesis import given
from hypothesis import strategies as st

from pqpay import payments, signatures
from pqpay.exceptions import CanonicalizationError, EncodingError, InvalidSignature

ALGS = sorted(payments.ALGORITHMS)
PAYLOAD = b'{"amount":1250,"currency":"EUR","id":"pay_1"}'

_KEYS: dict[str, signatures.SignaturePrivateKey[Any]] = {}


def key(algorithm: str) -> signatures.SignaturePrivateKey[Any]:
    if algorithm not in _KEYS:
        _KEYS[algorithm] = signatures.PRIVATE_KEY_CLASSES[algorithm].generate()
    return _KEYS[algorithm]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _forge(sk: Any, header: dict[str, Any] | bytes, payload: bytes = PAYLOAD) -> str:
    """A detached JWS with any header, validly signed by ``sk`` (independent of pqpay)."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    head = b64(raw)
    sig = sk.sign(f"{head}.{b64(payload)}".encode())
    return f"{head}..{b64(sig)}"


@pytest.mark.parametrize("algorithm", ALGS)
def test_round_trip(algorithm: str) -> None:
    sk = key(algorithm)
    pk = sk.public_key()
    jws = payments.sign_jws(sk, PAYLOAD, kid="gw-1", typ="payment+jws")
    head, middle, sig = jws.split(".")
    assert middle == ""
    header = json.loads(unb64(head))
    assert header == {
        "alg": payments.ALGORITHMS[algorithm].jose,
        "kid": "gw-1",
        "typ": "payment+jws",
    }
    assert unb64(head) == payments.canonicalize(header)  # the header is JCS-canonical
    # RFC 7515 §5.1: the signature covers ASCII(b64(header) || "." || b64(payload)).
    pk.verify(unb64(sig), f"{head}.{b64(PAYLOAD)}".encode())
    assert payments.verify_jws(pk, jws, PAYLOAD) == header
    assert payments.verify_jws(pk, jws.encode(), PAYLOAD) == header
    assert payments.jws_header(jws) == header
    with pytest.raises(InvalidSignature):
        payments.verify_jws(pk, jws, PAYLOAD + b" ")


def test_header_without_options() -> None:
    jws = payments.sign_jws(key("Ed25519"), PAYLOAD)
    assert payments.jws_header(jws) == {"alg": "EdDSA"}


def test_sign_many() -> None:
    sk = key("MLDSA65-Ed25519-SHA512")
    payloads = [b"%d" % i for i in range(16)]
    out = payments.sign_jws_many(sk, payloads, kid="k")
    assert len(out) == 16
    for payload, jws in zip(payloads, out, strict=True):
        payments.verify_jws(sk.public_key(), jws, payload)


# --- pyca/cryptography interop ---------------------------------------------------------------


def test_ed25519_pyca_signs_pqpay_verifies() -> None:
    pyca_sk = pyca_ed25519.Ed25519PrivateKey.generate()
    pk = signatures.Ed25519PublicKey.from_public_bytes(pyca_sk.public_key().public_bytes_raw())
    for alg in ("EdDSA", "Ed25519"):
        jws = _forge(pyca_sk, {"alg": alg, "kid": "pyca"})
        assert payments.verify_jws(pk, jws, PAYLOAD)["kid"] == "pyca"


def test_ed25519_pqpay_signs_pyca_verifies() -> None:
    sk = signatures.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    pyca_pk = pyca_ed25519.Ed25519PublicKey.from_public_bytes(sk.public_key().public_bytes_raw())
    jws = payments.sign_jws(sk, PAYLOAD, kid="pqpay")
    head, _, sig = jws.split(".")
    pyca_pk.verify(unb64(sig), f"{head}.{b64(PAYLOAD)}".encode())
    # Ed25519 is deterministic: pyca's own signature over the same input is identical.
    pyca_sk = pyca_ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    assert pyca_sk.sign(f"{head}.{b64(PAYLOAD)}".encode()) == unb64(sig)


def test_mldsa_interop_with_pyca() -> None:
    pyca_sk = pyca_mldsa.MLDSA44PrivateKey.generate()
    pk = signatures.MLDSA44PublicKey.from_public_bytes(pyca_sk.public_key().public_bytes_raw())
    assert payments.verify_jws(pk, _forge(pyca_sk, {"alg": "ML-DSA-44"}), PAYLOAD)
    sk = signatures.MLDSA44PrivateKey.from_seed_bytes(bytes(32))
    pyca_pk = pyca_mldsa.MLDSA44PublicKey.from_public_bytes(sk.public_key().public_bytes_raw())
    head, _, sig = payments.sign_jws(sk, PAYLOAD).split(".")
    pyca_pk.verify(unb64(sig), f"{head}.{b64(PAYLOAD)}".encode())


# --- algorithm confusion ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithm", "alg"),
    [
        ("Ed25519", "none"),
        ("Ed25519", "None"),
        ("Ed25519", "NONE"),
        ("Ed25519", ""),
        ("Ed25519", "HS256"),
        ("Ed25519", "Ed448"),
        ("Ed25519", "ML-DSA-44"),
        ("Ed448", "Ed25519"),
        ("ML-DSA-65", "ML-DSA-44"),
        ("ML-DSA-65", "ML-DSA-65-Ed25519"),
        ("ML-DSA-65", "ml-dsa-65"),
        ("MLDSA65-Ed25519-SHA512", "ML-DSA-65"),
        ("MLDSA65-Ed25519-SHA512", "EdDSA"),
        ("MLDSA65-ECDSA-P256-SHA512", "ES256"),
        ("MLDSA87-ECDSA-P384-SHA512", "ML-DSA-87-Ed448"),
    ],
)
def test_header_alg_must_match_key(algorithm: str, alg: str) -> None:
    sk = key(algorithm)
    with pytest.raises(InvalidSignature):
        payments.verify_jws(sk.public_key(), _forge(sk, {"alg": alg}), PAYLOAD)


def test_alg_none_with_empty_signature() -> None:
    head = b64(b'{"alg":"none"}')
    with pytest.raises(InvalidSignature):
        payments.verify_jws(key("Ed25519").public_key(), f"{head}..", PAYLOAD)


# --- malformed -------------------------------------------------------------------------------


def test_malformed() -> None:
    sk = key("Ed25519")
    pk = sk.public_key()
    good = payments.sign_jws(sk, PAYLOAD)
    head, _, sig = good.split(".")
    cases: list[tuple[Any, type[Exception], str | None]] = [
        ("", EncodingError, "3 dot-separated"),
        (f"{head}.{sig}", EncodingError, "3 dot-separated"),
        (f"{head}...{sig}", EncodingError, "3 dot-separated"),
        (f"{head}.{b64(PAYLOAD)}.{sig}", EncodingError, "detached"),
        (f"{head}==..{sig}", EncodingError, "base64url"),
        (f"{head}..{sig}=", EncodingError, "base64url"),
        (f"{head}..{sig[:-1]}+", EncodingError, "base64url"),
        (f"{head}..{sig[:-1]}", EncodingError, "base64url"),  # 85 chars: 1 mod 4
        (f"{head}..{sig} ", EncodingError, "base64url"),
        (f"{head[:-1]}..{sig}", EncodingError, None),
        (f"..{sig}", EncodingError, None),
        (b64(b"[1]") + ".." + sig, EncodingError, "JSON object"),
        (b64(b"{}") + ".." + sig, EncodingError, '"alg"'),
        (b64(b'{"alg":1}') + ".." + sig, EncodingError, "string"),
        (b64(b'{"alg":"EdDSA","crit":["b64"]}') + ".." + sig, EncodingError, "crit"),
        (b64(b"\xff") + ".." + sig, EncodingError, "UTF-8"),
        (b64(b"not json") + ".." + sig, EncodingError, "JSON"),
        ("h\u00e9ader..sig", EncodingError, None),
        ("h\u00e9ader..sig".encode(), EncodingError, "ASCII"),
    ]
    for jws, exc, needle in cases:
        with pytest.raises(exc, match=needle):
            payments.verify_jws(pk, jws, PAYLOAD)
    # Stray low bits in the last base64url character (non-canonical encoding).
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    i = last.index(sig[-1])
    tweaked = sig[:-1] + last[i ^ 1]
    with pytest.raises(EncodingError, match="non-canonical"):
        payments.verify_jws(pk, f"{head}..{tweaked}", PAYLOAD)
    with pytest.raises(TypeError):
        payments.verify_jws(pk, 12, PAYLOAD)  # type: ignore[arg-type]


def test_duplicate_header_names_are_refused() -> None:
    """RFC 7515 §4: a header with a duplicate name (a second "alg") is rejected outright."""
    sk = key("Ed25519")
    jws = _forge(sk, b'{"alg":"EdDSA","alg":"none"}')
    with pytest.raises(CanonicalizationError, match="duplicate"):
        payments.verify_jws(sk.public_key(), jws, PAYLOAD)


def test_every_byte_flip_fails() -> None:
    sk = key("MLDSA44-Ed25519-SHA512")
    pk = sk.public_key()
    jws = payments.sign_jws(sk, PAYLOAD, kid="k")
    for i in range(len(jws)):
        for replacement in {"A", "B", "."} - {jws[i]}:
            bad = jws[:i] + replacement + jws[i + 1 :]
            with pytest.raises((InvalidSignature, EncodingError)):
                payments.verify_jws(pk, bad, PAYLOAD)


def test_option_types() -> None:
    sk = key("Ed25519")
    with pytest.raises(TypeError, match="kid must be str"):
        payments.sign_jws(sk, PAYLOAD, kid=b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="typ must be str"):
        payments.sign_jws(sk, PAYLOAD, typ=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="payload must be bytes-like"):
        payments.sign_jws(sk, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="payload must be bytes-like"):
        payments.verify_jws(sk.public_key(), payments.sign_jws(sk, PAYLOAD), "text")  # type: ignore[arg-type]


@given(st.text(max_size=200))
def test_random_text_never_crashes(text: str) -> None:
    pk = key("Ed25519").public_key()
    with pytest.raises((EncodingError, InvalidSignature)):
        payments.verify_jws(pk, text, PAYLOAD)
    with pytest.raises((EncodingError, InvalidSignature)):
        payments.verify_jws(pk, f"{b64(text.encode())}..{b64(text.encode())}", PAYLOAD)
