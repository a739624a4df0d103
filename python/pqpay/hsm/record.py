"""What a key handle is on storage: its algorithm, the record (label, version, public key, sealed
seed) and the additional data that binds a sealed seed to its handle id, algorithm, version and
label (record format 2; format 1 records, without the label, still open);
and the version claims that make version allocation atomic across processes.

The record is JSON with base64 members, stored by the backend (a private ``CKO_DATA`` object in
a PKCS#11 token). It holds the seed only sealed. A :class:`Claim` is a small JSON object stored
the same way (``"format": "claim"``) that reserves one (label, version) for one handle id before
its keys are made (:class:`~pqpay.hsm.KeyStore` explains the protocol); :func:`parse_stored`
tells the two apart.
"""

from __future__ import annotations

import base64
import enum
import json
from dataclasses import dataclass

from pqpay._bytes import as_bytes
from pqpay.exceptions import HSMError

__all__ = [
    "ID_LEN",
    "MAX_VERSION",
    "NONCE_LEN",
    "RECORD_FORMAT",
    "Algorithm",
    "Claim",
    "Record",
    "check_label",
    "parse_handle_id",
    "parse_stored",
    "sealing_aad",
    "wipe",
]

#: Bytes of a handle id (and of a key-encryption key id).
ID_LEN = 16
#: Bytes of an AES-GCM nonce.
NONCE_LEN = 12
#: The highest version a label can reach.
MAX_VERSION = 2**32 - 1

_AAD_DOMAIN = b"pqpay.hsm sealed seed v1\x00"
_AAD_DOMAIN_V2 = b"pqpay.hsm sealed seed v2\x00"
#: The record format written now: 2 seals the seed under an AAD that binds the label too.
#: Format 1 records (handle id, algorithm and version only) still open; see :func:`sealing_aad`.
RECORD_FORMAT = 2
_RECORD_FORMATS = (1, 2)
_CLAIM_FORMAT = "claim"
_MAX_LABEL_BYTES = 128


class Algorithm(enum.StrEnum):
    """The algorithms a key handle can hold (values are pqpay's algorithm names)."""

    ED25519 = "Ed25519"
    MLDSA65_ED25519 = "MLDSA65-Ed25519-SHA512"
    XWING = "X-Wing"
    MLKEM512 = "ML-KEM-512"
    MLKEM768 = "ML-KEM-768"
    MLKEM1024 = "ML-KEM-1024"

    @property
    def is_signature(self) -> bool:
        """True for signing algorithms, False for KEMs."""
        return self in (Algorithm.ED25519, Algorithm.MLDSA65_ED25519)


def wipe(buf: bytes | bytearray) -> None:
    """Zeroes ``buf`` in place (an opened seed, after use). A ``bytes`` seed (what
    python-pkcs11 returns) cannot be wiped; it is only dropped."""
    if isinstance(buf, bytearray):
        buf[:] = bytes(len(buf))


def sealing_aad(
    handle_id: bytes, algorithm: Algorithm, version: int, label: str | None = None
) -> bytes:
    """The AES-GCM additional data of a sealed seed: binds it to the handle id, algorithm,
    version and (record format 2, when ``label`` is given) the label, so it cannot be moved to
    another handle, version or label.

    Without ``label`` it is format 1's additional data (pqpay before issue 12), which records
    of that format still open under. Moving such a label to format 2 is a :meth:`rotate
    <pqpay.hsm.KeyStore.rotate>`: the new version is written in format 2.
    """
    alg = algorithm.value.encode("ascii")
    common = handle_id + bytes([len(alg)]) + alg + version.to_bytes(4, "big")
    if label is None:
        return _AAD_DOMAIN + common
    name = check_label(label).encode("utf-8")
    return _AAD_DOMAIN_V2 + common + bytes([len(name)]) + name


def check_label(label: object) -> str:
    """``label`` if it is a usable key label. :raises TypeError, ValueError: it is not."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, not {type(label).__name__}")
    if not label or len(label.encode("utf-8")) > _MAX_LABEL_BYTES:
        raise ValueError(f"label must be 1 to {_MAX_LABEL_BYTES} UTF-8 bytes long")
    if not label.isprintable():
        raise ValueError("label must be printable text (no control characters)")
    return label


def parse_handle_id(handle_id: object) -> bytes:
    """A handle id from 32 hex digits or 16 bytes. :raises ValueError: neither."""
    if isinstance(handle_id, str):
        try:
            raw = bytes.fromhex(handle_id)
        except ValueError:
            raw = b""
        if len(raw) != ID_LEN:
            raise ValueError(f"handle id must be {2 * ID_LEN} hex digits, got {handle_id!r}")
        return raw
    raw = as_bytes(handle_id, "handle_id")
    if len(raw) != ID_LEN:
        raise ValueError(f"handle id must be {ID_LEN} bytes long, got {len(raw)}")
    return raw


@dataclass(frozen=True, repr=False)
class Record:
    """What is stored about one handle. Holds the seed only sealed."""

    handle_id: bytes
    label: str
    algorithm: Algorithm
    version: int
    created: int
    public_key: bytes
    kek_id: bytes | None
    nonce: bytes | None
    sealed_seed: bytes | None
    #: The stored format (:data:`RECORD_FORMAT` for new records; 1 for older ones).
    format: int = RECORD_FORMAT

    @property
    def has_token_ed25519(self) -> bool:
        """True when an Ed25519 key pair in the backend belongs to this handle."""
        return self.algorithm in (Algorithm.ED25519, Algorithm.MLDSA65_ED25519)

    def aad(self) -> bytes:
        """The additional data the seed is sealed under (format 1: without the label)."""
        label = None if self.format == 1 else self.label
        return sealing_aad(self.handle_id, self.algorithm, self.version, label)

    def to_bytes(self) -> bytes:
        """The stored form (canonical JSON)."""

        def b64(v: bytes | None) -> str | None:
            return None if v is None else base64.b64encode(v).decode("ascii")

        doc = {
            "format": self.format,
            "id": self.handle_id.hex(),
            "label": self.label,
            "alg": self.algorithm.value,
            "version": self.version,
            "created": self.created,
            "pub": b64(self.public_key),
            "kek": None if self.kek_id is None else self.kek_id.hex(),
            "nonce": b64(self.nonce),
            "sealed": b64(self.sealed_seed),
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Record:
        """Reads the stored form. :raises HSMError: malformed."""
        try:
            doc = json.loads(data.decode("utf-8"))
            fmt = doc["format"]
            if type(fmt) is not int or fmt not in _RECORD_FORMATS:
                raise ValueError("unknown record format")

            def unb64(v: str | None) -> bytes | None:
                return None if v is None else base64.b64decode(v, validate=True)

            version = int(doc["version"])
            if not 1 <= version <= MAX_VERSION:
                raise ValueError("version out of range")
            pub = unb64(doc["pub"])
            if pub is None:
                raise ValueError("no public key")
            return cls(
                handle_id=parse_handle_id(doc["id"]),
                label=check_label(doc["label"]),
                algorithm=Algorithm(doc["alg"]),
                version=version,
                created=int(doc["created"]),
                public_key=pub,
                kek_id=None if doc["kek"] is None else bytes.fromhex(doc["kek"]),
                nonce=unb64(doc["nonce"]),
                sealed_seed=unb64(doc["sealed"]),
                format=fmt,
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise HSMError(f"a pqpay.hsm key record in the token is malformed: {exc}") from None


@dataclass(frozen=True)
class Claim:
    """A reservation of ``version`` of ``label`` for the handle ``handle_id``, stored under its
    own id ``claim_id`` (what the backend destroys it by)."""

    claim_id: bytes
    label: str
    version: int
    handle_id: bytes

    def to_bytes(self) -> bytes:
        """The stored form (canonical JSON)."""
        doc = {
            "format": _CLAIM_FORMAT,
            "claim": self.claim_id.hex(),
            "label": self.label,
            "version": self.version,
            "id": self.handle_id.hex(),
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_stored(data: bytes) -> Record | Claim:
    """A stored object: a handle :class:`Record` or a version :class:`Claim`.

    :raises HSMError: malformed.
    """
    try:
        doc = json.loads(data.decode("utf-8"))
        is_claim = isinstance(doc, dict) and doc.get("format") == _CLAIM_FORMAT
    except (ValueError, UnicodeDecodeError):
        is_claim = False
    if not is_claim:
        return Record.from_bytes(data)
    try:
        version = doc["version"]
        if type(version) is not int or not 1 <= version <= MAX_VERSION:
            raise ValueError("version out of range")
        return Claim(
            claim_id=parse_handle_id(doc["claim"]),
            label=check_label(doc["label"]),
            version=version,
            handle_id=parse_handle_id(doc["id"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise HSMError(f"a pqpay.hsm version claim in the token is malformed: {exc}") from None
