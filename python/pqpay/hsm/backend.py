"""The :class:`Backend` interface: the few key operations a :class:`~pqpay.hsm.KeyStore` builds
its handles on, implemented by :class:`~pqpay.hsm.PKCS11Backend` (a token) and
:class:`~pqpay.hsm.SoftwareBackend` (process memory)."""

from __future__ import annotations

import abc
import contextlib
from typing import ClassVar, NoReturn

from pqpay.exceptions import SealedKeyError

__all__ = ["Backend", "unseal_failed"]


class Backend(abc.ABC):
    """Where keys live: the few primitives :class:`~pqpay.hsm.KeyStore` builds handles on.

    :class:`~pqpay.hsm.PKCS11Backend` and :class:`~pqpay.hsm.SoftwareBackend` implement it; a
    key store does not care which it has. Applications call the key store and its handles, not
    these methods.
    """

    #: A short name for messages and ``repr`` ("pkcs11" or "software").
    kind: ClassVar[str]

    @property
    @abc.abstractmethod
    def description(self) -> str:
        """What the keys are kept in (token label and serial, or "in-memory software keys")."""

    @abc.abstractmethod
    def ed25519_generate(self, key_id: bytes, label: str) -> bytes:
        """Generates an Ed25519 key pair under ``key_id``; returns the raw 32-byte public key."""

    @abc.abstractmethod
    def ed25519_public(self, key_id: bytes) -> bytes:
        """The raw 32-byte public key of the Ed25519 key pair under ``key_id``.

        :raises KeyNotFound: no such key.
        """

    @abc.abstractmethod
    def ed25519_sign(self, key_id: bytes, data: bytes) -> bytes:
        """Signs ``data`` (pure Ed25519) with the key under ``key_id``."""

    @abc.abstractmethod
    def kek_id(self) -> bytes:
        """The id of the key-encryption key new seeds are sealed under (made on first use)."""

    @abc.abstractmethod
    def seal(self, kek_id: bytes, nonce: bytes, aad: bytes, seed: bytes | bytearray) -> bytes:
        """AES-256-GCM encryption of ``seed`` under the key-encryption key. Implementations
        should not copy ``seed`` into another ``bytes`` where the primitive takes it as is."""

    @abc.abstractmethod
    def unseal(self, kek_id: bytes, nonce: bytes, aad: bytes, sealed: bytes) -> bytes | bytearray:
        """AES-256-GCM decryption; :class:`SealedKeyError` when it does not authenticate.

        The opened seed as the primitive gave it: a ``bytearray`` the caller wipes after use,
        or, where the primitive returns ``bytes`` (python-pkcs11), those very ``bytes``, so no
        second immutable copy is made."""

    @abc.abstractmethod
    def store_record(self, handle_id: bytes, record: bytes) -> None:
        """Stores a handle record."""

    @abc.abstractmethod
    def records(self) -> list[bytes]:
        """Every stored handle record."""

    @abc.abstractmethod
    def destroy(self, handle_id: bytes, has_ed25519: bool) -> None:
        """Deletes a handle's record and its key objects."""

    def allocation_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held while a :class:`~pqpay.hsm.KeyStore` claims a version: serialises the claims of
        the processes this backend can reach (none by default; the claim protocol alone)."""
        return contextlib.nullcontext()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("key backends cannot be pickled")


def unseal_failed() -> SealedKeyError:
    """The one error for a sealed seed that does not authenticate, whichever backend opened it."""
    return SealedKeyError(
        "the sealed seed did not authenticate: the record was altered, or it belongs to another "
        "handle id, algorithm, version or label"
    )
