"""The ``pqpay`` command: self-tests, the walk-through demo, the ledger, receipt and Groth16
tools, the benchmark run, the ACVP harness and the known-answer conformance run. Run ``pqpay
COMMAND --help`` for each command (also ``python -m pqpay``)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Sequence
from types import ModuleType

import pqpay
from pqpay.cli import (
    acvp,
    bench,
    conformance,
    demo,
    groth16,
    key,
    keyset,
    ledger,
    receipt,
    selftest,
)
from pqpay.cli._common import EXIT_CODES, EXIT_ERROR, plain, run_command

__all__ = ["COMMANDS", "main", "parser"]

#: The command modules, in help order: each has ``register(subparsers)``, which adds its
#: parser and sets ``func`` (and ``command_name``) on it.
COMMANDS: tuple[ModuleType, ...] = (
    selftest,
    demo,
    key,
    keyset,
    ledger,
    receipt,
    groth16,
    bench,
    acvp,
    conformance,
)


def version() -> str:
    """``pqpay X.Y.Z (native core X.Y.Z, CPython 3.x.y)``: the Python package's version, the
    version the loaded native extension reports, and the interpreter."""
    native = pqpay._native.__version__
    return (
        f"pqpay {pqpay.__version__} (native core {native}, "
        f"{platform.python_implementation()} {platform.python_version()})"
    )


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's table as written."""


def parser() -> argparse.ArgumentParser:
    """The ``pqpay`` argument parser, every command registered."""
    top = argparse.ArgumentParser(
        prog="pqpay",
        description=plain(__doc__ or ""),
        epilog=EXIT_CODES + "\n\n'pqpay' alone prints this help on stderr and exits 2.",
        formatter_class=_Formatter,
    )
    top.add_argument("--version", action="version", version=version())
    top.add_argument(
        "--debug",
        action="store_true",
        help="show the Python traceback of an error (for bug reports)",
    )
    top.set_defaults(func=None, command=None)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pqpay`` console command; returns the exit code.

    A command group run without its subcommand (``pqpay`` or ``pqpay ledger``) prints its help
    on stderr and exits 2, a usage error (``--help`` prints it on stdout and exits 0).
    """
    try:
        top = parser()
        args = top.parse_args(argv)
        if args.func is None:
            helper: argparse.ArgumentParser = getattr(args, "group_parser", top)
            helper.print_help(file=sys.stderr)
            return EXIT_ERROR
        return run_command(args)
    except BrokenPipeError:
        # The reader went away (`pqpay ... | head`): stop quietly, as other Unix tools do. Point
        # stdout at /dev/null so the interpreter's final flush does not report it again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_ERROR
