"""The API reference (docs/, ``make docs``): every ``.. code-block:: python`` of
getting-started.rst runs as written, and the coverage check of docs/_ext/pqpay_api.py (which
fails the Sphinx build) reports exactly the public names the reference lacks."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests._support.examples import code_blocks, run_example
from tests.test_public_api import PUBLIC_NAMES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CODE_BLOCK = re.compile(r"^\.\. code-block:: python\n\n((?:(?:   .*)?\n)+)", re.M)


def getting_started_examples() -> list[tuple[int, str]]:
    return code_blocks(DOCS / "getting-started.rst", CODE_BLOCK)


def test_getting_started_has_an_example() -> None:
    assert getting_started_examples()


@pytest.mark.parametrize(
    ("line", "source"),
    [pytest.param(line, source, id=f"line{line}") for line, source in getting_started_examples()],
)
def test_getting_started_example_runs(line: int, source: str, tmp_path: Path) -> None:
    done = run_example(source, tmp_path / f"getting_started_line{line}.py", cwd=tmp_path)
    assert done.returncode == 0, f"getting-started.rst line {line}:\n{done.stderr[-3000:]}"


@pytest.fixture(scope="module")
def pqpay_api() -> ModuleType:
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import pqpay_api
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return pqpay_api


def test_the_check_reads_the_pinned_names(pqpay_api: ModuleType) -> None:
    assert pqpay_api.pinned_names() == PUBLIC_NAMES


def test_the_check_reports_every_name_of_an_empty_reference(pqpay_api: ModuleType) -> None:
    missing = set(pqpay_api.undocumented(set(), {}))
    pinned = {f"{module}.{name}" for module, names in PUBLIC_NAMES.items() for name in names}
    assert pinned <= missing
    assert "pqpay.hsm.KeyStore" in missing and "pqpay.acvp.respond" in missing


def test_the_check_reports_only_what_is_missing(pqpay_api: ModuleType) -> None:
    names = [f"{module}.{name}" for module, name in pqpay_api.public_names()]
    assert pqpay_api.undocumented(set(names), {}) == []
    assert pqpay_api.undocumented(set(names) - {"pqpay.kem.XWingPrivateKey"}, {}) == [
        "pqpay.kem.XWingPrivateKey"
    ]
    # A submodule's class documented on its package's entry (the same object) counts.
    from pqpay import hsm

    documented = set(names) - {"pqpay.hsm.keystore.KeyStore"}
    assert pqpay_api.undocumented(documented, {id(hsm.KeyStore): "pqpay.hsm.KeyStore"}) == []
