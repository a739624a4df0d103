"""Key handles: :class:`SigningHandle` (a pqpay *signer*) and :class:`DecapsulationHandle` (a
pqpay *decapsulation key*) over a record in a :class:`~pqpay.hsm.Backend`.

The composite signs through :mod:`pqpay.signatures`' split-signing API
(``message_representative``, ``LABEL``, ``combine``): the token signs the Ed25519 half of M',
pqpay the ML-DSA-65 half from the sealed seed, opened for this signature only.
"""

from __future__ import annotations

import hmac
from typing import Any, NoReturn, Protocol

from pqpay._bytes import as_bytes
from pqpay.exceptions import KeyRetired, SealedKeyError
from pqpay.hsm.backend import Backend
from pqpay.hsm.record import Algorithm, Record, wipe
from pqpay.kem import PRIVATE_KEY_CLASSES as KEM_PRIVATE_KEY_CLASSES
from pqpay.kem import PUBLIC_KEY_CLASSES as KEM_PUBLIC_KEY_CLASSES
from pqpay.kem import KEMPublicKey
from pqpay.signatures import (
    Ed25519PublicKey,
    MLDSA65Ed25519PublicKey,
    MLDSA65PrivateKey,
    SignaturePublicKey,
)

__all__ = ["DecapsulationHandle", "KeyHandle", "SigningHandle"]


class _Store(Protocol):
    """What a handle needs of its :class:`~pqpay.hsm.KeyStore`."""

    @property
    def backend(self) -> Backend: ...


class KeyHandle:
    """A stored key: its id, label, algorithm and version. Holds no secret in the clear."""

    __slots__ = ("_public", "_record", "_retired", "_store", "_token_checked")
    _record: Record
    _store: _Store
    _retired: bool
    _public: Any  # the parsed public key, made on first use (public keys are immutable)
    _token_checked: bool  # the record's Ed25519 key was found equal to the token's

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("key handles come from a KeyStore (create, rotate, get, ...)")

    @classmethod
    def _make(cls, store: _Store, record: Record) -> KeyHandle:
        sub = SigningHandle if record.algorithm.is_signature else DecapsulationHandle
        obj: KeyHandle = object.__new__(sub)
        obj._store, obj._record, obj._retired, obj._public = store, record, False, None
        obj._token_checked = False
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

    def _open_seed(self, seed_len: int) -> bytes | bytearray:
        rec = self._record
        if rec.kek_id is None or rec.nonce is None or rec.sealed_seed is None:
            raise SealedKeyError(f"handle {self.handle_id} has no sealed seed")
        seed = self._store.backend.unseal(rec.kek_id, rec.nonce, rec.aad(), rec.sealed_seed)
        if len(seed) != seed_len:
            wipe(seed)
            raise SealedKeyError(f"the sealed seed opened to {len(seed)} bytes, not {seed_len}")
        return seed

    def __repr__(self) -> str:
        r = self._record
        state = " retired" if self._retired else ""
        return (
            f"<{type(self).__name__} {r.label!r} v{r.version} {r.algorithm.value}"
            f" id={self.handle_id}{state} ({self._store.backend.kind})>"
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
        if self._public is None:
            cls = (
                Ed25519PublicKey
                if self._record.algorithm is Algorithm.ED25519
                else MLDSA65Ed25519PublicKey
            )
            self._public = cls.from_public_bytes(self._record.public_key)
        public: SignaturePublicKey = self._public
        return public

    def _check_token_key(self, record_ed25519: bytes) -> None:
        """Once per handle object: the record's Ed25519 public key (the composite's second half)
        must be the token key's, which the record's public key is not otherwise bound to."""
        if self._token_checked:
            return
        token_key = self._store.backend.ed25519_public(self._record.handle_id)
        if not hmac.compare_digest(token_key, record_ed25519):
            raise SealedKeyError(
                f"the record of handle {self.handle_id} holds an Ed25519 public key that is not "
                "the token's key of that id"
            )
        self._token_checked = True

    def sign(self, data: bytes, context: bytes = b"") -> bytes:
        """Signs ``data`` under ``context`` (Ed25519: no context; composite: hedged ML-DSA).

        The first signature of a handle object also checks the record's Ed25519 public key
        against the token's key.

        :raises KeyRetired: a newer version of this label signs now.
        :raises ValueError: ``context`` over 255 bytes (or non-empty for Ed25519).
        :raises SealedKeyError: the sealed ML-DSA seed does not open for this handle, or the
            record's public key does not match the seed or the token's Ed25519 key.
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
        backend = self._store.backend
        if rec.algorithm is Algorithm.ED25519:
            if context:
                raise ValueError("Ed25519 takes no context; pass context=b''")
            self._check_token_key(rec.public_key)
            return backend.ed25519_sign(rec.handle_id, data)
        composite = MLDSA65Ed25519PublicKey
        m_prime = composite.message_representative(data, context)
        try:
            record_mldsa_pk, record_ed_pk = composite.split_public_key(rec.public_key)
        except ValueError:
            raise SealedKeyError("the record's public key does not match its sealed seed") from None
        seed = self._open_seed(MLDSA65PrivateKey.PRIVATE_KEY_SIZE)
        try:
            # Given as opened: bytes pass to the native key uncopied, a bytearray is copied once
            # (the native side takes bytes only).
            mldsa = MLDSA65PrivateKey.from_seed_bytes(as_bytes(seed, "seed"))
        finally:
            wipe(seed)
        try:
            # The record's public key is not under the AAD; the seed is, so check one against
            # the other before signing with it.
            mldsa_pk = mldsa.public_key().public_bytes_raw()
            if not hmac.compare_digest(mldsa_pk, record_mldsa_pk):
                raise SealedKeyError("the record's public key does not match its sealed seed")
            # The seed opened (its AAD names this handle), so the token key of this id is asked.
            self._check_token_key(record_ed_pk)
            mldsa_sig = mldsa.sign(m_prime, context=composite.LABEL)
        finally:
            del mldsa  # the native key wipes itself when dropped
        return composite.combine(mldsa_sig, backend.ed25519_sign(rec.handle_id, m_prime))


class DecapsulationHandle(KeyHandle):
    """A KEM private key (X-Wing, ML-KEM) sealed under the backend's key: a pqpay *decapsulation
    key*. Each call opens the seed, decapsulates and drops the seed (wiping it where it opened
    into a ``bytearray``; see "Wiping, honestly" in :mod:`pqpay.hsm`)."""

    __slots__ = ()

    def public_key(self) -> KEMPublicKey:
        """The public (encapsulation) key, a :mod:`pqpay.kem` public key."""
        if self._public is None:
            cls: Any = KEM_PUBLIC_KEY_CLASSES[self._record.algorithm.value]
            self._public = cls.from_public_bytes(self._record.public_key)
        public: KEMPublicKey = self._public
        return public

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """The shared secret; a wrong ciphertext of the right length gives ML-KEM's
        implicit-rejection secret, as with :mod:`pqpay.kem` keys.

        :raises ValueError: the ciphertext has the wrong length.
        :raises SealedKeyError: the sealed seed does not open for this handle.
        """
        ciphertext = as_bytes(ciphertext, "ciphertext")
        rec = self._record
        priv_cls: Any = KEM_PRIVATE_KEY_CLASSES[rec.algorithm.value]
        want = KEM_PUBLIC_KEY_CLASSES[rec.algorithm.value].CIPHERTEXT_SIZE
        if len(ciphertext) != want:
            raise ValueError(
                f"{rec.algorithm.value} ciphertext must be {want} bytes long, got {len(ciphertext)}"
            )
        seed = self._open_seed(priv_cls.SEED_SIZE)
        try:
            key = priv_cls.from_seed_bytes(as_bytes(seed, "seed"))  # see SigningHandle.sign
        finally:
            wipe(seed)
        try:
            if not hmac.compare_digest(key.public_key().public_bytes_raw(), rec.public_key):
                raise SealedKeyError("the record's public key does not match its sealed seed")
            shared: bytes = key.decapsulate(ciphertext)
        finally:
            del key
        return shared
