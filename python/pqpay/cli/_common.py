"""What the ``pqpay`` subcommands share: PEM key loaders, checkpoint note signers from the
command line, the error wrapper, output and progress helpers, and the demo's timer."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pqpay import checkpoint, serialization, signatures
from pqpay.exceptions import PqpayError

_T = TypeVar("_T")


PASSPHRASE_ENV = "PQPAY_PASSPHRASE"
"""Where the ledger and receipt commands find the passphrase of encrypted key files (else a
prompt on a terminal)."""


def private_key(path: str, cls: type[Any], what: str) -> Any:
    """Loads a PEM private key of class ``cls``, plain or encrypted (passphrase from
    ``$PQPAY_PASSPHRASE`` or a prompt); ``what`` names it ("an Ed25519")."""
    data = Path(path).read_bytes()
    password = None
    if serialization.private_key_encryption(data) is not None:
        if PASSPHRASE_ENV in os.environ:
            password = os.environ[PASSPHRASE_ENV].encode("utf-8")
        elif sys.stdin.isatty():
            password = getpass.getpass(f"Passphrase for {path}: ").encode("utf-8")
        else:
            raise ValueError(
                f"{path} is encrypted: set {PASSPHRASE_ENV} (no terminal to prompt on)"
            )
    key = serialization.load_pem_private_key(data, password)
    if not isinstance(key, cls):
        raise SystemExit(f"{path}: expected {what} private key, got {type(key).__name__}")
    return key


def public_key(path: str, cls: type[Any], what: str) -> Any:
    """Loads a PEM public key of class ``cls``; ``what`` names it ("an Ed25519")."""
    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, cls):
        raise SystemExit(f"{path}: expected {what} public key, got {type(key).__name__}")
    return key


def note_signers(args: argparse.Namespace) -> list[checkpoint.NoteSigner]:
    """The checkpoint signers of ``--key`` (Ed25519) and ``--cosign-key`` (ML-DSA-44)."""
    signers: list[checkpoint.NoteSigner] = []
    if args.key:
        key = private_key(args.key, signatures.Ed25519PrivateKey, "an Ed25519")
        signers.append(checkpoint.Ed25519NoteSigner(args.key_name or args.origin, key))
    if args.cosign_key:
        key = private_key(args.cosign_key, signatures.MLDSA44PrivateKey, "an ML-DSA-44")
        signers.append(checkpoint.MLDSA44Cosigner(args.cosigner_name or args.origin, key))
    if not signers:
        raise SystemExit("checkpoint needs --key (Ed25519) and/or --cosign-key (ML-DSA-44)")
    return signers


def run(func: Callable[[argparse.Namespace], int], command: str) -> Callable[..., int]:
    """Wraps a subcommand: usage and key-file errors print one line and exit 2."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            code: int = func(args)
        except (PqpayError, ValueError, OSError) as exc:
            print(f"pqpay {command}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 2
        return code

    return wrapped


def write(path: str | None, data: bytes) -> None:
    """Writes ``data`` to ``path``, or to stdout when it is None or ``-``."""
    if path and path != "-":
        Path(path).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


class Progress:
    """Progress on stderr, at most a few lines a second (long appends and audits)."""

    def __init__(self, what: str, quiet: bool) -> None:
        self.what, self.quiet, self.last = what, quiet, 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if self.quiet or (now - self.last < 0.5 and not final):
            return
        self.last = now
        of = f"/{total}" if total is not None else ""
        print(f"\r{self.what}: {done}{of}", end="\n" if final else "", file=sys.stderr, flush=True)


def timed(fn: Callable[[], _T], repeat: int = 50) -> tuple[_T, float]:
    """Runs ``fn`` once to warm up, then ``repeat`` times; returns the last result and the best
    time in microseconds (``repeat=0``: the one cold call's time)."""
    start = time.perf_counter()
    result = fn()
    best = time.perf_counter() - start
    if repeat:
        best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best * 1e6


def require_policy(text: str) -> checkpoint.Require:
    """An argparse type: ``all``, ``any`` or an int k (:data:`pqpay.checkpoint.Require`)."""
    if text in ("all", "any"):
        return "all" if text == "all" else "any"
    try:
        return positive(text)
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"must be all, any or a count k >= 1, got {text!r}"
        ) from None


REQUIRE_HELP = (
    "which given verifier keys must have signed the checkpoint: all (default), any, or a count k"
)


def positive(text: str) -> int:
    """An argparse type: an int of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value
