"""``pqpay receipt issue|verify``: payment receipts from the shell.

``verify`` needs no ledger: the receipt file (JSON, from ``issue`` or
:meth:`pqpay.payments.Receipt.to_json`), the payment signer's public key (PEM
SubjectPublicKeyInfo) and the log's note verifier key(s) (``--vkey``, as ``pqpay ledger
checkpoint`` prints them). ``OK:`` and exit 0 when the receipt verifies; ``FAILED:`` and exit 1
when it does not (a malformed receipt included); exit 2 on usage or key-file errors.

``issue`` reads JSON-lines payment messages (one object per line; \\n or \\r\\n endings; a blank
line is refused with its line number), signs them with a PEM private key, appends them to a
ledger (``--db``, created if missing), signs one checkpoint with the key conventions of ``pqpay
ledger checkpoint`` and writes ``receipt-<index>.json`` per message into ``--out-dir``.
It is idempotent on the payment id: a message whose ``id`` (a string; for a message without
one, its canonical JSON) already has a receipt in ``--out-dir`` is skipped, not appended again,
and so is a repeat within the input; the same id with different content is refused. Keep one
``--out-dir`` per ledger: it is where issued receipts are looked up.
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
    CliError,
    add_note_signer_arguments,
    allowed_keys,
    check_db,
    check_require,
    command,
    command_group,
    emit_json,
    note_signers,
    plural,
    private_key,
    public_key,
    read_lines,
    require_policy,
    verdict,
    verifier_keys,
)
from pqpay.cli.key import add_passphrase_options
from pqpay.cli.keyset import load_keyset
from pqpay.exceptions import (
    EncodingError,
    InvalidProof,
    InvalidSignature,
    RetiredKeyId,
    UnknownKeyId,
)


def _note_checkpoint(note: bytes) -> checkpoint.Checkpoint:
    text, _ = checkpoint.parse_note(note)
    return checkpoint.Checkpoint.parse(text)


def _why_not_included(args: argparse.Namespace, data: bytes) -> str:
    """Why a receipt whose signatures verified was still rejected, pointing at the fix."""
    receipt = payments.Receipt.from_json(data)
    cp = _note_checkpoint(receipt.checkpoint)
    if args.origin is not None and cp.origin != args.origin:
        return f"the receipt's checkpoint is of log {cp.origin!r}, not of --origin {args.origin!r}"
    if receipt.tree_size != cp.size:
        return (
            f"the receipt says tree size {receipt.tree_size} but its checkpoint is of size "
            f"{cp.size}"
        )
    return (
        f"the payment message is not entry {receipt.index} of {cp.origin} at size {cp.size} "
        "(the index or the proof does not match the checkpoint)"
    )


def _payment_verifier(args: argparse.Namespace) -> Any:
    """``--public-key`` (one key) or ``--keyset`` (a key set: the envelope's kid picks)."""
    if (args.public_key is None) == (args.keyset is None):
        raise CliError(
            "receipt verify needs the payment signer's key",
            "pass --public-key PEM or --keyset KEYSET.json (one of them)",
        )
    if args.public_key is not None:
        return public_key(args.public_key, signatures.SignaturePublicKey, "a signature")
    return load_keyset(args.keyset, args)


def _payment_signer(args: argparse.Namespace) -> tuple[Any, bytes | None]:
    """``--signing-key`` (with ``--kid``) or ``--signing-keyset`` (its primary, named by
    its kid)."""
    if (args.signing_key is None) == (args.signing_keyset is None):
        raise CliError(
            "receipt issue needs the payment signing key",
            "pass --signing-key PEM or --signing-keyset KEYSET.json (one of them)",
        )
    if args.signing_key is not None:
        key = private_key(args.signing_key, signatures.SignaturePrivateKey, "a signature")
        return key, args.kid.encode() if args.kid else None
    if args.kid:
        raise CliError("--kid goes with --signing-key", "a key set names its primary's kid")
    keys = load_keyset(args.signing_keyset, args)
    if keys.is_public:
        raise CliError(f"{args.signing_keyset} is a public key set", "give the private one")
    return keys.signer(), None


def _verify(args: argparse.Namespace) -> int:
    signer_key = _payment_verifier(args)
    vkeys = verifier_keys(args.vkey)
    check_require(args.require, vkeys)
    data = Path(args.receipt).read_bytes()
    try:
        verified = payments.verify_receipt(
            data, signer_key, vkeys, origin=args.origin, require=args.require
        )
    except EncodingError as exc:
        return verdict(args, False, f"malformed receipt: {exc}")
    except (UnknownKeyId, RetiredKeyId) as exc:
        return verdict(args, False, f"the payment message's key is refused: {exc}")
    except InvalidSignature:
        return verdict(
            args, False, "the payment message or the checkpoint is not validly signed by the keys"
        )
    except InvalidProof:
        return verdict(args, False, _why_not_included(args, data))
    except ValueError as exc:
        return verdict(args, False, f"unusable receipt: {exc}")
    cp = verified.checkpoint
    at_least = {"all": len(vkeys), "any": 1}.get(args.require, args.require)
    signed = (
        f"signed by {len(vkeys)} key(s)"
        if at_least == len(vkeys)
        else f"signed by at least {at_least} of {len(vkeys)} key(s)"
    )
    message_id = verified.message.get("id")
    return verdict(
        args,
        True,
        f"payment message {_label(verified.message)} is entry {verified.index} of "
        f"{cp.origin} (checkpoint size {cp.size}, {signed})",
        id=message_id if isinstance(message_id, str) else None,
        index=verified.index,
        origin=cp.origin,
        tree_size=cp.size,
        payment=verified.message,
    )


def _label(message: dict[str, Any]) -> str:
    value = message.get("id")
    return repr(value) if isinstance(value, str) else f"(sha256 {_digest(message)})"


def _digest(message: dict[str, Any]) -> str:
    return hashlib.sha256(payments.canonicalize_payment(message)).hexdigest()[:16]


def _identity(message: dict[str, Any]) -> str:
    """What makes two messages the same payment: the ``id`` string, or the canonical JSON of a
    message without one."""
    value = message.get("id")
    return f"id {value}" if isinstance(value, str) else f"sha256 {_digest(message)}"


def _issued(out: Path, origin: str) -> dict[str, tuple[bytes, str]]:
    """The receipts already in ``out``: identity -> (canonical message, file name).

    :raises CliError: a receipt file that does not parse, or one of another log.
    """
    found: dict[str, tuple[bytes, str]] = {}
    if not out.is_dir():
        return found
    for path in sorted(out.glob("receipt-*.json")):
        try:
            receipt = payments.Receipt.from_json(path.read_bytes())
            body = payments.decode_cose(receipt.envelope).payload
            message = payments.parse_payment(body if body is not None else b"")
            log = _note_checkpoint(receipt.checkpoint).origin
        except (EncodingError, ValueError) as exc:
            raise CliError(
                f"{path} is not a readable receipt ({exc})",
                "move it out of --out-dir (issued receipts are looked up there)",
            ) from None
        if log != origin:
            raise CliError(
                f"{path} is a receipt of log {log!r}, not of --origin {origin!r}",
                "use one --out-dir per ledger",
            )
        found[_identity(message)] = (payments.canonicalize_payment(message), path.name)
    return found


def _read_messages(
    args: argparse.Namespace, issued: dict[str, tuple[bytes, str]]
) -> tuple[list[dict[str, Any]], int]:
    """The messages to issue and how many were skipped as already issued."""
    messages: list[dict[str, Any]] = []
    seen = dict(issued)
    skipped = 0
    for name, number, line in read_lines(args.files, "lines"):
        try:
            message = payments.parse_payment(line)
        except EncodingError as exc:
            raise CliError(f"{name}:{number}: {exc}", "fix the message") from None
        key, canonical = _identity(message), payments.canonicalize_payment(message)
        if key in seen:
            if seen[key][0] != canonical:
                raise CliError(
                    f"{name}:{number}: payment {key} was already issued ({seen[key][1]}) "
                    "with different content",
                    "give the payment a new id, or remove the old receipt",
                )
            skipped += 1
            continue
        seen[key] = (canonical, f"{name}:{number}")
        messages.append(message)
    return messages, skipped


def _issue(args: argparse.Namespace) -> int:
    key, kid = _payment_signer(args)
    signers = note_signers(args)
    pinned = allowed_keys(args)
    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise CliError(f"--out-dir {out} is not a directory", "give a directory for receipts")
    messages, skipped = _read_messages(args, _issued(out, args.origin))
    already = f"; skipped {skipped} already issued (receipts in {out})" if skipped else ""
    if not messages:
        if args.json:
            emit_json(args.command_name, "OK", {"issued": 0, "skipped": skipped, "receipts": []})
        else:
            print(f"nothing to issue{already or ': no messages'}")
        return 0
    check_db(args.db, create=True)
    out.mkdir(parents=True, exist_ok=True)
    with ledger.Ledger(
        ledger.open_storage(args.db), args.origin, signers, allowed_keys=pinned
    ) as log:
        receipts = payments.issue_receipts(log, key, messages, kid=kid)
    files = []
    for receipt in receipts:
        path = out / f"receipt-{receipt.index}.json"
        path.write_bytes(receipt.to_json() + b"\n")
        files.append(str(path))
    if args.json:
        emit_json(
            args.command_name,
            "OK",
            {
                "issued": len(receipts),
                "skipped": skipped,
                "receipts": files,
                "tree_size": receipts[0].tree_size,
                "vkeys": [signer.vkey for signer in signers],
            },
        )
        return 0
    print(
        f"issued {plural(len(receipts), 'receipt')} (entries {receipts[0].index}.."
        f"{receipts[-1].index}, checkpoint size {receipts[0].tree_size}) in {out}{already}"
    )
    for signer in signers:
        print(f"verifier key: {signer.vkey}", file=sys.stderr)
    return 0


_EXAMPLES = """\
pqpay receipt issue --db audit.db --origin pay.example/log --signing-key pay.pem \\
    --key log.pem --out-dir receipts/ messages.jsonl
pqpay receipt verify receipts/receipt-0.json --public-key pay.pub.pem \\
    --vkey 'pay.example/log+...' --origin pay.example/log"""


def register(subparsers: Any) -> None:
    """Adds ``pqpay receipt ...`` to the ``pqpay`` command."""
    sub = command_group(
        subparsers, "receipt", "payment receipts: issue, verify offline", __doc__, _EXAMPLES
    )

    p = command(
        sub,
        "verify",
        _verify,
        help="verify a receipt offline: exit 0 if it verifies, 1 if not",
        description="Verifies a receipt offline: the payment message's signature, the "
        "checkpoint's signatures and the message's inclusion in the checkpoint's tree.",
        verifies=True,
        full_name="receipt verify",
    )
    p.add_argument("receipt", help="the receipt file (JSON)")
    p.add_argument("--public-key", help="the payment signer's public key (PEM)")
    p.add_argument(
        "--keyset",
        metavar="KEYSET.json",
        help="instead of --public-key: the signer's key set (public, or private with a "
        "passphrase option); the envelope's kid picks the key, a retired one is refused",
    )
    add_passphrase_options(p)
    p.add_argument(
        "--vkey", action="append", required=True, help="log note verifier key (repeatable)"
    )
    p.add_argument("--origin", help="require the checkpoint to name this log")
    p.add_argument("--require", type=require_policy, default="all", help=REQUIRE_HELP)

    p = command(
        sub,
        "issue",
        _issue,
        help="sign payment messages, append them, write receipts (idempotent on the id)",
        description=__doc__.split("\n\n", 2)[2] if __doc__ else None,
        json=True,
        full_name="receipt issue",
    )
    p.add_argument("files", nargs="*", help="JSON-lines payment messages (default: stdin)")
    p.add_argument("--db", required=True, help="SQLite file or PostgreSQL DSN")
    p.add_argument("--origin", required=True, help="the log's name, e.g. pay.example/log")
    p.set_defaults(fix_hint="check --db and --origin")
    p.add_argument("--signing-key", help="payment signing private key (PEM)")
    p.add_argument("--kid", help="key id for the COSE header (with --signing-key)")
    p.add_argument(
        "--signing-keyset",
        metavar="KEYSET.json",
        help="instead of --signing-key: a key set; its primary signs and its kid goes in the "
        "COSE header (passphrase from --passphrase-file/--passphrase-env or a prompt)",
    )
    add_passphrase_options(p)
    add_note_signer_arguments(p)
    p.add_argument(
        "--out-dir",
        required=True,
        help="directory for receipt-<index>.json; receipts already there are not issued again",
    )
