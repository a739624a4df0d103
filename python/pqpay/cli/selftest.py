"""``pqpay selftest``: runs the known-answer self-tests again and prints a table."""

from __future__ import annotations

import argparse
from typing import Any

import pqpay
from pqpay.cli._common import command, verdict


def _selftest(args: argparse.Namespace) -> int:
    results = pqpay.run_selftests()
    failed = [name for name, passed, _ in results if not passed]
    if not args.json:
        width = max(len(name) for name, _, _ in results)
        print(f"{'self-test':<{width}}  result  time (us)")
        for name, passed, micros in results:
            print(f"{name:<{width}}  {'pass' if passed else 'FAIL':<6}  {micros:9.1f}")
        print()
    summary = f"{len(results) - len(failed)} passed, {len(failed)} failed"
    if failed:
        summary += ": " + ", ".join(failed)
    rows = [{"name": n, "passed": p, "microseconds": round(us, 1)} for n, p, us in results]
    return verdict(args, not failed, summary, results=rows)


def register(subparsers: Any) -> None:
    """Adds ``selftest`` to the ``pqpay`` command."""
    command(
        subparsers,
        "selftest",
        _selftest,
        help="run the known-answer self-tests",
        description="Runs the known-answer self-tests again (they also run at import) and "
        "prints a table, then OK: or FAILED: with the counts.",
        verifies=True,
    )
