"""The test suite's side of the one vector loader, :mod:`pqpay.conformance`.

The runner (which ``pqpay conformance`` uses too) finds, reads and checks every vector; this
module only adds what belongs to pytest:

* where the shared vectors are: ``$PQPAY_SHARED_VECTORS``, else ``../shared/vectors`` relative to
  the repository root (ACVP, Wycheproof, X-Wing, composite, Merkle, snarkjs);
* the rule for a missing source: the test is skipped, unless vectors are required (``CI=true``
  or ``PQPAY_REQUIRE_VECTORS=1``): then it fails, so CI can never pass by silently running
  nothing;
* :func:`run_suite`, which runs one of the runner's suites as a test and records its counts
  for the "ran / passed" table ``conftest.py`` prints at the end of the session;
* :class:`Tally`, for the few vectors that are not a runner source (the project's own files).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest

from pqpay import conformance
from pqpay.conformance import _groth16
from pqpay.conformance import parse_blocks as parse_blocks
from pqpay.conformance import parse_rsp as parse_rsp

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_VECTORS_ENV = "PQPAY_SHARED_VECTORS"
REQUIRE_ENV = "PQPAY_REQUIRE_VECTORS"
WYCHEPROOF_DIR = "wycheproof/testvectors_v1"
GROTH16_MANIFEST = "groth16/MANIFEST.json"

# --- locating sources -----------------------------------------------------------------------


def vectors_required() -> bool:
    """True when a missing vector source must fail the run instead of skipping."""
    return (
        os.environ.get("CI", "").strip().lower() == "true"
        or os.environ.get(REQUIRE_ENV, "").strip() == "1"
    )


def missing(what: str) -> NoReturn:
    """Skips the current test because ``what`` is missing, or fails it when vectors are required."""
    if vectors_required():
        pytest.fail(
            f"{what} is missing and vectors are required (CI=true or {REQUIRE_ENV}=1)",
            pytrace=False,
        )
    pytest.skip(f"{what} is missing (set {SHARED_VECTORS_ENV} to run these vectors)")


def shared_vectors_location() -> Path:
    """Where the shared vector directory should be (it may not exist)."""
    configured = os.environ.get(SHARED_VECTORS_ENV)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "vectors"


def shared_vectors_dir() -> Path:
    """The shared vector directory; skips (or fails, see :func:`missing`) when absent."""
    path = shared_vectors_location()
    if not path.is_dir():
        missing(f"shared vector directory {path}")
    return path


def shared_path(relpath: str) -> Path:
    """A file inside the shared vector directory; skips (or fails) when absent."""
    path = shared_vectors_dir() / relpath
    if not path.is_file():
        missing(f"shared vector file {path}")
    return path


def load_shared_json(relpath: str) -> Any:
    """Parses a shared ``.json`` or ``.json.gz`` file."""
    return conformance.load_json(shared_path(relpath))


def open_cryptography_vector(relpath: str, mode: str = "r") -> IO[Any]:
    """Opens a file of the ``cryptography-vectors`` package; skips (or fails) if absent."""
    try:
        return conformance.open_cryptography_vector(relpath, mode)
    except conformance.SourceMissing as exc:
        missing(exc.what)


def h(hex_string: str) -> bytes:
    """Hex (upper or lower case) to bytes."""
    return bytes.fromhex(hex_string)


def groth16_cases() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The snarkjs cases of ``groth16/MANIFEST.json`` (and its ambiguous cases), files resolved."""
    try:
        return _groth16.cases(shared_path(GROTH16_MANIFEST))
    except conformance.SourceMissing as exc:
        missing(exc.what)


# --- the runner's suites as tests -----------------------------------------------------------


@functools.cache
def _discovered(shared: Path | None) -> dict[str, conformance.Suite]:
    suites = conformance.cryptography_vectors_suites()
    if shared is not None:
        suites += conformance.discover(shared)
    return {s.label: s for s in suites}


def suites() -> dict[str, conformance.Suite]:
    """label -> suite, for the cryptography-vectors package and the shared directory (either
    may be absent: then its suites are not in the table)."""
    shared = shared_vectors_location()
    return _discovered(shared if shared.is_dir() else None)


@dataclass
class SourceCount:
    ran: int = 0
    passed: int = 0


COUNTS: dict[str, SourceCount] = {}
"""suite label -> vectors ran / passed in this session (printed by conftest.py)."""

MAX_LISTED_FAILURES = 25


def _fail_listing(label: str, problems: list[str]) -> NoReturn:
    pytest.fail(f"[{label}] " + "\n".join(problems), pytrace=False)


def _failures_problem(failures: list[str], ran: int) -> str:
    """ "N of M vectors failed:" and the first failing ids, one a line."""
    listed = failures[:MAX_LISTED_FAILURES]
    more = len(failures) - len(listed)
    return (
        f"{len(failures)} of {ran} vectors failed:\n  "
        + "\n  ".join(listed)
        + (f"\n  ... and {more} more" if more > 0 else "")
    )


def run_suite(label: str) -> conformance.SuiteResult:
    """Runs the runner's suite ``label`` (``source: name``) as a test: skips (or fails under
    CI) when its source is missing, records its counts, fails naming every failing vector."""
    table = suites()
    if label not in table:
        if not conformance.cryptography_vectors_available() and label.startswith(
            "cryptography-vectors: "
        ):
            missing("the cryptography-vectors package")
        missing(f"the vector suite {label!r} (under {shared_vectors_location()})")
    try:
        result = conformance.run_suite(table[label])
    except conformance.SourceMissing as exc:
        missing(exc.what)
    total = result.total
    COUNTS[label] = SourceCount(total.ran, total.passed)
    problems = [result.error] if result.error else []
    if result.failures:
        failures = [f"{f.case}: {f.error}" for f in result.failures]
        problems.append(_failures_problem(failures, total.ran))
    if problems:
        _fail_listing(label, problems)
    return result


# --- vectors that are not a runner source ---------------------------------------------------


@dataclass
class Tally:
    """Runs the vectors of one local source, records each, and fails once with every failing
    id (for the project's own vector files; every external source goes through the runner)."""

    source: str
    failures: list[str] = field(default_factory=list)
    ran: int = 0

    def __post_init__(self) -> None:
        COUNTS.setdefault(self.source, SourceCount())

    @contextmanager
    def case(self, case_id: str) -> Iterator[None]:
        """Context for one vector: an exception inside is recorded as that vector's failure."""
        count = COUNTS[self.source]
        count.ran += 1
        self.ran += 1
        try:
            yield
        except (Exception, pytest.fail.Exception) as exc:  # pytest.raises failures included
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self.failures.append(f"{case_id}: {type(exc).__name__}: {detail}"[:300])
        else:
            count.passed += 1

    def finish(self, expected: int | None = None) -> None:
        """Fails the test if any vector failed, or if ``expected`` vectors did not all run."""
        problems: list[str] = []
        if self.ran == 0:
            problems.append("no vector ran")
        if expected is not None and self.ran != expected:
            problems.append(f"ran {self.ran} vectors but the source declares {expected}")
        if self.failures:
            problems.append(_failures_problem(self.failures, self.ran))
        if problems:
            _fail_listing(self.source, problems)


def format_counts() -> list[str]:
    """The "source: ran / passed" table, one line per suite, sorted by name."""
    if not COUNTS:
        return []
    width = max(len(name) for name in COUNTS)
    lines = [f"{'source':<{width}}  {'ran':>6}  {'passed':>6}"]
    total = SourceCount()
    for name in sorted(COUNTS):
        c = COUNTS[name]
        total.ran += c.ran
        total.passed += c.passed
        lines.append(f"{name:<{width}}  {c.ran:>6}  {c.passed:>6}")
    lines.append(f"{'TOTAL':<{width}}  {total.ran:>6}  {total.passed:>6}")
    return lines
