"""The one loader for external test vectors.

Two places hold vectors:

* the PyPI package ``cryptography-vectors`` (NIST-style KAT ``.rsp`` files, RFC 7748, HPKE);
* the shared vector directory: ``$PQPAY_SHARED_VECTORS``, else ``../shared/vectors`` relative
  to the repository root (ACVP, Wycheproof, X-Wing).

When a source is missing the test is skipped, unless vectors are required (``CI=true`` or
``PQPAY_REQUIRE_VECTORS=1``): then it fails, so CI can never pass by silently running nothing.

Vector tests run a whole file (or group) per pytest item and loop inside it. Each vector goes
through :class:`Tally`, which names the vector (tcId / count) in the failure message and feeds the
"ran / passed" table that ``conftest.py`` prints at the end of the session.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_VECTORS_ENV = "PQPAY_SHARED_VECTORS"
REQUIRE_ENV = "PQPAY_REQUIRE_VECTORS"

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


def shared_vectors_dir() -> Path:
    """The shared vector directory; skips (or fails, see :func:`missing`) when absent."""
    configured = os.environ.get(SHARED_VECTORS_ENV)
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "vectors"
    if not path.is_dir():
        missing(f"shared vector directory {path}")
    return path


def shared_path(relpath: str) -> Path:
    """A file inside the shared vector directory; skips (or fails) when absent."""
    path = shared_vectors_dir() / relpath
    if not path.is_file():
        missing(f"shared vector file {path}")
    return path


def open_shared(relpath: str) -> IO[str]:
    """Opens a shared vector file as text, decompressing ``.gz`` transparently."""
    path = shared_path(relpath)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


def load_shared_json(relpath: str) -> Any:
    """Parses a shared ``.json`` or ``.json.gz`` file."""
    with open_shared(relpath) as f:
        return json.load(f)


def open_cryptography_vector(relpath: str) -> IO[str]:
    """Opens a file of the ``cryptography-vectors`` package as text; skips (or fails) if absent."""
    try:
        import cryptography_vectors
    except ImportError:
        missing("the cryptography-vectors package")
    try:
        return cryptography_vectors.open_vector_file(relpath, "r")
    except FileNotFoundError:
        missing(f"cryptography-vectors file {relpath}")


def load_cryptography_json(relpath: str) -> Any:
    with open_cryptography_vector(relpath) as f:
        return json.load(f)


# --- parsers --------------------------------------------------------------------------------


def h(hex_string: str) -> bytes:
    """Hex (upper or lower case) to bytes."""
    return bytes.fromhex(hex_string)


def parse_rsp(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """NIST-style ``key = value`` records; a record starts at each ``count = N`` line.

    Blank lines and ``#`` comments are ignored; lines before the first ``count`` are ignored
    (they hold file-level parameters).
    """
    record: dict[str, str] | None = None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("["):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"malformed .rsp line: {line!r}")
        key, value = key.strip(), value.strip()
        if key == "count":
            if record is not None:
                yield record
            record = {}
        if record is not None:
            if key in record:
                raise ValueError(f"duplicate key {key!r} in record count={record.get('count')}")
            record[key] = value
    if record is not None:
        yield record


def parse_blocks(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Blank-line separated ``KEY = value`` blocks (RFC 7748 file of cryptography-vectors)."""
    block: dict[str, str] = {}
    for raw in lines:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if block:
                yield block
                block = {}
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"malformed line: {line!r}")
        block[key.strip()] = value.strip()
    if block:
        yield block


def iter_groups_tests(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(group, test)`` pairs of an ACVP or Wycheproof document, in file order."""
    for group in doc["testGroups"]:
        for test in group["tests"]:
            yield group, test


# --- the tally ------------------------------------------------------------------------------


@dataclass
class SourceCount:
    ran: int = 0
    passed: int = 0


COUNTS: dict[str, SourceCount] = {}
"""source name -> vectors ran / passed in this session (printed by conftest.py)."""

MAX_LISTED_FAILURES = 25


@dataclass
class Tally:
    """Runs the vectors of one source, records each, and fails once with every failing id."""

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
            listed = self.failures[:MAX_LISTED_FAILURES]
            more = len(self.failures) - len(listed)
            problems.append(
                f"{len(self.failures)} of {self.ran} vectors failed:\n  "
                + "\n  ".join(listed)
                + (f"\n  ... and {more} more" if more > 0 else "")
            )
        if problems:
            pytest.fail(f"[{self.source}] " + "\n".join(problems), pytrace=False)


def format_counts() -> list[str]:
    """The "source: ran / passed" table, one line per source, sorted by name."""
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


# --- the sources ----------------------------------------------------------------------------

MLKEM_PARAMETER_SETS = ("ML-KEM-512", "ML-KEM-768", "ML-KEM-1024")

KAT_FILES = [
    pytest.param(f"asymmetric/MLKEM/kat_MLKEM_{n}.rsp", f"ML-KEM-{n}", id=f"kat_MLKEM_{n}")
    for n in (512, 768, 1024)
]
RFC7748_FILE = "asymmetric/X25519/rfc7748.txt"
HPKE_PQ_FILE = "HPKE/hpke-pq-test-vectors.json"
HPKE_RFC9180_FILE = "HPKE/test-vectors.json"

ACVP_KEYGEN = "acvp/ML-KEM-keyGen-FIPS203/internalProjection.json.gz"
ACVP_ENCAPDECAP = [
    pytest.param(
        "acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json.gz", id="encapDecap-FIPS203"
    ),
    pytest.param(
        "acvp/ML-KEM-encapDecap-FIPS203-tr1/internalProjection.json.gz",
        id="encapDecap-FIPS203-tr1",
    ),
]

WYCHEPROOF_DIR = "wycheproof/testvectors_v1"


def wycheproof_mlkem_files(kind: str) -> list[Any]:
    """``kind`` is "" (mlkem_N_test), "encaps", "keygen_seed" or "semi_expanded_decaps"."""
    suffix = f"_{kind}_test.json" if kind else "_test.json"
    return [
        pytest.param(f"{WYCHEPROOF_DIR}/mlkem_{n}{suffix}", f"ML-KEM-{n}", id=f"mlkem_{n}{suffix}")
        for n in (512, 768, 1024)
    ]


WYCHEPROOF_X25519 = f"{WYCHEPROOF_DIR}/x25519_test.json"
XWING_FILE = "xwing/test-vectors.json"


def source_name(origin: str, relpath: str) -> str:
    """A short, stable source label for the tally table."""
    name = relpath.removesuffix(".gz")
    if name.startswith(WYCHEPROOF_DIR + "/"):
        name = name[len(WYCHEPROOF_DIR) + 1 :]
    elif name.startswith("acvp/"):
        name = name[len("acvp/") :].removesuffix("/internalProjection.json")
    return f"{origin}: {name}"


GROTH16_MANIFEST = "groth16/MANIFEST.json"


def groth16_cases() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The Groth16 vector cases of ``groth16/MANIFEST.json``: (cases, ambiguous cases), each
    with its ``vkey`` / ``proof`` / ``public`` entries resolved to absolute paths (skips, or
    fails under CI, when the manifest or a file it names is missing)."""
    manifest = load_shared_json(GROTH16_MANIFEST)
    base = shared_path(GROTH16_MANIFEST).parent

    def resolve(case: dict[str, Any]) -> dict[str, Any]:
        out = dict(case)
        for key in ("vkey", "proof", "public"):
            out[key] = shared_path(str(Path("groth16") / case[key]))
            assert out[key].parent.is_relative_to(base)
        return out

    return (
        [resolve(c) for c in manifest["cases"]],
        [resolve(c) for c in manifest.get("ambiguous_cases", [])],
    )


MERKLE_DIR = "merkle"
"""transparency-dev/merkle ``testdata/{inclusion,consistency}`` (RFC 6962/9162, SHA-256)."""


def merkle_vectors(kind: str) -> list[tuple[str, dict[str, Any]]]:
    """``(relpath, vector)`` for every ``merkle/<kind>/**/*.json`` file, sorted by path.

    ``kind`` is ``"inclusion"`` or ``"consistency"``. Skips (or fails, see :func:`missing`)
    when the folder is absent.
    """
    base = shared_vectors_dir() / MERKLE_DIR / kind
    if not base.is_dir():
        missing(f"shared vector folder {base}")
    out = []
    for path in sorted(base.rglob("*.json")):
        rel = path.relative_to(base).as_posix()
        out.append((rel, json.loads(path.read_text(encoding="utf-8"))))
    return out
