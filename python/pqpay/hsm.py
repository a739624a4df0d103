"""Key handles: signing and decapsulation keys kept in a PKCS#11 token (an HSM), or in a software
backend with the same interface.

A :class:`KeyStore` over a backend creates, lists, looks up and rotates key *handles*::

    store = KeyStore(PKCS11Backend("/usr/lib/softhsm/libsofthsm2.so",
                                   token_label="gateway", user_pin=pin))
    signer = store.create("payments", Algorithm.MLDSA65_ED25519)
    signature = signer.sign(message, context=b"gateway-v1")
    signer.public_key().verify(signature, message, context=b"gateway-v1")

    store.rotate("payments")                  # version 2 signs from now on
    store.verify("payments", signature, message, context=b"gateway-v1")   # v1 still verifies

A :class:`SigningHandle` is a *signer* (``public_key()`` and ``sign(data, context)``) and a
:class:`DecapsulationHandle` a *decapsulation key* (``public_key()`` and
``decapsulate(ciphertext)``), so they go wherever pqpay takes one, e.g.
:meth:`pqpay.hpke.Suite.open`.

Where the keys live (``PKCS11Backend``):

- **Ed25519** (alone, or the classical half of MLDSA65-Ed25519): generated inside the token,
  ``SENSITIVE``, non-``EXTRACTABLE``, ``SIGN`` only; the token signs with ``CKM_EDDSA`` and the
  public key is read from ``CKA_EC_POINT``.
- **ML-DSA-65** (the post-quantum half of the composite), **X-Wing** and **ML-KEM**: the token
  offers no such mechanism (SoftHSM 2.6.1 has none), so the key's seed is sealed with
  AES-256-GCM under a non-extractable token AES key (``ENCRYPT``/``DECRYPT`` only). The additional
  data binds the handle id, algorithm and version, so a sealed seed cannot be moved to another
  handle or version. Each use decrypts the seed in the token, derives the key, signs or
  decapsulates, and wipes the seed. The guarantee for this half is "encrypted at rest under a
  token key, usable only through a logged-in token session", not "never in host memory".
- The handle's record (label, version, public key, sealed seed) is a private ``CKO_DATA``
  object in the token, so every process logged in to the token sees the same handles.

:class:`SoftwareBackend` keeps the Ed25519 keys in memory and seals the seeds under a random
in-memory AES-256 key; nothing persists. It exists so code (and tests, and the demo) runs the
same way without a token.

Composite signatures are byte-compatible with
:meth:`pqpay.signatures.MLDSA65Ed25519PublicKey.verify` (draft-ietf-lamps-pq-composite-sigs-19):
both halves sign ``M' = Prefix || Label || len(ctx) || ctx || SHA-512(M)``, ML-DSA-65 with the
Label as its context, and the signature is ``mldsa_sig || ed25519_sig``.

**Rotation.** Versions count from 1 per label. :meth:`KeyStore.rotate` adds a version; only the
newest version of a label signs (older handles of this store raise :class:`KeyRetired`), while
every version keeps verifying (:meth:`KeyStore.verify`, :meth:`KeyStore.public_keys`) and KEM
versions keep decapsulating. A handle another process fetched before the rotation keeps
signing until that process fetches the label again.

**Threads.** python-pkcs11 initialises the library with ``C_Initialize(NULL)``, so SoftHSM runs
without its mutexes, and releases the GIL around every call: concurrent calls into the module
crash it. Every call into a PKCS#11 module therefore holds one process-wide lock for that
module, and a token is logged in to once per process (one shared session); the ML-DSA and
ML-KEM work runs outside the lock with the GIL released, so threads still overlap there.

**Wiping, honestly.** Seeds are held in a ``bytearray`` and zeroed after each use, and the
native keys derived from them wipe themselves when dropped. Python cannot promise more:
python-pkcs11 returns the decrypted seed as immutable ``bytes`` (and its C buffer is freed
unwiped), handing the seed to the native key makes another ``bytes`` copy, and the allocator may
keep all of them until the memory is reused.

Where a token advertises ``CKM_ML_DSA`` / ``CKM_ML_KEM`` (PKCS#11 3.2), the backend reports it in
:attr:`PKCS11Backend.pq_mechanisms`, but keys still take the sealed-seed route: keeping the
post-quantum key inside such a token is not implemented, because no token at hand offers it to
test against.
"""

from __future__ import annotations

import abc
import base64
import enum
import hashlib
import hmac
import importlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn

from pqpay import _native
from pqpay._bytes import as_bytes
from pqpay.exceptions import (
    HSMError,
    HSMUnavailable,
    InvalidSignature,
    InvalidTag,
    KeyNotFound,
    KeyRetired,
    SealedKeyError,
)
from pqpay.kem import (
    PUBLIC_KEY_CLASSES as _KEM_PUBLIC,
)
from pqpay.kem import (
    KEMPublicKey,
    MLKEM512PrivateKey,
    MLKEM768PrivateKey,
    MLKEM1024PrivateKey,
    XWingPrivateKey,
)
from pqpay.signatures import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
    MLDSA65Ed25519PublicKey,
    MLDSA65PrivateKey,
    SignaturePublicKey,
)

__all__ = [
    "Algorithm",
    "Backend",
    "DecapsulationHandle",
    "KeyHandle",
    "KeyStore",
    "PKCS11Backend",
    "SigningHandle",
    "SoftwareBackend",
    "find_softhsm_module",
]

#: Where Debian's ``softhsm2`` package puts the module (a symlink to the multiarch path).
SOFTHSM_MODULE_PATHS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
#: Environment variable naming a PKCS#11 module; :func:`find_softhsm_module` tries it first.
MODULE_ENV = "PQPAY_PKCS11_MODULE"

_APPLICATION = "pqpay.hsm"
_KEK_LABEL = "pqpay.hsm seed KEK"
_AAD_DOMAIN = b"pqpay.hsm sealed seed v1\x00"
_RECORD_FORMAT = 1
_ID_LEN = 16
_NONCE_LEN = 12
_MAX_LABEL_BYTES = 128
_MAX_VERSION = 2**32 - 1
# DER OID of Ed25519 (RFC 8410), the CKA_EC_PARAMS of an edwards25519 key.
_ED25519_EC_PARAMS = bytes.fromhex("06032b6570")


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


_KEM_PRIVATE: dict[Algorithm, Any] = {
    Algorithm.XWING: XWingPrivateKey,
    Algorithm.MLKEM512: MLKEM512PrivateKey,
    Algorithm.MLKEM768: MLKEM768PrivateKey,
    Algorithm.MLKEM1024: MLKEM1024PrivateKey,
}
_MLDSA65_PK_LEN = 1952
_COMPOSITE_LABEL = b"COMPSIG-MLDSA65-Ed25519-SHA512"


def find_softhsm_module() -> str | None:
    """The PKCS#11 module to use by default: ``$PQPAY_PKCS11_MODULE`` if set, else the first
    SoftHSM2 module found in the usual places, else None."""
    configured = os.environ.get(MODULE_ENV)
    if configured:
        return configured
    for path in SOFTHSM_MODULE_PATHS:
        if os.path.exists(path):
            return path
    return None


def _wipe(buf: bytearray) -> None:
    buf[:] = bytes(len(buf))


def _aad(handle_id: bytes, algorithm: Algorithm, version: int) -> bytes:
    alg = algorithm.value.encode("ascii")
    return _AAD_DOMAIN + handle_id + bytes([len(alg)]) + alg + version.to_bytes(4, "big")


def _check_label(label: object) -> str:
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, not {type(label).__name__}")
    if not label or len(label.encode("utf-8")) > _MAX_LABEL_BYTES:
        raise ValueError(f"label must be 1 to {_MAX_LABEL_BYTES} UTF-8 bytes long")
    if not label.isprintable():
        raise ValueError("label must be printable text (no control characters)")
    return label


def _parse_handle_id(handle_id: object) -> bytes:
    if isinstance(handle_id, str):
        try:
            raw = bytes.fromhex(handle_id)
        except ValueError:
            raw = b""
        if len(raw) != _ID_LEN:
            raise ValueError(f"handle id must be {2 * _ID_LEN} hex digits, got {handle_id!r}")
        return raw
    raw = as_bytes(handle_id, "handle_id")
    if len(raw) != _ID_LEN:
        raise ValueError(f"handle id must be {_ID_LEN} bytes long, got {len(raw)}")
    return raw


@dataclass(frozen=True, repr=False)
class _Record:
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

    @property
    def has_token_ed25519(self) -> bool:
        return self.algorithm in (Algorithm.ED25519, Algorithm.MLDSA65_ED25519)

    def aad(self) -> bytes:
        return _aad(self.handle_id, self.algorithm, self.version)

    def to_bytes(self) -> bytes:
        def b64(v: bytes | None) -> str | None:
            return None if v is None else base64.b64encode(v).decode("ascii")

        doc = {
            "format": _RECORD_FORMAT,
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
    def from_bytes(cls, data: bytes) -> _Record:
        try:
            doc = json.loads(data.decode("utf-8"))
            if doc["format"] != _RECORD_FORMAT:
                raise ValueError("unknown record format")

            def unb64(v: str | None) -> bytes | None:
                return None if v is None else base64.b64decode(v, validate=True)

            version = int(doc["version"])
            if not 1 <= version <= _MAX_VERSION:
                raise ValueError("version out of range")
            pub = unb64(doc["pub"])
            if pub is None:
                raise ValueError("no public key")
            return cls(
                handle_id=_parse_handle_id(doc["id"]),
                label=_check_label(doc["label"]),
                algorithm=Algorithm(doc["alg"]),
                version=version,
                created=int(doc["created"]),
                public_key=pub,
                kek_id=None if doc["kek"] is None else bytes.fromhex(doc["kek"]),
                nonce=unb64(doc["nonce"]),
                sealed_seed=unb64(doc["sealed"]),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise HSMError(f"a pqpay.hsm key record in the token is malformed: {exc}") from None


class Backend(abc.ABC):
    """Where keys live: the few primitives :class:`KeyStore` builds handles on.

    :class:`PKCS11Backend` and :class:`SoftwareBackend` implement it; a :class:`KeyStore` does not
    care which it has.
    """

    #: A short name for messages and ``repr`` ("pkcs11" or "software").
    kind: ClassVar[str]

    @property
    @abc.abstractmethod
    def description(self) -> str:
        """What the keys are kept in (token label and serial, or "in-memory software keys")."""

    @abc.abstractmethod
    def _ed25519_generate(self, key_id: bytes, label: str) -> bytes:
        """Generates an Ed25519 key pair under ``key_id``; returns the raw 32-byte public key."""

    @abc.abstractmethod
    def _ed25519_sign(self, key_id: bytes, data: bytes) -> bytes:
        """Signs ``data`` (pure Ed25519) with the key under ``key_id``."""

    @abc.abstractmethod
    def _kek_id(self) -> bytes:
        """The id of the key-encryption key new seeds are sealed under (made on first use)."""

    @abc.abstractmethod
    def _seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytearray) -> bytes:
        """AES-256-GCM encryption of ``seed`` under the key-encryption key."""

    @abc.abstractmethod
    def _unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytearray:
        """AES-256-GCM decryption; :class:`SealedKeyError` when it does not authenticate."""

    @abc.abstractmethod
    def _store_record(self, handle_id: bytes, record: bytes) -> None:
        """Stores a handle record."""

    @abc.abstractmethod
    def _records(self) -> list[bytes]:
        """Every stored handle record."""

    @abc.abstractmethod
    def _destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
        """Deletes a handle's record and its key objects."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("key backends cannot be pickled")


class SoftwareBackend(Backend):
    """Keys in process memory: Ed25519 keys as pqpay keys, seeds sealed with AES-256-GCM under a
    random key-encryption key made here. Nothing persists once the object is gone."""

    kind = "software"

    def __init__(self) -> None:
        self._kek = secrets.token_bytes(32)
        self._kek_ident = secrets.token_bytes(_ID_LEN)
        self._ed: dict[bytes, Ed25519PrivateKey] = {}
        self._recs: dict[bytes, bytes] = {}
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        return "in-memory software keys"

    def _ed25519_generate(self, key_id: bytes, label: str) -> bytes:
        key = Ed25519PrivateKey.generate()
        with self._lock:
            if key_id in self._ed:
                raise HSMError("a key with this id already exists")
            self._ed[key_id] = key
        return key.public_key().public_bytes_raw()

    def _ed25519_sign(self, key_id: bytes, data: bytes) -> bytes:
        key = self._ed.get(key_id)
        if key is None:
            raise KeyNotFound(f"no Ed25519 key with id {key_id.hex()} in the software backend")
        return key.sign(data)

    def _kek_id(self) -> bytes:
        return self._kek_ident

    def _check_kek(self, kek_id: bytes) -> None:
        if not hmac.compare_digest(kek_id, self._kek_ident):
            raise SealedKeyError("the seed was sealed under another key-encryption key")

    def _seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytearray) -> bytes:
        self._check_kek(kek_id)
        return _native.aes256gcm_seal(self._kek, nonce, aad, bytes(seed))

    def _unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytearray:
        self._check_kek(kek_id)
        try:
            return _native.aes256gcm_open(self._kek, nonce, aad, sealed)
        except InvalidTag:
            raise _unseal_failed() from None

    def _store_record(self, handle_id: bytes, record: bytes) -> None:
        with self._lock:
            self._recs[handle_id] = record

    def _records(self) -> list[bytes]:
        with self._lock:
            return list(self._recs.values())

    def _destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
        with self._lock:
            self._recs.pop(handle_id, None)
            self._ed.pop(handle_id, None)


def _unseal_failed() -> SealedKeyError:
    return SealedKeyError(
        "the sealed seed did not authenticate: the record was altered, or it belongs to another "
        "handle id, algorithm or version"
    )


def _import_pkcs11() -> Any:
    try:
        return importlib.import_module("pkcs11")
    except ImportError:
        raise HSMUnavailable(
            "python-pkcs11 is not installed; install pqpay[hsm] (python-pkcs11==0.10.1)"
        ) from None


class _Module:
    """One loaded PKCS#11 module, shared by every backend of the process: the lock that
    serializes every call into it, and one logged-in session per token."""

    _registry: ClassVar[dict[str, _Module]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        self.lock = threading.RLock()
        # token serial -> (session, PIN digest): login is per process, so later backends reuse
        # the session after proving they hold the same PIN.
        self.sessions: dict[bytes, tuple[Any, bytes]] = {}
        self.pin_salt = secrets.token_bytes(16)

    @classmethod
    def load(cls, path: str) -> _Module:
        pkcs11 = _import_pkcs11()
        with cls._registry_lock:
            mod = cls._registry.get(path)
            if mod is None:
                try:
                    lib = pkcs11.lib(path)
                except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
                    raise HSMUnavailable(f"cannot load the PKCS#11 module {path}: {exc}") from None
                mod = cls._registry[path] = cls(lib)
            return mod

    def pin_digest(self, pin: str) -> bytes:
        return hashlib.sha256(self.pin_salt + pin.encode("utf-8")).digest()


@contextmanager
def _pkcs11_errors(pkcs11: Any, what: str) -> Iterator[None]:
    try:
        yield
    except pkcs11.PKCS11Error as exc:
        raise HSMError(f"PKCS#11 {what} failed: {type(exc).__name__} {exc}".rstrip()) from None


class PKCS11Backend(Backend):
    """Keys in a PKCS#11 token, through python-pkcs11 (install ``pqpay[hsm]``).

    :param module: path of the PKCS#11 module; default :func:`find_softhsm_module`.
    :param token_label: the token's label (or give ``token_serial``).
    :param user_pin: the user PIN. The token is logged in to once per process; a second backend
        on the same token must give the same PIN.
    :raises HSMUnavailable: python-pkcs11 is missing, the module does not load, or no token
        matches.
    :raises HSMError: the PIN is wrong or the token refuses the session.
    """

    kind = "pkcs11"

    def __init__(
        self,
        module: str | os.PathLike[str] | None = None,
        *,
        token_label: str | None = None,
        token_serial: str | None = None,
        user_pin: str,
    ) -> None:
        self._p11 = _import_pkcs11()
        path = os.fspath(module) if module is not None else find_softhsm_module()
        if path is None:
            raise HSMUnavailable(
                f"no PKCS#11 module given and none found (set {MODULE_ENV} or install softhsm2)"
            )
        if (token_label is None) == (token_serial is None):
            raise ValueError("give exactly one of token_label and token_serial")
        if not isinstance(user_pin, str) or not user_pin:
            raise ValueError("user_pin must be a non-empty str")
        self._module = _Module.load(path)
        self._keys: dict[bytes, Any] = {}
        self._keks: dict[bytes, Any] = {}
        p11 = self._p11
        with self._module.lock:
            with _pkcs11_errors(p11, "token lookup"):
                kwargs = (
                    {"token_label": token_label}
                    if token_label is not None
                    else {"token_serial": token_serial.encode("ascii") if token_serial else b""}
                )
                try:
                    token = self._module.lib.get_token(**kwargs)
                except p11.NoSuchToken:
                    raise HSMUnavailable(
                        f"no token with {next(iter(kwargs))[6:]} {next(iter(kwargs.values()))!r}"
                    ) from None
                self._serial: bytes = token.serial
                self._label: str = token.label
                mechanisms = token.slot.get_mechanisms()
            self._session = self._login(token, user_pin)
        offered = {p11.Mechanism.ML_DSA: "CKM_ML_DSA", p11.Mechanism.ML_KEM: "CKM_ML_KEM"}
        self._pq_mechanisms = frozenset(name for m, name in offered.items() if m in mechanisms)
        self._mechanisms = frozenset(mechanisms)

    def _login(self, token: Any, pin: str) -> Any:
        digest = self._module.pin_digest(pin)
        known = self._module.sessions.get(self._serial)
        if known is not None:
            session, want = known
            if not hmac.compare_digest(digest, want):
                raise HSMError(f"PIN incorrect for token {self._label!r}")
            return session
        p11 = self._p11
        try:
            session = token.open(rw=True, user_pin=pin)
        except p11.PinIncorrect:
            raise HSMError(f"PIN incorrect for token {self._label!r}") from None
        except p11.PKCS11Error as exc:
            raise HSMError(
                f"PKCS#11 login to {self._label!r} failed: {type(exc).__name__}"
            ) from None
        self._module.sessions[self._serial] = (session, digest)
        return session

    @property
    def description(self) -> str:
        return f"PKCS#11 token {self._label!r} (serial {self._serial.decode('ascii', 'replace')})"

    @property
    def token_serial(self) -> str:
        """The token's serial number."""
        return self._serial.decode("ascii", "replace")

    @property
    def pq_mechanisms(self) -> frozenset[str]:
        """Post-quantum mechanisms the token advertises (``CKM_ML_DSA``, ``CKM_ML_KEM``); empty
        for SoftHSM 2.6.1. Not used yet: PQ keys always take the sealed-seed route."""
        return self._pq_mechanisms

    @contextmanager
    def _call(self, what: str) -> Iterator[Any]:
        """Holds the module lock around one PKCS#11 operation and maps its errors."""
        with self._module.lock, _pkcs11_errors(self._p11, what):
            yield self._session

    def _find_one(self, session: Any, attrs: dict[Any, Any], what: str) -> Any:
        found = list(session.get_objects(attrs))
        if not found:
            raise KeyNotFound(f"no {what} in token {self._label!r}")
        if len(found) > 1:
            raise HSMError(f"{len(found)} objects match the {what} in token {self._label!r}")
        return found[0]

    def _ed25519_generate(self, key_id: bytes, label: str) -> bytes:
        p11 = self._p11
        attr, flag = p11.Attribute, p11.MechanismFlag
        with self._call("Ed25519 key generation") as session:
            pub, priv = session.generate_keypair(
                p11.KeyType.EC_EDWARDS,
                mechanism=p11.Mechanism.EC_EDWARDS_KEY_PAIR_GEN,
                store=True,
                capabilities=flag.SIGN | flag.VERIFY,
                public_template={
                    attr.EC_PARAMS: _ED25519_EC_PARAMS,
                    attr.TOKEN: True,
                    attr.PRIVATE: False,
                    attr.ID: key_id,
                    attr.LABEL: label,
                },
                private_template={
                    attr.TOKEN: True,
                    attr.PRIVATE: True,
                    attr.SENSITIVE: True,
                    attr.EXTRACTABLE: False,
                    attr.SIGN: True,
                    attr.DECRYPT: False,
                    attr.UNWRAP: False,
                    attr.DERIVE: False,
                    attr.ID: key_id,
                    attr.LABEL: label,
                },
            )
            point = pub[attr.EC_POINT]
        self._keys[key_id] = priv
        # CKA_EC_POINT is a DER OCTET STRING (04 20 || key); some modules give the raw 32 bytes.
        if len(point) == 34 and point[:2] == b"\x04\x20":
            return bytes(point[2:])
        if len(point) == 32:
            return bytes(point)
        raise HSMError(f"token returned an Ed25519 CKA_EC_POINT of {len(point)} bytes")

    def _private_key(self, session: Any, key_id: bytes) -> Any:
        key = self._keys.get(key_id)
        if key is None:
            p11 = self._p11
            key = self._find_one(
                session,
                {p11.Attribute.CLASS: p11.ObjectClass.PRIVATE_KEY, p11.Attribute.ID: key_id},
                f"Ed25519 private key with id {key_id.hex()}",
            )
            self._keys[key_id] = key
        return key

    def _ed25519_sign(self, key_id: bytes, data: bytes) -> bytes:
        with self._call("Ed25519 signing") as session:
            key = self._private_key(session, key_id)
            sig: bytes = key.sign(data, mechanism=self._p11.Mechanism.EDDSA)
        return sig

    def _kek_id(self) -> bytes:
        p11 = self._p11
        attr = p11.Attribute
        with self._call("key-encryption key lookup") as session:
            found = list(
                session.get_objects(
                    {
                        attr.CLASS: p11.ObjectClass.SECRET_KEY,
                        attr.KEY_TYPE: p11.KeyType.AES,
                        attr.LABEL: _KEK_LABEL,
                    }
                )
            )
            if found:
                # Two processes may each have made one at first use; all agree on the smallest id.
                return bytes(min(bytes(k[attr.ID]) for k in found))
            kek_id = secrets.token_bytes(_ID_LEN)
            session.generate_key(
                p11.KeyType.AES,
                256,
                id=kek_id,
                label=_KEK_LABEL,
                store=True,
                capabilities=p11.MechanismFlag.ENCRYPT | p11.MechanismFlag.DECRYPT,
                template={
                    attr.TOKEN: True,
                    attr.PRIVATE: True,
                    attr.SENSITIVE: True,
                    attr.EXTRACTABLE: False,
                    attr.WRAP: False,
                    attr.UNWRAP: False,
                    attr.SIGN: False,
                    attr.VERIFY: False,
                    attr.DERIVE: False,
                },
            )
            return kek_id

    def _kek(self, session: Any, kek_id: bytes) -> Any:
        kek = self._keks.get(kek_id)
        if kek is None:
            p11 = self._p11
            kek = self._find_one(
                session,
                {p11.Attribute.CLASS: p11.ObjectClass.SECRET_KEY, p11.Attribute.ID: kek_id},
                f"key-encryption key with id {kek_id.hex()}",
            )
            self._keks[kek_id] = kek
        return kek

    def _gcm(self, nonce: bytes, aad: bytes) -> Any:
        return self._p11.GCMParams(nonce, aad)

    def _seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytearray) -> bytes:
        with self._call("AES-GCM seal") as session:
            ct: bytes = self._kek(session, kek_id).encrypt(
                bytes(seed),
                mechanism=self._p11.Mechanism.AES_GCM,
                mechanism_param=self._gcm(nonce, aad),
            )
        return ct

    def _unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytearray:
        p11 = self._p11
        with self._call("AES-GCM unseal") as session:
            kek = self._kek(session, kek_id)
            try:
                pt = kek.decrypt(
                    sealed, mechanism=p11.Mechanism.AES_GCM, mechanism_param=self._gcm(nonce, aad)
                )
            except (p11.GeneralError, p11.EncryptedDataInvalid, p11.EncryptedDataLenRange):
                # SoftHSM reports a failed GCM tag as CKR_GENERAL_ERROR.
                raise _unseal_failed() from None
        return bytearray(pt)

    def _store_record(self, handle_id: bytes, record: bytes) -> None:
        p11 = self._p11
        attr = p11.Attribute
        with self._call("record creation") as session:
            session.create_object(
                {
                    attr.CLASS: p11.ObjectClass.DATA,
                    attr.TOKEN: True,
                    attr.PRIVATE: True,
                    attr.MODIFIABLE: False,
                    attr.APPLICATION: _APPLICATION,
                    attr.LABEL: handle_id.hex(),
                    attr.VALUE: record,
                }
            )

    def _records(self) -> list[bytes]:
        p11 = self._p11
        attr = p11.Attribute
        with self._call("record listing") as session:
            return [
                bytes(obj[attr.VALUE])
                for obj in session.get_objects(
                    {attr.CLASS: p11.ObjectClass.DATA, attr.APPLICATION: _APPLICATION}
                )
            ]

    def _destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
        p11 = self._p11
        attr, cls = p11.Attribute, p11.ObjectClass
        with self._call("key destruction") as session:
            targets = list(
                session.get_objects(
                    {
                        attr.CLASS: cls.DATA,
                        attr.APPLICATION: _APPLICATION,
                        attr.LABEL: handle_id.hex(),
                    }
                )
            )
            if has_ed25519:
                for object_class in (cls.PRIVATE_KEY, cls.PUBLIC_KEY):
                    targets += session.get_objects({attr.CLASS: object_class, attr.ID: handle_id})
            for obj in targets:
                obj.destroy()
            self._keys.pop(handle_id, None)


class KeyHandle:
    """A stored key: its id, label, algorithm and version. Holds no secret in the clear."""

    __slots__ = ("_record", "_retired", "_store")
    _record: _Record
    _store: KeyStore
    _retired: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("key handles come from a KeyStore (create, rotate, get, ...)")

    @classmethod
    def _make(cls, store: KeyStore, record: _Record) -> KeyHandle:
        sub = SigningHandle if record.algorithm.is_signature else DecapsulationHandle
        obj: KeyHandle = object.__new__(sub)
        obj._store, obj._record, obj._retired = store, record, False
        return obj

    @property
    def handle_id(self) -> str:
        """The handle's unique id, 32 hex digits (the token objects' ``CKA_ID``)."""
        return self._record.handle_id.hex()

    @property
    def label(self) -> str:
        """The label the versions share."""
        return self._record.label

    @property
    def algorithm(self) -> Algorithm:
        """The key's algorithm."""
        return self._record.algorithm

    @property
    def version(self) -> int:
        """The version within the label, counting from 1."""
        return self._record.version

    @property
    def created(self) -> int:
        """Creation time, Unix seconds."""
        return self._record.created

    @property
    def retired(self) -> bool:
        """True once a newer version of the label exists (known to this store)."""
        return self._retired

    def _open_seed(self, seed_len: int) -> bytearray:
        rec = self._record
        if rec.kek_id is None or rec.nonce is None or rec.sealed_seed is None:
            raise SealedKeyError(f"handle {self.handle_id} has no sealed seed")
        seed = self._store._backend._unseal(rec.kek_id, rec.nonce, rec.aad(), rec.sealed_seed)
        if len(seed) != seed_len:
            _wipe(seed)
            raise SealedKeyError(f"the sealed seed opened to {len(seed)} bytes, not {seed_len}")
        return seed

    def __repr__(self) -> str:
        r = self._record
        state = " retired" if self._retired else ""
        return (
            f"<{type(self).__name__} {r.label!r} v{r.version} {r.algorithm.value}"
            f" id={self.handle_id}{state} ({self._store._backend.kind})>"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KeyHandle):
            return NotImplemented
        return self._store is other._store and self._record.handle_id == other._record.handle_id

    def __hash__(self) -> int:
        return hash(self._record.handle_id)

    def __reduce__(self) -> NoReturn:
        raise TypeError("key handles cannot be pickled; look them up by id in a KeyStore")


class SigningHandle(KeyHandle):
    """A signing key in the backend: a pqpay *signer*.

    Ed25519 signs inside the token; MLDSA65-Ed25519 signs its Ed25519 half inside the token and
    its ML-DSA-65 half from the sealed seed, opened for this signature only.
    """

    __slots__ = ()

    def public_key(self) -> SignaturePublicKey:
        """The public key (:class:`~pqpay.signatures.Ed25519PublicKey` or
        :class:`~pqpay.signatures.MLDSA65Ed25519PublicKey`)."""
        cls = (
            Ed25519PublicKey
            if self._record.algorithm is Algorithm.ED25519
            else MLDSA65Ed25519PublicKey
        )
        return cls.from_public_bytes(self._record.public_key)

    def sign(self, data: bytes, context: bytes = b"") -> bytes:
        """Signs ``data`` under ``context`` (Ed25519: no context; composite: hedged ML-DSA).

        :raises KeyRetired: a newer version of this label signs now.
        :raises ValueError: ``context`` over 255 bytes (or non-empty for Ed25519).
        :raises SealedKeyError: the sealed ML-DSA seed does not open for this handle.
        :raises HSMError: the token failed.
        """
        data = as_bytes(data, "data")
        context = as_bytes(context, "context")
        if self._retired:
            raise KeyRetired(
                f"{self._record.label!r} v{self._record.version} is retired; sign with the newest "
                "version (KeyStore.signer)"
            )
        rec = self._record
        backend = self._store._backend
        if rec.algorithm is Algorithm.ED25519:
            if context:
                raise ValueError("Ed25519 takes no context; pass context=b''")
            return backend._ed25519_sign(rec.handle_id, data)
        m_prime = _native.composite_message_representative(rec.algorithm.value, data, context)
        seed = self._open_seed(32)
        try:
            mldsa = MLDSA65PrivateKey.from_seed_bytes(bytes(seed))
        finally:
            _wipe(seed)
        try:
            # The record's public key is not under the AAD; the seed is, so check one against
            # the other before signing with it.
            mldsa_pk = mldsa.public_key().public_bytes_raw()
            if not hmac.compare_digest(mldsa_pk, rec.public_key[:_MLDSA65_PK_LEN]):
                raise SealedKeyError("the record's public key does not match its sealed seed")
            mldsa_sig = mldsa.sign(m_prime, context=_COMPOSITE_LABEL)
        finally:
            del mldsa  # the native key wipes itself when dropped
        return mldsa_sig + backend._ed25519_sign(rec.handle_id, m_prime)


class DecapsulationHandle(KeyHandle):
    """A KEM private key (X-Wing, ML-KEM) sealed under the backend's key: a pqpay *decapsulation
    key*. Each call opens the seed, decapsulates and wipes the seed."""

    __slots__ = ()

    def public_key(self) -> KEMPublicKey:
        """The public (encapsulation) key, a :mod:`pqpay.kem` public key."""
        cls: Any = _KEM_PUBLIC[self._record.algorithm.value]
        pub: KEMPublicKey = cls.from_public_bytes(self._record.public_key)
        return pub

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """The shared secret; a wrong ciphertext of the right length gives ML-KEM's
        implicit-rejection secret, as with :mod:`pqpay.kem` keys.

        :raises ValueError: the ciphertext has the wrong length.
        :raises SealedKeyError: the sealed seed does not open for this handle.
        """
        ciphertext = as_bytes(ciphertext, "ciphertext")
        rec = self._record
        priv_cls = _KEM_PRIVATE[rec.algorithm]
        want = priv_cls._PUBLIC.CIPHERTEXT_SIZE
        if len(ciphertext) != want:
            raise ValueError(
                f"{rec.algorithm.value} ciphertext must be {want} bytes long, got {len(ciphertext)}"
            )
        seed = self._open_seed(priv_cls.SEED_SIZE)
        try:
            key = priv_cls.from_seed_bytes(bytes(seed))
        finally:
            _wipe(seed)
        try:
            if not hmac.compare_digest(key.public_key().public_bytes_raw(), rec.public_key):
                raise SealedKeyError("the record's public key does not match its sealed seed")
            shared: bytes = key.decapsulate(ciphertext)
        finally:
            del key
        return shared


class KeyStore:
    """Creates, lists, looks up and rotates key handles in a :class:`Backend`.

    Handles are cached per store, so ``get`` returns the same object each time and a rotation
    retires this store's older handles at once.
    """

    __slots__ = ("_backend", "_handles", "_lock")

    def __init__(self, backend: Backend) -> None:
        if not isinstance(backend, Backend):
            raise TypeError(f"backend must be a pqpay.hsm.Backend, not {type(backend).__name__}")
        self._backend = backend
        self._handles: dict[bytes, KeyHandle] = {}
        self._lock = threading.RLock()

    @property
    def backend(self) -> Backend:
        """The backend the keys live in."""
        return self._backend

    def _load(self) -> list[KeyHandle]:
        """Every handle, oldest version first within a label; updates the cache and retirement."""
        records = [_Record.from_bytes(raw) for raw in self._backend._records()]
        newest: dict[str, int] = {}
        for r in records:
            newest[r.label] = max(newest.get(r.label, 0), r.version)
        handles = []
        with self._lock:
            for r in sorted(records, key=lambda r: (r.label, r.version)):
                h = self._handles.get(r.handle_id)
                if h is None:
                    h = self._handles[r.handle_id] = KeyHandle._make(self, r)
                h._retired = r.version < newest[r.label]
                handles.append(h)
        return handles

    def handles(self) -> list[KeyHandle]:
        """Every handle in the backend, by label, then version."""
        return self._load()

    def versions(self, label: str) -> list[KeyHandle]:
        """Every version of ``label``, oldest first. :raises KeyNotFound: no such label."""
        label = _check_label(label)
        found = [h for h in self._load() if h.label == label]
        if not found:
            raise KeyNotFound(f"no key labelled {label!r} in {self._backend.description}")
        return found

    def current(self, label: str) -> KeyHandle:
        """The newest version of ``label``. :raises KeyNotFound: no such label."""
        return self.versions(label)[-1]

    def signer(self, label: str) -> SigningHandle:
        """The newest version of a signing label.

        :raises KeyNotFound: no such label. :raises TypeError: the label holds a KEM key.
        """
        h = self.current(label)
        if not isinstance(h, SigningHandle):
            raise TypeError(f"{label!r} holds a {h.algorithm.value} key, not a signing key")
        return h

    def decapsulation_key(self, label: str, version: int | None = None) -> DecapsulationHandle:
        """A version of a KEM label (default: the newest).

        :raises KeyNotFound: no such label or version. :raises TypeError: not a KEM label.
        """
        versions = self.versions(label)
        if version is None:
            h = versions[-1]
        else:
            match = [v for v in versions if v.version == version]
            if not match:
                raise KeyNotFound(f"{label!r} has no version {version}")
            h = match[0]
        if not isinstance(h, DecapsulationHandle):
            raise TypeError(f"{label!r} holds a {h.algorithm.value} key, not a KEM key")
        return h

    def get(self, handle_id: str | bytes) -> KeyHandle:
        """The handle with this id (32 hex digits or 16 bytes). :raises KeyNotFound: none."""
        raw = _parse_handle_id(handle_id)
        for h in self._load():
            if h._record.handle_id == raw:
                return h
        raise KeyNotFound(f"no key handle {raw.hex()} in {self._backend.description}")

    def public_keys(self, label: str) -> dict[int, SignaturePublicKey | KEMPublicKey]:
        """Every version's public key, by version: what verifiers of ``label`` should accept."""
        out: dict[int, SignaturePublicKey | KEMPublicKey] = {}
        for h in self.versions(label):
            assert isinstance(h, (SigningHandle, DecapsulationHandle))
            out[h.version] = h.public_key()
        return out

    def verify(self, label: str, signature: bytes, data: bytes, context: bytes = b"") -> int:
        """Verifies against every version of ``label``, newest first; returns the version whose
        key verified.

        :raises InvalidSignature: no version's key verifies it.
        :raises ValueError: ``context`` is longer than 255 bytes.
        :raises KeyNotFound: no such label. :raises TypeError: the label holds a KEM key.
        """
        context = as_bytes(context, "context")
        if len(context) > 255:
            raise ValueError(f"context must be at most 255 bytes long, got {len(context)}")
        for h in reversed(self.versions(label)):
            if not isinstance(h, SigningHandle):
                raise TypeError(f"{label!r} holds a {h.algorithm.value} key, not a signing key")
            if context and h.algorithm is Algorithm.ED25519:
                continue  # Ed25519 signs without a context: it cannot have made this signature
            try:
                h.public_key().verify(signature, data, context)
            except InvalidSignature:
                continue
            return h.version
        raise InvalidSignature()

    def create(self, label: str, algorithm: Algorithm | str) -> KeyHandle:
        """Makes version 1 of a new label.

        :raises HSMError: the label exists already (use :meth:`rotate`).
        :raises ValueError: unknown algorithm or bad label.
        """
        label = _check_label(label)
        alg = Algorithm(algorithm)
        with self._lock:
            if any(h.label == label for h in self._load()):
                raise HSMError(f"a key labelled {label!r} exists; rotate() adds a version")
            return self._new(label, alg, 1)

    def rotate(self, label: str, algorithm: Algorithm | str | None = None) -> KeyHandle:
        """Adds the next version of ``label`` (same algorithm unless one is given); from now on
        it is the one that signs, and this store's older handles of the label are retired.

        :raises KeyNotFound: no such label.
        """
        with self._lock:
            versions = self.versions(label)
            latest = versions[-1]
            alg = latest.algorithm if algorithm is None else Algorithm(algorithm)
            if latest.version >= _MAX_VERSION:
                raise HSMError(f"{label!r} has used up its versions")
            handle = self._new(latest.label, alg, latest.version + 1)
            for h in versions:
                h._retired = True
            return handle

    def destroy(self, handle_id: str | bytes) -> None:
        """Deletes a handle: its record and its token key objects. Irreversible.

        :raises KeyNotFound: no such handle.
        """
        with self._lock:
            h = self.get(handle_id)
            self._backend._destroy(h._record.handle_id, h._record.has_token_ed25519)
            self._handles.pop(h._record.handle_id, None)

    def _new(self, label: str, alg: Algorithm, version: int) -> KeyHandle:
        backend = self._backend
        handle_id = secrets.token_bytes(_ID_LEN)
        kek_id = nonce = sealed = None
        if alg is Algorithm.ED25519:
            public = backend._ed25519_generate(handle_id, label)
        elif alg is Algorithm.MLDSA65_ED25519:
            mldsa = MLDSA65PrivateKey.generate()
            seed = bytearray(mldsa.private_bytes_raw())
            try:
                mldsa_pk = mldsa.public_key().public_bytes_raw()
                del mldsa
                kek_id, nonce = backend._kek_id(), secrets.token_bytes(_NONCE_LEN)
                sealed = backend._seal(kek_id, nonce, _aad(handle_id, alg, version), seed)
            finally:
                _wipe(seed)
            public = mldsa_pk + backend._ed25519_generate(handle_id, label)
        else:
            key = _KEM_PRIVATE[alg].generate()
            seed = bytearray(key.private_bytes_raw())
            try:
                public = key.public_key().public_bytes_raw()
                del key
                kek_id, nonce = backend._kek_id(), secrets.token_bytes(_NONCE_LEN)
                sealed = backend._seal(kek_id, nonce, _aad(handle_id, alg, version), seed)
            finally:
                _wipe(seed)
        record = _Record(
            handle_id=handle_id,
            label=label,
            algorithm=alg,
            version=version,
            created=int(time.time()),
            public_key=public,
            kek_id=kek_id,
            nonce=nonce,
            sealed_seed=sealed,
        )
        try:
            backend._store_record(handle_id, record.to_bytes())
        except BaseException:
            # No record, no handle: do not leave an unreachable key pair behind in the token.
            backend._destroy(handle_id, record.has_token_ed25519)
            raise
        handle = KeyHandle._make(self, record)
        with self._lock:
            self._handles[handle_id] = handle
        return handle

    def __repr__(self) -> str:
        return f"<KeyStore {self._backend.description}>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("key stores cannot be pickled")
