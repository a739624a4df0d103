"""The protocols pqpay's services accept: one definition of each (foundation layer).

* :class:`Signer`: anything that signs for a pqpay public key (a :mod:`pqpay.signatures`
  private key, an HSM signing handle). COSE/JWS envelopes, receipts and note signers take one.
* :class:`DecapsulationKey`: a :mod:`pqpay.kem` private key or an HSM decapsulation handle
  (:mod:`pqpay.hpke` opens with one).
* :func:`checked_public_key`: the one duck-typing check of those protocols (the object has
  ``public_key()`` and the operation, and its public key is of the class the caller needs).
* :class:`SeenNonceStore`: the replay store the webhook verifiers and request signing use
  (:class:`pqpay.replay.MemoryNonceStore`, or one backed by Redis or a database).

They are re-exported where they lived before: ``pqpay.checkpoint.Signer``, ``pqpay.hpke.
DecapsulationKey``, ``pqpay.replay.SeenNonceStore``. This module imports nothing from pqpay, not
even for type checking (it sits below the key classes): ``public_key()`` returns a
:class:`PublicKey`, the structural part of every pqpay public key, and the consumers check the
concrete class (``SignaturePublicKey``, ``KEMPublicKey``) where they need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar, runtime_checkable

__all__ = [
    "DecapsulationKey",
    "PublicKey",
    "SeenNonceStore",
    "Signer",
    "VerificationKeys",
    "checked_public_key",
]

_P = TypeVar("_P")


class PublicKey(Protocol):
    """What every pqpay public key (:mod:`pqpay.kem`, :mod:`pqpay.signatures`) offers."""

    @property
    def ALGORITHM(self) -> str:  # upper case: the key classes' ClassVar
        """The algorithm's name."""
        ...

    def public_bytes_raw(self) -> bytes:
        """The encoded public key."""
        ...


@runtime_checkable
class Signer(Protocol):
    """Anything that signs for a pqpay public key: pqpay private keys, HSM handles, ..."""

    def public_key(self) -> PublicKey:
        """The public key this signer's signatures verify under."""
        ...

    def sign(self, data: bytes, context: bytes = b"") -> bytes:
        """A signature over ``data`` under ``context`` (at most 255 bytes)."""
        ...


@runtime_checkable
class VerificationKeys(Protocol):
    """Keys looked up by key id (a :class:`pqpay.keyset.KeySet`): what the COSE, JWS and
    receipt verifiers accept in place of one public key."""

    def verification_keys(self, kid: str | None) -> Sequence[PublicKey]:
        """The keys a signature naming ``kid`` (None: naming none) may verify under; raises
        for an unknown or retired id."""
        ...


class DecapsulationKey(Protocol):
    """Any decapsulation key: a :mod:`pqpay.kem` private key, or another object with these two
    methods, such as a :class:`pqpay.hsm.DecapsulationHandle`."""

    def public_key(self) -> PublicKey:
        """The matching public (encapsulation) key."""
        ...

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """The shared secret ``ciphertext`` encapsulates to :meth:`public_key`."""
        ...


def checked_public_key(
    obj: object, operation: str, public_type: type[_P], role: str, expected: str
) -> _P:
    """The public key of ``obj``, checked as a :class:`Signer` (``operation="sign"``) or a
    :class:`DecapsulationKey` (``operation="decapsulate"``) of the class ``public_type``.

    ``role`` names the argument in the messages ("signer", "private_key") and ``expected``
    the key class in words ("a pqpay signature public key").

    :raises TypeError: ``obj`` lacks a callable ``public_key()`` or ``operation()``, or its
        ``public_key()`` is not a ``public_type``.
    """
    if not (callable(getattr(obj, "public_key", None)) and callable(getattr(obj, operation, None))):
        raise TypeError(
            f"{role}: expected an object with public_key() and {operation}(), "
            f"not {type(obj).__name__}"
        )
    public = obj.public_key()  # type: ignore[attr-defined]
    if not isinstance(public, public_type):
        raise TypeError(f"{role}: public_key() must return {expected}, not {type(public).__name__}")
    return public


@runtime_checkable
class SeenNonceStore(Protocol):
    """Remembers which request ids were already accepted.

    Two methods: :meth:`check_and_remember` for one id and :meth:`check_and_remember_many`
    for a body that carries several (Adyen's ``notificationItems``), decided all-or-nothing.
    A custom store written before ``check_and_remember_many`` existed still works for every
    single-id request; a verifier that needs several ids at once **refuses** it with
    ``TypeError`` rather than remembering them one by one (which loses the new items of a
    partly replayed body).
    """

    def check_and_remember(self, key: str, expires_at: float, now: float) -> bool:
        """Atomically checks ``key`` and remembers it.

        Returns ``True`` when ``key`` is new (or its earlier entry expired by ``now``) and
        records it until ``expires_at``; returns ``False``, changing nothing, when ``key`` is
        remembered and unexpired. A key whose ``expires_at`` is not after ``now`` is reported
        new and need not be stored. Implementations must make the check and the insert one
        atomic step (a lock, ``SET NX``, ``INSERT ... ON CONFLICT DO NOTHING``).
        """
        ...

    def check_and_remember_many(self, keys: Sequence[str], expires_at: float, now: float) -> bool:
        """Atomically checks every key of ``keys`` and remembers them all, or none.

        Returns ``True`` when no key is remembered and unexpired, after recording every key
        until ``expires_at``; returns ``False``, changing nothing, when at least one is. A
        key repeated inside ``keys`` counts once. As for :meth:`check_and_remember`, keys
        whose ``expires_at`` is not after ``now`` need not be stored, and the whole decision
        must be one atomic step: a lock, a Redis ``MULTI``/Lua script (``EXISTS`` on every key,
        then ``SET ... EXAT`` on each, or nothing), a database transaction that rolls back on
        the first conflicting ``INSERT``.
        """
        ...
