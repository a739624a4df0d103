"""Compact JWS with a detached payload (RFC 7515 §7.1 and Appendix F)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pqpay import _jcs
from pqpay._b64 import decode_url, encode_url
from pqpay._bytes import as_bytes
from pqpay.exceptions import EncodingError, InvalidSignature
from pqpay.interfaces import Signer, VerificationKeys
from pqpay.payments.envelope import (
    algorithm_for,
    candidate_keys,
    public_key_of,
    sign_all,
    signer_kid,
)
from pqpay.signatures import SignaturePublicKey


def _protected_header(signer: Signer, kid: str | None, typ: str | None) -> str:
    alg = algorithm_for(public_key_of(signer))
    header: dict[str, str] = {"alg": alg.jose}
    if kid is None:
        kid = signer_kid(signer)
    for name, value in (("kid", kid), ("typ", typ)):
        if value is not None:
            if not isinstance(value, str):
                raise TypeError(f"{name} must be str, not {type(value).__name__}")
            header[name] = value
    return encode_url(_jcs.canonicalize(header))


def sign_jws(
    signer: Signer, payload: bytes, *, kid: str | None = None, typ: str | None = None
) -> str:
    """A compact JWS ``header..signature`` over ``payload``, which travels separately.

    The protected header is ``{"alg", "kid"?, "typ"?}`` in canonical (RFC 8785) form; the
    signature covers ``base64url(header) || "." || base64url(payload)``.

    :raises UnsupportedAlgorithm: the signer's algorithm has no JOSE identifier.
    """
    return sign_jws_many(signer, [payload], kid=kid, typ=typ)[0]


def sign_jws_many(
    signer: Signer,
    payloads: Iterable[bytes],
    *,
    kid: str | None = None,
    typ: str | None = None,
) -> list[str]:
    """:func:`sign_jws` for many payloads under one signer (one batch for pqpay keys)."""
    header = _protected_header(signer, kid, typ)
    inputs = [f"{header}.{encode_url(as_bytes(p, 'payload'))}".encode("ascii") for p in payloads]
    return [f"{header}..{encode_url(sig)}" for sig in sign_all(signer, inputs)]


def _split(jws: str | bytes) -> tuple[str, str, str]:
    if isinstance(jws, (bytes, bytearray, memoryview)):
        try:
            jws = bytes(jws).decode("ascii")
        except UnicodeDecodeError:
            raise EncodingError("a compact JWS is ASCII") from None
    if not isinstance(jws, str):
        raise TypeError(f"jws must be str or bytes, not {type(jws).__name__}")
    parts = jws.split(".")
    if len(parts) != 3:
        raise EncodingError(
            f"a compact JWS has 3 dot-separated segments, got {len(parts)} (RFC 7515 §7.1)"
        )
    header, payload, signature = parts
    if payload:
        raise EncodingError(
            "expected a detached payload (an empty middle segment, RFC 7515 Appendix F)"
        )
    return header, payload, signature


def _header(segment: str) -> dict[str, Any]:
    raw = decode_url(segment, "JWS protected header")
    header = _jcs.parse(raw)
    if not isinstance(header, dict):
        raise EncodingError("the JWS protected header must be a JSON object")
    if "alg" not in header:
        raise EncodingError('the JWS protected header has no "alg"')
    if not isinstance(header["alg"], str):
        raise EncodingError('JWS "alg" must be a string')
    if "crit" in header:
        raise EncodingError('JWS "crit" is not supported: no extension is understood')
    return header


def jws_header(jws: str | bytes) -> dict[str, Any]:
    """The protected header of a detached compact JWS, parsed strictly but **not verified**
    (for picking the key by ``kid``).

    :raises EncodingError: malformed segments or header (duplicate names included).
    """
    return _header(_split(jws)[0])


def verify_jws(
    public_key: SignaturePublicKey | VerificationKeys, jws: str | bytes, payload: bytes
) -> dict[str, Any]:
    """Verifies a detached compact JWS over ``payload``; returns the protected header.

    ``alg`` must name ``public_key``'s algorithm (``none`` never does). ``public_key`` may be
    a key set (:class:`pqpay.keyset.KeySet`): the key is the one ``kid`` names, or, for a
    header without ``kid``, any key of the set that is not retired.

    :raises InvalidSignature: the signature does not verify, or ``alg`` names another
        algorithm (no detail is given).
    :raises UnknownKeyId: (a key set) the ``kid`` is not in the set.
    :raises RetiredKeyId: (a key set) the ``kid`` names a retired key.
    :raises EncodingError: malformed segments, base64url or header; an attached payload; a
        ``kid`` that is not a string.
    """
    if isinstance(public_key, SignaturePublicKey):
        algorithm_for(public_key)
    body = as_bytes(payload, "payload")
    header_segment, _, signature_segment = _split(jws)
    parsed = _header(header_segment)
    signature = decode_url(signature_segment, "JWS signature")
    kid = parsed.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise EncodingError('JWS "kid" must be a string')
    signing_input = f"{header_segment}.{encode_url(body)}".encode("ascii")
    keys = candidate_keys(public_key, None if isinstance(public_key, SignaturePublicKey) else kid)
    for key in keys:
        if parsed["alg"] not in algorithm_for(key).jose_accepted:
            continue
        try:
            key.verify(signature, signing_input, b"")
        except InvalidSignature:
            continue
        return parsed
    raise InvalidSignature()
