"""Offline verification of ledger proofs: anyone holding a signed checkpoint note, a proof and
the log's verifier keys checks inclusion or consistency without the ledger.

Pure: imports nothing from the storage side of :mod:`pqpay.ledger`. "Verified by these keys"
is :func:`pqpay.checkpoint.verify_checkpoint`'s ``require=`` policy, and verifier keys are
normalised by :func:`pqpay.checkpoint.note_verifiers`.

``origin`` is required: a signature proves who signed a checkpoint, not which log it is of, so
a key that signs for several logs (or a log holding its own key) could otherwise present a
checkpoint of one log as another's. The checkpoint must name the log the verifier expects.
"""

from __future__ import annotations

from collections.abc import Sequence

from pqpay import merkle
from pqpay._bytes import as_bytes
from pqpay.checkpoint import Checkpoint, Require, VerifierKey, note_verifiers, verify_checkpoint
from pqpay.exceptions import InvalidProof
from pqpay.merkle import EMPTY_ROOT, HASH_SIZE

__all__ = ["VerifierKey", "verify_consistency", "verify_inclusion"]


def _origin(origin: object) -> str:
    if not isinstance(origin, str) or not origin:
        raise TypeError(
            "origin must be the log's name as its checkpoints give it (a non-empty str, e.g. "
            f"origin='pay.example/log'), not {origin!r}"
        )
    return origin


def _proof(proof: Sequence[bytes]) -> list[bytes]:
    out = [as_bytes(p, "proof element") for p in proof]
    for i, p in enumerate(out):
        if len(p) != HASH_SIZE:
            raise ValueError(f"proof element {i} must be {HASH_SIZE} bytes, got {len(p)}")
    return out


def verify_inclusion(
    entry: bytes,
    index: int,
    proof: Sequence[bytes],
    checkpoint_note: bytes,
    verifier_keys: Sequence[VerifierKey] | VerifierKey,
    *,
    origin: str,
    require: Require = "all",
) -> Checkpoint:
    """Checks, without the ledger, that ``entry`` sits at ``index`` in the tree a signed
    checkpoint of the log ``origin`` commits to. Returns the verified checkpoint.

    :param verifier_keys: the log's note verifier key(s) (:data:`pqpay.checkpoint.VerifierKey`);
        signatures of other keys are ignored.
    :param origin: required: the log's name; the checkpoint must name this log.
    :param require: which given keys must have signed (:func:`pqpay.checkpoint.open_note`):
        ``"all"`` (default), ``"any"`` or an int k.
    :raises InvalidSignature: the note is not validly signed as ``require`` asks.
    :raises InvalidProof: the proof does not verify (or the origin differs).
    :raises TypeError: ``origin`` is missing or not a non-empty str.
    """
    origin = _origin(origin)
    cp = verify_checkpoint(
        as_bytes(checkpoint_note, "checkpoint_note"), note_verifiers(verifier_keys), require=require
    )
    if cp.origin != origin:
        raise InvalidProof()
    path = _proof(proof)
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"index must be an int, not {type(index).__name__}")
    if not 0 <= index < cp.size:
        raise InvalidProof()
    merkle.verify_inclusion(
        merkle.leaf_hash(as_bytes(entry, "entry")), index, cp.size, path, cp.root
    )
    return cp


def verify_consistency(
    old_note: bytes,
    new_note: bytes,
    proof: Sequence[bytes],
    verifier_keys: Sequence[VerifierKey] | VerifierKey,
    *,
    origin: str,
    require: Require = "all",
) -> tuple[Checkpoint, Checkpoint]:
    """Checks, without the ledger, that the tree of ``new_note`` extends the one of
    ``old_note`` (both of the log ``origin``, old size <= new size). Returns both verified
    checkpoints.

    :param origin: required: the log's name; both checkpoints must name this log.
    :param require: which given keys must have signed each note (as for
        :func:`verify_inclusion`; default ``"all"``).
    :raises InvalidSignature: a note is not validly signed as ``require`` asks.
    :raises InvalidProof: the proof does not verify, a checkpoint names another log, or the
        old checkpoint is larger than the new one.
    :raises TypeError: ``origin`` is missing or not a non-empty str.
    """
    origin = _origin(origin)
    verifiers = note_verifiers(verifier_keys)
    old = verify_checkpoint(as_bytes(old_note, "old_note"), verifiers, require=require)
    new = verify_checkpoint(as_bytes(new_note, "new_note"), verifiers, require=require)
    path = _proof(proof)
    if old.origin != origin or new.origin != origin or old.size > new.size:
        raise InvalidProof()
    if old.size == 0:
        # Every tree extends the empty one; only the empty root is allowed and nothing is proved.
        if old.root != EMPTY_ROOT or path:
            raise InvalidProof()
        return old, new
    merkle.verify_consistency(old.size, new.size, old.root, new.root, path)
    return old, new
