"""The ``pqpay`` command: ``pqpay selftest``, ``pqpay demo`` and the ledger, receipt and groth16
tools."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pqpay.cli import bench, demo, groth16, key, ledger, receipt, selftest

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pqpay`` console command."""
    parser = argparse.ArgumentParser(prog="pqpay", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    selftest.register(sub)
    demo.register(sub)
    ledger.register(sub)
    receipt.register(sub)
    groth16.register(sub)
    bench.register(sub)
    key.register(sub)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code
