"""``pqpay receipt issue|verify``: payment receipts from the shell.

``verify`` needs no ledger: the receipt file (JSON, from ``issue`` or
:meth:`pqpay.payments.Receipt.to_json`), the payment signer's public key (PEM
SubjectPublicKeyInfo) and the log's note verifier key(s) (``--vkey``, as ``pqpay ledger
checkpoint`` prints them). Exit 0 and ``OK: ...`` when the receipt verifies, 1 and
``FAILED: ...`` when it does not (malformed file included), 2 on usage or key-file errors.
``issue`` signs JSON-lines payment messages with a PEM private key, appends them to a ledger
(``--db``), signs one checkpoint with the key conventions of ``pqpay ledger checkpoint`` and
writes one receipt file per message.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from pqpay import checkpoint, ledger, payments, signatures
from pqpay.cli._common import (
    REQUIRE_HELP,
    note_signers,
    private_key,
    public_key,
    require_policy,
    run,
)
from pqpay.exceptions import EncodingError, InvalidProof, InvalidSignature


def _verify(args: argparse.Namespace) -> int:
    signer_key = public_key(args.public_key, signatures.SignaturePublicKey, "a signature")
    vkeys = [checkpoint.NoteVerifier.from_vkey(v) for v in args.vkey]
    data = Path(args.receipt).read_bytes()
    try:
        verified = payments.verify_receipt(
            data, signer_key, vkeys, origin=args.origin, require=args.require
        )
    except EncodingError as exc:
        print(f"FAILED: malformed receipt: {exc}")
        return 1
    except InvalidSignature:
        print("FAILED: the payment message or the checkpoint is not validly signed by the keys")
        return 1
    except InvalidProof:
        print("FAILED: the payment message is not in the log at the receipt's checkpoint")
        return 1
    except ValueError as exc:
        print(f"FAILED: unusable receipt: {exc}")
        return 1
    cp = verified.checkpoint
    at_least = {"all": len(vkeys), "any": 1}.get(args.require, args.require)
    signed = (
        f"signed by {len(vkeys)} key(s)"
        if at_least == len(vkeys)
        else f"signed by at least {at_least} of {len(vkeys)} key(s)"
    )
    print(
        f"OK: payment message {_label(verified.message)} is entry {verified.index} of "
        f"{cp.origin} (checkpoint size {cp.size}, {signed})"
    )
    return 0


def _label(message: dict[str, Any]) -> str:
    value = message.get("id")
    return repr(value) if isinstance(value, str) else f"(sha256 {_digest(message)})"


def _digest(message: dict[str, Any]) -> str:
    return hashlib.sha256(payments.canonicalize_payment(message)).hexdigest()[:16]


def _issue(args: argparse.Namespace) -> int:
    key = private_key(args.signing_key, signatures.SignaturePrivateKey, "a signature")
    messages = []
    for path in args.files or ["-"]:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        try:
            for number, line in enumerate(stream, 1):
                if line.strip():
                    try:
                        messages.append(payments.parse_payment(line))
                    except EncodingError as exc:
                        raise SystemExit(f"{path}:{number}: {exc}") from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    signers = note_signers(args)
    kid = args.kid.encode() if args.kid else None
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with ledger.Ledger(ledger.open_storage(args.db), args.origin, signers) as log:
        receipts = payments.issue_receipts(log, key, messages, kid=kid)
    for receipt in receipts:
        (out / f"receipt-{receipt.index}.json").write_bytes(receipt.to_json() + b"\n")
    if receipts:
        print(
            f"issued {len(receipts)} receipts (entries {receipts[0].index}..{receipts[-1].index},"
            f" checkpoint size {receipts[0].tree_size}) in {out}"
        )
    else:
        print("no messages: nothing issued")
    for signer in signers:
        print(f"verifier key: {signer.vkey}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    """Adds ``pqpay receipt ...`` to the ``pqpay`` command."""
    top = subparsers.add_parser("receipt", help="payment receipts: issue, verify offline")
    sub = top.add_subparsers(dest="receipt_command", required=True)

    p = sub.add_parser("verify", help="verify a receipt offline: exit 0 if it verifies, 1 if not")
    p.add_argument("receipt", help="the receipt file (JSON)")
    p.add_argument("--public-key", required=True, help="the payment signer's public key (PEM)")
    p.add_argument(
        "--vkey", action="append", required=True, help="log note verifier key (repeatable)"
    )
    p.add_argument("--origin", help="require the checkpoint to name this log")
    p.add_argument("--require", type=require_policy, default="all", help=REQUIRE_HELP)
    p.set_defaults(func=run(_verify, "receipt"))

    p = sub.add_parser("issue", help="sign payment messages, append them, write receipts")
    p.add_argument("files", nargs="*", help="JSON-lines payment messages (default: stdin)")
    p.add_argument("--db", required=True, help="SQLite file or PostgreSQL DSN")
    p.add_argument("--origin", required=True, help="the log's name, e.g. pay.example/log")
    p.add_argument("--signing-key", required=True, help="payment signing private key (PEM)")
    p.add_argument("--kid", help="key id for the COSE header")
    p.add_argument("--key", help="Ed25519 private key (PEM) for the checkpoint signature")
    p.add_argument("--key-name", help="the Ed25519 key's name (default: the origin)")
    p.add_argument("--cosign-key", help="ML-DSA-44 private key (PEM) for the cosignature")
    p.add_argument("--cosigner-name", help="the cosigner's name (default: the origin)")
    p.add_argument("--out-dir", required=True, help="directory for receipt-<index>.json")
    p.set_defaults(func=run(_issue, "receipt"))
