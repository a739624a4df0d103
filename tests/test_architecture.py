"""The layer contract of python/pqpay, checked on the source with ``ast`` (nothing is imported).

Layers, bottom to top: foundation -> primitives -> protocols -> services -> cli. ``LAYERS`` below
assigns every module; it is the documentation of where a module lives. The rules:

1. Every module has a layer (a new module fails here until it is added to ``LAYERS``).
2. A module imports only from its own layer or below.
3. No import cycles, counting every import edge (function-level and ``TYPE_CHECKING`` ones too).
4. No import inside a function, except of the optional third-party modules in ``OPTIONAL_LAZY``.
5. Only primitives (and the package root, which reports the native self-tests) import ``_native``.
6. No module takes another module's underscore names (``from pqpay.x import _name``,
   ``x._name``), nor a private submodule of a package it is not part of.
7. The verification modules in ``VERIFIERS`` import nothing from services and no database driver.
8. Only ``cli.*`` and ``hsm.testing`` (throwaway SoftHSM2 tokens, documented) print, time or spawn
   processes: no ``print(`` calls, ``sys.stdout``/``stderr``, ``subprocess``/``multiprocessing``,
   ``os.system``/``popen``/``fork``/``spawn*``/``exec*``, ``timeit`` or ``time.perf_counter``-style
   clocks elsewhere (``time.time``/``monotonic`` for timestamps and TTLs are fine).

An edge is the module an import names: ``from pqpay.ledger import verify`` is an edge to
``pqpay.ledger.verify`` (a submodule), ``from pqpay.ledger import Ledger`` one to ``pqpay.ledger``.
Python also runs the parent package's ``__init__`` on such an import; package ``__init__`` modules
only re-export, so they are not counted as edges of their submodules' importers.

The checker's own tests build tiny packages in ``tmp_path`` with one violation each.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "pqpay"
SOURCE = Path(__file__).resolve().parents[1] / "python" / PACKAGE

ORDER = ("foundation", "primitives", "protocols", "services", "cli")

# Module -> layer; "x.*" covers every submodule of package x. A package __init__ sits in the
# layer of the highest submodule it re-exports.
LAYERS: Mapping[str, str] = {
    # foundation: errors, interfaces, codecs, shared tables, the native extension
    "pqpay.exceptions": "foundation",
    "pqpay.interfaces": "foundation",
    "pqpay._bytes": "foundation",
    "pqpay._b64": "foundation",
    "pqpay._cbor": "foundation",
    "pqpay._jcs": "foundation",
    "pqpay._serialization": "foundation",
    "pqpay._algorithms": "foundation",
    "pqpay._native": "foundation",
    "pqpay._keys": "foundation",
    "pqpay._files": "foundation",
    # primitives: keys and algorithms over _native (the root reports _native's self-tests)
    "pqpay": "primitives",
    "pqpay.kem": "primitives",
    "pqpay.signatures": "primitives",
    "pqpay.hpke": "primitives",
    "pqpay.merkle": "primitives",
    "pqpay.groth16": "primitives",
    "pqpay.hazmat": "primitives",
    "pqpay.serialization": "primitives",
    "pqpay.jose": "primitives",
    "pqpay.x509": "primitives",
    "pqpay.pyca": "primitives",
    # protocols: formats and verifiers built on primitives, no storage
    "pqpay.checkpoint": "protocols",
    "pqpay.keyset": "protocols",
    "pqpay.anchor": "protocols",
    "pqpay.acvp": "protocols",
    "pqpay.conformance": "protocols",
    "pqpay.conformance.*": "protocols",
    "pqpay.replay": "protocols",
    "pqpay.request_signing": "protocols",
    "pqpay.payments.message": "protocols",
    "pqpay.payments.cose": "protocols",
    "pqpay.payments.jws": "protocols",
    "pqpay.payments.envelope": "protocols",
    "pqpay.payments.receipt": "protocols",
    "pqpay.ledger.verify": "protocols",
    "pqpay.webhooks": "protocols",
    "pqpay.webhooks.*": "protocols",
    # services: state (ledger storage, key stores) and what needs it
    "pqpay.ledger": "services",
    "pqpay.ledger.storage": "services",
    "pqpay.ledger.sqlite": "services",
    "pqpay.ledger.postgres": "services",
    "pqpay.ledger.log": "services",
    "pqpay.ledger.audit": "services",
    "pqpay.hsm": "services",
    "pqpay.hsm.*": "services",
    "pqpay.payments": "services",
    "pqpay.payments.issue": "services",
    # cli: argparse wiring, commands, the demo
    "pqpay.cli": "cli",
    "pqpay.cli.*": "cli",
    "pqpay.__main__": "cli",
}

OPTIONAL_LAZY = frozenset({"psycopg", "pkcs11", "numpy", "matplotlib", "oqs", "cryptography"})
NATIVE = "pqpay._native"
NATIVE_LAYERS = frozenset({"primitives"})
VERIFIERS = frozenset(
    {"pqpay.checkpoint", "pqpay.anchor", "pqpay.ledger.verify", "pqpay.payments.receipt"}
)
DATABASE_DRIVERS = frozenset({"sqlite3", "psycopg", "psycopg2"})
SIDE_EFFECTS_ALLOWED = ("pqpay.cli", "pqpay.cli.*", "pqpay.__main__", "pqpay.hsm.testing")


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module | None  # None for a stub-only module (the native extension)


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # the module named: a package module, or a third-party top-level name
    names: tuple[str, ...]  # what ``from target import ...`` takes that is not a module
    lazy: bool  # inside a function
    internal: bool  # target is a module of the package


def discover(source: Path, package: str = PACKAGE) -> dict[str, Module]:
    """Every module under ``source`` by dotted name (``.py``, and ``.pyi`` with no ``.py``)."""
    modules: dict[str, Module] = {}
    for path in sorted(source.rglob("*.py*")):
        if path.suffix not in (".py", ".pyi") or "__pycache__" in path.parts:
            continue
        if path.suffix == ".pyi" and path.with_suffix(".py").exists():
            continue
        parts = [package, *path.relative_to(source).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        tree = ast.parse(path.read_text(), str(path)) if path.suffix == ".py" else None
        modules[name] = Module(name, path, is_package, tree)
    return modules


def layer_of(name: str, layers: Mapping[str, str] = LAYERS) -> str | None:
    """The layer of ``name``: its own entry, else the nearest ``package.*`` entry."""
    if name in layers:
        return layers[name]
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        layer = layers.get(".".join(parts[:cut]) + ".*")
        if layer is not None:
            return layer
    return None


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(name == p or (p.endswith(".*") and name.startswith(p[:-1])) for p in patterns)


def _function_nodes(tree: ast.AST) -> set[int]:
    """ids of every node that sits inside a function body."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for child in ast.walk(node):
                if child is not node:
                    inside.add(id(child))
    return inside


def _absolute(module: Module, level: int, name: str | None) -> str:
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(module: Module, known: Iterable[str], package: str = PACKAGE) -> list[Import]:
    """Every import in ``module``, resolved to the module it names."""
    if module.tree is None:
        return []
    known = set(known)
    lazy_ids = _function_nodes(module.tree)
    out: list[Import] = []

    def add(line: int, target: str, names: tuple[str, ...], node: ast.AST) -> None:
        internal = target == package or target.startswith(package + ".")
        if not internal:
            target = target.split(".")[0]
        out.append(Import(line, target, names, id(node) in lazy_ids, internal))

    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(node.lineno, alias.name, (), node)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.level, node.module) if node.level else node.module or ""
            if base == "__future__":
                continue
            plain: list[str] = []
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in known:
                    add(node.lineno, sub, (), node)
                else:
                    plain.append(alias.name)
            if plain or base not in known:
                add(node.lineno, base, tuple(plain), node)
        elif (
            isinstance(node, ast.Call)
            and _call_name(node.func) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            add(node.lineno, node.args[0].value, (), node)
    return sorted(out, key=lambda i: (i.line, i.target))


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def by_place(violation: str) -> tuple[str, int, str]:
    """Sort key: module name, then first line number, then text."""
    match = re.match(r"(\S+) \(lines? (\d+)", violation)
    return (match[1], int(match[2]), violation) if match else (violation, 0, violation)


def _where(module: Module, line: int) -> str:
    return f"{module.name} (line {line})"


def _edges(modules: Mapping[str, Module]) -> Iterator[tuple[Module, Import]]:
    for module in modules.values():
        for imp in imports_of(module, modules):
            if imp.internal and imp.target != module.name and imp.target in modules:
                yield module, imp


# --- the rules: each returns every violation it finds, one line each -----------------------


def check_assigned(modules: Mapping[str, Module], layers: Mapping[str, str] = LAYERS) -> list[str]:
    return [
        f"{name}: no layer; add it to LAYERS in tests/test_architecture.py"
        for name in modules
        if layer_of(name, layers) is None
    ]


def check_layers(modules: Mapping[str, Module], layers: Mapping[str, str] = LAYERS) -> list[str]:
    out = []
    for module, imp in _edges(modules):
        mine, theirs = layer_of(module.name, layers), layer_of(imp.target, layers)
        if mine and theirs and ORDER.index(theirs) > ORDER.index(mine):
            out.append(
                f"{_where(module, imp.line)}: {mine} imports {imp.target} ({theirs}), "
                "a higher layer"
            )
    return out


def strongly_connected(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the components with more than one module, or a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def check_cycles(modules: Mapping[str, Module]) -> list[str]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    lines: dict[tuple[str, str], int] = {}
    for module, imp in _edges(modules):
        graph[module.name].add(imp.target)
        lines.setdefault((module.name, imp.target), imp.line)
    out = []
    for component in strongly_connected(graph):
        members = set(component)
        edges = sorted(
            f"{a} -> {b} (line {line})"
            for (a, b), line in lines.items()
            if a in members and b in members
        )
        out.append(f"import cycle {{{', '.join(component)}}}: {'; '.join(edges)}")
    return out


def check_lazy_imports(modules: Mapping[str, Module]) -> list[str]:
    out = []
    for module in modules.values():
        for imp in imports_of(module, modules):
            if imp.lazy and (imp.internal or imp.target not in OPTIONAL_LAZY):
                out.append(
                    f"{_where(module, imp.line)}: imports {imp.target} inside a function "
                    f"(allowed only for {', '.join(sorted(OPTIONAL_LAZY))})"
                )
    return out


def check_native(modules: Mapping[str, Module], layers: Mapping[str, str] = LAYERS) -> list[str]:
    return [
        f"{_where(module, imp.line)}: imports {NATIVE} ({layer_of(module.name, layers)}); "
        "only primitives may, everyone else uses their public API"
        for module, imp in _edges(modules)
        if imp.target == NATIVE and layer_of(module.name, layers) not in NATIVE_LAYERS
    ]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_aliases(module: Module, known: Mapping[str, Module]) -> dict[str, str]:
    """Local names bound to package modules by imports (``from pqpay import kem`` -> kem)."""
    aliases: dict[str, str] = {}
    assert module.tree is not None
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            base = _absolute(module, node.level, node.module) if node.level else node.module or ""
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in known:
                    aliases[alias.asname] = alias.name
    return aliases


def check_private_names(modules: Mapping[str, Module]) -> list[str]:
    out = []
    for module, imp in _edges(modules):
        for name in imp.names:
            if _private(name):
                out.append(f"{_where(module, imp.line)}: imports {name} from {imp.target}")
        parts = imp.target.split(".")
        for depth, part in enumerate(parts[1:], start=1):
            owner = ".".join(parts[:depth])
            inside = module.name == owner or module.name.startswith(owner + ".")
            if _private(part) and not inside:
                out.append(
                    f"{_where(module, imp.line)}: imports {imp.target}, "
                    f"a private module of {owner}, from outside it"
                )
                break
    for module in modules.values():
        if module.tree is None:
            continue
        aliases = _module_aliases(module, modules)
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and aliases[node.value.id] != module.name
                and _private(node.attr)
            ):
                out.append(
                    f"{_where(module, node.lineno)}: uses {aliases[node.value.id]}.{node.attr}"
                )
    return out


def check_verifiers(
    modules: Mapping[str, Module],
    layers: Mapping[str, str] = LAYERS,
    verifiers: Iterable[str] = VERIFIERS,
) -> list[str]:
    verifiers = set(verifiers)
    out = []
    for name in sorted(verifiers & modules.keys()):
        module = modules[name]
        for imp in imports_of(module, modules):
            if imp.internal and layer_of(imp.target, layers) == "services":
                out.append(f"{_where(module, imp.line)}: verifier imports {imp.target} (services)")
            elif not imp.internal and imp.target in DATABASE_DRIVERS:
                out.append(f"{_where(module, imp.line)}: verifier imports {imp.target} (storage)")
    return out


_PROCESS_MODULES = frozenset({"subprocess", "multiprocessing", "timeit"})
_OS_PROCESS = ("system", "popen", "fork", "spawn", "exec", "posix_spawn")
_CLOCKS = frozenset(
    {"perf_counter", "perf_counter_ns", "process_time", "process_time_ns", "thread_time"}
)


def _side_effects(module: Module) -> Iterator[tuple[int, str]]:
    assert module.tree is not None
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ):
            yield node.lineno, "calls print()"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in _PROCESS_MODULES:
                    yield node.lineno, f"imports {alias.name}"
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] in _PROCESS_MODULES:
                yield node.lineno, f"imports {node.module}"
            for alias in node.names:
                if (
                    (node.module == "time" and alias.name in _CLOCKS)
                    or (node.module == "os" and alias.name.startswith(_OS_PROCESS))
                    or (node.module == "sys" and alias.name in ("stdout", "stderr"))
                ):
                    yield node.lineno, f"imports {node.module}.{alias.name}"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner, attr = node.value.id, node.attr
            if (
                (owner == "time" and attr in _CLOCKS)
                or (owner == "os" and attr.startswith(_OS_PROCESS))
                or (owner == "sys" and attr in ("stdout", "stderr"))
            ):
                yield node.lineno, f"uses {owner}.{attr}"


def check_side_effects(
    modules: Mapping[str, Module], allowed: Iterable[str] = SIDE_EFFECTS_ALLOWED
) -> list[str]:
    allowed = tuple(allowed)
    out = []
    for module in modules.values():
        if module.tree is None or _matches(module.name, allowed):
            continue
        lines: dict[str, list[int]] = {}
        for line, what in _side_effects(module):
            lines.setdefault(what, []).append(line)
        for what, found in lines.items():
            where = ", ".join(map(str, sorted(found)))
            out.append(
                f"{module.name} (line{'s' if len(found) > 1 else ''} {where}): {what} "
                "(only cli.* and hsm.testing print, time or spawn)"
            )
    return out


RULES: Mapping[str, Callable[[Mapping[str, Module]], list[str]]] = {
    "every module has a layer": check_assigned,
    "imports go down the layers": check_layers,
    "no import cycles": check_cycles,
    "no import inside a function": check_lazy_imports,
    "only primitives import _native": check_native,
    "no other module's underscore names": check_private_names,
    "verification imports no storage": check_verifiers,
    "only cli prints, times or spawns": check_side_effects,
}


# --- the contract on the real tree ------------------------------------------------------------


@pytest.fixture(scope="module")
def pqpay_modules() -> dict[str, Module]:
    modules = discover(SOURCE)
    assert PACKAGE in modules and NATIVE in modules, f"no package found at {SOURCE}"
    return modules


@pytest.mark.parametrize("rule", list(RULES))
def test_layer_contract(rule: str, pqpay_modules: dict[str, Module]) -> None:
    violations = sorted(RULES[rule](pqpay_modules), key=by_place)
    assert not violations, f"{rule}: {len(violations)} violation(s)\n" + "\n".join(violations)


# --- the checker itself, on tiny packages with one violation each -----------------------------


def write_package(root: Path, files: Mapping[str, str]) -> dict[str, Module]:
    """Writes ``{"kem.py": source, ...}`` under ``root/pqpay`` (with a root ``__init__``)."""
    package = root / PACKAGE
    for rel, text in {"__init__.py": "", "_native.pyi": "", **files}.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return discover(package)


def all_violations(modules: Mapping[str, Module]) -> list[str]:
    return [v for rule in RULES.values() for v in rule(modules)]


def test_checker_accepts_a_clean_package(tmp_path: Path) -> None:
    modules = write_package(
        tmp_path,
        {
            "__init__.py": "from pqpay import _native\n__version__ = _native.__version__\n",
            "exceptions.py": "class PqpayError(Exception):\n    pass\n",
            "_cbor.py": "from pqpay.exceptions import PqpayError\n",
            "kem.py": (
                "from __future__ import annotations\n"
                "from typing import TYPE_CHECKING\n"
                "from pqpay import _cbor, _native\n"
                "from pqpay.exceptions import PqpayError\n"
                "if TYPE_CHECKING:\n    from pqpay import exceptions\n"
                "def f() -> None:\n    import numpy\n"
            ),
            "webhooks/__init__.py": "from pqpay.webhooks.stripe import verify_stripe\n",
            "webhooks/_common.py": "import hmac\nimport time\nNOW = time.time()\n",
            "webhooks/stripe.py": (
                "from pqpay.webhooks import _common\nfrom . import _common as common\n"
                "from .._cbor import head\n"
                "def verify_stripe() -> float:\n    return _common.NOW + common.NOW\n"
            ),
            "ledger/__init__.py": "from pqpay.ledger.sqlite import SQLiteStorage\n",
            "ledger/sqlite.py": (
                "import sqlite3\nfrom pqpay import kem\n"
                "def connect() -> None:\n    import psycopg\n"
            ),
            "ledger/verify.py": "from pqpay import checkpoint, kem\n",
            "checkpoint.py": "from pqpay import kem\n",
            "hsm/testing.py": "import subprocess\nprint('token ready')\n",
            "cli/__init__.py": (
                "import subprocess, time\nfrom pqpay import ledger, webhooks\n"
                "t = time.perf_counter()\nprint(ledger, webhooks)\n"
            ),
        },
    )
    assert all_violations(modules) == []


LAZY_ONLY = "(allowed only for cryptography, matplotlib, numpy, oqs, pkcs11, psycopg)"
NATIVE_ONLY = "only primitives may, everyone else uses their public API"
CLI_ONLY = "(only cli.* and hsm.testing print, time or spawn)"

# Each case: a tiny package and every violation that all the rules together report for it.
VIOLATIONS = [
    pytest.param(
        {"mystery.py": ""},
        ["pqpay.mystery: no layer; add it to LAYERS in tests/test_architecture.py"],
        id="unassigned module",
    ),
    pytest.param(
        {
            "kem.py": "def public_bytes() -> None:\n    from pqpay import serialization\n",
            "serialization.py": "from pqpay import kem\n",
        },
        [
            "import cycle {pqpay.kem, pqpay.serialization}: "
            "pqpay.kem -> pqpay.serialization (line 2); pqpay.serialization -> pqpay.kem (line 1)",
            f"pqpay.kem (line 2): imports pqpay.serialization inside a function {LAZY_ONLY}",
        ],
        id="cycle through a lazy pqpay import",
    ),
    pytest.param(
        {
            "payments/__init__.py": "from pqpay.payments.receipt import Receipt\n",
            "payments/receipt.py": (
                "from pqpay.payments import sign\ndef f() -> None:\n    import json\n"
            ),
        },
        [
            "import cycle {pqpay.payments, pqpay.payments.receipt}: "
            "pqpay.payments -> pqpay.payments.receipt (line 1); "
            "pqpay.payments.receipt -> pqpay.payments (line 1)",
            f"pqpay.payments.receipt (line 3): imports json inside a function {LAZY_ONLY}",
            "pqpay.payments.receipt (line 1): protocols imports pqpay.payments (services), "
            "a higher layer",
            "pqpay.payments.receipt (line 1): verifier imports pqpay.payments (services)",
        ],
        id="package cycle, lazy stdlib import, verifier importing its facade",
    ),
    pytest.param(
        {
            "signatures.py": "",
            "checkpoint.py": "from pqpay.ledger.sqlite import SQLiteStorage\n",
            "ledger/__init__.py": "",
            "ledger/sqlite.py": "from pqpay import signatures\n",
            "merkle.py": "from .checkpoint import Checkpoint\n",
        },
        [
            "pqpay.checkpoint (line 1): protocols imports pqpay.ledger.sqlite (services), "
            "a higher layer",
            "pqpay.checkpoint (line 1): verifier imports pqpay.ledger.sqlite (services)",
            "pqpay.merkle (line 1): primitives imports pqpay.checkpoint (protocols), "
            "a higher layer",
        ],
        id="upward imports",
    ),
    pytest.param(
        {"anchor.py": "import sqlite3\n"},
        ["pqpay.anchor (line 1): verifier imports sqlite3 (storage)"],
        id="database driver in a verifier",
    ),
    pytest.param(
        {
            "hsm/__init__.py": "",
            "hsm/handles.py": "from pqpay import _native\n",
            "webhooks/__init__.py": "import pqpay._native as n\n",
        },
        [
            f"pqpay.hsm.handles (line 1): imports pqpay._native (services); {NATIVE_ONLY}",
            f"pqpay.webhooks (line 1): imports pqpay._native (protocols); {NATIVE_ONLY}",
        ],
        id="_native from a service and a protocol",
    ),
    pytest.param(
        {
            "serialization.py": "_SIG_PRIVATE = {}\n",
            "jose.py": "from pqpay.serialization import _SIG_PRIVATE, load_pem\n",
            "webhooks/__init__.py": "",
            "webhooks/_common.py": "",
            "cli/__init__.py": (
                "from pqpay.webhooks import _common\nfrom pqpay import serialization as s\n"
                "s._SIG_PRIVATE.clear()\n"
            ),
        },
        [
            "pqpay.cli (line 1): imports pqpay.webhooks._common, "
            "a private module of pqpay.webhooks, from outside it",
            "pqpay.cli (line 3): uses pqpay.serialization._SIG_PRIVATE",
            "pqpay.jose (line 1): imports _SIG_PRIVATE from pqpay.serialization",
        ],
        id="private names and another package's private module",
    ),
    pytest.param(
        {
            "hsm/__init__.py": "",
            "hsm/pkcs11.py": "import subprocess\nprint('x')\nprint('y')\n",
            "kem.py": "import time\nimport sys\nt = time.perf_counter()\nsys.stderr.write('')\n",
            "ledger/__init__.py": "from os import system\nfrom time import perf_counter_ns\n",
        },
        [
            f"pqpay.hsm.pkcs11 (line 1): imports subprocess {CLI_ONLY}",
            f"pqpay.hsm.pkcs11 (lines 2, 3): calls print() {CLI_ONLY}",
            f"pqpay.kem (line 3): uses time.perf_counter {CLI_ONLY}",
            f"pqpay.kem (line 4): uses sys.stderr {CLI_ONLY}",
            f"pqpay.ledger (line 1): imports os.system {CLI_ONLY}",
            f"pqpay.ledger (line 2): imports time.perf_counter_ns {CLI_ONLY}",
        ],
        id="print, clocks and processes outside cli",
    ),
]


@pytest.mark.parametrize(("files", "expected"), VIOLATIONS)
def test_checker_finds(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    found = all_violations(write_package(tmp_path, files))
    assert sorted(found, key=by_place) == sorted(expected, key=by_place)
