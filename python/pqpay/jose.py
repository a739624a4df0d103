"""JSON Web Keys and COSE_Keys for signature keys, and their thumbprints.

Key types:

* **AKP** (Algorithm Key Pair, RFC 9964): JOSE ``{"kty": "AKP", "alg", "pub", "priv"}``, COSE
  ``{1: 7, 3: alg, -1: pub, -2: priv}``. ``alg`` is REQUIRED.

  ===========================  ===================  =======  ==============================
  pqpay algorithm              JOSE ``alg``         COSE     ``priv``
  ===========================  ===================  =======  ==============================
  ML-DSA-44 / 65 / 87          ML-DSA-44 / 65 / 87  -48/-49  the 32-byte seed (RFC 9964)
                                                    /-50
  SLH-DSA-SHA2-128s            SLH-DSA-SHA2-128s    -51      SK.seed‖SK.prf‖PK.seed‖PK.root
  SLH-DSA-SHAKE-128s           SLH-DSA-SHAKE-128s   -52      (draft-ietf-cose-sphincs-plus)
  SLH-DSA-SHA2-128f            SLH-DSA-SHA2-128f    -53
  MLDSA44-Ed25519-SHA512       ML-DSA-44-Ed25519    -57      the composite serializations
  MLDSA65-Ed25519-SHA512       ML-DSA-65-Ed25519    -58      (draft-ietf-jose-pq-composite-
  MLDSA87-Ed448-SHAKE256       ML-DSA-87-Ed448      -59      sigs)
  MLDSA65-ECDSA-P256-SHA512    ML-DSA-65-ES256      -55
  MLDSA87-ECDSA-P384-SHA512    ML-DSA-87-ES384      -56
  ===========================  ===================  =======  ==============================

* **OKP** (RFC 8037 / RFC 9053) for Ed25519 and Ed448: JOSE ``{"kty": "OKP", "crv", "x", "d"}``,
  COSE ``{1: 1, -1: crv (6 | 7), -2: x, -4: d}``. ``alg`` is optional; when present it must be
  ``EdDSA`` (COSE -8) or the fully-specified ``Ed25519`` / ``Ed448`` (RFC 9864, COSE -19 / -53).

The COSE values of the ML-DSA, SLH-DSA and composite algorithms are the drafts' requested
assignments. Other SLH-DSA parameter sets have no JOSE/COSE identifier, so they raise
:class:`~pqpay.exceptions.UnsupportedAlgorithm`.

Parsing is strict: ``kty``/``alg``/``crv`` must be known and consistent, key members must have
the algorithm's exact length, base64url must be unpadded and canonical, and a private key's
public member must match the key derived from it. CBOR is encoded deterministically
(RFC 8949 §4.2.1) and decoded with definite lengths, shortest-form heads and no duplicate labels.
Extra members (``kid``, ``use``, ``key_ops``...) are accepted and ignored on input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pqpay import _cbor
from pqpay._algorithms import AKP_ALGORITHMS, EDDSA_COSE, EDDSA_JOSE, OKP_CURVES
from pqpay._b64 import decode_url, encode_url
from pqpay.exceptions import EncodingError, InvalidKey, UnsupportedAlgorithm
from pqpay.signatures import (
    PRIVATE_KEY_CLASSES,
    PUBLIC_KEY_CLASSES,
    SignaturePrivateKey,
    SignaturePublicKey,
)

__all__ = [
    "cose_key_thumbprint",
    "from_cose_key",
    "from_jwk",
    "jwk_thumbprint",
    "to_cose_key",
    "to_jwk",
]


_AKP_BY_NAME = {a.algorithm: a for a in AKP_ALGORITHMS}
_AKP_BY_JOSE = {a.jose: a for a in AKP_ALGORITHMS}
_AKP_BY_COSE = {a.cose: a for a in AKP_ALGORITHMS}
_OKP_BY_NAME = {c.algorithm: c for c in OKP_CURVES}
_OKP_BY_CRV = {c.crv: c for c in OKP_CURVES}
_OKP_BY_COSE_CRV = {c.cose_crv: c for c in OKP_CURVES}

_COSE_KTY_OKP = 1
_COSE_KTY_AKP = 7
# COSE_Key labels (RFC 9052 §7.1, RFC 9053 §7.2, RFC 9964).
_KTY, _ALG = 1, 3
_PUB, _PRIV = -1, -2
_CRV, _X, _D = -1, -2, -4

Key = SignaturePrivateKey[Any] | SignaturePublicKey


# -- key classes ----------------------------------------------------------------------------


def _classes(algorithm: str) -> tuple[type[SignaturePrivateKey[Any]], type[SignaturePublicKey]]:
    return PRIVATE_KEY_CLASSES[algorithm], PUBLIC_KEY_CLASSES[algorithm]


def _split(key: Key) -> tuple[str, bytes, bytes | None]:
    """(algorithm, public key bytes, private key bytes or None)."""
    if isinstance(key, SignaturePrivateKey):
        return key.ALGORITHM, key.public_key().public_bytes_raw(), key.private_bytes_raw()
    if isinstance(key, SignaturePublicKey):
        return key.ALGORITHM, key.public_bytes_raw(), None
    raise TypeError(f"expected a pqpay signature key, not {type(key).__name__}")


def _no_identifier(algorithm: str) -> UnsupportedAlgorithm:
    return UnsupportedAlgorithm(f"{algorithm} has no JOSE/COSE algorithm identifier")


def _build(algorithm: str, pub: bytes, priv: bytes | None, where: str) -> Key:
    private_cls, public_cls = _classes(algorithm)
    if len(pub) != public_cls.PUBLIC_KEY_SIZE:
        raise InvalidKey(
            f"{where}: {algorithm} public key must be {public_cls.PUBLIC_KEY_SIZE} bytes, "
            f"got {len(pub)}"
        )
    if priv is None:
        return public_cls.from_public_bytes(pub)
    if len(priv) != private_cls.PRIVATE_KEY_SIZE:
        raise InvalidKey(
            f"{where}: {algorithm} private key must be {private_cls.PRIVATE_KEY_SIZE} bytes, "
            f"got {len(priv)}"
        )
    key = private_cls.from_private_bytes(priv)
    if key.public_key().public_bytes_raw() != pub:
        raise InvalidKey(f"{where}: the public key does not match the private key")
    return key


# -- JWK ------------------------------------------------------------------------------------


def to_jwk(key: Key) -> dict[str, str]:
    """The JWK of a signature key (with ``priv``/``d`` for a private key).

    :raises UnsupportedAlgorithm: the algorithm has no JOSE identifier.
    :raises InvalidKey: an ML-DSA key loaded in expanded form (a JWK holds only the seed).
    """
    algorithm, pub, priv = _split(key)
    if algorithm in _OKP_BY_NAME:
        jwk = {"kty": "OKP", "crv": _OKP_BY_NAME[algorithm].crv, "x": encode_url(pub)}
        if priv is not None:
            jwk["d"] = encode_url(priv)
        return jwk
    alg = _AKP_BY_NAME.get(algorithm)
    if alg is None:
        raise _no_identifier(algorithm)
    jwk = {"kty": "AKP", "alg": alg.jose, "pub": encode_url(pub)}
    if priv is not None:
        jwk["priv"] = encode_url(priv)
    return jwk


def _str_member(jwk: Mapping[str, Any], name: str, required: bool) -> str | None:
    value = jwk.get(name)
    if value is None:
        if required:
            raise EncodingError(f'JWK member "{name}" is required')
        return None
    if not isinstance(value, str):
        raise EncodingError(f'JWK member "{name}" must be a string, not {type(value).__name__}')
    return value


def from_jwk(jwk: Mapping[str, Any]) -> Key:
    """Reads a JWK (a parsed JSON object); a private key when ``priv``/``d`` is present.

    :raises EncodingError: missing or mistyped members, bad base64url.
    :raises UnsupportedAlgorithm: unknown ``kty``, ``alg`` or ``crv``.
    :raises InvalidKey: wrong key length, or ``pub``/``x`` does not match the private key.
    """
    if not isinstance(jwk, Mapping):
        raise EncodingError(f"a JWK must be a JSON object, not {type(jwk).__name__}")
    kty = _str_member(jwk, "kty", True)
    if kty == "AKP":
        name = _str_member(jwk, "alg", True)
        alg = _AKP_BY_JOSE.get(name or "")
        if alg is None:
            raise UnsupportedAlgorithm(
                f"unknown AKP JWK alg {name!r}; expected one of {', '.join(_AKP_BY_JOSE)}"
            )
        pub = decode_url(_str_member(jwk, "pub", True), 'JWK member "pub"')
        priv_text = _str_member(jwk, "priv", False)
        priv = None if priv_text is None else decode_url(priv_text, 'JWK member "priv"')
        return _build(alg.algorithm, pub, priv, f"{alg.jose} JWK")
    if kty == "OKP":
        crv_name = _str_member(jwk, "crv", True)
        curve = _OKP_BY_CRV.get(crv_name or "")
        if curve is None:
            raise UnsupportedAlgorithm(
                f"unsupported OKP JWK crv {crv_name!r}; expected Ed25519 or Ed448"
            )
        alg_name = _str_member(jwk, "alg", False)
        if alg_name is not None and alg_name not in (EDDSA_JOSE, curve.crv):
            raise EncodingError(f'OKP JWK alg {alg_name!r} does not match crv "{curve.crv}"')
        pub = decode_url(_str_member(jwk, "x", True), 'JWK member "x"')
        d_text = _str_member(jwk, "d", False)
        d = None if d_text is None else decode_url(d_text, 'JWK member "d"')
        return _build(curve.algorithm, pub, d, f"{curve.crv} JWK")
    raise UnsupportedAlgorithm(f"unsupported JWK kty {kty!r}; expected AKP or OKP")


def jwk_thumbprint(key: Key | Mapping[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint, base64url: over ``alg``, ``kty``, ``pub`` for AKP keys
    (RFC 9964) and ``crv``, ``kty``, ``x`` for OKP keys. Accepts a key or a JWK (which is
    validated with :func:`from_jwk` first)."""
    parsed = from_jwk(key) if isinstance(key, Mapping) else key
    if isinstance(parsed, SignaturePrivateKey):
        parsed = parsed.public_key()
    jwk = to_jwk(parsed)
    members = ("alg", "kty", "pub") if jwk["kty"] == "AKP" else ("crv", "kty", "x")
    required = {m: jwk[m] for m in members}
    text = json.dumps(required, separators=(",", ":"), sort_keys=True, ensure_ascii=True)
    return encode_url(hashlib.sha256(text.encode("ascii")).digest())


# -- CBOR: the strict subset in pqpay._cbor (shared with COSE_Sign1 in pqpay.payments) ------

_cbor_encode = _cbor.encode


def _cbor_decode(data: bytes) -> _cbor.CborValue:
    return _cbor.decode(data, "a COSE_Key")


# -- COSE_Key -------------------------------------------------------------------------------


def _cose_map(key: Key) -> dict[int, int | bytes]:
    algorithm, pub, priv = _split(key)
    if algorithm in _OKP_BY_NAME:
        okp: dict[int, int | bytes] = {
            _KTY: _COSE_KTY_OKP,
            _CRV: _OKP_BY_NAME[algorithm].cose_crv,
            _X: pub,
        }
        if priv is not None:
            okp[_D] = priv
        return okp
    alg = _AKP_BY_NAME.get(algorithm)
    if alg is None:
        raise _no_identifier(algorithm)
    akp: dict[int, int | bytes] = {_KTY: _COSE_KTY_AKP, _ALG: alg.cose, _PUB: pub}
    if priv is not None:
        akp[_PRIV] = priv
    return akp


def to_cose_key(key: Key) -> bytes:
    """The COSE_Key of a signature key, deterministically encoded CBOR (with the private
    member for a private key).

    :raises UnsupportedAlgorithm: the algorithm has no COSE identifier.
    """
    return _cbor_encode(dict(_cose_map(key)))


def _member(m: dict[Any, Any], label: int, kind: type, name: str, required: bool) -> Any:
    if label not in m:
        if required:
            raise EncodingError(f"COSE_Key member {name} (label {label}) is required")
        return None
    value = m[label]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise EncodingError(
            f"COSE_Key member {name} (label {label}) must be a CBOR "
            f"{'integer' if kind is int else 'byte string'}"
        )
    return value


def from_cose_key(data: bytes) -> Key:
    """Reads a COSE_Key (CBOR bytes); a private key when ``priv`` (-2) / ``d`` (-4) is present.

    :raises EncodingError: malformed CBOR, missing or mistyped members.
    :raises UnsupportedAlgorithm: unknown ``kty``, ``alg`` or ``crv``.
    :raises InvalidKey: wrong key length, or the public member does not match the private key.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes-like, not {type(data).__name__}")
    m = _cbor_decode(bytes(data))
    if not isinstance(m, dict):
        raise EncodingError("a COSE_Key must be a CBOR map")
    kty = m.get(_KTY)
    if not isinstance(kty, int) or isinstance(kty, bool):
        raise EncodingError("COSE_Key kty (label 1) is required and must be an integer here")
    if kty == _COSE_KTY_AKP:
        cose_alg = _member(m, _ALG, int, "alg", True)
        alg = _AKP_BY_COSE.get(cose_alg)
        if alg is None:
            raise UnsupportedAlgorithm(
                f"unknown AKP COSE alg {cose_alg}; expected one of "
                f"{', '.join(str(a) for a in _AKP_BY_COSE)}"
            )
        pub = _member(m, _PUB, bytes, "pub", True)
        priv = _member(m, _PRIV, bytes, "priv", False)
        return _build(alg.algorithm, pub, priv, f"{alg.jose} COSE_Key")
    if kty == _COSE_KTY_OKP:
        crv = _member(m, _CRV, int, "crv", True)
        curve = _OKP_BY_COSE_CRV.get(crv)
        if curve is None:
            raise UnsupportedAlgorithm(
                f"unsupported OKP COSE crv {crv}; expected 6 (Ed25519) or 7 (Ed448)"
            )
        cose_alg = _member(m, _ALG, int, "alg", False)
        if cose_alg is not None and cose_alg not in (EDDSA_COSE, curve.cose_alg):
            raise EncodingError(f"OKP COSE_Key alg {cose_alg} does not match crv {curve.crv}")
        pub = _member(m, _X, bytes, "x", True)
        d = _member(m, _D, bytes, "d", False)
        return _build(curve.algorithm, pub, d, f"{curve.crv} COSE_Key")
    raise UnsupportedAlgorithm(f"unsupported COSE_Key kty {kty}; expected 7 (AKP) or 1 (OKP)")


def cose_key_thumbprint(key: Key | bytes) -> bytes:
    """RFC 9679 SHA-256 COSE_Key thumbprint (32 raw bytes): over kty, alg, pub for AKP keys
    (RFC 9964) and kty, crv, x for OKP keys. Accepts a key or COSE_Key bytes (validated with
    :func:`from_cose_key` first)."""
    parsed = key if not isinstance(key, (bytes, bytearray, memoryview)) else from_cose_key(key)
    if isinstance(parsed, SignaturePrivateKey):
        parsed = parsed.public_key()
    full = _cose_map(parsed)
    labels = (_KTY, _ALG, _PUB) if full[_KTY] == _COSE_KTY_AKP else (_KTY, _CRV, _X)
    required: dict[Any, Any] = {label: full[label] for label in labels}
    return hashlib.sha256(_cbor_encode(required)).digest()
