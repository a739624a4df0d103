"""Every entry point of the binding runs inside the one panic guard (S-10).

A Rust panic outside `guard` reaches Python as PyO3's `PanicException`, a `BaseException` that
`except Exception` does not catch. This scans rust/python/src: the body of every `#[pyfunction]`,
every method of a `#[pymethods]` block and the `#[pymodule_init]` function must be one
`guard(...)` call, and no field may be exposed with `#[pyo3(get)]` / `#[pyo3(set)]` (PyO3
generates those accessors outside any body of ours).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "rust" / "python" / "src"

# Comments, string literals (plain, byte, raw with any number of #) and char literals, blanked
# so that braces inside them do not count.
_LEXEMES = re.compile(
    r"//[^\n]*"
    r"|/\*.*?\*/"
    r"|b?r(?P<h>#*)\".*?\"(?P=h)"
    r"|b?\"(?:\\.|[^\"\\])*\""
    r"|b?'(?:\\.|[^'\\])'",
    re.S,
)


def _blank(source: str) -> str:
    def keep_lines(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    return _LEXEMES.sub(keep_lines, source)


def _matching_brace(code: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise AssertionError("unbalanced braces")


_FN = re.compile(r"\bfn\s+(\w+)")


def _fn_body_starts_with_guard(code: str, fn_at: int) -> bool:
    body_open = code.index("{", fn_at)
    return re.match(r"\{\s*(?:\w+::)*guard\s*\(", code[body_open:]) is not None


def _functions_after(code: str, attribute: str) -> list[tuple[str, int]]:
    """(name, position of `fn`) of each fn that follows `attribute`."""
    out = []
    for m in re.finditer(re.escape(attribute) + r"(?![\w(])", code):
        fn = _FN.search(code, m.end())
        assert fn is not None
        out.append((fn.group(1), fn.start()))
    return out


def _pymethods_functions(code: str) -> list[tuple[str, int]]:
    out = []
    for m in re.finditer(r"#\[pymethods\]\s*impl\b", code):
        open_at = code.index("{", m.end())
        close_at = _matching_brace(code, open_at)
        i = open_at + 1
        while True:
            fn = _FN.search(code, i, close_at)
            if fn is None:
                break
            out.append((fn.group(1), fn.start()))
            # Skip this method's body: nested fns are not entry points.
            i = _matching_brace(code, code.index("{", fn.end())) + 1
    return out


def unguarded_entry_points(src: Path) -> list[str]:
    found = []
    for path in sorted(src.glob("*.rs")):
        code = _blank(path.read_text(encoding="utf-8"))
        entry_points = (
            _functions_after(code, "#[pyfunction]")
            + _functions_after(code, "#[pymodule_init]")
            + _pymethods_functions(code)
        )
        for name, at in entry_points:
            if not _fn_body_starts_with_guard(code, at):
                line = code.count("\n", 0, at) + 1
                found.append(f"{path.name}:{line} fn {name}")
        for m in re.finditer(r"#\[pyo3\([^)]*\b(get|set)\b", code):
            line = code.count("\n", 0, m.start()) + 1
            found.append(f"{path.name}:{line} #[pyo3({m.group(1)})] field accessor")
    return found


def test_every_binding_entry_point_is_inside_the_panic_guard() -> None:
    if not SRC.is_dir():
        pytest.skip("the Rust sources are not beside this test (installed package)")
    assert unguarded_entry_points(SRC) == []


def test_the_scan_finds_entry_points(tmp_path: Path) -> None:
    # The check itself can fail: an unguarded function, method and init are each named, and a
    # guarded one or a brace in a string does not confuse it.
    (tmp_path / "x.rs").write_text(
        """
#[pyfunction]
pub fn good(py: Python<'_>) -> PyResult<()> {
    guard(|| Ok(()))
}

#[pyfunction]
#[pyo3(signature = (a=None))]
pub fn bad<'py>(a: Option<&str>) -> PyResult<String> {
    let s = "{ guard(";
    Ok(format!("{s}"))
}

#[pymethods]
impl K {
    #[getter]
    fn ok(&self) -> PyResult<u8> {
        guard(|| { fn helper() {} Ok(1) })
    }

    fn __repr__(&self) -> String {
        String::from("}")
    }
}

#[pymodule_init]
fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
""",
        encoding="utf-8",
    )
    assert unguarded_entry_points(tmp_path) == [
        "x.rs:9 fn bad",
        "x.rs:27 fn init",
        "x.rs:21 fn __repr__",
    ]
