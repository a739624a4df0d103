"""The runner's model: a :class:`Suite` (one vector file or set) yields :class:`Case` objects,
:func:`run_suite` checks each, and a :class:`Report` sums them per source and algorithm."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Check = Callable[[], None]


class SourceMissing(LookupError):
    """A vector source (a package, folder or file) is not there. ``what`` names it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is missing")
        self.what = what


class Mismatch(AssertionError):
    """A vector's check failed: pqpay's answer differs from the expected one."""


@dataclass(frozen=True)
class Case:
    """One known-answer vector: ``check`` raises on a mismatch; ``check`` None is a vector
    listed but not run (``skip_reason`` says why, e.g. an algorithm pqpay does not offer)."""

    id: str
    algorithm: str
    check: Check | None
    skip_reason: str = ""


@dataclass(frozen=True)
class Cases:
    """What a suite's loader returns: its cases, and how many the file itself declares (a
    ``numberOfTests`` field, a fixed count of the published set), None when it declares none."""

    cases: list[Case]
    declared: int | None = None


@dataclass(frozen=True)
class Suite:
    """One vector file or set of one source. ``load`` reads and parses it (raising
    :class:`SourceMissing` when it is absent) and returns its :class:`Cases`."""

    source: str
    name: str
    path: str
    load: Callable[[], Cases]
    runs: bool = True
    """False for a file of a kind pqpay has no check for: its cases are all listed as skipped."""

    @property
    def label(self) -> str:
        """``source: name``, the suite's id in tables and in the test suite."""
        return f"{self.source}: {self.name}"


@dataclass(frozen=True)
class Failure:
    case: str
    error: str


@dataclass
class Count:
    ran: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, other: Count) -> None:
        self.ran += other.ran
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped

    def as_dict(self) -> dict[str, int]:
        return {
            "ran": self.ran,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": self.skipped,
        }


@dataclass
class SuiteResult:
    """The outcome of one suite: counts per algorithm, every failing case, and ``error`` when
    the suite itself could not run (unreadable, malformed, or not the declared size)."""

    suite: Suite
    by_algorithm: dict[str, Count] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    error: str | None = None

    @property
    def total(self) -> Count:
        total = Count()
        for count in self.by_algorithm.values():
            total.add(count)
        return total

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.suite.source,
            "name": self.suite.name,
            "path": self.suite.path,
            **self.total.as_dict(),
            "algorithms": {a: c.as_dict() for a, c in sorted(self.by_algorithm.items())},
            "failures": [{"case": f.case, "error": f.error} for f in self.failures],
            "error": self.error,
        }


def describe_error(exc: BaseException) -> str:
    """One line: the exception's type and the first line of its message."""
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else ""
    return f"{type(exc).__name__}: {detail}"[:300] if detail else type(exc).__name__


def run_suite(
    suite: Suite, progress: Callable[[int], None] | None = None, *, check: bool = True
) -> SuiteResult:
    """Loads ``suite`` and checks every case. :class:`SourceMissing` propagates (the caller
    decides whether a missing source is an error); any other load error is the suite's
    ``error``, and each failing case is a :class:`Failure`. With ``check=False`` nothing is
    checked: each case that would run is counted as ``ran`` (passed and failed stay 0)."""
    result = SuiteResult(suite)
    try:
        loaded = suite.load()
    except SourceMissing:
        raise
    except Exception as exc:  # a malformed file is the suite's failure, not a crash
        result.error = f"cannot read {suite.path}: {describe_error(exc)}"
        return result
    for done, case in enumerate(loaded.cases, 1):
        count = result.by_algorithm.setdefault(case.algorithm, Count())
        if case.check is None:
            count.skipped += 1
            continue
        count.ran += 1
        if not check:
            continue
        try:
            case.check()
        except Exception as exc:  # every failure is recorded against its case
            count.failed += 1
            result.failures.append(Failure(case.id, describe_error(exc)))
        else:
            count.passed += 1
        if progress is not None:
            progress(done)
    listed = len(loaded.cases)
    if loaded.declared is not None and listed != loaded.declared:
        result.error = f"{listed} vectors found but the source declares {loaded.declared}"
    elif listed == 0:
        result.error = "no vector found"
    return result


def list_suite(suite: Suite) -> SuiteResult:
    """:func:`run_suite` without checking anything (``check=False``): what would run."""
    return run_suite(suite, check=False)


@dataclass
class Report:
    """The results of a run, and the sources that were asked for but missing."""

    results: list[SuiteResult] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and all(r.ok for r in self.results)

    @property
    def total(self) -> Count:
        total = Count()
        for r in self.results:
            total.add(r.total)
        return total

    def rows(self) -> list[tuple[str, str, Count]]:
        """``(source, algorithm, count)`` summed over suites, sorted."""
        table: dict[tuple[str, str], Count] = {}
        for r in self.results:
            for algorithm, count in r.by_algorithm.items():
                table.setdefault((r.suite.source, algorithm), Count()).add(count)
        return [(s, a, c) for (s, a), c in sorted(table.items())]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": [{"source": s, "algorithm": a, **c.as_dict()} for s, a, c in self.rows()],
            "suites": [r.as_dict() for r in self.results],
            "missing": list(self.missing),
            "totals": self.total.as_dict(),
        }

    def table(self) -> list[str]:
        """The "ran / passed / failed / skipped" table, one line per source and algorithm."""
        rows = self.rows()
        if not rows:
            return []
        sw = max(len("source"), *(len(s) for s, _, _ in rows))
        aw = max(len("algorithm"), *(len(a) for _, a, _ in rows))
        head = f"{'source':<{sw}}  {'algorithm':<{aw}}  {'ran':>6}  {'passed':>6}  {'failed':>6}"
        lines = [head + f"  {'skipped':>7}"]
        for s, a, c in [*rows, ("TOTAL", "", self.total)]:
            lines.append(
                f"{s:<{sw}}  {a:<{aw}}  {c.ran:>6}  {c.passed:>6}  {c.failed:>6}  {c.skipped:>7}"
            )
        return lines


def run(
    suites: Iterable[Suite],
    *,
    check: bool = True,
    on_suite: Callable[[Suite], Callable[[int], None] | None] | None = None,
) -> Report:
    """Runs every suite into one :class:`Report`; a missing source is listed in
    ``Report.missing`` (and makes the report fail). ``check=False`` only lists (see
    :func:`run_suite`). ``on_suite`` is called before each suite and may return a per-case
    progress callback."""
    report = Report()
    for suite in suites:
        progress = on_suite(suite) if on_suite else None
        try:
            report.results.append(run_suite(suite, progress, check=check))
        except SourceMissing as exc:
            report.missing.append(f"{suite.label}: {exc.what}")
    return report


# --- helpers for the checks -----------------------------------------------------------------


def h(hex_string: str) -> bytes:
    """Hex (upper or lower case) to bytes."""
    return bytes.fromhex(hex_string)


def expect(condition: bool, message: str) -> None:
    """Raises :class:`Mismatch` with ``message`` unless ``condition``."""
    if not condition:
        raise Mismatch(message)


def expect_raises(
    kinds: type[BaseException] | tuple[type[BaseException], ...], fn: Callable[[], Any]
) -> BaseException:
    """Runs ``fn``, which must raise one of ``kinds``; returns the exception."""
    try:
        fn()
    except kinds as exc:
        return exc
    names = kinds.__name__ if isinstance(kinds, type) else "/".join(k.__name__ for k in kinds)
    raise Mismatch(f"expected {names}, nothing was raised")


def groups_tests(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(group, test)`` pairs of an ACVP or Wycheproof document, in file order."""
    for group in doc["testGroups"]:
        for test in group["tests"]:
            yield group, test
