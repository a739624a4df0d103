"""HPKE (RFC 9180) base mode with the post-quantum KEMs of draft-ietf-hpke-pq.

Encrypting a payment payload to a gateway's key in one call::

    suite = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)
    enc, ct = suite.seal(gateway_public_key, payload, info=b"app v1", aad=b"order-42")
    payload = suite.open(gateway_private_key, enc, ct, info=b"app v1", aad=b"order-42")

Several messages under one encapsulation go through :meth:`Suite.setup_sender` /
:meth:`Suite.setup_receiver`; both contexts also :meth:`~SenderContext.export` secrets.
Only base mode exists (no PSK or Auth modes). A failed open raises the opaque
:class:`pqpay.exceptions.InvalidTag`.
"""

from __future__ import annotations

import enum
from typing import Any

from pqpay import _native
from pqpay._bytes import as_bytes
from pqpay.exceptions import InvalidKey
from pqpay.interfaces import DecapsulationKey, checked_public_key
from pqpay.kem import PRIVATE_KEY_CLASSES, KEMPrivateKey, KEMPublicKey

__all__ = ["AEAD", "KDF", "KEM", "DecapsulationKey", "ReceiverContext", "SenderContext", "Suite"]


class KEM(enum.IntEnum):
    """HPKE KEM identifiers."""

    DHKEM_X25519_HKDF_SHA256 = 0x0020
    MLKEM512 = 0x0040
    MLKEM768 = 0x0041
    MLKEM1024 = 0x0042
    MLKEM768_P256 = 0x0050
    MLKEM1024_P384 = 0x0051
    #: X-Wing on the wire; pyca/cryptography calls it ``MLKEM768_X25519`` too.
    MLKEM768_X25519 = 0x647A


class KDF(enum.IntEnum):
    """HPKE KDF identifiers (SHAKE ones are the one-stage KDFs of draft-ietf-hpke-pq)."""

    HKDF_SHA256 = 0x0001
    HKDF_SHA384 = 0x0002
    HKDF_SHA512 = 0x0003
    SHAKE128 = 0x0010
    SHAKE256 = 0x0011


class AEAD(enum.IntEnum):
    """HPKE AEAD identifiers; ``EXPORT_ONLY`` suites can only export secrets."""

    AES_128_GCM = 0x0001
    AES_256_GCM = 0x0002
    CHACHA20_POLY1305 = 0x0003
    EXPORT_ONLY = 0xFFFF


def _check_key(key: KEMPublicKey | KEMPrivateKey[Any], what: str) -> None:
    if not isinstance(key, (KEMPublicKey, KEMPrivateKey)):
        raise TypeError(f"{what} must be a pqpay.kem key, not {type(key).__name__}")


def _foreign_shared_secret(suite: _native.HpkeSuite, key: object, enc: bytes) -> bytes:
    """``Decap(enc, skR)`` through a decapsulation key that is not a pqpay.kem key (one whose
    secret pqpay cannot hand to the native code, e.g. a key sealed under an HSM)."""
    public = checked_public_key(
        key, "decapsulate", KEMPublicKey, "private_key", "a pqpay.kem public key"
    )
    if suite.kem_algorithm != public.ALGORITHM:
        raise InvalidKey(
            f"the private key is a {public.ALGORITHM} key but the HPKE suite's KEM is "
            f"{suite.kem_algorithm}"
        )
    return as_bytes(key.decapsulate(enc), "shared secret")  # type: ignore[attr-defined]


class _Context:
    """What both contexts share: exporting secrets and the message count."""

    __slots__ = ("_ctx",)
    _ctx: _native.HpkeSenderContext | _native.HpkeReceiverContext

    def export(self, exporter_context: bytes, length: int) -> bytes:
        """An exported secret of ``length`` bytes. :raises ValueError: ``length`` too large."""
        return self._ctx.export(as_bytes(exporter_context, "exporter_context"), length)

    @property
    def sequence_number(self) -> int:
        """How many messages this context has sealed or opened."""
        return self._ctx.sequence_number

    def __repr__(self) -> str:
        return f"<HPKE {type(self).__name__}>"


class SenderContext(_Context):
    """Seals messages in order under one encapsulation; exports secrets."""

    __slots__ = ()
    _ctx: _native.HpkeSenderContext

    def __init__(self, ctx: _native.HpkeSenderContext) -> None:
        self._ctx = ctx

    def seal(self, plaintext: bytes, aad: bytes = b"") -> bytes:
        """Encrypts the next message. :raises MessageLimitReached: sequence numbers used up."""
        return self._ctx.seal(as_bytes(aad, "aad"), as_bytes(plaintext, "plaintext"))


class ReceiverContext(_Context):
    """Opens messages in the order they were sealed; exports secrets."""

    __slots__ = ()
    _ctx: _native.HpkeReceiverContext

    def __init__(self, ctx: _native.HpkeReceiverContext) -> None:
        self._ctx = ctx

    def open(self, ciphertext: bytes, aad: bytes = b"") -> bytes:
        """Decrypts the next message. :raises InvalidTag: authentication failed."""
        return self._ctx.open(as_bytes(aad, "aad"), as_bytes(ciphertext, "ciphertext"))


class Suite:
    """An HPKE ciphersuite: a KEM, a KDF and an AEAD.

    :raises UnsupportedAlgorithm: an identifier pqpay does not implement.
    """

    __slots__ = ("_suite", "aead", "kdf", "kem")

    def __init__(self, kem: KEM, kdf: KDF, aead: AEAD) -> None:
        self._suite = _native.HpkeSuite(int(kem), int(kdf), int(aead))
        self.kem, self.kdf, self.aead = KEM(kem), KDF(kdf), AEAD(aead)

    @property
    def kem_private_key_class(self) -> type[KEMPrivateKey[Any]]:
        """The :mod:`pqpay.kem` private-key class this suite's KEM uses."""
        return PRIVATE_KEY_CLASSES[self._suite.kem_algorithm]

    def derive_key_pair(self, ikm: bytes) -> KEMPrivateKey[Any]:
        """HPKE ``DeriveKeyPair(ikm)`` (as draft-ietf-hpke-pq defines it for PQ KEMs)."""
        native = self._suite.derive_key_pair(as_bytes(ikm, "ikm"))
        key: KEMPrivateKey[Any] = self.kem_private_key_class._wrap(native)
        return key

    def seal(
        self, public_key: KEMPublicKey, plaintext: bytes, *, info: bytes = b"", aad: bytes = b""
    ) -> tuple[bytes, bytes]:
        """Single-shot encryption: returns ``(enc, ciphertext)``."""
        _check_key(public_key, "public_key")
        return self._suite.seal(
            public_key._key,
            as_bytes(info, "info"),
            as_bytes(aad, "aad"),
            as_bytes(plaintext, "plaintext"),
        )

    def open(
        self,
        private_key: KEMPrivateKey[Any] | DecapsulationKey,
        enc: bytes,
        ciphertext: bytes,
        *,
        info: bytes = b"",
        aad: bytes = b"",
    ) -> bytes:
        """Single-shot decryption. ``private_key`` is a :mod:`pqpay.kem` private key or any
        :class:`DecapsulationKey` (e.g. an HSM handle) of the suite's KEM.

        :raises InvalidTag: authentication failed.
        :raises InvalidKey: the key is not one of the suite's KEM.
        """
        if not isinstance(private_key, KEMPrivateKey):
            return self.setup_receiver(private_key, enc, info=info).open(ciphertext, aad=aad)
        return self._suite.open(
            private_key._key,
            as_bytes(enc, "enc"),
            as_bytes(info, "info"),
            as_bytes(aad, "aad"),
            as_bytes(ciphertext, "ciphertext"),
        )

    def setup_sender(
        self, public_key: KEMPublicKey, *, info: bytes = b""
    ) -> tuple[bytes, SenderContext]:
        """Encapsulates to ``public_key``: returns ``(enc, context)``."""
        _check_key(public_key, "public_key")
        enc, ctx = self._suite.setup_sender(public_key._key, as_bytes(info, "info"))
        return enc, SenderContext(ctx)

    def setup_receiver(
        self,
        private_key: KEMPrivateKey[Any] | DecapsulationKey,
        enc: bytes,
        *,
        info: bytes = b"",
    ) -> ReceiverContext:
        """Decapsulates ``enc``: returns the receiving context. ``private_key`` as in
        :meth:`open`."""
        if not isinstance(private_key, KEMPrivateKey):
            shared_secret = _foreign_shared_secret(self._suite, private_key, as_bytes(enc, "enc"))
            return ReceiverContext(
                self._suite.setup_receiver_from_shared_secret(shared_secret, as_bytes(info, "info"))
            )
        ctx = self._suite.setup_receiver(
            private_key._key, as_bytes(enc, "enc"), as_bytes(info, "info")
        )
        return ReceiverContext(ctx)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Suite):
            return NotImplemented
        return (self.kem, self.kdf, self.aead) == (other.kem, other.kdf, other.aead)

    def __hash__(self) -> int:
        return hash((self.kem, self.kdf, self.aead))

    def __repr__(self) -> str:
        return f"Suite({self.kem.name}, {self.kdf.name}, {self.aead.name})"
