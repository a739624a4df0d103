"""Key sets: the versioned keys of one purpose, one of them primary (Tink's keysets, in pqpay's
terms).

Every key has a stable id, ``kid`` (:func:`key_id`: 16 hex digits of a SHA-256 over the
algorithm name and the public key, so the same key has the same id in a file, in the HSM key
store and at a verifier), a ``version`` (1, 2, ... in the order keys were added) and a
:class:`KeyStatus`:

* ``primary``: the one key that signs (exactly one per set);
* ``enabled``: an older (or not yet promoted) key that still verifies;
* ``retired``: kept so that its signatures are *refused* by name (:class:`RetiredKeyId`).

A set holds signature keys (``purpose == "signing"``) or KEM keys (``"kem"``), never both.
Sets are immutable: :meth:`KeySet.add`, :meth:`~KeySet.promote` and :meth:`~KeySet.retire`
return a new set.

**Signing and verifying.** :meth:`KeySet.signer` is the primary key with its ``kid``: COSE_Sign1
(protected header label 4) and JWS (``kid``) envelopes signed through it name the key, and so do
the receipts that carry them. A set (or its :meth:`~KeySet.public_keyset`) passed where the
verifiers of :mod:`pqpay.payments` take a public key looks the key up by ``kid``: an unknown id
raises :class:`~pqpay.exceptions.UnknownKeyId`, a retired one
:class:`~pqpay.exceptions.RetiredKeyId` (both subclasses of ``InvalidSignature``). An envelope
without a ``kid`` (signed before key sets) is tried under every key that is not retired.
Checkpoint notes name their key by the C2SP key id already (a hash of name and key).

**Files.** :meth:`KeySet.to_json` / :meth:`KeySet.save` write canonical JSON (format
``pqpay-keyset``, version 1): each private key as encrypted PKCS#8 PEM
(:class:`~pqpay.serialization.BestAvailableEncryption`: PBKDF2-HMAC-SHA256, 1,200,000
iterations, AES-256-CBC, one KDF run per key on load) and a ``mac``: HMAC-SHA256 over the rest
of the document, keyed by a hash of every decrypted key, so a changed status, version or id is
caught once the keys decrypt. :meth:`KeySet.save` writes atomically with mode 0600 (0644 for a
public set). A public set (format ``pqpay-public-keyset``) holds SPKI PEM public keys only and no
``mac`` (trust it as you trust any public key file). Errors: a wrong password (or a damaged
key) :class:`~pqpay.exceptions.InvalidPassword`; anything else wrong in the file or the set
:class:`~pqpay.exceptions.KeySetError`, naming what. HSM-backed sets come from
:meth:`pqpay.hsm.KeyStore.key_set` and stay in the token (only their public set is written).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pqpay import _files, _jcs, serialization
from pqpay._bytes import as_bytes
from pqpay._serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from pqpay.exceptions import (
    EncodingError,
    InvalidPassword,
    KeySetError,
    RetiredKeyId,
    UnknownKeyId,
    UnsupportedAlgorithm,
)
from pqpay.kem import PRIVATE_KEY_CLASSES as KEM_PRIVATE_KEY_CLASSES
from pqpay.kem import KEMPublicKey
from pqpay.signatures import PRIVATE_KEY_CLASSES as SIG_PRIVATE_KEY_CLASSES
from pqpay.signatures import SignaturePublicKey

__all__ = [
    "KEYSET_FORMAT",
    "KEYSET_VERSION",
    "MAX_KEYS",
    "MAX_KEYSET_BYTES",
    "PUBLIC_KEYSET_FORMAT",
    "KeySet",
    "KeySetEntry",
    "KeySetSigner",
    "KeyStatus",
    "Purpose",
    "key_id",
]

KEYSET_FORMAT = "pqpay-keyset"
PUBLIC_KEYSET_FORMAT = "pqpay-public-keyset"
KEYSET_VERSION = 1
#: Largest key set file read (SLH-DSA and composite PEMs are a few KiB each).
MAX_KEYSET_BYTES = 4 << 20
#: Most keys in one set: each costs one KDF run to load.
MAX_KEYS = 64

Purpose = Literal["signing", "kem"]
PublicKey = SignaturePublicKey | KEMPublicKey

_MAC_LABEL = b"pqpay keyset mac v1\x00"
_KID_LABEL = b"pqpay kid v1\x00"
_KID_HEX = 16
_MEMBERS = {"format", "version", "purpose", "keys"}
_KEY_MEMBERS = {"kid", "version", "status", "algorithm", "created"}


class KeyStatus(enum.Enum):
    """What a key of a set may do."""

    PRIMARY = "primary"
    """Signs, and verifies."""
    ENABLED = "enabled"
    """Verifies only."""
    RETIRED = "retired"
    """Refused: its signatures raise :class:`~pqpay.exceptions.RetiredKeyId`."""


def key_id(public_key: PublicKey) -> str:
    """The stable key id of ``public_key``: the first 8 bytes of
    ``SHA-256("pqpay kid v1" || 0x00 || algorithm || 0x00 || raw public key)``, in hex."""
    if not isinstance(public_key, (SignaturePublicKey, KEMPublicKey)):
        raise TypeError(f"expected a pqpay public key, not {type(public_key).__name__}")
    data = _KID_LABEL + public_key.ALGORITHM.encode() + b"\x00" + public_key.public_bytes_raw()
    return hashlib.sha256(data).hexdigest()[:_KID_HEX]


def _purpose_of(public_key: PublicKey) -> Purpose:
    return "signing" if isinstance(public_key, SignaturePublicKey) else "kem"


@dataclass(frozen=True)
class KeySetEntry:
    """One key of a set. ``private_key`` is None in a public set; it is a pqpay private key or
    an HSM handle (anything with ``public_key()`` and ``sign``/``decapsulate``), never shown in
    ``repr`` nor compared."""

    kid: str
    version: int
    status: KeyStatus
    public_key: PublicKey
    created: int
    private_key: Any = field(default=None, repr=False, compare=False)

    @property
    def algorithm(self) -> str:
        """The key's algorithm name (``ML-DSA-65``, ``Ed25519``, ...)."""
        name: str = self.public_key.ALGORITHM
        return name


@dataclass(frozen=True)
class KeySetSigner:
    """The primary key of a set, named by its ``kid``: a :class:`~pqpay.interfaces.Signer` that
    COSE and JWS signing read the ``kid`` from."""

    kid: str
    key: Any = field(repr=False)

    def public_key(self) -> SignaturePublicKey:
        """The primary's public key."""
        public: SignaturePublicKey = self.key.public_key()
        return public

    def sign(self, data: bytes, context: bytes = b"") -> bytes:
        """Signs with the primary key."""
        signature: bytes = self.key.sign(data, context)
        return signature

    def sign_many(self, messages: Sequence[bytes], context: bytes = b"") -> list[bytes]:
        """Signs many messages (one native batch for pqpay keys)."""
        many = getattr(self.key, "sign_many", None)
        if callable(many):
            return list(many(messages, context))
        return [self.key.sign(m, context) for m in messages]


def _check_entries(entries: Sequence[KeySetEntry]) -> Purpose:
    """The set's purpose; :raises KeySetError: naming what is wrong."""
    if not entries:
        raise KeySetError("a key set holds at least one key")
    if len(entries) > MAX_KEYS:
        raise KeySetError(f"a key set holds at most {MAX_KEYS} keys, got {len(entries)}")
    kids: set[str] = set()
    versions: set[int] = set()
    purposes = {_purpose_of(e.public_key) for e in entries}
    if len(purposes) != 1:
        raise KeySetError("a key set holds signature keys or KEM keys, not both")
    for e in entries:
        if e.kid in kids:
            raise KeySetError(f"duplicate key id {e.kid} in the key set")
        if e.version in versions:
            raise KeySetError(f"duplicate version {e.version} in the key set")
        kids.add(e.kid)
        versions.add(e.version)
    for e in entries:
        if e.kid != key_id(e.public_key):
            raise KeySetError(f"key id {e.kid} (version {e.version}) does not match its key")
    primaries = [e for e in entries if e.status is KeyStatus.PRIMARY]
    if not primaries:
        raise KeySetError("the key set has no primary key; promote one")
    if len(primaries) > 1:
        ids = ", ".join(e.kid for e in primaries)
        raise KeySetError(f"the key set has {len(primaries)} primary keys ({ids}); keep one")
    return purposes.pop()


class KeySet:
    """An immutable set of versioned keys with one primary (see the module doc).

    :param entries: the keys; checked: one primary, distinct ids and versions, ids matching
        their keys, one purpose, all private or all public.
    :raises KeySetError: naming what is wrong.
    """

    __slots__ = ("_by_kid", "_entries", "_purpose")

    def __init__(self, entries: Iterable[KeySetEntry]) -> None:
        items = tuple(sorted(entries, key=lambda e: e.version))
        for e in items:
            if not isinstance(e, KeySetEntry):
                raise TypeError(f"entries must be KeySetEntry objects, not {type(e).__name__}")
        self._purpose = _check_entries(items)
        if len({e.private_key is None for e in items}) != 1:
            raise KeySetError("a key set is all private keys or all public keys")
        self._entries = items
        self._by_kid = {e.kid: e for e in items}

    # -- making and changing

    @classmethod
    def generate(cls, algorithm: str) -> KeySet:
        """A new set of one fresh ``algorithm`` key (version 1, primary).

        :raises ValueError: an unknown algorithm name.
        """
        return cls._from_private(cls._new_key(algorithm), 1, KeyStatus.PRIMARY, ())

    @classmethod
    def from_keys(cls, keys: Sequence[Any], *, primary: int = -1) -> KeySet:
        """A set of existing keys (private keys or signers, versions 1, 2, ... in order), the
        one at index ``primary`` (default: the last) primary, the others enabled."""
        return cls._numbered([(k.public_key(), k) for k in keys], primary)

    @classmethod
    def from_public_keys(cls, keys: Sequence[PublicKey], *, primary: int = -1) -> KeySet:
        """A public set of ``keys`` (versions 1, 2, ..., the one at ``primary`` primary)."""
        return cls._numbered([(k, None) for k in keys], primary)

    @classmethod
    def _numbered(cls, pairs: Sequence[tuple[PublicKey, Any]], primary: int) -> KeySet:
        """(public key, private key or None) pairs as versions 1, 2, ...; ``primary`` indexes."""
        if not pairs:
            raise KeySetError("a key set holds at least one key")
        chosen = range(len(pairs))[primary]
        now = int(time.time())
        return cls(
            KeySetEntry(
                key_id(public),
                i + 1,
                KeyStatus.PRIMARY if i == chosen else KeyStatus.ENABLED,
                public,
                now,
                private,
            )
            for i, (public, private) in enumerate(pairs)
        )

    @staticmethod
    def _new_key(algorithm: str) -> Any:
        cls = SIG_PRIVATE_KEY_CLASSES.get(algorithm) or KEM_PRIVATE_KEY_CLASSES.get(algorithm)
        if cls is None:
            names = sorted({*SIG_PRIVATE_KEY_CLASSES, *KEM_PRIVATE_KEY_CLASSES})
            raise ValueError(f"unknown algorithm {algorithm!r}; use one of {', '.join(names)}")
        return cls.generate()

    @classmethod
    def _from_private(
        cls, key: Any, version: int, status: KeyStatus, others: Sequence[KeySetEntry]
    ) -> KeySet:
        public = key.public_key()
        entry = KeySetEntry(key_id(public), version, status, public, int(time.time()), key)
        return cls([*others, entry])

    def add(self, algorithm: str | None = None, *, primary: bool = False) -> KeySet:
        """A new set with one more fresh key (the next version; ``algorithm`` defaults to the
        primary's), enabled, or primary with ``primary=True`` (the old primary then enabled).

        :raises KeySetError: a public set (it has no private keys to add to).
        """
        self._require_private("add a key to")
        key = self._new_key(algorithm or self.primary.algorithm)
        version = self._entries[-1].version + 1
        others = self._entries
        if primary:
            others = tuple(self._demoted(e) for e in others)
        return self._from_private(
            key, version, KeyStatus.PRIMARY if primary else KeyStatus.ENABLED, others
        )

    def add_key(self, key: Any, *, primary: bool = False) -> KeySet:
        """:meth:`add` for an existing private key (or signer)."""
        self._require_private("add a key to")
        others = self._entries
        if primary:
            others = tuple(self._demoted(e) for e in others)
        status = KeyStatus.PRIMARY if primary else KeyStatus.ENABLED
        return self._from_private(key, self._entries[-1].version + 1, status, others)

    @staticmethod
    def _demoted(e: KeySetEntry) -> KeySetEntry:
        return replace(e, status=KeyStatus.ENABLED) if e.status is KeyStatus.PRIMARY else e

    def promote(self, kid: str) -> KeySet:
        """A new set in which ``kid`` is primary and the old primary enabled.

        :raises UnknownKeyId: no such key. :raises KeySetError: ``kid`` is retired.
        """
        target = self.get(kid)
        if target.status is KeyStatus.RETIRED:
            raise KeySetError(f"key {kid} is retired; a retired key is never primary again")
        return KeySet(
            replace(e, status=KeyStatus.PRIMARY) if e.kid == kid else self._demoted(e)
            for e in self._entries
        )

    def retire(self, kid: str) -> KeySet:
        """A new set in which ``kid`` is retired (its signatures are refused from now on).

        :raises UnknownKeyId: no such key. :raises KeySetError: ``kid`` is the primary
            (promote another key first).
        """
        target = self.get(kid)
        if target.status is KeyStatus.PRIMARY:
            raise KeySetError(f"key {kid} is the primary; promote another key before retiring it")
        return KeySet(
            replace(e, status=KeyStatus.RETIRED) if e.kid == kid else e for e in self._entries
        )

    def public_keyset(self) -> KeySet:
        """The same set without private keys (for verifiers)."""
        return KeySet(replace(e, private_key=None) for e in self._entries)

    # -- reading

    @property
    def entries(self) -> tuple[KeySetEntry, ...]:
        """Every key, oldest version first."""
        return self._entries

    @property
    def purpose(self) -> Purpose:
        """``"signing"`` or ``"kem"``."""
        return self._purpose

    @property
    def is_public(self) -> bool:
        """True for a set without private keys."""
        return self._entries[0].private_key is None

    @property
    def primary(self) -> KeySetEntry:
        """The primary key."""
        return next(e for e in self._entries if e.status is KeyStatus.PRIMARY)

    def get(self, kid: str) -> KeySetEntry:
        """The key with id ``kid``, whatever its status. :raises UnknownKeyId: none."""
        entry = self._by_kid.get(kid) if isinstance(kid, str) else None
        if entry is None:
            raise UnknownKeyId(f"no key with id {kid!r} in the key set", str(kid))
        return entry

    def signer(self) -> KeySetSigner:
        """The primary key as a signer that names itself (``kid``) in COSE and JWS headers.

        :raises KeySetError: a public set, or a KEM set.
        """
        self._require_private("sign with")
        if self._purpose != "signing":
            raise KeySetError("a KEM key set does not sign")
        primary = self.primary
        return KeySetSigner(primary.kid, primary.private_key)

    def verification_keys(self, kid: str | None) -> list[PublicKey]:
        """The public keys a signature naming ``kid`` may be checked under: that key alone, or
        (``kid`` None: an envelope that names no key) every key not retired, primary first.

        :raises UnknownKeyId: no key has that id. :raises RetiredKeyId: the key is retired.
        """
        if kid is None:
            live = [e for e in self._entries if e.status is not KeyStatus.RETIRED]
            live.sort(key=lambda e: (e.status is not KeyStatus.PRIMARY, -e.version))
            return [e.public_key for e in live]
        entry = self.get(kid)
        if entry.status is KeyStatus.RETIRED:
            raise RetiredKeyId(
                f"key {kid} (version {entry.version}) is retired; its signatures are refused", kid
            )
        return [entry.public_key]

    def allows(self, public_key: PublicKey) -> bool:
        """Whether ``public_key`` is a key of this set that is not retired."""
        entry = self._by_kid.get(key_id(public_key))
        return (
            entry is not None
            and entry.status is not KeyStatus.RETIRED
            and entry.public_key == public_key
        )

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        kind = "public " if self.is_public else ""
        keys = ", ".join(
            f"{e.kid} v{e.version} {e.algorithm} {e.status.value}" for e in self._entries
        )
        return f"<{kind}KeySet {self._purpose}: {keys}>"

    def __reduce__(self) -> Any:
        raise TypeError("key sets cannot be pickled; use to_json(password)")

    def _require_private(self, what: str) -> None:
        if self.is_public:
            raise KeySetError(f"a public key set has no private keys to {what}")

    # -- files

    def to_json(self, password: bytes | None = None) -> bytes:
        """The set as canonical JSON: private keys encrypted under ``password`` (required for
        a private set), or a public set's SPKI keys (``password`` must be None).

        :raises TypeError: a password for a public set, none for a private one, or a key
            without a PKCS#8 form (an HSM handle; an OID-less KEM hybrid raises
            ``UnsupportedAlgorithm``).
        """
        keys: list[dict[str, Any]] = []
        if self.is_public:
            if password is not None:
                raise TypeError("a public key set is not encrypted: pass no password")
            for e in self._entries:
                pem = e.public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
                keys.append({**_meta(e), "public_key": pem.decode("ascii")})
            return _jcs.canonicalize(_document(PUBLIC_KEYSET_FORMAT, self._purpose, keys))
        if password is None:
            raise TypeError("a private key set is stored encrypted: pass password=")
        encryption = BestAvailableEncryption(password)
        plain: list[bytes] = []
        for e in self._entries:
            if not callable(getattr(e.private_key, "private_bytes", None)):
                raise TypeError(
                    f"key {e.kid} ({type(e.private_key).__name__}) cannot be exported; an HSM "
                    "key set stays in the key store (write its public_keyset())"
                )
            plain.append(
                e.private_key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
            )
            pem = e.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
            keys.append({**_meta(e), "private_key": pem.decode("ascii")})
        doc = _document(KEYSET_FORMAT, self._purpose, keys)
        doc["mac"] = _mac(doc, plain)
        return _jcs.canonicalize(doc)

    @classmethod
    def from_json(cls, data: bytes | str, password: bytes | None = None) -> KeySet:
        """Reads :meth:`to_json`'s output, strictly; a private set needs ``password``.

        :raises InvalidPassword: a wrong password (or a damaged key), naming the key.
        :raises KeySetError: anything else wrong (truncated, altered, no primary, two
            primaries, duplicate ids, a key that is not its id's): the message names it.
        :raises TypeError: a password for a public set, or none for a private one.
        """
        if isinstance(data, str):
            try:
                raw = data.encode("utf-8")
            except UnicodeEncodeError:
                raise KeySetError("not a key set: the text holds a lone surrogate") from None
        else:
            raw = as_bytes(data, "data")
        if len(raw) > MAX_KEYSET_BYTES:
            raise KeySetError(f"a key set file is at most {MAX_KEYSET_BYTES} bytes, got {len(raw)}")
        try:
            doc = _jcs.parse(raw)
        except (EncodingError, UnicodeDecodeError) as exc:
            raise KeySetError(
                f"not a key set: the JSON is malformed or truncated ({exc})"
            ) from None
        if not isinstance(doc, dict):
            raise KeySetError("a key set must be a JSON object")
        fmt = doc.get("format")
        if fmt not in (KEYSET_FORMAT, PUBLIC_KEYSET_FORMAT):
            raise KeySetError(
                f"not a key set: format must be {KEYSET_FORMAT!r} or {PUBLIC_KEYSET_FORMAT!r}"
            )
        public = fmt == PUBLIC_KEYSET_FORMAT
        expected = _MEMBERS if public else _MEMBERS | {"mac"}
        if set(doc) != expected:
            raise KeySetError(
                f"key set members must be exactly {sorted(expected)}; got {sorted(doc)}"
            )
        if type(doc["version"]) is not int or doc["version"] != KEYSET_VERSION:
            raise KeySetError(f"key set version must be {KEYSET_VERSION}")
        if doc["purpose"] not in ("signing", "kem"):
            raise KeySetError("key set purpose must be 'signing' or 'kem'")
        items = doc["keys"]
        if not isinstance(items, list) or not items:
            raise KeySetError("key set 'keys' must be a non-empty list")
        if len(items) > MAX_KEYS:
            raise KeySetError(f"a key set holds at most {MAX_KEYS} keys, got {len(items)}")
        if public:
            if password is not None:
                raise TypeError("a public key set is not encrypted: pass no password")
        elif password is None:
            raise TypeError("this key set is encrypted: pass password=")
        entries: list[KeySetEntry] = []
        plain: list[bytes] = []
        for n, item in enumerate(items):
            entry, der = _read_entry(item, n, public, password)
            entries.append(entry)
            if der is not None:
                plain.append(der)
        result = cls(entries)  # names a missing primary, two primaries, duplicate ids first
        if not public and not hmac.compare_digest(str(doc["mac"]), _mac(doc, plain)):
            raise KeySetError(
                "the key set's mac does not match: its statuses, versions or ids were altered "
                "(or a key was swapped)"
            )
        if result.purpose != doc["purpose"]:
            raise KeySetError(
                f"key set purpose is {doc['purpose']!r} but it holds {result.purpose} keys"
            )
        return result

    def save(
        self, path: str | os.PathLike[str], password: bytes | None = None, *, force: bool = False
    ) -> None:
        """Writes :meth:`to_json` to ``path`` atomically (temporary file, fsync, rename), mode
        0600 (0644 for a public set): a failure leaves no partial file.

        :raises FileExistsError: ``path`` exists and ``force`` is false.
        """
        data = self.to_json(password)
        _files.write_atomically(path, data, 0o644 if self.is_public else 0o600, force=force)

    @classmethod
    def load(cls, path: str | os.PathLike[str], password: bytes | None = None) -> KeySet:
        """:meth:`from_json` of the file at ``path``."""
        with Path(path).open("rb") as f:
            data = f.read(MAX_KEYSET_BYTES + 1)
        return cls.from_json(data, password)


def _meta(e: KeySetEntry) -> dict[str, Any]:
    return {
        "kid": e.kid,
        "version": e.version,
        "status": e.status.value,
        "algorithm": e.algorithm,
        "created": e.created,
    }


def _document(fmt: str, purpose: str, keys: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": fmt, "version": KEYSET_VERSION, "purpose": purpose, "keys": keys}


def _mac(doc: dict[str, Any], plain: Sequence[bytes]) -> str:
    """HMAC-SHA256 of the canonical document without ``mac``, keyed by a hash of every
    decrypted key (length-prefixed, in order)."""
    keyed = hashlib.sha256(_MAC_LABEL)
    for der in plain:
        keyed.update(len(der).to_bytes(4, "big") + der)
    body = _jcs.canonicalize({k: v for k, v in doc.items() if k != "mac"})
    return hmac.new(keyed.digest(), body, hashlib.sha256).hexdigest()


def _read_entry(
    item: Any, n: int, public: bool, password: bytes | None
) -> tuple[KeySetEntry, bytes | None]:
    """One key of a key set file; ``n`` names it in errors."""
    where = f"key set key {n}"
    if not isinstance(item, dict):
        raise KeySetError(f"{where} must be a JSON object")
    material = "public_key" if public else "private_key"
    expected = _KEY_MEMBERS | {material}
    if set(item) != expected:
        raise KeySetError(f"{where} members must be exactly {sorted(expected)}; got {sorted(item)}")
    kid, version, created = item["kid"], item["version"], item["created"]
    if not isinstance(kid, str) or len(kid) != _KID_HEX:
        raise KeySetError(f"{where}: kid must be {_KID_HEX} hex digits")
    where = f"key set key {kid}"
    for value, name in ((version, "version"), (created, "created")):
        if type(value) is not int or not 0 <= value <= _jcs.MAX_SAFE_INTEGER:
            raise KeySetError(f"{where}: {name} must be a non-negative integer")
    if version < 1:
        raise KeySetError(f"{where}: version must be at least 1")
    try:
        status = KeyStatus(item["status"])
    except ValueError:
        raise KeySetError(f"{where}: status must be primary, enabled or retired") from None
    pem = item[material]
    if not isinstance(pem, str):
        raise KeySetError(f"{where}: {material} must be a PEM string")
    private: Any = None
    der: bytes | None = None
    try:
        if public:
            pub: Any = serialization.load_pem_public_key(pem.encode("ascii"))
        else:
            if serialization.private_key_encryption(pem.encode("ascii")) is None:
                raise KeySetError(f"{where}: the private key is not encrypted")
            private = serialization.load_pem_private_key(pem.encode("ascii"), password)
            pub = private.public_key()
            der = private.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    except InvalidPassword:
        raise InvalidPassword(f"{where}: wrong password, or the key is damaged") from None
    except KeySetError:
        raise
    except (EncodingError, UnsupportedAlgorithm, UnicodeEncodeError, ValueError) as exc:
        raise KeySetError(f"{where}: the key does not load ({type(exc).__name__}: {exc})") from None
    if item["algorithm"] != pub.ALGORITHM:
        raise KeySetError(
            f"{where}: algorithm says {item['algorithm']!r} but the key is {pub.ALGORITHM}"
        )
    return KeySetEntry(kid, version, status, pub, created, private), der
