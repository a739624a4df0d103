"""``pqpay keyset``: make, rotate and inspect key sets (:mod:`pqpay.keyset`) from the shell.

- ``create ALG -o FILE.json``: a new set of one ``ALG`` key (version 1, primary), encrypted.
- ``add FILE [--algorithm ALG] [--primary]``: one more fresh key (the next version), enabled,
  or primary with ``--primary``.
- ``promote FILE KID`` / ``retire FILE KID``: make a key primary (the old primary stays enabled)
  / retire one (its signatures are refused from then on; the primary cannot be retired).
- ``public FILE -o OUT.json``: the public set verifiers are given (no passphrase needed later).
- ``info FILE``: every key's id, version, status, algorithm and creation time; never secrets.

Key set files are rewritten atomically (temporary file, fsync, rename) with mode 0600 (public
sets 0644); a failure leaves the old file. Passphrases come from a prompt (twice on
``create``), ``--passphrase-file F`` or ``--passphrase-env VAR``, never from the command line.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from pqpay.cli._common import CliError, command, command_group
from pqpay.cli.key import ALGORITHMS, add_passphrase_options, read_passphrase, write_atomically
from pqpay.keyset import KeySet

__all__ = ["load_keyset", "register"]


def load_keyset(path: str, args: argparse.Namespace) -> KeySet:
    """The key set in ``path``; a private one is decrypted with the passphrase options."""
    data = Path(path).read_bytes()
    try:
        return KeySet.from_json(data)
    except TypeError:  # a private set: it needs the passphrase
        return KeySet.from_json(data, read_passphrase(args, confirm=False))


def _private(path: str, args: argparse.Namespace) -> tuple[KeySet, bytes]:
    data = Path(path).read_bytes()
    try:
        public = KeySet.from_json(data)
    except TypeError:
        password = read_passphrase(args, confirm=False)
        return KeySet.from_json(data, password), password
    raise CliError(
        f"{path} is a public key set ({len(public)} keys)", "give the private key set file"
    )


def _summary(keys: KeySet) -> str:
    return ", ".join(f"{e.kid} v{e.version} {e.status.value}" for e in keys.entries)


def _create(args: argparse.Namespace) -> int:
    keys = KeySet.generate(args.algorithm)
    password = read_passphrase(args, confirm=True)
    write_atomically(args.output, keys.to_json(password), 0o600, force=args.force)
    print(f"wrote key set {args.output} ({_summary(keys)}; encrypted, mode 0600)")
    return 0


def _rewrite(args: argparse.Namespace, change: Any, what: str) -> int:
    keys, password = _private(args.file, args)
    updated: KeySet = change(keys)
    write_atomically(args.file, updated.to_json(password), 0o600, force=True)
    print(f"{what}: {args.file} now holds {_summary(updated)}")
    return 0


def _add(args: argparse.Namespace) -> int:
    return _rewrite(args, lambda ks: ks.add(args.algorithm, primary=args.primary), "added a key")


def _promote(args: argparse.Namespace) -> int:
    return _rewrite(args, lambda ks: ks.promote(args.kid), f"promoted {args.kid}")


def _retire(args: argparse.Namespace) -> int:
    return _rewrite(args, lambda ks: ks.retire(args.kid), f"retired {args.kid}")


def _public(args: argparse.Namespace) -> int:
    keys = load_keyset(args.file, args).public_keyset()
    write_atomically(args.output, keys.to_json(), 0o644, force=args.force)
    print(f"wrote public key set {args.output} ({_summary(keys)})")
    return 0


def _info(args: argparse.Namespace) -> int:
    keys = load_keyset(args.file, args)
    kind = "public key set" if keys.is_public else "key set (encrypted private keys)"
    print(f"{args.file}: {kind}, purpose {keys.purpose}, {len(keys)} key(s)")
    for e in keys.entries:
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(e.created))
        print(f"  {e.kid}  v{e.version}  {e.status.value:<8} {e.algorithm}  created {created}")
    return 0


_EXAMPLES = """\
pqpay keyset create ML-DSA-65 -o pay.keyset.json --passphrase-env PQPAY_PASSPHRASE
pqpay keyset add pay.keyset.json --primary --passphrase-env PQPAY_PASSPHRASE
pqpay keyset retire pay.keyset.json KID --passphrase-env PQPAY_PASSPHRASE
pqpay keyset public pay.keyset.json -o pay.public.json --passphrase-env PQPAY_PASSPHRASE"""


def register(subparsers: Any) -> None:
    """Adds ``pqpay keyset ...`` to the ``pqpay`` command."""
    sub = command_group(
        subparsers, "keyset", "key sets: versioned keys with one primary", __doc__, _EXAMPLES
    )

    def cmd(name: str, func: Any, help: str) -> argparse.ArgumentParser:
        parser = command(sub, name, func, help=help, full_name=f"keyset {name}")
        add_passphrase_options(parser)
        return parser

    p = cmd("create", _create, "a new encrypted key set of one key")
    p.add_argument("algorithm", metavar="ALG", choices=sorted(ALGORITHMS))
    p.add_argument("-o", "--output", required=True, metavar="FILE.json")
    p.add_argument("--force", action="store_true", help="replace an existing file")

    p = cmd("add", _add, "add a fresh key (the next version)")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--algorithm", metavar="ALG", choices=sorted(ALGORITHMS), help="default: the primary's"
    )
    p.add_argument("--primary", action="store_true", help="make the new key the primary")

    for name, func, help in (
        ("promote", _promote, "make a key the primary"),
        ("retire", _retire, "retire a key: its signatures are refused"),
    ):
        p = cmd(name, func, help)
        p.add_argument("file", metavar="FILE")
        p.add_argument("kid", metavar="KID", help="the key id (pqpay keyset info lists them)")

    p = cmd("public", _public, "write the public key set (for verifiers)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json")
    p.add_argument("--force", action="store_true", help="replace an existing file")

    p = cmd("info", _info, "list a key set's keys (ids, versions, statuses)")
    p.add_argument("file", metavar="FILE")
