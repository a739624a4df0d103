""":class:`PKCS11Backend`: the :class:`~pqpay.hsm.Backend` in a PKCS#11 token, through
python-pkcs11 (install ``pqpay[hsm]``), and :func:`find_softhsm_module`.

python-pkcs11 initialises the library with ``C_Initialize(NULL)``, so SoftHSM runs without its
mutexes, and releases the GIL around every call: concurrent calls into the module crash it.
Every call into a PKCS#11 module therefore holds one process-wide lock for that module
(:class:`_Module`), and a token is logged in to once per process (one shared session).

**Session loss.** A token's session can die under the process (HSM failover, token
reinsertion, daemon restart, an idle timeout, a logout). An operation that fails with a
session-level error (``CKR_SESSION_HANDLE_INVALID``, ``CKR_SESSION_CLOSED``,
``CKR_DEVICE_REMOVED``, ``CKR_DEVICE_ERROR``, ``CKR_TOKEN_NOT_PRESENT``,
``CKR_TOKEN_NOT_RECOGNIZED``, ``CKR_USER_NOT_LOGGED_IN``, or a stale object handle) makes the
backend open and log in to a new session once, drop every cached object handle, and run the
operation again; a second failure is an :class:`~pqpay.exceptions.HSMError`.
:meth:`PKCS11Backend.reconnect` does the same on request. To log in again the backend keeps the
user PIN in process memory (a Python ``str``, not wipeable).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, ClassVar, TypeVar

from pqpay.exceptions import HSMError, HSMUnavailable, KeyNotFound
from pqpay.hsm.backend import Backend, unseal_failed
from pqpay.hsm.record import ID_LEN

try:  # POSIX only: the cross-process version-allocation lock
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["MODULE_ENV", "SOFTHSM_MODULE_PATHS", "PKCS11Backend", "find_softhsm_module"]

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
# DER OID of Ed25519 (RFC 8410), the CKA_EC_PARAMS of an edwards25519 key.
_ED25519_EC_PARAMS = bytes.fromhex("06032b6570")
# python-pkcs11's exceptions for a session (or its object handles) that is gone: reconnect once.
_SESSION_LOST = (
    "SessionHandleInvalid",
    "SessionClosed",
    "DeviceRemoved",
    "DeviceError",
    "TokenNotPresent",
    "TokenNotRecognised",
    "UserNotLoggedIn",
    "ObjectHandleInvalid",
    "KeyHandleInvalid",
)

_T = TypeVar("_T")


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


def _import_pkcs11() -> Any:
    try:
        return importlib.import_module("pkcs11")
    except ImportError:
        raise HSMUnavailable(
            "python-pkcs11 is not installed; install pqpay[hsm] (python-pkcs11==0.10.1)"
        ) from None


class _TokenSession:
    """The process's logged-in session to one token; replaced (never mutated) on reconnect, so
    a backend holding an older one knows its cached object handles are stale."""

    __slots__ = ("pin_digest", "session")

    def __init__(self, session: Any, pin_digest: bytes) -> None:
        self.session = session
        self.pin_digest = pin_digest


class _Module:
    """One loaded PKCS#11 module, shared by every backend of the process: the lock that
    serializes every call into it, and one logged-in session per token."""

    _registry: ClassVar[dict[str, _Module]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, lib: Any) -> None:
        self.lib = lib
        self.lock = threading.RLock()
        # token serial -> its session and PIN digest: login is per process, so later backends
        # reuse the session after proving they hold the same PIN.
        self.sessions: dict[bytes, _TokenSession] = {}
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


def _ed25519_point(point: bytes) -> bytes:
    """The raw key from a ``CKA_EC_POINT``: a DER OCTET STRING (04 20 || key); some modules give
    the raw 32 bytes."""
    if len(point) == 34 and point[:2] == b"\x04\x20":
        return bytes(point[2:])
    if len(point) == 32:
        return bytes(point)
    raise HSMError(f"token returned an Ed25519 CKA_EC_POINT of {len(point)} bytes")


@contextmanager
def _pkcs11_errors(
    pkcs11: Any, what: str, passing: tuple[type[BaseException], ...] = ()
) -> Iterator[None]:
    """Maps python-pkcs11's errors to :class:`HSMError`, except those of ``passing``."""
    try:
        yield
    except passing:
        raise
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
        self._module_path = path
        self._keys: dict[bytes, Any] = {}
        self._keks: dict[bytes, Any] = {}
        self._pin = user_pin  # kept to log in again after a session loss
        self._token_query: dict[str, Any] = (
            {"token_label": token_label}
            if token_label is not None
            else {"token_serial": token_serial.encode("ascii") if token_serial else b""}
        )
        p11 = self._p11
        self._lost: tuple[type[BaseException], ...] = tuple(
            getattr(p11, name) for name in _SESSION_LOST if hasattr(p11, name)
        )
        with self._module.lock:
            with _pkcs11_errors(p11, "token lookup"):
                token = self._find_token()
                self._serial: bytes = token.serial
                self._label: str = token.label
                mechanisms = token.slot.get_mechanisms()
            self._token_session = self._login(token, user_pin)
        offered = {p11.Mechanism.ML_DSA: "CKM_ML_DSA", p11.Mechanism.ML_KEM: "CKM_ML_KEM"}
        self._pq_mechanisms = frozenset(name for m, name in offered.items() if m in mechanisms)
        self._mechanisms = frozenset(mechanisms)

    def _find_token(self) -> Any:
        """The token this backend was made for (under the module lock)."""
        p11 = self._p11
        try:
            return self._module.lib.get_token(**self._token_query)
        except p11.NoSuchToken:
            key, value = next(iter(self._token_query.items()))
            raise HSMUnavailable(f"no token with {key[6:]} {value!r}") from None

    def _open(self, token: Any, pin: str) -> Any:
        """A new read-write session on ``token``, logged in with ``pin``."""
        p11 = self._p11
        try:
            return token.open(rw=True, user_pin=pin)
        except p11.UserAlreadyLoggedIn:
            # Login is per application: another live session of this process is logged in.
            return token.open(rw=True)
        except p11.PinIncorrect:
            raise HSMError(f"PIN incorrect for token {self._label!r}") from None
        except p11.PKCS11Error as exc:
            raise HSMError(
                f"PKCS#11 login to {self._label!r} failed: {type(exc).__name__}"
            ) from None

    def _login(self, token: Any, pin: str) -> _TokenSession:
        digest = self._module.pin_digest(pin)
        known = self._module.sessions.get(self._serial)
        if known is not None:
            if not hmac.compare_digest(digest, known.pin_digest):
                raise HSMError(f"PIN incorrect for token {self._label!r}")
            return known
        known = self._module.sessions[self._serial] = _TokenSession(self._open(token, pin), digest)
        return known

    def _current(self) -> Any:
        """The live session of the token (under the module lock). When another backend of this
        process reconnected, this one's cached object handles belong to the old session."""
        known = self._module.sessions.get(self._serial)
        if known is None:
            return self._reconnect_locked(None)
        if known is not self._token_session:
            self._token_session = known
            self._keys.clear()
            self._keks.clear()
        return known.session

    @property
    def _session(self) -> Any:
        with self._module.lock:
            return self._current()

    def _reconnect_locked(self, dead: Any) -> Any:
        """Replaces the session ``dead`` (None: whatever is cached) with a new logged-in one,
        unless another backend already did; drops the cached object handles. Returns it."""
        known = self._module.sessions.get(self._serial)
        if known is not None and dead is not None and known.session is not dead:
            return self._current()  # replaced meanwhile by another backend of this process
        p11 = self._p11
        if known is not None:
            with suppress(p11.PKCS11Error):
                known.session.close()
            del self._module.sessions[self._serial]
        self._keys.clear()
        self._keks.clear()
        with _pkcs11_errors(p11, "token lookup"):
            token = self._find_token()
            if token.serial != self._serial:
                raise HSMError(
                    f"the token labelled {self._label!r} now has serial "
                    f"{token.serial.decode('ascii', 'replace')!r}, not "
                    f"{self._serial.decode('ascii', 'replace')!r}; refusing to use another token"
                )
        self._token_session = self._login(token, self._pin)
        return self._token_session.session

    def reconnect(self) -> None:
        """Drops the token session (for every backend of this process on this token) and its
        cached object handles, opens a new one and logs in again. Operations already do this
        once by themselves when the session turns out to be gone.

        :raises HSMUnavailable: the token is not there. :raises HSMError: login failed.
        """
        with self._module.lock:
            self._reconnect_locked(None)

    @property
    def description(self) -> str:
        """The token's label and serial number."""
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
        """Holds the module lock around one PKCS#11 operation and maps its errors (no retry:
        :meth:`_run` is the one that reconnects)."""
        with self._module.lock, _pkcs11_errors(self._p11, what):
            yield self._current()

    def _run(self, what: str, operation: Callable[[Any], _T]) -> _T:
        """Runs ``operation(session)`` under the module lock, mapping its errors; on a lost
        session reconnects once and runs it again."""
        p11 = self._p11
        with self._module.lock:
            session = self._current()
            try:
                with _pkcs11_errors(p11, what, passing=self._lost):
                    return operation(session)
            except self._lost:
                session = self._reconnect_locked(session)
            try:
                with _pkcs11_errors(p11, what):
                    return operation(session)
            except HSMError as exc:
                raise HSMError(f"{exc} (after reconnecting to the token once)") from None

    @contextmanager
    def allocation_lock(self) -> Iterator[None]:
        """An exclusive ``flock`` on a file named by the token's serial in the temporary
        directory, so the processes of this host that share the token claim versions one at a
        time: on SoftHSM 2.6.1 the claim protocol alone still let three processes rotating one
        label store duplicate versions (2 of 4 runs of tests/test_hsm_keystore_versions.py's
        process test). Without ``fcntl``, or when the file cannot be opened, only the claim
        protocol applies (also across hosts sharing a network HSM)."""
        if fcntl is None:  # pragma: no cover - not POSIX
            yield
            return
        name = hashlib.sha256(self._serial + self._module_path.encode()).hexdigest()[:24]
        path = os.path.join(tempfile.gettempdir(), f"pqpay-hsm-{name}.lock")
        try:
            # O_NOFOLLOW: the temp dir is shared; never follow another user's planted symlink.
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _find_one(self, session: Any, attrs: dict[Any, Any], what: str) -> Any:
        found = list(session.get_objects(attrs))
        if not found:
            raise KeyNotFound(f"no {what} in token {self._label!r}")
        if len(found) > 1:
            raise HSMError(f"{len(found)} objects match the {what} in token {self._label!r}")
        return found[0]

    def ed25519_generate(self, key_id: bytes, label: str) -> bytes:
        p11 = self._p11
        attr, flag = p11.Attribute, p11.MechanismFlag

        def generate(session: Any) -> tuple[Any, Any]:
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
            self._keys[key_id] = priv
            return pub[attr.EC_POINT], priv

        point, _ = self._run("Ed25519 key generation", generate)
        return _ed25519_point(point)

    def ed25519_public(self, key_id: bytes) -> bytes:
        p11 = self._p11
        attr = p11.Attribute

        def read(session: Any) -> Any:
            pub = self._find_one(
                session,
                {attr.CLASS: p11.ObjectClass.PUBLIC_KEY, attr.ID: key_id},
                f"Ed25519 public key with id {key_id.hex()}",
            )
            return pub[attr.EC_POINT]

        return _ed25519_point(self._run("Ed25519 public key read", read))

    def _cached(
        self, cache: dict[bytes, Any], session: Any, object_class: Any, key_id: bytes, what: str
    ) -> Any:
        """The token object of ``object_class`` with ``CKA_ID`` ``key_id``, looked up once."""
        obj = cache.get(key_id)
        if obj is None:
            attr = self._p11.Attribute
            obj = self._find_one(
                session, {attr.CLASS: object_class, attr.ID: key_id}, f"{what} {key_id.hex()}"
            )
            cache[key_id] = obj
        return obj

    def _private_key(self, session: Any, key_id: bytes) -> Any:
        return self._cached(
            self._keys,
            session,
            self._p11.ObjectClass.PRIVATE_KEY,
            key_id,
            "Ed25519 private key with id",
        )

    def ed25519_sign(self, key_id: bytes, data: bytes) -> bytes:
        def sign(session: Any) -> bytes:
            key = self._private_key(session, key_id)
            sig: bytes = key.sign(data, mechanism=self._p11.Mechanism.EDDSA)
            return sig

        return self._run("Ed25519 signing", sign)

    def kek_id(self) -> bytes:
        p11 = self._p11
        attr = p11.Attribute

        def lookup(session: Any) -> bytes:
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
            kek_id = secrets.token_bytes(ID_LEN)
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

        return self._run("key-encryption key lookup", lookup)

    def _kek(self, session: Any, kek_id: bytes) -> Any:
        return self._cached(
            self._keks,
            session,
            self._p11.ObjectClass.SECRET_KEY,
            kek_id,
            "key-encryption key with id",
        )

    def _gcm(self, nonce: bytes, aad: bytes) -> Any:
        return self._p11.GCMParams(nonce, aad)

    def seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytes | bytearray) -> bytes:
        # python-pkcs11 reads anything but bytes as an iterable of chunks: bytes it must be (no
        # copy when the caller gives bytes already).
        data = seed if type(seed) is bytes else bytes(seed)

        def seal(session: Any) -> bytes:
            ct: bytes = self._kek(session, kek_id).encrypt(
                data,
                mechanism=self._p11.Mechanism.AES_GCM,
                mechanism_param=self._gcm(nonce, aad),
            )
            return ct

        return self._run("AES-GCM seal", seal)

    def unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytes:
        p11 = self._p11

        def unseal(session: Any) -> bytes:
            kek = self._kek(session, kek_id)
            try:
                pt = kek.decrypt(
                    sealed, mechanism=p11.Mechanism.AES_GCM, mechanism_param=self._gcm(nonce, aad)
                )
            except (p11.GeneralError, p11.EncryptedDataInvalid, p11.EncryptedDataLenRange):
                # SoftHSM reports a failed GCM tag as CKR_GENERAL_ERROR.
                raise unseal_failed() from None
            # python-pkcs11's own bytes, unwipeable: a wiped bytearray copy of them would add an
            # immutable copy later (the native key takes bytes), not remove this one.
            seed: bytes = pt
            return seed

        return self._run("AES-GCM unseal", unseal)

    def store_record(self, handle_id: bytes, record: bytes) -> None:
        p11 = self._p11
        attr = p11.Attribute

        def create(session: Any) -> None:
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

        self._run("record creation", create)

    def records(self) -> list[bytes]:
        p11 = self._p11
        attr = p11.Attribute

        def listing(session: Any) -> list[bytes]:
            return [
                bytes(obj[attr.VALUE])
                for obj in session.get_objects(
                    {attr.CLASS: p11.ObjectClass.DATA, attr.APPLICATION: _APPLICATION}
                )
            ]

        return self._run("record listing", listing)

    def destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
        p11 = self._p11
        attr, cls = p11.Attribute, p11.ObjectClass

        def destroy(session: Any) -> None:
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

        self._run("key destruction", destroy)
