"""The protocols pqpay's services accept: one definition of each (foundation layer).

* :class:`Signer`: anything that signs for a pqpay public key (a :mod:`pqpay.signatures`
  private key, an HSM signing handle). COSE/JWS envelopes, receipts and note signers take one.
* :class:`DecapsulationKey`: a :mod:`pqpay.kem` private key or an HSM decapsulation handle
  (:mod:`pqpay.hpke` opens with one).
* :class:`SeenNonceStore`: the replay store the webhook verifiers and request signing use
  (:class:`pqpay.replay.MemoryNonceStore`, or one backed by Redis or a database).

They are re-exported where they lived before: ``pqpay.checkpoint.Signer``, ``pqpay.hpke.
DecapsulationKey``, ``pqpay.replay.SeenNonceStore``. The key types named in the signatures are
imported for type checking only, so this module imports nothing from pqpay at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from pqpay.kem import KEMPublicKey
    from pqpay.signatures import SignaturePublicKey

__all__ = ["DecapsulationKey", "SeenNonceStore", "Signer"]


@runtime_checkable
class Signer(Protocol):
    """Anything that signs for a pqpay public key: pqpay private keys, HSM handles, ..."""

    def public_key(self) -> SignaturePublicKey: ...

    def sign(self, data: bytes, context: bytes = b"") -> bytes: ...


class DecapsulationKey(Protocol):
    """Any decapsulation key: a :mod:`pqpay.kem` private key, or another object with these two
    methods, such as a :class:`pqpay.hsm.DecapsulationHandle`."""

    def public_key(self) -> KEMPublicKey: ...

    def decapsulate(self, ciphertext: bytes) -> bytes: ...


@runtime_checkable
class SeenNonceStore(Protocol):
    """Remembers which request ids were already accepted."""

    def check_and_remember(self, key: str, expires_at: float, now: float) -> bool:
        """Atomically checks ``key`` and remembers it.

        Returns ``True`` when ``key`` is new (or its earlier entry expired by ``now``) and
        records it until ``expires_at``; returns ``False``, changing nothing, when ``key`` is
        remembered and unexpired. A key whose ``expires_at`` is not after ``now`` is reported
        new and need not be stored. Implementations must make the check and the insert one
        atomic step (a lock, ``SET NX``, ``INSERT ... ON CONFLICT DO NOTHING``).
        """
        ...
