"""COSE_Sign1 (RFC 9052 §4.2, §4.4): signing, strict decoding and verification."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pqpay import _cbor
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

TAG_COSE_SIGN1 = 18
_TAG = bytes([0xC0 | TAG_COSE_SIGN1])  # 0xd2: a one-byte tag head
# Header labels (RFC 9052 §3.1).
ALG, CRIT, KID = 1, 2, 4

HeaderMap = dict[int | str, Any]


@dataclass(frozen=True)
class CoseSign1:
    """A decoded (not yet verified) COSE_Sign1.

    ``protected`` holds the protected-header bytes exactly as received: verification signs
    over them, never over a re-encoding.
    """

    protected: bytes
    protected_header: HeaderMap
    unprotected_header: HeaderMap
    payload: bytes | None  # None: detached
    signature: bytes

    @property
    def alg(self) -> int | None:
        """The protected ``alg`` (label 1), or None."""
        value = self.protected_header.get(ALG)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def kid(self) -> bytes | None:
        """The ``kid`` (label 4) from either header bucket, or None; for picking the key."""
        value = self.protected_header.get(KID, self.unprotected_header.get(KID))
        return value if isinstance(value, bytes) else None


def sig_structure(protected: bytes, external_aad: bytes, payload: bytes) -> bytes:
    """The bytes a COSE_Sign1 signature covers (RFC 9052 §4.4)."""
    return _cbor.encode(["Signature1", protected, external_aad, payload])


def _protected(signer: Signer, kid: bytes | None) -> bytes:
    alg = algorithm_for(public_key_of(signer))
    header: dict[Any, Any] = {ALG: alg.cose}
    if kid is None and (own := signer_kid(signer)) is not None:
        kid = own.encode("utf-8")
    if kid is not None:
        header[KID] = as_bytes(kid, "kid")
    return _cbor.encode(header)


def _assemble(protected: bytes, payload: bytes | None, signature: bytes) -> bytes:
    return _TAG + _cbor.encode([protected, {}, payload, signature])


def sign_cose(
    signer: Signer,
    payload: bytes,
    *,
    kid: bytes | None = None,
    external_aad: bytes = b"",
    detached: bool = False,
) -> bytes:
    """A tagged COSE_Sign1 over ``payload``; ``alg`` (and ``kid``) in the protected header.
    Without ``kid``, a signer that names itself (:meth:`pqpay.keyset.KeySet.signer`) gives
    its own.

    With ``detached=True`` the payload field is ``nil`` and the signature still covers it.

    :raises UnsupportedAlgorithm: the signer's algorithm has no COSE identifier.
    """
    return sign_cose_many(signer, [payload], kid=kid, external_aad=external_aad, detached=detached)[
        0
    ]


def sign_cose_many(
    signer: Signer,
    payloads: Iterable[bytes],
    *,
    kid: bytes | None = None,
    external_aad: bytes = b"",
    detached: bool = False,
) -> list[bytes]:
    """:func:`sign_cose` for many payloads under one signer (one native batch for pqpay keys:
    every core, GIL released)."""
    protected = _protected(signer, kid)
    aad = as_bytes(external_aad, "external_aad")
    bodies = [as_bytes(p, "payload") for p in payloads]
    signatures = sign_all(signer, [sig_structure(protected, aad, body) for body in bodies])
    return [
        _assemble(protected, None if detached else body, sig)
        for body, sig in zip(bodies, signatures, strict=True)
    ]


def _header_map(value: Any, where: str) -> HeaderMap:
    if not isinstance(value, dict):
        raise EncodingError(f"COSE_Sign1 {where} header must be a CBOR map")
    header: HeaderMap = value
    return header


def decode_cose(data: bytes) -> CoseSign1:
    """Parses a tagged COSE_Sign1 strictly, without verifying it.

    Requires tag 18, a 4-element array ``[bstr, map, bstr / nil, bstr]``, definite lengths
    and shortest-form heads, no duplicate labels, no label in both header buckets, and
    nothing after the message.

    :raises EncodingError: anything else.
    """
    raw = as_bytes(data, "data")
    if raw[:1] != _TAG:
        raise EncodingError(
            "a COSE_Sign1 must start with CBOR tag 18 (byte 0xd2), "
            + (f"got byte 0x{raw[0]:02x}" if raw else "got no bytes")
        )
    items = _cbor.decode(raw[1:], "a COSE_Sign1", allow_simple=True)
    if not isinstance(items, list) or len(items) != 4:
        raise EncodingError(
            "a COSE_Sign1 must be an array of 4: [protected, unprotected, payload, signature]"
        )
    protected, unprotected, payload, signature = items
    if not isinstance(protected, bytes):
        raise EncodingError("COSE_Sign1 protected header must be a byte string")
    if payload is not None and not isinstance(payload, bytes):
        raise EncodingError("COSE_Sign1 payload must be a byte string or nil")
    if not isinstance(signature, bytes):
        raise EncodingError("COSE_Sign1 signature must be a byte string")
    protected_header: HeaderMap = {}
    if protected:
        protected_header = _header_map(
            _cbor.decode(protected, "a COSE protected header", allow_simple=True), "protected"
        )
    unprotected_header = _header_map(unprotected, "unprotected")
    both = protected_header.keys() & unprotected_header.keys()
    if both:
        raise EncodingError(
            f"COSE header label(s) {sorted(map(str, both))} appear in both the protected and "
            "unprotected headers (RFC 9052 §3)"
        )
    for name, header in (("protected", protected_header), ("unprotected", unprotected_header)):
        if KID in header and not isinstance(header[KID], bytes):
            raise EncodingError(f"COSE {name} kid (label 4) must be a byte string")
    return CoseSign1(protected, protected_header, unprotected_header, payload, signature)


def verify_cose(
    public_key: SignaturePublicKey | VerificationKeys,
    data: bytes,
    *,
    external_aad: bytes = b"",
    detached_payload: bytes | None = None,
) -> bytes:
    """Verifies a COSE_Sign1 under ``public_key`` and returns the payload.

    The protected ``alg`` must name ``public_key``'s algorithm; ``crit`` is refused (no
    extension header is understood here). ``public_key`` may be a key set
    (:class:`pqpay.keyset.KeySet`): the key is the one the ``kid`` names, or, for a message
    without a ``kid``, any key of the set that is not retired.

    :raises InvalidSignature: the signature does not verify, or ``alg`` names another
        algorithm (no detail is given).
    :raises UnknownKeyId: (a key set) the ``kid`` is not in the set.
    :raises RetiredKeyId: (a key set) the ``kid`` names a retired key.
    :raises EncodingError: malformed COSE_Sign1, ``alg`` missing or unprotected.
    :raises ValueError: a detached message without ``detached_payload``, or both payloads.
    """
    if isinstance(public_key, SignaturePublicKey):
        algorithm_for(public_key)  # an unsupported key fails before the message is read
    aad = as_bytes(external_aad, "external_aad")
    message = decode_cose(data)
    if ALG in message.unprotected_header:
        raise EncodingError("COSE alg (label 1) must be in the protected header")
    if ALG not in message.protected_header:
        raise EncodingError("COSE_Sign1 protected header has no alg (label 1)")
    if message.alg is None:
        raise EncodingError("COSE alg (label 1) must be an integer here")
    if CRIT in message.protected_header or CRIT in message.unprotected_header:
        raise EncodingError("COSE crit (label 2) is not supported: no extension is understood")
    if message.payload is None:
        if detached_payload is None:
            raise ValueError("the COSE_Sign1 payload is detached: pass detached_payload")
        payload = as_bytes(detached_payload, "detached_payload")
    else:
        if detached_payload is not None:
            raise ValueError("the COSE_Sign1 carries its payload: do not pass detached_payload")
        payload = message.payload
    # A kid only in the unprotected bucket is not signed: a key set looks up the protected one.
    kid = (
        message.protected_header.get(KID)
        if not isinstance(public_key, SignaturePublicKey)
        else None
    )
    structure = sig_structure(message.protected, aad, payload)
    for key in candidate_keys(public_key, kid):
        if message.alg not in algorithm_for(key).cose_accepted:
            continue
        try:
            key.verify(message.signature, structure, b"")
        except InvalidSignature:
            continue
        return payload
    raise InvalidSignature()
