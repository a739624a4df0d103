"""``pqpay ledger append|checkpoint|prove|verify|audit``: the audit ledger from the shell.

``--db`` is a SQLite file or a PostgreSQL DSN (``postgresql://...`` or ``host=... dbname=...``).
Keys are PEM files (PKCS#8 / SubjectPublicKeyInfo, as pqpay.serialization writes them): an
Ed25519 key signs checkpoints (note type 0x01), an ML-DSA-44 key cosigns them (type 0x06).
``verify`` is the public verifier: it needs only a checkpoint note, a proof file and the
verifier key(s), never the ledger.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pqpay import checkpoint, ledger, signatures
from pqpay.cli._common import (
    REQUIRE_HELP,
    Progress,
    note_signers,
    public_key,
    require_policy,
    run,
    write,
)
from pqpay.exceptions import InvalidProof, InvalidSignature, LedgerCorrupted


def _open(args: argparse.Namespace, signers: list[checkpoint.NoteSigner] | None = None) -> Any:
    return ledger.Ledger(ledger.open_storage(args.db), args.origin, signers or ())


def _read_entries(paths: list[str]) -> Iterator[bytes]:
    """One entry per line (newline removed) of each file, ``-`` or none meaning stdin."""
    for path in paths or ["-"]:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        try:
            for line in stream:
                yield line.rstrip(b"\n")
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()


def _append(args: argparse.Namespace) -> int:
    progress = Progress("appended", args.quiet)
    first = last = None
    count = 0
    with _open(args) as log:
        batch: list[bytes] = []
        for item in _read_entries(args.files):
            batch.append(item)
            if len(batch) >= args.batch:
                indices = log.append_many(batch)
                first = indices.start if first is None else first
                last, count = indices.stop - 1, count + len(batch)
                batch = []
                progress(count)
        if batch:
            indices = log.append_many(batch)
            first = indices.start if first is None else first
            last, count = indices.stop - 1, count + len(batch)
        progress(count, count)
        size = log.size
    if count:
        print(f"appended {count} entries: indices {first}..{last} (tree size {size})")
    else:
        print(f"nothing to append (tree size {size})")
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    signers = note_signers(args)
    with _open(args, signers) as log:
        note = log.checkpoint()
    write(args.out, note)
    for signer in signers:
        print(f"verifier key: {signer.vkey}", file=sys.stderr)
    return 0


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(x).decode() for x in items]


def _checkpoint_size(note: bytes) -> int:
    text = note.partition(b"\n\n")[0] + b"\n"
    return checkpoint.Checkpoint.parse(text).size


def _prove(args: argparse.Namespace) -> int:
    with _open(args) as log:
        if args.consistency:
            old_size = _checkpoint_size(Path(args.consistency[0]).read_bytes())
            new_size = _checkpoint_size(Path(args.consistency[1]).read_bytes())
            doc: dict[str, Any] = {
                "type": "consistency",
                "origin": log.origin,
                "old_size": old_size,
                "new_size": new_size,
                "proof": _b64(log.consistency_proof(old_size, new_size)),
            }
        else:
            if args.index is None:
                raise SystemExit("prove needs an INDEX (inclusion) or --consistency OLD NEW")
            size = _checkpoint_size(Path(args.checkpoint).read_bytes()) if args.checkpoint else None
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
    write(args.out, (json.dumps(doc, indent=1) + "\n").encode())
    return 0


def _verifier_keys(args: argparse.Namespace) -> list[ledger.VerifierKey]:
    keys: list[ledger.VerifierKey] = list(args.vkey or [])
    name = args.name
    if args.public_key:
        if not name:
            raise SystemExit(
                "--public-key needs --name (the key name in the notes, often the origin)"
            )
        pk = public_key(args.public_key, signatures.Ed25519PublicKey, "an Ed25519")
        keys.append(checkpoint.NoteVerifier.from_public_key(name, pk))
    if args.cosign_public_key:
        cname = args.cosigner_name or name
        if not cname:
            raise SystemExit("--cosign-public-key needs --cosigner-name or --name")
        pk = public_key(args.cosign_public_key, signatures.MLDSA44PublicKey, "an ML-DSA-44")
        keys.append(checkpoint.NoteVerifier.from_public_key(cname, pk))
    if not keys:
        raise SystemExit("verify needs verifier keys: --vkey, --public-key or --cosign-public-key")
    return keys


def _decode_proof(doc: dict[str, Any]) -> list[bytes]:
    try:
        return [base64.b64decode(p, validate=True) for p in doc["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise SystemExit(f"malformed proof file: {exc}") from None


def _verify(args: argparse.Namespace) -> int:
    keys = _verifier_keys(args)
    note = Path(args.checkpoint).read_bytes()
    try:
        doc = json.loads(Path(args.proof).read_text())
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot read the proof file: {exc}") from None
    proof = _decode_proof(doc)
    try:
        if doc.get("type") == "consistency":
            if not args.old_checkpoint:
                raise SystemExit("a consistency proof needs --old-checkpoint")
            old_note = Path(args.old_checkpoint).read_bytes()
            old, new = ledger.verify_consistency(old_note, note, proof, keys, require=args.require)
            print(f"OK: {new.origin} at size {new.size} extends its checkpoint of size {old.size}")
        elif doc.get("type") == "inclusion":
            entry = (
                Path(args.entry).read_bytes()
                if args.entry
                else base64.b64decode(doc["entry"], validate=True)
            )
            cp = ledger.verify_inclusion(
                entry, int(doc["index"]), proof, note, keys, require=args.require
            )
            print(f"OK: entry {doc['index']} is in {cp.origin} at size {cp.size}")
        else:
            raise SystemExit(f"unknown proof type {doc.get('type')!r}")
    except InvalidSignature:
        print("FAILED: the checkpoint is not validly signed by the given key(s)", file=sys.stderr)
        return 1
    except InvalidProof:
        print("FAILED: the proof does not verify against the checkpoint", file=sys.stderr)
        return 1
    return 0


def _audit(args: argparse.Namespace) -> int:
    progress = Progress("audited", args.quiet)
    with _open(args) as log:
        try:
            log.audit(progress=progress)
        except LedgerCorrupted as exc:
            print(f"CORRUPTED at index {exc.index}: {exc}", file=sys.stderr)
            return 1
        print(f"OK: {log.size} entries, {len(log.checkpoints())} checkpoints consistent")
    return 0


def register(subparsers: Any) -> None:
    """Adds ``pqpay ledger ...`` to the ``pqpay`` command."""
    top = subparsers.add_parser("ledger", help="append-only Merkle audit ledger")
    sub = top.add_subparsers(dest="ledger_command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", required=True, help="SQLite file or PostgreSQL DSN")
        p.add_argument("--origin", required=True, help="the log's name, e.g. pay.example/log")
        return p

    p = with_db(sub.add_parser("append", help="append each input line as an entry"))
    p.add_argument("files", nargs="*", help="input files (default: stdin), one entry per line")
    p.add_argument("--batch", type=int, default=10000, help="entries per durable transaction")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run(_append, "ledger"))

    p = with_db(sub.add_parser("checkpoint", help="sign a checkpoint of the current tree"))
    p.add_argument("--key", help="Ed25519 private key (PEM) for the note signature")
    p.add_argument("--key-name", help="the Ed25519 key's name (default: the origin)")
    p.add_argument("--cosign-key", help="ML-DSA-44 private key (PEM) for the cosignature")
    p.add_argument("--cosigner-name", help="the cosigner's name (default: the origin)")
    p.add_argument("-o", "--out", help="write the note here (default: stdout)")
    p.set_defaults(func=run(_checkpoint, "ledger"))

    p = with_db(sub.add_parser("prove", help="write an inclusion or consistency proof (JSON)"))
    p.add_argument("index", nargs="?", type=int, help="entry index (inclusion proof)")
    p.add_argument("--checkpoint", help="prove against this checkpoint's tree size")
    p.add_argument("--size", type=int, help="prove against this tree size (default: current)")
    p.add_argument(
        "--consistency", nargs=2, metavar=("OLD_NOTE", "NEW_NOTE"), help="consistency proof"
    )
    p.add_argument("-o", "--out", help="write the proof here (default: stdout)")
    p.set_defaults(func=run(_prove, "ledger"))

    p = sub.add_parser("verify", help="verify a proof offline (no ledger needed)")
    p.add_argument("--checkpoint", required=True, help="the signed checkpoint note")
    p.add_argument("--proof", required=True, help="the proof file from 'prove'")
    p.add_argument("--old-checkpoint", help="the older note (consistency proofs)")
    p.add_argument("--entry", help="file holding the entry (default: the one in the proof)")
    p.add_argument("--vkey", action="append", help="verifier key name+id+key (repeatable)")
    p.add_argument("--public-key", help="Ed25519 public key (PEM) of the log")
    p.add_argument("--cosign-public-key", help="ML-DSA-44 public key (PEM) of the cosigner")
    p.add_argument("--name", help="the key name used in the notes (usually the origin)")
    p.add_argument("--cosigner-name", help="the cosigner's name (default: --name)")
    p.add_argument("--require", type=require_policy, default="all", help=REQUIRE_HELP)
    p.set_defaults(func=run(_verify, "ledger"))

    p = with_db(sub.add_parser("audit", help="recompute the tree and check the storage"))
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run(_audit, "ledger"))
