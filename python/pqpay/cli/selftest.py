"""``pqpay selftest``: runs the known-answer self-tests again and prints a table."""

from __future__ import annotations

import argparse
from typing import Any

import pqpay


def _selftest(args: argparse.Namespace) -> int:
    results = pqpay.run_selftests()
    width = max(len(name) for name, _, _ in results)
    print(f"{'self-test':<{width}}  result  time (us)")
    for name, passed, micros in results:
        print(f"{name:<{width}}  {'pass' if passed else 'FAIL':<6}  {micros:9.1f}")
    failed = [name for name, passed, _ in results if not passed]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def register(subparsers: Any) -> None:
    """Adds ``selftest`` to the ``pqpay`` command."""
    subparsers.add_parser("selftest", help="run the known-answer self-tests").set_defaults(
        func=_selftest
    )
