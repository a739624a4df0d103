"""Finding the suites in a folder of vectors, whatever its layout: ACVP set folders, Wycheproof
files (by their ``schema``), the X-Wing and composite draft files (by their shape),
transparency-dev Merkle folders and snarkjs manifests."""

from __future__ import annotations

from pathlib import Path

from pqpay.conformance import _acvp, _drafts, _groth16, _merkle, _nist, _wycheproof
from pqpay.conformance._core import Cases, Suite
from pqpay.conformance._files import cryptography_vectors_available, load_json

_SHAPE_PROBE_LIMIT = 4 << 20
"""JSON files larger than this are not opened to guess their shape (X-Wing, composite)."""


def cryptography_vectors_suites() -> list[Suite]:
    """The ``cryptography-vectors`` suites; empty when the package is not installed."""
    return _nist.suites() if cryptography_vectors_available() else []


UNREADABLE = "unreadable"
"""The source of a JSON file under a vectors folder that cannot be parsed: its suite fails, so a
truncated vector file is never passed over in silence."""


def _unreadable(path: Path, exc: BaseException) -> Suite:
    message = f"{type(exc).__name__}: {exc}"

    def load() -> Cases:
        raise ValueError(message)

    return Suite(UNREADABLE, path.name, str(path), load)


SOURCES = (
    "cryptography-vectors",
    _acvp.SOURCE,
    _wycheproof.SOURCE,
    _drafts.XWING_SOURCE,
    _drafts.COMPOSITE_SOURCE,
    _merkle.SOURCE,
    _groth16.SOURCE,
    UNREADABLE,
)
"""Every source the runner knows, in table order."""


def _is_json(path: Path) -> bool:
    return path.name.endswith((".json", ".json.gz"))


def discover(folder: Path) -> list[Suite]:
    """Every suite found under ``folder`` (which must be a directory), in a stable order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a directory")
    found: list[Suite] = []
    claimed: list[Path] = []  # folders whose files belong to a suite already

    def inside_claimed(path: Path) -> bool:
        return any(path.is_relative_to(c) for c in claimed)

    for d in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        if inside_claimed(d):
            continue
        if _acvp.is_set(d):
            found.append(_acvp.suite(d))
            claimed.append(d)
        elif _merkle.is_merkle(d):
            found.extend(_merkle.suites(d))
            claimed.append(d)
        elif (d / "MANIFEST.json").is_file() and _groth16.is_manifest(d / "MANIFEST.json"):
            found.extend(_groth16.suites(d / "MANIFEST.json"))
            claimed.append(d)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and _is_json(p)):
        if inside_claimed(path.parent):
            continue
        if path.suffix == ".json" and _wycheproof.schema_of(path) is not None:
            found.extend(_wycheproof.suites(path))
            continue
        if path.stat().st_size > _SHAPE_PROBE_LIMIT:
            continue
        try:
            doc = load_json(path)
        except (ValueError, EOFError, OSError) as exc:  # a truncated or corrupt file
            found.append(_unreadable(path, exc))
            continue
        if _drafts.is_xwing(doc):
            found.append(_drafts.xwing_suite(path))
        elif _drafts.is_composite(doc):
            found.extend(_drafts.composite_suites(path))
    order = {s: i for i, s in enumerate(SOURCES)}
    return sorted(found, key=lambda s: (order.get(s.source, len(order)), s.name, s.path))
