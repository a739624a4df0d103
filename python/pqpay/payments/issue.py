"""Issuing payment receipts: the service that signs payment messages, appends the envelopes to
a :class:`pqpay.ledger.Ledger`, signs one checkpoint and hands back one
:class:`~pqpay.payments.receipt.Receipt` per message (re-exported by :mod:`pqpay.payments`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pqpay._bytes import as_bytes
from pqpay.checkpoint import Checkpoint, parse_note
from pqpay.interfaces import Signer
from pqpay.ledger import Ledger
from pqpay.payments.message import sign_payments_cose
from pqpay.payments.receipt import Receipt

__all__ = ["issue_receipt", "issue_receipts", "receipts_at_checkpoint", "receipts_for_envelopes"]


def _note_size(note: bytes) -> int:
    text, _ = parse_note(note)
    return Checkpoint.parse(text).size


def receipts_at_checkpoint(
    ledger: Ledger, envelopes: Sequence[bytes], indices: Sequence[int], note: bytes
) -> list[Receipt]:
    """Receipts for envelopes already in ``ledger`` at ``indices``, with proofs against the
    tree of the signed checkpoint ``note`` (one the ledger issued after appending them).

    For gateways that append as messages arrive and checkpoint on a timer. The receipts
    verify only if each envelope is the entry at its index.

    :raises ValueError: lengths differ, or an index is not below the checkpoint's size.
    """
    if len(envelopes) != len(indices):
        raise ValueError(f"{len(envelopes)} envelopes but {len(indices)} indices")
    note = as_bytes(note, "note")
    size = _note_size(note)
    return [
        Receipt(envelope, index, size, tuple(ledger.inclusion_proof(index, size)), note)
        for envelope, index in zip(envelopes, indices, strict=True)
    ]


def receipts_for_envelopes(ledger: Ledger, envelopes: Iterable[bytes]) -> list[Receipt]:
    """Appends signed envelopes to ``ledger`` in one durable transaction, signs one checkpoint
    and returns a receipt for each, with proofs against that checkpoint's tree.

    The checkpoint may cover entries other writers appended meanwhile; the proofs are for
    its size, whatever it is. No envelopes: no checkpoint, no receipts.

    :raises ValueError: the ledger has no checkpoint signers.
    """
    data = [as_bytes(e, "envelope") for e in envelopes]
    if not ledger.signers:
        raise ValueError("the ledger has no signers; receipts need a signed checkpoint")
    if not data:
        return []
    indices = ledger.append_many(data)
    return receipts_at_checkpoint(ledger, data, indices, ledger.checkpoint())


def issue_receipts(
    ledger: Ledger,
    signer: Signer,
    messages: Iterable[Mapping[str, Any]],
    *,
    kid: bytes | None = None,
) -> list[Receipt]:
    """Signs payment messages as COSE_Sign1 (one batch for pqpay keys), appends the envelopes
    to ``ledger`` in one transaction, signs one checkpoint and returns one receipt per message,
    in order.

    :param signer: any signer (pqpay private key, HSM handle).
    :raises ValueError: the ledger has no checkpoint signers.
    :raises FloatNotAllowed: a float in a message (nothing is appended then).
    """
    if not ledger.signers:
        raise ValueError("the ledger has no signers; receipts need a signed checkpoint")
    return receipts_for_envelopes(ledger, sign_payments_cose(signer, messages, kid=kid))


def issue_receipt(
    ledger: Ledger, signer: Signer, message: Mapping[str, Any], *, kid: bytes | None = None
) -> Receipt:
    """:func:`issue_receipts` for one message (one append, one checkpoint)."""
    return issue_receipts(ledger, signer, [message], kid=kid)[0]
