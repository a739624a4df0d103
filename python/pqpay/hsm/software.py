""":class:`SoftwareBackend`: the :class:`~pqpay.hsm.Backend` in process memory, so code, tests
and the demo run the same way without a token."""

from __future__ import annotations

import hmac
import secrets
import threading

from pqpay._bytes import as_bytes
from pqpay.exceptions import HSMError, InvalidTag, KeyNotFound, SealedKeyError
from pqpay.hazmat import aes256gcm_open, aes256gcm_seal
from pqpay.hsm.backend import Backend, unseal_failed
from pqpay.hsm.record import ID_LEN
from pqpay.signatures import Ed25519PrivateKey

__all__ = ["SoftwareBackend"]


class SoftwareBackend(Backend):
    """Keys in process memory: Ed25519 keys as pqpay keys, seeds sealed with AES-256-GCM under a
    random key-encryption key made here. Nothing persists once the object is gone."""

    kind = "software"

    def __init__(self) -> None:
        self._kek = secrets.token_bytes(32)
        self._kek_ident = secrets.token_bytes(ID_LEN)
        self._ed: dict[bytes, Ed25519PrivateKey] = {}
        self._recs: dict[bytes, bytes] = {}
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        """``in-memory software keys``."""
        return "in-memory software keys"

    def ed25519_generate(self, key_id: bytes, label: str) -> bytes:
        key = Ed25519PrivateKey.generate()
        with self._lock:
            if key_id in self._ed:
                raise HSMError("a key with this id already exists")
            self._ed[key_id] = key
        return key.public_key().public_bytes_raw()

    def ed25519_public(self, key_id: bytes) -> bytes:
        key = self._ed.get(key_id)
        if key is None:
            raise KeyNotFound(f"no Ed25519 key with id {key_id.hex()} in the software backend")
        return key.public_key().public_bytes_raw()

    def ed25519_sign(self, key_id: bytes, data: bytes) -> bytes:
        key = self._ed.get(key_id)
        if key is None:
            raise KeyNotFound(f"no Ed25519 key with id {key_id.hex()} in the software backend")
        return key.sign(data)

    def kek_id(self) -> bytes:
        return self._kek_ident

    def _check_kek(self, kek_id: bytes) -> None:
        if not hmac.compare_digest(kek_id, self._kek_ident):
            raise SealedKeyError("the seed was sealed under another key-encryption key")

    def seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytes | bytearray) -> bytes:
        self._check_kek(kek_id)
        # aes256gcm_seal takes bytes as they are; a bytearray is copied once at that boundary.
        return aes256gcm_seal(self._kek, nonce, aad, as_bytes(seed, "seed"))

    def unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytearray:
        self._check_kek(kek_id)
        try:
            return aes256gcm_open(self._kek, nonce, aad, sealed)
        except InvalidTag:
            raise unseal_failed() from None

    def store_record(self, handle_id: bytes, record: bytes) -> None:
        with self._lock:
            self._recs[handle_id] = record

    def records(self) -> list[bytes]:
        with self._lock:
            return list(self._recs.values())

    def destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
        with self._lock:
            self._recs.pop(handle_id, None)
            self._ed.pop(handle_id, None)
