"""Payment receipts: a signed payment message, its ledger inclusion proof and the signed
checkpoint covering it, verifiable offline (re-exported by :mod:`pqpay.payments`).

Pure: this module reads and verifies receipts and imports no storage; issuing them against a
:class:`pqpay.ledger.Ledger` is :mod:`pqpay.payments.issue`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pqpay import _jcs
from pqpay._b64 import decode_std, encode_std
from pqpay._bytes import as_bytes
from pqpay.checkpoint import Checkpoint, Require, VerifierKey, parse_note
from pqpay.checkpoint import note_verifiers as to_note_verifiers  # the parameter has its name
from pqpay.exceptions import EncodingError, InvalidProof
from pqpay.interfaces import VerificationKeys
from pqpay.ledger.verify import verify_inclusion
from pqpay.payments.message import verify_payment_cose
from pqpay.signatures import SignaturePublicKey

__all__ = [
    "MAX_PROOF_HASHES",
    "MAX_RECEIPT_BYTES",
    "RECEIPT_FORMAT",
    "RECEIPT_VERSION",
    "Receipt",
    "VerifiedReceipt",
    "verify_receipt",
]

#: The ``format`` member of a serialized receipt.
RECEIPT_FORMAT = "pqpay-receipt"
#: The only ``version`` this release writes and reads.
RECEIPT_VERSION = 1
#: Largest serialized receipt accepted (the envelope and the note dominate; both are small).
MAX_RECEIPT_BYTES = 1 << 20
#: An RFC 9162 inclusion proof in a tree of at most 2**53 - 1 leaves has at most 53 hashes.
MAX_PROOF_HASHES = 53
# JSON integers are exact only up to 2**53 - 1 (I-JSON), far beyond any ledger's size.
_MAX_SIZE = _jcs.MAX_SAFE_INTEGER
_HASH_SIZE = 32
_MEMBERS = frozenset({"format", "version", "envelope", "index", "tree_size", "proof", "checkpoint"})


@dataclass(frozen=True)
class Receipt:
    """What a gateway hands back for one payment message.

    :ivar envelope: the COSE_Sign1 of the payment message (the ledger entry itself).
    :ivar index: the entry's index in the ledger.
    :ivar tree_size: the size of the tree the checkpoint commits to (``>= index + 1``).
    :ivar proof: the RFC 9162 inclusion proof of the entry in that tree (32-byte hashes).
    :ivar checkpoint: the signed checkpoint note (C2SP signed note) of that tree.

    The constructor checks types and sizes only; whether the parts agree is for
    :func:`verify_receipt`.
    """

    envelope: bytes
    index: int
    tree_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "envelope", as_bytes(self.envelope, "envelope"))
        object.__setattr__(self, "checkpoint", as_bytes(self.checkpoint, "checkpoint"))
        for name in ("index", "tree_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
            if not 0 <= value <= _MAX_SIZE:
                raise ValueError(f"{name} must be in [0, 2**53 - 1], got {value}")
        proof = tuple(as_bytes(p, "proof hash") for p in self.proof)
        if len(proof) > MAX_PROOF_HASHES:
            raise ValueError(f"proof has at most {MAX_PROOF_HASHES} hashes, got {len(proof)}")
        for i, p in enumerate(proof):
            if len(p) != _HASH_SIZE:
                raise ValueError(f"proof hash {i} must be {_HASH_SIZE} bytes, got {len(p)}")
        object.__setattr__(self, "proof", proof)

    def __repr__(self) -> str:
        return (
            f"<Receipt index={self.index} tree_size={self.tree_size} "
            f"envelope={len(self.envelope)} bytes proof={len(self.proof)} hashes>"
        )

    def to_json(self) -> bytes:
        """The receipt as canonical (RFC 8785) JSON, binary members in padded base64:

        ::

            {"checkpoint":"...","envelope":"...","format":"pqpay-receipt","index":7,
             "proof":["...",...],"tree_size":1000,"version":1}
        """
        doc = {
            "format": RECEIPT_FORMAT,
            "version": RECEIPT_VERSION,
            "envelope": encode_std(self.envelope),
            "index": self.index,
            "tree_size": self.tree_size,
            "proof": [encode_std(p) for p in self.proof],
            "checkpoint": encode_std(self.checkpoint),
        }
        return _jcs.canonicalize(doc)

    @classmethod
    def from_json(cls, data: bytes | str) -> Receipt:
        """Parses a receipt written by :meth:`to_json`, strictly: I-JSON, exactly the members
        above, ``format``/``version`` as written, canonical padded base64, integers in
        ``[0, 2**53 - 1]``, 32-byte proof hashes. It verifies nothing.

        :raises EncodingError: anything else (the message names what was expected).
        """
        if isinstance(data, str):
            try:
                data = data.encode("utf-8")
            except UnicodeEncodeError:
                raise EncodingError(
                    "a receipt str must be valid Unicode: it holds a lone surrogate"
                ) from None
        data = as_bytes(data, "receipt")
        if len(data) > MAX_RECEIPT_BYTES:
            raise EncodingError(f"a receipt is at most {MAX_RECEIPT_BYTES} bytes, got {len(data)}")
        # Receipts carry no floats; payment=True refuses any number with a fraction or exponent.
        doc = _jcs.parse(data, payment=True)
        if not isinstance(doc, dict):
            raise EncodingError("a receipt must be a JSON object")
        missing = sorted(_MEMBERS - doc.keys())
        extra = sorted(doc.keys() - _MEMBERS)
        if missing or extra:
            raise EncodingError(
                f"receipt members must be exactly {sorted(_MEMBERS)}; "
                f"missing {missing}, unexpected {extra}"
            )
        if doc["format"] != RECEIPT_FORMAT:
            raise EncodingError(f"receipt format must be {RECEIPT_FORMAT!r}")
        if type(doc["version"]) is not int or doc["version"] != RECEIPT_VERSION:
            raise EncodingError(f"receipt version must be {RECEIPT_VERSION}")
        index = _count(doc["index"], "index")
        tree_size = _count(doc["tree_size"], "tree_size")
        proof_items = doc["proof"]
        if not isinstance(proof_items, list):
            raise EncodingError("receipt proof must be a list of base64 strings")
        if len(proof_items) > MAX_PROOF_HASHES:
            raise EncodingError(
                f"receipt proof has at most {MAX_PROOF_HASHES} hashes, got {len(proof_items)}"
            )
        proof = []
        for i, item in enumerate(proof_items):
            digest = decode_std(item, f"receipt proof hash {i}")
            if len(digest) != _HASH_SIZE:
                raise EncodingError(
                    f"receipt proof hash {i} must be {_HASH_SIZE} bytes, got {len(digest)}"
                )
            proof.append(digest)
        return cls(
            envelope=decode_std(doc["envelope"], "receipt envelope"),
            index=index,
            tree_size=tree_size,
            proof=tuple(proof),
            checkpoint=decode_std(doc["checkpoint"], "receipt checkpoint"),
        )


@dataclass(frozen=True)
class VerifiedReceipt:
    """What :func:`verify_receipt` proved: this payment message, signed by the given key, sits
    at ``index`` in the log the checkpoint (signed by the given note keys) commits to."""

    message: dict[str, Any]
    index: int
    checkpoint: Checkpoint


def _count(value: Any, what: str) -> int:
    if type(value) is not int or not 0 <= value <= _MAX_SIZE:
        raise EncodingError(f"receipt {what} must be an integer in [0, 2**53 - 1]")
    return value


def verify_receipt(
    receipt: Receipt | bytes | str,
    signer_public_key: SignaturePublicKey | VerificationKeys,
    note_verifiers: Sequence[VerifierKey] | VerifierKey,
    *,
    origin: str | None,
    require: Require = "all",
) -> VerifiedReceipt:
    """Verifies a receipt without the ledger: the envelope's signature under
    ``signer_public_key``, the checkpoint's signatures under every key in ``note_verifiers``
    (:class:`~pqpay.checkpoint.NoteVerifier` objects or vkey strings; by default each must have
    signed, other signatures are ignored), the receipt's tree size
    against the checkpoint's, and the inclusion of the envelope's leaf hash at ``index``.

    :param receipt: a :class:`Receipt`, or its JSON (parsed with :meth:`Receipt.from_json`).
    :param signer_public_key: the envelope signer's public key, or a key set
        (:class:`pqpay.keyset.KeySet`, public or not): the envelope's ``kid`` picks the key
        (a receipt without one is tried under every key not retired).
    :param origin: the log's origin, required: the checkpoint must name it (else
        ``InvalidProof``), since the same note key may sign several logs' checkpoints and a
        receipt from any of them would verify otherwise. ``origin=None`` accepts any log these
        keys sign, explicitly.
    :param require: which of ``note_verifiers`` must have signed the checkpoint
        (:func:`pqpay.checkpoint.open_note`): ``"all"`` (default), ``"any"`` or an int k.
    :raises InvalidSignature: the envelope or the checkpoint is not validly signed.
    :raises UnknownKeyId: (a key set) the envelope's ``kid`` is not in the set.
    :raises RetiredKeyId: (a key set) the envelope's ``kid`` names a retired key.
    :raises ValueError: no note verifier key is given.
    :raises TypeError: ``origin`` is neither a str nor None.
    :raises InvalidProof: the inclusion proof, index or tree size does not match the checkpoint.
    :raises EncodingError: malformed receipt JSON, envelope or payment message.
    :raises ValueError: a detached envelope (a receipt's envelope carries its message).
    """
    if origin is not None and not isinstance(origin, str):
        raise TypeError(f"origin must be a str, not {type(origin).__name__}")
    if not isinstance(receipt, Receipt):
        receipt = Receipt.from_json(receipt)
    message = verify_payment_cose(signer_public_key, receipt.envelope)
    verifiers = to_note_verifiers(note_verifiers)
    if not verifiers:
        raise ValueError("verify_receipt needs at least one note verifier key")
    # Without an origin the log is not pinned: the checkpoint's own origin is taken (the
    # signatures still must verify under the given keys).
    log = (
        origin if origin is not None else Checkpoint.parse(parse_note(receipt.checkpoint)[0]).origin
    )
    cp = verify_inclusion(
        receipt.envelope,
        receipt.index,
        receipt.proof,
        receipt.checkpoint,
        verifiers,
        origin=log,
        require=require,
    )
    # Checked here as well, so the receipt's guarantee does not rest on the ledger verifier.
    if cp.size != receipt.tree_size or (origin is not None and cp.origin != origin):
        raise InvalidProof()
    return VerifiedReceipt(message, receipt.index, cp)
