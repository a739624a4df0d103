"""``pqpay ledger append|checkpoint|prove|verify|audit``: the audit ledger from the shell.

``--db`` is a SQLite file or a PostgreSQL DSN (``postgresql://...`` or ``host=... dbname=...``).
Only ``append`` (and ``pqpay receipt issue``) create a SQLite ledger; ``checkpoint``, ``prove``
and ``audit`` refuse a file that does not exist, so a mistyped path is an error, not an empty
ledger. Keys are PEM files (PKCS#8 / SubjectPublicKeyInfo, as pqpay.serialization writes them):
an Ed25519 key signs checkpoints (note type 0x01), an ML-DSA-44 key cosigns them (type 0x06).
``verify`` is the public verifier: it needs only a checkpoint note, a proof file and the
verifier key(s), never the ledger.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

from pqpay import checkpoint, ledger, signatures
from pqpay.cli._common import (
    LINE_RULES,
    REQUIRE_HELP,
    CliError,
    Progress,
    add_json,
    add_note_signer_arguments,
    allowed_keys,
    check_db,
    check_require,
    check_writable,
    command,
    command_group,
    emit_json,
    non_negative,
    note_signers,
    plural,
    positive,
    public_key,
    read_lines,
    require_policy,
    strip_line_ending,
    verdict,
    verifier_keys,
    write,
)
from pqpay.exceptions import EncodingError, InvalidProof, InvalidSignature, LedgerCorrupted


def _open(
    args: argparse.Namespace, *, create: bool, signers: list[checkpoint.NoteSigner] | None = None
) -> ledger.Ledger:
    check_db(args.db, create=create)
    pinned = allowed_keys(args) if signers else None
    return ledger.Ledger(
        ledger.open_storage(args.db), args.origin, signers or (), allowed_keys=pinned
    )


def _runs(ranges: list[range]) -> str:
    """``indices 0..9`` for one contiguous run; ``indices 3..5, 9..12 (other writers appended
    between batches)`` otherwise (at most four runs named)."""
    merged: list[list[int]] = []
    for r in ranges:
        if merged and merged[-1][1] + 1 == r.start:
            merged[-1][1] = r.stop - 1
        else:
            merged.append([r.start, r.stop - 1])
    text = "indices " + ", ".join(f"{a}..{b}" for a, b in merged[:4])
    if len(merged) > 4:
        text += f", ... ({len(merged)} runs)"
    if len(merged) > 1:
        text += " (other writers appended between batches)"
    return text


def _append(args: argparse.Namespace) -> int:
    # Every line is checked before anything is appended: files in a first pass, stdin by
    # reading it whole.
    lines = read_lines(args.files, args.format)
    if args.files and "-" not in args.files:
        for _ in lines:
            pass
        lines = read_lines(args.files, args.format)
    else:
        lines = iter(list(lines))
    progress = Progress("appended", args.quiet)
    ranges: list[range] = []
    count = 0
    with _open(args, create=True) as log:
        batch: list[bytes] = []
        for _, _, entry in lines:
            batch.append(entry)
            if len(batch) >= args.batch:
                ranges.append(log.append_many(batch))
                count += len(batch)
                batch = []
                progress(count)
        if batch:
            ranges.append(log.append_many(batch))
            count += len(batch)
        progress.finish(count)
        size = log.size
    if args.json:
        runs = [[r.start, r.stop - 1] for r in ranges]
        emit_json(args.command_name, "OK", {"appended": count, "runs": runs, "tree_size": size})
    elif count:
        print(f"appended {plural(count, 'entry', 'entries')}: {_runs(ranges)} (tree size {size})")
    else:
        print(f"nothing to append (tree size {size})")
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    signers = note_signers(args)
    check_writable(args.out)
    with _open(args, create=False, signers=signers) as log:
        note = log.checkpoint()
    return _write_note(args, note, [signer.vkey for signer in signers])


def _write_note(args: argparse.Namespace, note: bytes, vkeys: list[str]) -> int:
    """The note to ``-o`` or stdout and the verifier keys to stderr; with ``--json`` one object
    (the note under ``note`` unless it went to a file)."""
    to_file = bool(args.out) and args.out != "-"
    if to_file or not args.json:
        write(args.out, note)
    if args.json:
        cp = _parse_note(note)
        details: dict[str, Any] = {"origin": cp.origin, "tree_size": cp.size}
        details.update({"out": args.out} if to_file else {"note": note.decode()})
        emit_json(args.command_name, "OK", {**details, "vkeys": vkeys})
    else:
        for vkey in vkeys:
            print(f"verifier key: {vkey}", file=sys.stderr)
    return 0


def _latest(args: argparse.Namespace) -> int:
    check_writable(args.out)
    with _open(args, create=False) as log:
        notes = log.checkpoints()
    if not notes:
        raise CliError(
            f"{args.db} has issued no checkpoint yet", "sign one with 'pqpay ledger checkpoint'"
        )
    return _write_note(args, notes[-1], [])


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(x).decode() for x in items]


def _parse_note(note: bytes) -> checkpoint.Checkpoint:
    """The checkpoint a note states (signatures not checked: for sizes and messages)."""
    text, _ = checkpoint.parse_note(note)
    return checkpoint.Checkpoint.parse(text)


def _note_checkpoint(path: str) -> checkpoint.Checkpoint:
    return _parse_note(Path(path).read_bytes())


def _prove_size(args: argparse.Namespace, path: str) -> int:
    try:
        cp = _note_checkpoint(path)
    except EncodingError as exc:
        raise CliError(f"{path}: malformed checkpoint note: {exc}", "check the note file") from None
    if cp.origin != args.origin:
        raise CliError(
            f"{path} is a checkpoint of {cp.origin!r}, not of --origin {args.origin!r}",
            "pass the note this ledger issued",
        )
    return cp.size


def _prove(args: argparse.Namespace) -> int:
    check_writable(args.out)
    if args.consistency is None and args.index is None:
        raise CliError(
            "'pqpay ledger prove' needs an INDEX (inclusion) or --consistency OLD NEW",
            "see 'pqpay ledger prove --help'",
        )
    with _open(args, create=False) as log:
        if args.consistency:
            old_size = _prove_size(args, args.consistency[0])
            new_size = _prove_size(args, args.consistency[1])
            doc: dict[str, Any] = {
                "type": "consistency",
                "origin": log.origin,
                "old_size": old_size,
                "new_size": new_size,
                "proof": _b64(log.consistency_proof(old_size, new_size)),
            }
        else:
            size = _prove_size(args, args.checkpoint) if args.checkpoint else None
            size = args.size if args.size is not None else size
            proof = log.inclusion_proof(args.index, size)
            doc = {
                "type": "inclusion",
                "origin": log.origin,
                "index": args.index,
                "tree_size": log.size if size is None else size,
                "entry": base64.b64encode(log.entry(args.index)).decode(),
                "proof": _b64(proof),
            }
    to_file = bool(args.out) and args.out != "-"
    if to_file or not args.json:
        write(args.out, (json.dumps(doc, indent=1) + "\n").encode())
    if args.json:  # the proof itself under "doc" unless it went to a file
        emit_json(args.command_name, "OK", {"out": args.out} if to_file else {"doc": doc})
    return 0


def _verifier_keys(args: argparse.Namespace) -> list[ledger.VerifierKey]:
    keys: list[ledger.VerifierKey] = list(verifier_keys(args.vkey))
    name = args.name
    if args.public_key:
        if not name:
            raise CliError(
                "--public-key needs --name", "pass the key name in the notes (often the origin)"
            )
        pk = public_key(args.public_key, signatures.Ed25519PublicKey, "an Ed25519")
        keys.append(checkpoint.NoteVerifier.from_public_key(name, pk))
    if args.cosign_public_key:
        cname = args.cosigner_name or name
        if not cname:
            raise CliError(
                "--cosign-public-key needs --cosigner-name or --name", "pass the cosigner's name"
            )
        pk = public_key(args.cosign_public_key, signatures.MLDSA44PublicKey, "an ML-DSA-44")
        keys.append(checkpoint.NoteVerifier.from_public_key(cname, pk))
    if not keys:
        raise CliError(
            "'pqpay ledger verify' needs verifier keys",
            "pass --vkey, --public-key (with --name) or --cosign-public-key",
        )
    return keys


class _Malformed(Exception):
    """The proof file is not a proof: a FAILED verdict (exit 1)."""


def _decode_proof(doc: Any) -> list[bytes]:
    if not isinstance(doc, dict):
        raise _Malformed("the proof file does not hold a JSON object")
    try:
        proof = [base64.b64decode(p, validate=True) for p in doc["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise _Malformed(f"malformed proof file: {type(exc).__name__}: {exc}") from None
    if any(len(p) != 32 for p in proof):
        raise _Malformed("malformed proof file: every proof element is 32 bytes")
    return proof


def _entry(args: argparse.Namespace, doc: dict[str, Any]) -> bytes:
    """The entry to check: ``--entry`` (one trailing line ending removed, as append stores a
    line), ``--raw-entry`` (exact bytes) or the proof file's own."""
    if args.entry:
        return strip_line_ending(Path(args.entry).read_bytes())
    if args.raw_entry:
        return Path(args.raw_entry).read_bytes()
    try:
        return base64.b64decode(doc["entry"], validate=True)
    except (KeyError, TypeError, ValueError) as exc:
        raise _Malformed(f"malformed proof file: entry: {exc}") from None


def _why_not(args: argparse.Namespace, doc: dict[str, Any], note: str) -> str:
    """Why a signed checkpoint rejected a proof, in words pointing at the fix (the checkpoint's
    signatures verified, so its origin and size are the log's)."""
    cp = _note_checkpoint(note)
    if cp.origin != args.origin:
        return f"the checkpoint is of log {cp.origin!r}, not of --origin {args.origin!r}"
    if doc.get("origin") not in (None, cp.origin):
        return f"the proof is for log {doc['origin']!r}, the checkpoint of {cp.origin!r}"
    if doc["type"] == "inclusion":
        size = doc.get("tree_size")
        if isinstance(size, int) and size != cp.size:
            return (
                f"the proof is for tree size {size} but the checkpoint is of size {cp.size}; "
                f"re-run 'pqpay ledger prove {doc.get('index', 'INDEX')} --checkpoint {note}'"
            )
        return (
            f"entry {doc.get('index')} is not in {cp.origin} at size {cp.size} "
            "(the entry or the proof differs from the log's)"
        )
    old = _note_checkpoint(args.old_checkpoint)
    claimed = (doc.get("old_size"), doc.get("new_size"))
    if all(isinstance(n, int) for n in claimed) and claimed != (old.size, cp.size):
        return (
            f"the proof is from size {claimed[0]} to {claimed[1]} but the checkpoints are of "
            f"sizes {old.size} and {cp.size}; re-run 'pqpay ledger prove --consistency "
            f"{args.old_checkpoint} {note}'"
        )
    if old.origin != cp.origin:
        return f"the old checkpoint is of log {old.origin!r}, the new one of {cp.origin!r}"
    if old.size > cp.size:
        return f"the old checkpoint (size {old.size}) is larger than the new one ({cp.size})"
    return f"{cp.origin} at size {cp.size} does not extend its checkpoint of size {old.size}"


def _verify(args: argparse.Namespace) -> int:
    keys = _verifier_keys(args)
    check_require(args.require, keys)
    note = Path(args.checkpoint).read_bytes()
    text = Path(args.proof).read_bytes()
    old_note = Path(args.old_checkpoint).read_bytes() if args.old_checkpoint else None
    try:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise _Malformed(f"the proof file is not JSON: {exc}") from None
        proof = _decode_proof(doc)
        kind = doc.get("type")
        if kind == "consistency":
            if old_note is None:
                raise CliError(
                    "a consistency proof needs the older checkpoint", "pass --old-checkpoint"
                )
            old, new = ledger.verify_consistency(
                old_note, note, proof, keys, origin=args.origin, require=args.require
            )
            return verdict(
                args,
                True,
                f"{new.origin} at size {new.size} extends its checkpoint of size {old.size}",
                type=kind,
                origin=new.origin,
                old_size=old.size,
                new_size=new.size,
            )
        if kind == "inclusion":
            entry = _entry(args, doc)
            index = doc.get("index")
            if isinstance(index, bool) or not isinstance(index, int):
                raise _Malformed("malformed proof file: index is not an integer")
            cp = ledger.verify_inclusion(
                entry, index, proof, note, keys, origin=args.origin, require=args.require
            )
            return verdict(
                args,
                True,
                f"entry {index} is in {cp.origin} at size {cp.size}",
                type=kind,
                origin=cp.origin,
                index=index,
                tree_size=cp.size,
            )
        raise _Malformed(f"unknown proof type {kind!r} (inclusion or consistency)")
    except _Malformed as exc:
        return verdict(args, False, str(exc))
    except EncodingError as exc:
        return verdict(args, False, f"malformed checkpoint note: {exc}")
    except InvalidSignature:
        return verdict(args, False, "the checkpoint is not validly signed by the given key(s)")
    except InvalidProof:
        return verdict(args, False, _why_not(args, doc, args.checkpoint))


def _audit(args: argparse.Namespace) -> int:
    progress = Progress("audited", args.quiet)
    with _open(args, create=False) as log:
        try:
            log.audit(progress=progress)
        except LedgerCorrupted as exc:
            progress.finish(exc.index or 0)
            reason = str(exc)
            prefix = f"index {exc.index}: "
            reason = reason[len(prefix) :] if reason.startswith(prefix) else reason
            return verdict(
                args, False, f"the ledger is corrupted at index {exc.index}: {reason}",
                index=exc.index, reason=reason,
            )  # fmt: skip
        size, issued = log.size, len(log.checkpoints())
        progress.finish(size)
    if issued:
        message = f"{plural(size, 'entry', 'entries')}, {plural(issued, 'checkpoint')} consistent"
    else:
        message = f"{plural(size, 'entry', 'entries')} consistent, no checkpoint issued yet"
    return verdict(args, True, message, entries=size, checkpoints=issued)


_EXAMPLES = """\
pqpay ledger append --db audit.db --origin pay.example/log tx.jsonl
pqpay ledger checkpoint --db audit.db --origin pay.example/log --key log.pem -o cp.note
pqpay ledger prove --db audit.db --origin pay.example/log 1 --checkpoint cp.note -o p1.json
pqpay ledger verify --checkpoint cp.note --proof p1.json --vkey 'pay.example/log+...'
pqpay ledger audit --db audit.db --origin pay.example/log --json"""


def register(subparsers: Any) -> None:
    """Adds ``pqpay ledger ...`` to the ``pqpay`` command."""
    sub = command_group(subparsers, "ledger", "append-only Merkle audit ledger", __doc__, _EXAMPLES)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", required=True, help="SQLite file or PostgreSQL DSN")
        p.add_argument("--origin", required=True, help="the log's name, e.g. pay.example/log")
        p.set_defaults(fix_hint="check --db and --origin")
        return p

    p = with_db(
        command(
            sub,
            "append",
            _append,
            help="append each input line as an entry",
            description="Appends each line of the input files as one entry. " + LINE_RULES,
            json=True,
            full_name="ledger append",
        )
    )
    p.add_argument("files", nargs="*", help="input files (default: stdin), one entry per line")
    p.add_argument(
        "--format",
        choices=("lines", "jsonl"),
        default="lines",
        help="lines (default): each line's bytes are the entry; jsonl: each line must also be "
        "one JSON value (stored as written)",
    )
    p.add_argument(
        "--batch",
        type=positive,
        default=10000,
        help="entries per durable transaction (default: 10000)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")

    p = with_db(
        command(
            sub,
            "checkpoint",
            _checkpoint,
            help="sign a checkpoint of the current tree",
            description="Signs and records a checkpoint note of the current tree; the "
            "verifier keys go to stderr as 'verifier key: <vkey>' lines (with --json: one "
            "object with 'vkeys', and the note under 'note' unless -o names a file).",
            json=True,
            full_name="ledger checkpoint",
        )
    )
    add_note_signer_arguments(p)
    p.add_argument("-o", "--out", help="write the note here (default: stdout)")

    p = with_db(
        command(
            sub,
            "latest",
            _latest,
            help="write the newest checkpoint note the ledger issued (signs nothing)",
            json=True,
            full_name="ledger latest",
        )
    )
    p.add_argument("-o", "--out", help="write the note here (default: stdout)")

    p = with_db(
        command(
            sub,
            "prove",
            _prove,
            help="write an inclusion or consistency proof (JSON)",
            description="Writes an inclusion proof of INDEX, or a consistency proof between "
            "two checkpoint notes, as JSON. With --json: one object on stdout (the proof "
            "itself under 'doc' unless -o names a file).",
            full_name="ledger prove",
        )
    )
    p.add_argument("index", nargs="?", type=non_negative, help="entry index (inclusion proof)")
    p.add_argument("--checkpoint", help="prove against this checkpoint's tree size")
    p.add_argument(
        "--size", type=non_negative, help="prove against this tree size (default: current)"
    )
    p.add_argument(
        "--consistency", nargs=2, metavar=("OLD_NOTE", "NEW_NOTE"), help="consistency proof"
    )
    p.add_argument("-o", "--out", help="write the proof here (default: stdout)")
    add_json(p)

    p = command(
        sub,
        "verify",
        _verify,
        help="verify a proof offline (no ledger needed)",
        description="Verifies an inclusion or consistency proof against a signed checkpoint "
        "note, offline. --entry FILE is read as append reads a line: one trailing \\n or "
        "\\r\\n is not part of the entry (so 'sed -n 2p entries.txt > e.txt' works); "
        "--raw-entry FILE takes the file's exact bytes.",
        verifies=True,
        full_name="ledger verify",
    )
    p.add_argument("--checkpoint", required=True, help="the signed checkpoint note")
    p.add_argument("--proof", required=True, help="the proof file from 'prove'")
    p.add_argument("--old-checkpoint", help="the older note (consistency proofs)")
    entry = p.add_mutually_exclusive_group()
    entry.add_argument(
        "--entry", help="file holding the entry as one line (default: the one in the proof)"
    )
    entry.add_argument("--raw-entry", help="file whose exact bytes are the entry")
    p.add_argument(
        "--origin", required=True, help="the log's name: the checkpoint must name this log"
    )
    p.add_argument("--vkey", action="append", help="verifier key name+id+key (repeatable)")
    p.add_argument("--public-key", help="Ed25519 public key (PEM) of the log")
    p.add_argument("--cosign-public-key", help="ML-DSA-44 public key (PEM) of the cosigner")
    p.add_argument("--name", help="the key name used in the notes (usually the origin)")
    p.add_argument("--cosigner-name", help="the cosigner's name (default: --name)")
    p.add_argument("--require", type=require_policy, default="all", help=REQUIRE_HELP)

    p = with_db(
        command(
            sub,
            "audit",
            _audit,
            help="recompute the tree and check the storage",
            description="Recomputes the tree from the stored entries and checks every stored "
            "hash, the head and every issued checkpoint. FAILED names the first bad index.",
            verifies=True,
            full_name="ledger audit",
        )
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
