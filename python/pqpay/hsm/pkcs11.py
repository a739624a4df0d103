""":class:`PKCS11Backend`: the :class:`~pqpay.hsm.Backend` in a PKCS#11 token, through
python-pkcs11 (install ``pqpay[hsm]``), and :func:`find_softhsm_module`.

python-pkcs11 initialises the library with ``C_Initialize(NULL)``, so SoftHSM runs without its
mutexes, and releases the GIL around every call: concurrent calls into the module crash it.
Every call into a PKCS#11 module therefore holds one process-wide lock for that module
(:class:`_Module`), and a token is logged in to once per process (one shared session).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from pqpay.exceptions import HSMError, HSMUnavailable, KeyNotFound
from pqpay.hsm.backend import Backend, unseal_failed
from pqpay.hsm.record import ID_LEN

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

    def ed25519_generate(self, key_id: bytes, label: str) -> bytes:
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
        with self._call("Ed25519 signing") as session:
            key = self._private_key(session, key_id)
            sig: bytes = key.sign(data, mechanism=self._p11.Mechanism.EDDSA)
        return sig

    def kek_id(self) -> bytes:
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

    def seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytearray) -> bytes:
        with self._call("AES-GCM seal") as session:
            ct: bytes = self._kek(session, kek_id).encrypt(
                bytes(seed),
                mechanism=self._p11.Mechanism.AES_GCM,
                mechanism_param=self._gcm(nonce, aad),
            )
        return ct

    def unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytearray:
        p11 = self._p11
        with self._call("AES-GCM unseal") as session:
            kek = self._kek(session, kek_id)
            try:
                pt = kek.decrypt(
                    sealed, mechanism=p11.Mechanism.AES_GCM, mechanism_param=self._gcm(nonce, aad)
                )
            except (p11.GeneralError, p11.EncryptedDataInvalid, p11.EncryptedDataLenRange):
                # SoftHSM reports a failed GCM tag as CKR_GENERAL_ERROR.
                raise unseal_failed() from None
        return bytearray(pt)

    def store_record(self, handle_id: bytes, record: bytes) -> None:
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

    def records(self) -> list[bytes]:
        p11 = self._p11
        attr = p11.Attribute
        with self._call("record listing") as session:
            return [
                bytes(obj[attr.VALUE])
                for obj in session.get_objects(
                    {attr.CLASS: p11.ObjectClass.DATA, attr.APPLICATION: _APPLICATION}
                )
            ]

    def destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
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
