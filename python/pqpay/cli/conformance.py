"""``pqpay conformance [--vectors DIR ...] [--json FILE|-]``: checks pqpay against every
known-answer source it finds (see :mod:`pqpay.conformance`) and prints a table per source and
algorithm: vectors ran, passed, failed and skipped (listed in a file but not run, e.g. an
algorithm pqpay does not offer).

Sources: the ``cryptography-vectors`` package when it is installed (``pip install
cryptography-vectors``), and each ``--vectors DIR``: NIST ACVP set folders, Wycheproof files, the
X-Wing and composite ML-DSA draft vectors, transparency-dev Merkle folders and snarkjs Groth16
folders (a ``MANIFEST.json``), found anywhere under DIR.

Exit 0 when every vector passed, 1 when one failed or a file a source names is missing, 2 on a
usage error (a DIR that does not exist or holds no known vectors, nothing to run).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pqpay import conformance
from pqpay.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    Progress,
    check_writable,
    command,
    emit_json,
    plural,
    write,
)

MAX_LISTED_FAILURES = 10
"""Failing vectors listed per suite in the text output (``--json`` lists every one)."""


def _suites(args: argparse.Namespace) -> list[conformance.Suite]:
    suites: list[conformance.Suite] = []
    if not args.no_cryptography_vectors:
        if conformance.cryptography_vectors_available():
            suites += conformance.cryptography_vectors_suites()
        else:
            print(
                "pqpay conformance: the cryptography-vectors package is not installed "
                "(pip install cryptography-vectors to run its vectors)",
                file=sys.stderr,
            )
    for folder in args.vectors:
        path = Path(folder)
        if not path.exists():
            raise CliError(f"--vectors {folder}: no such directory", "check the path")
        if not path.is_dir():
            raise CliError(f"--vectors {folder} is not a directory", "give a folder of vectors")
        found = conformance.discover(path)
        if not found:
            raise CliError(
                f"--vectors {folder} holds no known vector files",
                "give a folder with ACVP, Wycheproof, X-Wing, composite, Merkle or snarkjs vectors",
            )
        suites += found
    if not suites:
        raise CliError(
            "nothing to run",
            "install cryptography-vectors or name a folder of vectors with --vectors DIR",
        )
    return suites


class _SuiteProgress:
    """One progress line per suite, on a terminal only (``Progress`` draws it); each line is
    finished when the next suite starts and at the end."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.line: Progress | None = None
        self.done = 0

    def start(self, suite: conformance.Suite) -> Callable[[int], None] | None:
        self.close()
        if not self.tty:
            return None
        self.line, self.done = Progress(suite.label, quiet=False), 0
        return self._step

    def _step(self, done: int) -> None:
        self.done = done
        if self.line is not None:
            self.line(done)

    def close(self) -> None:
        if self.line is not None:
            self.line.finish(self.done)
            self.line = None


def _print_report(report: conformance.Report) -> None:
    for line in report.table():
        print(line)
    for result in report.results:
        if result.error:
            print(f"{result.suite.label}: {result.error}")
        for failure in result.failures[:MAX_LISTED_FAILURES]:
            print(f"{result.suite.label}: {failure.case}: {failure.error}")
        more = len(result.failures) - MAX_LISTED_FAILURES
        if more > 0:
            print(f"{result.suite.label}: ... and {more} more failing vectors (see --json)")
    for missing in report.missing:
        print(f"missing: {missing}")


def _message(report: conformance.Report, listed: bool) -> str:
    total = report.total
    suites = plural(len(report.results), "suite")
    if listed and report.ok:
        return f"{total.ran} vectors to run, {total.skipped} skipped, in {suites}"
    if report.ok:
        return f"{total.passed} of {total.ran} vectors passed ({total.skipped} skipped) in {suites}"
    problems = [] if listed else [f"{total.failed} of {total.ran} vectors failed"]
    errors = sum(1 for r in report.results if r.error)
    if errors:
        problems.append(f"{plural(errors, 'suite')} could not run")
    if report.missing:
        problems.append(f"{plural(len(report.missing), 'source')} missing")
    return ", ".join(problems)


def _conformance(args: argparse.Namespace) -> int:
    args.json = args.json_file == "-"  # error objects go to stdout only when the JSON does
    check_writable(args.json_file)
    suites = _suites(args)
    progress = _SuiteProgress()
    try:
        report = conformance.run(suites, check=not args.list, on_suite=progress.start)
    finally:
        progress.close()
    ok = report.ok
    message = _message(report, args.list)
    if args.json_file is not None:
        details = {
            "message": message,
            "listed_only": args.list,
            "vectors": list(args.vectors),
            "cryptography_vectors": None
            if args.no_cryptography_vectors
            else conformance.cryptography_vectors_version(),
            **report.as_dict(),
        }
        if args.json_file == "-":
            emit_json("conformance", "OK" if ok else "FAILED", details)
            return EXIT_OK if ok else EXIT_FAILED
        doc = {"command": "conformance", "ok": ok, "verdict": "OK" if ok else "FAILED", **details}
        write(args.json_file, (json.dumps(doc, indent=2) + "\n").encode())
    _print_report(report)
    print(f"{'OK' if ok else 'FAILED'}: {message}")
    return EXIT_OK if ok else EXIT_FAILED


def register(subparsers: Any) -> None:
    """Adds ``conformance`` to the ``pqpay`` command."""
    cmd = command(
        subparsers,
        "conformance",
        _conformance,
        help="run the known-answer vectors (cryptography-vectors, ACVP, Wycheproof, ...)",
        description=__doc__,
        verifies=False,
    )
    cmd.epilog = (
        f"exit {EXIT_OK}: OK (every vector passed); {EXIT_FAILED}: FAILED (a vector failed, or a "
        "file a source\nnames is missing); 2: usage or input error (nothing run); 3: internal "
        "error. The table\nand the OK:/FAILED: line go to stdout (or the JSON object with "
        "--json -), diagnostics\nto stderr; progress only on a terminal."
    )
    cmd.set_defaults(json=False)
    cmd.add_argument(
        "--vectors",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of vectors to run (repeatable), e.g. ../shared/vectors",
    )
    cmd.add_argument(
        "--json",
        dest="json_file",
        metavar="FILE|-",
        help="write the report as JSON to FILE (the table still prints), or with - to stdout "
        "instead of the table",
    )
    cmd.add_argument(
        "--list",
        action="store_true",
        help="list the vectors each source holds without running them",
    )
    cmd.add_argument(
        "--no-cryptography-vectors",
        action="store_true",
        help="leave out the cryptography-vectors package even when it is installed",
    )
