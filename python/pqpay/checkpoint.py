"""C2SP signed notes and transparency-log checkpoints.

A *checkpoint* (c2sp.org/tlog-checkpoint) is the text ``origin\\nsize\\nbase64(root)\\n`` (plus
optional extension lines) of an RFC 6962 / RFC 9162 Merkle tree head. A *signed note*
(c2sp.org/signed-note) is such a text, a blank line, and one or more signature lines
``— <key name> base64(key ID[4] || signature)``::

    log = Ed25519NoteSigner("example.com/log", Ed25519PrivateKey.generate())
    witness = MLDSA44Cosigner("example.com/witness", MLDSA44PrivateKey.generate())
    note = sign_checkpoint(Checkpoint("example.com/log", 7, root), [log, witness])
    checkpoint = verify_checkpoint(note, [NoteVerifier.from_vkey(log.vkey)])

Two signature types are implemented: Ed25519 over the note text (type ``0x01``) and the
timestamped ML-DSA-44 subtree cosignature of c2sp.org/tlog-cosignature (type ``0x06``, which signs
``origin``, ``0..size`` and the root but not extension lines, so it is refused for checkpoints
that have them). Keys come from any *signer*: an object with ``public_key()`` and
``sign(data, context=b"")``, such as a :mod:`pqpay.signatures` private key or an HSM handle.

Verification follows the note rules: signatures from unknown keys (name and key ID not both
matching a given verifier) are ignored, every signature from a known key must verify, and at least
one must be present; otherwise :class:`~pqpay.exceptions.InvalidSignature` (without detail). A
malformed note raises :class:`~pqpay.exceptions.EncodingError`; a note may carry at most
:data:`MAX_SIGNATURES` signatures.
"""

from __future__ import annotations

import abc
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeAlias

from pqpay._algorithms import (
    NOTE_SIGNATURE_TYPE_ED25519,
    NOTE_SIGNATURE_TYPE_MLDSA44_COSIGNATURE,
)
from pqpay._b64 import decode_std, encode_std
from pqpay._bytes import as_bytes
from pqpay.exceptions import EncodingError, InvalidSignature, UnsupportedAlgorithm
from pqpay.interfaces import Signer, checked_public_key
from pqpay.signatures import (
    Ed25519PublicKey,
    MLDSA44PublicKey,
    SignaturePublicKey,
)

__all__ = [
    "MAX_SIGNATURES",
    "MAX_TIMESTAMP",
    "SIGNATURE_TYPE_ED25519",
    "SIGNATURE_TYPE_MLDSA44_COSIGNATURE",
    "Checkpoint",
    "Ed25519NoteSigner",
    "MLDSA44Cosigner",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "Require",
    "Signer",
    "VerifierKey",
    "cosignature_timestamp",
    "cosigned_message",
    "key_id",
    "note_verifiers",
    "open_note",
    "parse_note",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoint",
]

SIGNATURE_TYPE_ED25519 = NOTE_SIGNATURE_TYPE_ED25519
"""c2sp.org/signed-note: Ed25519 (RFC 8032) over the note text."""

SIGNATURE_TYPE_MLDSA44_COSIGNATURE = NOTE_SIGNATURE_TYPE_MLDSA44_COSIGNATURE
"""c2sp.org/tlog-cosignature: timestamped ML-DSA-44 subtree cosignature."""

MAX_SIGNATURES = 100
"""At most this many signature lines per note (the spec asks verifiers to accept at least 16)."""

MAX_TIMESTAMP = 2**63 - 1
"""The largest cosignature timestamp tlog-cosignature allows."""

MAX_TREE_SIZE = 2**63 - 1
"""The largest tree size accepted (Go's tlog and torchwood parse sizes as int64)."""

_SIG_PREFIX = "\u2014 ".encode()  # em dash, space
_SUBTREE_LABEL = b"subtree/v1\n\x00"
_ED25519_SIG_SIZE = 64
_MLDSA44_SIG_SIZE = 2420
_PUBLIC_KEY_SIZES = {
    SIGNATURE_TYPE_ED25519: Ed25519PublicKey.PUBLIC_KEY_SIZE,
    SIGNATURE_TYPE_MLDSA44_COSIGNATURE: MLDSA44PublicKey.PUBLIC_KEY_SIZE,
}
_SIZE_RE = re.compile(r"0|[1-9][0-9]{0,18}")
# Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note uses for key names.
_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0")


_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f]")


def _has_control(s: str) -> bool:
    return _CONTROL_RE.search(s) is not None


def _decode_text(data: bytes, what: str) -> str:
    """UTF-8 without control characters other than newline, or EncodingError."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EncodingError(f"{what} is not valid UTF-8") from None
    if _has_control(s):
        raise EncodingError(f"{what} contains a control character other than newline")
    return s


def _is_valid_name(name: str) -> bool:
    """A key name: non-empty, no Unicode space, no '+', no control character."""
    return (
        bool(name)
        and "+" not in name
        and not any(
            c in _GO_SPACES or c < " " or unicodedata.category(c) in ("Zs", "Zl", "Zp")
            for c in name
        )
    )


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"a key name must be a str, not {type(name).__name__}")
    if not _is_valid_name(name):
        raise ValueError(
            f"a key name must be non-empty, without spaces, '+' or control characters; got {name!r}"
        )
    return name


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || signature_type || public_key)[:4]``, the note key ID."""
    data = name.encode() + b"\n" + bytes([signature_type]) + as_bytes(public_key, "public_key")
    return hashlib.sha256(data).digest()[:4]


# ------------------------------------------------------------------------------------------------
# Checkpoints


@dataclass(frozen=True)
class Checkpoint:
    """A tlog checkpoint: ``origin``, tree ``size``, 32-byte RFC 6962 ``root``, extension lines.

    :raises ValueError: an empty origin or one with a control character, a size outside
        ``0..2**63-1``, a root that is not 32 bytes, or an empty extension line.
    """

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str):
            raise TypeError(f"origin must be a str, not {type(self.origin).__name__}")
        if not self.origin or _has_control(self.origin) or "\n" in self.origin:
            raise ValueError("origin must be a non-empty line without control characters")
        if not isinstance(self.size, int) or isinstance(self.size, bool):
            raise TypeError(f"size must be an int, not {type(self.size).__name__}")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise ValueError(f"size must be in 0..2**63-1, got {self.size}")
        root = as_bytes(self.root, "root")
        if len(root) != 32:
            raise ValueError(f"root must be 32 bytes, got {len(root)}")
        object.__setattr__(self, "root", root)
        if isinstance(self.extensions, str):
            raise TypeError("extensions must be a sequence of lines, not a str")
        extensions = tuple(self.extensions)
        for line in extensions:
            if not isinstance(line, str):
                raise TypeError(f"extension lines must be str, not {type(line).__name__}")
            if not line or _has_control(line) or "\n" in line:
                raise ValueError("extension lines must be non-empty, without control characters")
        object.__setattr__(self, "extensions", extensions)

    def body(self) -> bytes:
        """The note text: ``origin\\nsize\\nbase64(root)\\n`` then one line per extension."""
        lines = [self.origin, str(self.size), encode_std(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines).encode()

    @classmethod
    def parse(cls, body: bytes) -> Checkpoint:
        """Parses a checkpoint text strictly: it must be exactly what :meth:`body` writes.

        :raises EncodingError: not UTF-8, a control character, no final newline, fewer than three
            lines, an empty line, a size with leading zeros, signs or over 2**63-1, or a root
            that is not canonical base64 of 32 bytes.
        """
        text = _decode_text(as_bytes(body, "body"), "checkpoint")
        if not text.endswith("\n"):
            raise EncodingError("a checkpoint must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise EncodingError(f"a checkpoint has at least 3 lines, got {len(lines)}")
        if any(not line for line in lines):
            raise EncodingError("a checkpoint has no empty lines")
        origin, size_text, root_text, *extensions = lines
        if not _SIZE_RE.fullmatch(size_text):
            raise EncodingError(
                "the tree size must be decimal digits without leading zeros, at most 2**63-1"
            )
        size = int(size_text)
        if size > MAX_TREE_SIZE:
            raise EncodingError("the tree size must be at most 2**63-1")
        root = decode_std(root_text, "the root hash")
        if len(root) != 32:
            raise EncodingError(f"the root hash must be 32 bytes, got {len(root)}")
        return cls(origin, size, root, tuple(extensions))


def cosigned_message(
    cosigner_name: str, timestamp: int, origin: str, start: int, end: int, root: bytes
) -> bytes:
    """The ML-DSA-44 ``cosigned_message`` of c2sp.org/tlog-cosignature (TLS encoding).

    ``"subtree/v1\\n\\0" || u8-len name || u64 timestamp || u8-len origin || u64 start ||
    u64 end || hash[32]``. For a checkpoint, ``start`` is 0 and ``end`` is the tree size.

    :raises ValueError: a name or origin outside 1..255 bytes, a timestamp over 2**63-1, a
        non-zero timestamp with a non-zero start, ``start > end``, or a root not of 32 bytes.
    """
    name_b, origin_b = cosigner_name.encode(), origin.encode()
    if not 1 <= len(name_b) <= 255 or not 1 <= len(origin_b) <= 255:
        raise ValueError("the cosigner name and the origin must be 1..255 bytes")
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"the timestamp must be in 0..2**63-1, got {timestamp}")
    if not 0 <= start <= end < 2**64:
        raise ValueError(f"need 0 <= start <= end < 2**64, got {start}, {end}")
    if start and timestamp:
        raise ValueError("a subtree with a non-zero start has timestamp 0")
    if len(root) != 32:
        raise ValueError(f"the root hash must be 32 bytes, got {len(root)}")
    return b"".join(
        (
            _SUBTREE_LABEL,
            bytes([len(name_b)]),
            name_b,
            timestamp.to_bytes(8, "big"),
            bytes([len(origin_b)]),
            origin_b,
            start.to_bytes(8, "big"),
            end.to_bytes(8, "big"),
            root,
        )
    )


# ------------------------------------------------------------------------------------------------
# Signers and verifiers


class _NoteKey:
    """What note signers and verifiers share: the key name, the key ID and the vkey."""

    __slots__ = ("_key_id", "_name")
    _name: str
    _key_id: bytes

    @property
    def name(self) -> str:
        """The key name written in the signature line."""
        return self._name

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID, ``SHA-256(name || 0x0A || type || public key)[:4]``."""
        return self._key_id

    def _vkey(self, signature_type: int, public: bytes) -> str:
        """``<name>+<hex key ID>+<base64(type || public key)>``."""
        return f"{self._name}+{self._key_id.hex()}+{encode_std(bytes([signature_type]) + public)}"


class NoteSigner(_NoteKey, abc.ABC):
    """A named note key: ``name``, 4-byte ``key_id``, ``vkey`` and :meth:`sign_note_text`."""

    __slots__ = ("_public_key", "_signer")
    SIGNATURE_TYPE: ClassVar[int]
    _public_key: bytes
    _signer: Signer

    def _init(self, name: str, signer: Signer, public_type: type[SignaturePublicKey]) -> None:
        self._name = _check_name(name)
        public = checked_public_key(
            signer, "sign", public_type, f"{type(self).__name__} signer", public_type.__name__
        )
        self._signer = signer
        self._public_key = public.public_bytes_raw()
        self._key_id = key_id(self._name, self.SIGNATURE_TYPE, self._public_key)

    @property
    def vkey(self) -> str:
        """The verifier key ``<name>+<hex key ID>+<base64(type || public key)>``."""
        return self._vkey(self.SIGNATURE_TYPE, self._public_key)

    def verifier(self) -> NoteVerifier:
        """The matching :class:`NoteVerifier`."""
        return NoteVerifier.from_vkey(self.vkey)

    @abc.abstractmethod
    def sign_note_text(self, text: bytes) -> bytes:
        """The raw signature over a note text (what follows the key ID in the signature line)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._name}+{self._key_id.hex()}>"


class Ed25519NoteSigner(NoteSigner):
    """Signature type ``0x01``: Ed25519 (RFC 8032) over the note text.

    :raises TypeError: ``signer.public_key()`` is not an Ed25519 public key.
    :raises ValueError: the name is empty or has a space, '+' or a control character.
    """

    __slots__ = ()
    SIGNATURE_TYPE = SIGNATURE_TYPE_ED25519

    def __init__(self, name: str, signer: Signer) -> None:
        self._init(name, signer, Ed25519PublicKey)

    def sign_note_text(self, text: bytes) -> bytes:
        """The 64-byte Ed25519 signature over ``text``."""
        sig = self._signer.sign(as_bytes(text, "text"))
        if len(sig) != _ED25519_SIG_SIZE:
            raise ValueError(f"the signer returned {len(sig)} bytes, not a 64-byte signature")
        return sig


def _wall_clock() -> int:
    return int(time.time())


class MLDSA44Cosigner(NoteSigner):
    """Signature type ``0x06``: timestamped ML-DSA-44 cosignature of a checkpoint.

    Signs :func:`cosigned_message` with ``start = 0``, ``end = size`` and the time from
    ``clock()`` (POSIX seconds; pass ``lambda: 0`` to make no freshness statement), with an empty
    ML-DSA context. The signature is ``u64 timestamp || 2420-byte ML-DSA-44 signature``.

    :raises TypeError: ``signer.public_key()`` is not an ML-DSA-44 public key.
    :raises ValueError: the name is not a valid key name or is longer than 255 bytes.
    """

    __slots__ = ("_clock",)
    SIGNATURE_TYPE = SIGNATURE_TYPE_MLDSA44_COSIGNATURE

    def __init__(self, name: str, signer: Signer, clock: Callable[[], int] = _wall_clock) -> None:
        self._init(name, signer, MLDSA44PublicKey)
        if len(self._name.encode()) > 255:
            raise ValueError("an ML-DSA-44 cosigner name is at most 255 bytes")
        self._clock = clock

    def sign_note_text(self, text: bytes) -> bytes:
        """Cosigns the checkpoint ``text``: ``timestamp (8 bytes, big-endian) || signature``.

        :raises EncodingError: ``text`` is not a checkpoint.
        :raises ValueError: the checkpoint has extension lines (this format would not sign
            them), its origin is over 255 bytes, or the clock gave no int in 0..2**63-1.
        """
        checkpoint = Checkpoint.parse(text)
        if checkpoint.extensions:
            raise ValueError("ML-DSA-44 cosignatures do not cover extension lines; refusing")
        timestamp = self._clock()
        if not isinstance(timestamp, int) or isinstance(timestamp, bool):
            raise ValueError(f"the clock must return an int, not {type(timestamp).__name__}")
        message = cosigned_message(
            self._name, timestamp, checkpoint.origin, 0, checkpoint.size, checkpoint.root
        )
        sig = self._signer.sign(message)
        if len(sig) != _MLDSA44_SIG_SIZE:
            raise ValueError(f"the signer returned {len(sig)} bytes, not a 2420-byte signature")
        return timestamp.to_bytes(8, "big") + sig


class NoteVerifier(_NoteKey):
    """A known note key: verifies the signatures of one (name, key ID) pair.

    Made with :meth:`from_vkey` or :meth:`from_public_key`; supports types ``0x01`` (Ed25519)
    and ``0x06`` (ML-DSA-44 cosignature).
    """

    __slots__ = ("_key", "_type")
    _type: int
    _key: SignaturePublicKey

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use NoteVerifier.from_vkey() or NoteVerifier.from_public_key()")

    @classmethod
    def _make(cls, name: str, signature_type: int, key: SignaturePublicKey) -> NoteVerifier:
        obj = object.__new__(cls)
        obj._name = name
        obj._type = signature_type
        obj._key = key
        obj._key_id = key_id(name, signature_type, key.public_bytes_raw())
        return obj

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parses ``<name>+<8 hex digits key ID>+<base64(type || public key)>``.

        :raises EncodingError: a malformed vkey, a public key of the wrong size, or a key ID
            that does not match the name and key.
        :raises UnsupportedAlgorithm: a signature type other than 0x01 and 0x06.
        :raises InvalidKey: the public key bytes are not a valid key.
        """
        if not isinstance(vkey, str):
            raise TypeError(f"a vkey must be a str, not {type(vkey).__name__}")
        name, sep1, rest = vkey.partition("+")
        hex_id, sep2, key_b64 = rest.partition("+")
        if not (sep1 and sep2 and _is_valid_name(name)):
            raise EncodingError("a vkey is <name>+<key ID>+<base64 key>, with a valid key name")
        if not re.fullmatch(r"[0-9a-fA-F]{8}", hex_id):
            raise EncodingError("the vkey's key ID must be 8 hex digits")
        raw = decode_std(key_b64, "the vkey's key")
        if not raw:
            raise EncodingError("the vkey's key is empty")
        signature_type, public = raw[0], raw[1:]
        if signature_type not in _PUBLIC_KEY_SIZES:
            raise UnsupportedAlgorithm(
                f"note signature type 0x{signature_type:02x} is not supported (0x01, 0x06 are)"
            )
        want = _PUBLIC_KEY_SIZES[signature_type]
        if len(public) != want:
            raise EncodingError(
                f"a type 0x{signature_type:02x} vkey holds a {want}-byte public key, "
                f"got {len(public)}"
            )
        if key_id(name, signature_type, public) != bytes.fromhex(hex_id):
            raise EncodingError("the vkey's key ID does not match its name and key")
        public_cls = (
            Ed25519PublicKey if signature_type == SIGNATURE_TYPE_ED25519 else MLDSA44PublicKey
        )
        return cls._make(name, signature_type, public_cls.from_public_bytes(public))

    @classmethod
    def from_public_key(
        cls, name: str, public_key: SignaturePublicKey, signature_type: int | None = None
    ) -> NoteVerifier:
        """A verifier for ``public_key`` under ``name``.

        ``signature_type`` defaults to 0x01 for an Ed25519 key and 0x06 for an ML-DSA-44 key.

        :raises TypeError: the key is neither, or does not fit ``signature_type``.
        :raises ValueError: not a valid key name.
        """
        _check_name(name)
        kinds = {
            SIGNATURE_TYPE_ED25519: Ed25519PublicKey,
            SIGNATURE_TYPE_MLDSA44_COSIGNATURE: MLDSA44PublicKey,
        }
        if signature_type is None:
            for t, k in kinds.items():
                if isinstance(public_key, k):
                    signature_type = t
        if signature_type not in kinds or not isinstance(public_key, kinds[signature_type]):
            raise TypeError(
                "a note verifier takes an Ed25519 (type 0x01) or ML-DSA-44 (type 0x06) public key"
            )
        return cls._make(name, signature_type, public_key)

    @property
    def signature_type(self) -> int:
        """0x01 (Ed25519) or 0x06 (ML-DSA-44 cosignature)."""
        return self._type

    @property
    def public_key(self) -> SignaturePublicKey:
        """The public key."""
        return self._key

    @property
    def vkey(self) -> str:
        """The verifier key string (what :meth:`from_vkey` reads)."""
        return self._vkey(self._type, self._key.public_bytes_raw())

    def _verifies(self, text: bytes, signature: bytes) -> bool:
        if self._type == SIGNATURE_TYPE_ED25519:
            if len(signature) != _ED25519_SIG_SIZE:
                return False
            message = text
            sig = signature
        else:
            if len(signature) != 8 + _MLDSA44_SIG_SIZE:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > MAX_TIMESTAMP:
                return False
            try:
                checkpoint = Checkpoint.parse(text)
            except EncodingError:
                return False
            # The cosigned message leaves extension lines out; accepting them would let anyone
            # add unsigned lines to a cosigned checkpoint.
            if checkpoint.extensions or len(checkpoint.origin.encode()) > 255:
                return False
            message = cosigned_message(
                self._name, timestamp, checkpoint.origin, 0, checkpoint.size, checkpoint.root
            )
            sig = signature[8:]
        try:
            self._key.verify(sig, message)
        except InvalidSignature:
            return False
        return True

    def verify_note_text(self, text: bytes, signature: bytes) -> None:
        """Checks one raw signature (the bytes after the key ID) over a note text.

        :raises InvalidSignature: it does not verify.
        """
        if not self._verifies(as_bytes(text, "text"), as_bytes(signature, "signature")):
            raise InvalidSignature()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NoteVerifier):
            return NotImplemented
        return self.vkey == other.vkey

    def __hash__(self) -> int:
        return hash(self.vkey)

    def __repr__(self) -> str:
        return f"<NoteVerifier {self._name}+{self._key_id.hex()} type 0x{self._type:02x}>"


# ------------------------------------------------------------------------------------------------
# Notes


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key ``name``, 4-byte ``key_id`` and the raw ``signature`` after it."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> bytes:
        """The encoded line ``— <name> <base64(key_id || signature)>\\n``."""
        return _SIG_PREFIX + f"{self.name} {encode_std(self.key_id + self.signature)}\n".encode()


def cosignature_timestamp(signature: NoteSignature) -> int:
    """The POSIX timestamp a timestamped cosignature (type 0x04 or 0x06) carries.

    Only meaningful once the signature has verified (its key is known to be a cosigner's).

    :raises EncodingError: the signature is shorter than its 8-byte timestamp, or the timestamp
        is over 2**63-1.
    """
    if len(signature.signature) < 8:
        raise EncodingError("a cosignature starts with an 8-byte timestamp")
    timestamp = int.from_bytes(signature.signature[:8], "big")
    if timestamp > MAX_TIMESTAMP:
        raise EncodingError("a cosignature timestamp is at most 2**63-1")
    return timestamp


def _check_text(text: bytes) -> bytes:
    text = as_bytes(text, "text")
    _decode_text(text, "the note text")
    if not text.endswith(b"\n"):
        raise ValueError("a note text must end with a newline")
    return text


def parse_note(note: bytes) -> tuple[bytes, list[NoteSignature]]:
    """Splits a signed note into its text and signature lines, verifying nothing.

    The text is untrusted until :func:`open_note` has checked a signature over it.

    :raises EncodingError: not UTF-8, a control character other than newline, no blank line
        before the signatures, a malformed signature line (no em dash prefix, an invalid key
        name, non-canonical base64, fewer than 5 bytes), or more than :data:`MAX_SIGNATURES`.
    """
    note = as_bytes(note, "note")
    _decode_text(note, "the note")
    split = note.rfind(b"\n\n")
    if split < 0:
        raise EncodingError("a signed note needs a blank line between text and signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block or not block.endswith(b"\n"):
        raise EncodingError("a signed note ends with at least one newline-terminated signature")
    lines = block[:-1].split(b"\n")
    if len(lines) > MAX_SIGNATURES:
        raise EncodingError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise EncodingError("a signature line starts with an em dash and a space")
        name, _, b64 = line[len(_SIG_PREFIX) :].decode().partition(" ")
        if not _is_valid_name(name):
            raise EncodingError("a signature line has an invalid key name")
        raw = decode_std(b64, "a signature")
        if len(raw) < 5:
            raise EncodingError("a signature is a 4-byte key ID and at least one byte")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    return text, signatures


VerifierKey: TypeAlias = NoteVerifier | str
"""A :class:`NoteVerifier`, or a verifier key string (``name+hex+base64``)."""

Require: TypeAlias = Literal["all", "any"] | int
"""Which of the given verifiers must have signed a note: ``"all"`` (the default everywhere:
every given key), ``"any"`` (at least one), or an int ``k`` (at least ``k`` of them)."""


def note_verifiers(keys: Sequence[VerifierKey] | VerifierKey) -> list[NoteVerifier]:
    """Normalises one verifier key, or a sequence of them, to a list of :class:`NoteVerifier`.

    :raises EncodingError: a vkey string is malformed (see :meth:`NoteVerifier.from_vkey`).
    """
    if isinstance(keys, (str, NoteVerifier)):
        keys = [keys]
    return [NoteVerifier.from_vkey(k) if isinstance(k, str) else k for k in keys]


def _verifier_map(verifiers: Sequence[NoteVerifier]) -> dict[tuple[str, bytes], NoteVerifier]:
    known: dict[tuple[str, bytes], NoteVerifier] = {}
    for v in verifiers:
        if not isinstance(v, NoteVerifier):
            raise TypeError(f"verifiers must be NoteVerifier objects, not {type(v).__name__}")
        slot = (v.name, v.key_id)
        if slot in known and known[slot] != v:
            raise ValueError(f"two different verifiers share the name and key ID {v.name}")
        known[slot] = v
    return known


def _required_count(require: Require, known: int) -> int:
    """How many distinct given verifiers must have signed, at least one."""
    if require == "all":
        return max(known, 1)
    if require == "any":
        return 1
    if isinstance(require, bool) or not isinstance(require, int):
        raise TypeError(f'require must be "all", "any" or an int, not {require!r}')
    if not 1 <= require <= known:
        raise ValueError(f"require={require} needs 1 <= k <= {known} (the verifiers given)")
    return require


def _verify_signatures(
    text: bytes,
    signatures: list[NoteSignature],
    verifiers: Sequence[NoteVerifier],
    require: Require,
) -> list[str]:
    known = _verifier_map(verifiers)
    needed = _required_count(require, len(known))
    verified: list[NoteVerifier] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue  # unknown keys are ignored (signed-note), e.g. other witnesses
        # Check every signature of a known key, even repeated ones: one failure rejects.
        if not verifier._verifies(text, sig.signature):
            raise InvalidSignature()
        if verifier not in verified:
            verified.append(verifier)
    # "all" by default: with "any", a note stripped of its ML-DSA-44 cosignature would pass
    # on the Ed25519 line alone (security review S-2).
    if len(verified) < needed:
        raise InvalidSignature()
    return [v.name for v in verified]


def open_note(
    note: bytes, verifiers: Sequence[NoteVerifier], *, require: Require = "all"
) -> tuple[bytes, list[str]]:
    """Verifies a signed note; returns its text and the names of the keys that signed it.

    Signature lines of keys not among ``verifiers`` are ignored (c2sp.org/signed-note).

    :param require: which given verifiers must have a valid signature line: ``"all"`` (the
        default), ``"any"``, or an int ``k`` (k-of-n, ``1 <= k <= len(verifiers)``).
    :raises EncodingError: the note is malformed (see :func:`parse_note`).
    :raises InvalidSignature: fewer given verifiers signed than ``require`` asks (none at all
        included), or one of their signatures does not verify.
    :raises ValueError: two different verifiers share a name and key ID, or ``k`` is out of
        range.
    """
    text, signatures = parse_note(note)
    return text, _verify_signatures(text, signatures, verifiers, require)


def sign_note(text: bytes, signers: Sequence[NoteSigner]) -> bytes:
    """Signs ``text`` with each signer in turn; returns the signed note.

    :raises ValueError: ``text`` is not UTF-8 without control characters ending in a newline,
        no signer (or more than :data:`MAX_SIGNATURES`) is given, or two share a name and key ID.
    """
    text = _check_text(text)
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    if len(signers) > MAX_SIGNATURES:
        raise ValueError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    seen: set[tuple[str, bytes]] = set()
    lines = []
    for signer in signers:
        if not isinstance(signer, NoteSigner):
            raise TypeError(f"signers must be NoteSigner objects, not {type(signer).__name__}")
        slot = (signer.name, signer.key_id)
        if slot in seen:
            raise ValueError(f"two signers share the name and key ID {signer.name}")
        seen.add(slot)
        sig = as_bytes(signer.sign_note_text(text), "signature")
        if len(signer.key_id) != 4 or not sig:
            raise ValueError("a signer must have a 4-byte key ID and return a signature")
        lines.append(NoteSignature(_check_name(signer.name), signer.key_id, sig).line())
    return text + b"\n" + b"".join(lines)


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[NoteSigner]) -> bytes:
    """The signed note of ``checkpoint`` (the log's key, then any cosigners, in order)."""
    if not isinstance(checkpoint, Checkpoint):
        raise TypeError(f"expected a Checkpoint, not {type(checkpoint).__name__}")
    return sign_note(checkpoint.body(), signers)


def verify_checkpoint(
    note: bytes,
    verifiers: Sequence[NoteVerifier],
    *,
    require: Require = "all",
    origin: str | None = None,
) -> Checkpoint:
    """Verifies a signed checkpoint note; returns the checkpoint.

    :param require: as for :func:`open_note` (default ``"all"``: every given key signed).
    :param origin: the log's origin line. Pass it: a key may sign the checkpoints of several
        logs, and without it a checkpoint of *any* log signed by these keys is accepted (the
        caller must then compare :attr:`Checkpoint.origin` itself).
    :raises EncodingError: the note or its checkpoint text is malformed (checked first).
    :raises InvalidSignature: fewer given verifiers signed than ``require`` asks, one of
        their signatures does not verify, or the checkpoint names another origin.
    :raises TypeError: ``origin`` is given and is not a str.
    """
    if origin is not None and not isinstance(origin, str):
        raise TypeError(f"origin must be a str, not {type(origin).__name__}")
    text, signatures = parse_note(note)
    checkpoint = Checkpoint.parse(text)
    _verify_signatures(text, signatures, verifiers, require)
    if origin is not None and checkpoint.origin != origin:  # public data: no timing concern
        raise InvalidSignature()
    return checkpoint
