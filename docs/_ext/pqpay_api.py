"""The API reference's own Sphinx extension: where each public name is documented, docstring
cross-references read in their module's scope, and a check that every public name is there.

``.. pqpay-module:: pqpay.hsm`` renders the module's docstring and the names of its ``__all__``
it *owns*, with autodoc. A class or function is owned by the shallowest public module that
exports it and is its defining module or a package above it (``pqpay.hsm.KeyStore``, not
``pqpay.hsm.keystore.KeyStore``; ``pqpay.exceptions.WebhookError``, not
``pqpay.webhooks.WebhookError``); a constant by the public module that assigns it (its ``#:``
comment is there). Another public module exporting the name gets a one-line "re-export of"
entry, so every ``module.name`` is in the inventory, except a submodule's names that its own
package re-exports: those are on the package's entry. Members inherited from private bases
(``_Context.export``) are shown on the public class; private bases are replaced by their public
ones in "Bases:".

Docstrings name things as their module sees them (``:exc:`SealedKeyError``` in a module that
imports it): each role target is resolved in the scope of the module that wrote the docstring
and rewritten to the full path, and full paths through private modules or re-exports resolve to
the documented entry. Private names, type variables and the standard library (no network for
intersphinx) render as unlinked code; any other unresolved target stays a nitpicky warning.

The check (at ``env-check-consistency``, so ``-W`` fails the build) warns for every name in the
``__all__`` of a public module, and every name pinned in ``tests/test_public_api.py``, that the
reference does not document. ``pqpay.cli``'s command modules are the CLI page's (``pqpay-cli``).
"""

from __future__ import annotations

import ast
import builtins
import enum
import importlib
import inspect
import pkgutil
import re
import sys
import types
import typing
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

logger = logging.getLogger(__name__)

PUBLIC_API_TEST = Path(__file__).resolve().parents[2] / "tests" / "test_public_api.py"


# --- which module documents which name ------------------------------------------------------


def is_private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


@cache
def public_modules() -> dict[str, types.ModuleType]:
    """Every public module of pqpay, by name (the CLI's command modules excluded)."""
    import pqpay

    found: dict[str, types.ModuleType] = {"pqpay": pqpay}
    for info in pkgutil.walk_packages(pqpay.__path__, "pqpay."):
        skip = info.name.startswith("pqpay.cli.") or info.name.endswith(".__main__")
        if not is_private(info.name) and not skip:
            found[info.name] = importlib.import_module(info.name)
    return found


def exported(module: types.ModuleType) -> list[str]:
    return list(getattr(module, "__all__", ()))


def is_value(obj: object) -> bool:
    """Constants are matched by name and value: identity says little for them."""
    return not (inspect.isclass(obj) or inspect.isroutine(obj) or inspect.ismodule(obj))


@cache
def assigned_names(module_name: str) -> frozenset[str]:
    """The names a module's source assigns at top level (where a constant's comment is)."""
    source = inspect.getsource(public_modules()[module_name])
    names: set[str] = set()
    for stmt in ast.parse(source).body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def exporters(name: str, obj: object) -> list[str]:
    """The public modules that export this object (a constant: under this name)."""
    found = []
    for module_name, module in public_modules().items():
        if is_value(obj):
            if name in exported(module) and getattr(module, name) is obj:
                found.append(module_name)
        elif any(getattr(module, n) is obj for n in exported(module)):
            found.append(module_name)
    return found


def owner_of(name: str, obj: object) -> str:
    candidates = exporters(name, obj)
    if is_value(obj):
        defining = [c for c in candidates if name in assigned_names(c)]
        return min(defining or candidates, key=lambda c: (c.count("."), c))
    home = getattr(obj, "__module__", "") or ""
    above = [c for c in candidates if home == c or home.startswith(c + ".")]
    return min(above or candidates, key=lambda c: (c.count("."), c))


def name_in(module_name: str, obj: object, fallback: str) -> str:
    module = public_modules()[module_name]
    if is_value(obj):
        return fallback
    return next(n for n in exported(module) if getattr(module, n) is obj)


def kind_of(obj: object) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if inspect.isroutine(obj):
        return "function"
    return "data"


ROLE_OF_KIND = {"exception": "exc", "class": "class", "function": "func", "data": "data"}


def is_private_class(cls: type) -> bool:
    """A class of pqpay's that is not public (``pqpay._keys.NativeKey``, ``hpke._Context``)."""
    return cls.__module__.startswith("pqpay") and is_private(f"{cls.__module__}.{cls.__qualname__}")


def public_bases(cls: type) -> list[type]:
    """The bases to show: a private pqpay base is replaced by its own public bases."""
    shown: list[type] = []
    for base in cls.__bases__:
        for found in public_bases(base) if is_private_class(base) else [base]:
            if found not in shown and found not in (object, typing.Generic):
                shown.append(found)
    return shown


def autodoc_lines(module_name: str, member: str, obj: object) -> list[str]:
    kind = kind_of(obj)
    directive = {"exception": "autoexception", "class": "autoclass"}.get(
        kind, "autofunction" if kind == "function" else "autodata"
    )
    lines = ["", f".. {directive}:: {module_name}.{member}"]
    if kind == "data" and len(repr(obj)) > 100:
        lines.append("   :no-value:")  # a table of classes, shown by its comment instead
    if inspect.isclass(obj):
        lines += ["   :members:", "   :undoc-members:"]
        mro = obj.__mro__[1:]
        if any(is_private_class(c) for c in mro):
            # Inherit from the private bases only: the public ones have their own entries.
            stop = {c.__name__ for c in mro if not is_private_class(c)}
            lines.append(f"   :inherited-members: {', '.join(sorted(stop | {'object'}))}")
    return lines


class PqpayModule(SphinxDirective):
    """``.. pqpay-module:: NAME``: the module's docstring and the names it owns."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        module = public_modules()[name]
        parent_name = name.rsplit(".", 1)[0]
        parent = public_modules().get(parent_name) if "." in name else None
        title = f"``{name}``"
        lines = [title, "-" * len(title), "", f".. automodule:: {name}"]
        for member in exported(module):
            obj = getattr(module, member)
            owner = owner_of(member, obj)
            if owner == name:
                lines += autodoc_lines(name, member, obj)
                continue
            if (
                parent is not None
                and parent_name != "pqpay"
                and (
                    owner == parent_name or any(getattr(parent, n) is obj for n in exported(parent))
                )
            ):
                continue  # on the package's entry (in full, or as its re-export)
            target = f"{owner}.{name_in(owner, obj, member)}"
            aliases(self.env).setdefault(self.env.docname, set()).add(f"{name}.{member}")
            lines += [
                "",
                f".. py:{kind_of(obj)}:: {member}",
                f"   :module: {name}",
                "",
                f"   Re-export of :{ROLE_OF_KIND[kind_of(obj)]}:`{target}`.",
            ]
        for loaded in list(sys.modules.values()):  # docstrings come from the whole package
            path = getattr(loaded, "__file__", None) or ""
            if getattr(loaded, "__name__", "").startswith("pqpay") and path.endswith(".py"):
                self.env.note_dependency(path)
        container = nodes.section()
        nested_parse_with_titles(self.state, StringList(lines, source=name), container)
        return container.children


def aliases(env: BuildEnvironment) -> dict[str, set[str]]:
    """By page: the names documented as one-line re-exports (never a resolution's target)."""
    if not hasattr(env, "pqpay_aliases"):
        env.pqpay_aliases = {}  # type: ignore[attr-defined]
    return env.pqpay_aliases  # type: ignore[attr-defined,no-any-return]


def purge_aliases(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    aliases(env).pop(docname, None)


def is_alias(env: BuildEnvironment, refname: str) -> bool:
    return any(refname in names for names in aliases(env).values())


# --- cross-references -----------------------------------------------------------------------


def resolve_object(dotted: str) -> tuple[bool, object]:
    """``(found, object)`` for a dotted name: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False, None
            obj = getattr(obj, attr)
        return True, obj
    return False, None


def dotted_path(obj: object, fallback: str) -> str:
    if inspect.ismodule(obj):
        return obj.__name__
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if module and qualname and not is_value(obj):
        return f"{module}.{qualname}"
    return fallback


def docstring_owner(node: nodes.Node) -> str | None:
    """The object whose docstring a node came from: autodoc's ``...:docstring of NAME``."""
    current: nodes.Node | None = node
    while current is not None and not current.source:
        current = current.parent
    match = re.search(r"docstring of ([\w.]+)$", (current.source or "") if current else "")
    return match.group(1) if match else None


def scoped_target(written_in: str, target: str) -> str | None:
    """The full path of a short target as the docstring of ``written_in`` sees it: names of
    the class that wrote it (its own or inherited members), then of its module."""
    found, obj = resolve_object(written_in)
    if not found:
        return None
    owner_class: type | None = None
    if inspect.ismodule(obj):
        module: types.ModuleType | None = obj
    else:
        prefix, _, member = written_in.rpartition(".")
        _, parent = resolve_object(prefix)
        if inspect.isclass(obj):
            owner_class = obj
        elif inspect.isclass(parent):
            owner_class = parent
            if not getattr(obj, "__doc__", None):  # inherited: read where it was written
                for cls in owner_class.__mro__:
                    written = cls.__dict__.get(member)
                    if written is not None and getattr(written, "__doc__", None):
                        owner_class = cls
                        break
        home = owner_class.__module__ if owner_class else getattr(obj, "__module__", None)
        module = sys.modules.get(home or "") or (parent if inspect.ismodule(parent) else None)
    head = target.partition(".")[0]
    if owner_class is not None and hasattr(owner_class, head):
        return f"{owner_class.__module__}.{owner_class.__qualname__}.{target}"
    if module is None or not hasattr(module, head):
        return None
    base = dotted_path(getattr(module, head), f"{module.__name__}.{head}")
    return base + target[len(head) :]


def documented_objects(env: BuildEnvironment) -> tuple[dict[int, str], dict[tuple[str, int], str]]:
    """Objects (by id) and constants (by name and id of the value) -> their documented name."""
    domain = env.get_domain("py")
    objects = domain.objects  # type: ignore[attr-defined]
    cached = getattr(env, "_pqpay_documented", None)
    if cached is not None and cached[0] == len(objects):
        return cached[1], cached[2]  # type: ignore[no-any-return]
    by_id: dict[int, str] = {}
    by_value: dict[tuple[str, int], str] = {}
    for refname, entry in objects.items():
        if entry.aliased or not refname.startswith("pqpay.") or is_alias(env, refname):
            continue
        found, obj = resolve_object(refname)
        if not found:
            continue
        if is_value(obj):
            by_value.setdefault((refname.rsplit(".", 1)[-1], id(obj)), refname)
        else:
            by_id.setdefault(id(obj), refname)
    env._pqpay_documented = (len(objects), by_id, by_value)  # type: ignore[attr-defined]
    return by_id, by_value


def documented_name(env: BuildEnvironment, target: str) -> str | None:
    """The documented name of a full pqpay path: the same object, a member of a documented
    class (a dataclass field, a classmethod), or the same constant."""
    by_id, by_value = documented_objects(env)
    objects = env.get_domain("py").objects  # type: ignore[attr-defined]
    found, obj = resolve_object(target)
    if found and not is_value(obj) and id(obj) in by_id:
        return by_id[id(obj)]
    parts = target.split(".")
    for cut in range(len(parts) - 1, 1, -1):
        found, prefix = resolve_object(".".join(parts[:cut]))
        if found and inspect.isclass(prefix):
            for cls in prefix.__mro__:  # an inherited member is on the base's entry
                if id(cls) in by_id:
                    candidate = ".".join([by_id[id(cls)], *parts[cut:]])
                    if candidate in objects:
                        return candidate
            break
    if found and is_value(obj):
        return by_value.get((parts[-1], id(obj)))
    return None


def is_standard(target: str) -> bool:
    head = target.split(".")[0]
    return hasattr(builtins, head) or head in sys.stdlib_module_names or head == "NoneType"


def missing_reference(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Node | None:
    if node.get("refdomain") != "py":
        return None
    target: str = node["reftarget"].lstrip("~").lstrip(".")
    written_in = docstring_owner(node)
    if not target.startswith("pqpay.") and written_in:
        target = scoped_target(written_in, target) or target
    if target.startswith("pqpay."):
        documented = documented_name(env, target)
        if documented is not None:
            domain = env.get_domain("py")
            return domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], documented, node, contnode
            )
        found, obj = resolve_object(target)
        if is_private(target) or (found and isinstance(obj, TypeVar)):
            return contnode
        return None
    if is_standard(target):
        return contnode
    return None


def process_bases(app: Sphinx, name: str, obj: object, options: Any, bases: list[Any]) -> None:
    if inspect.isclass(obj):
        bases[:] = public_bases(obj) or [object]


def process_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """No signature where there is no call to show: an enum's ``(value, names=None, ...)``, a
    key class's or a Protocol's ``(*args, **kwargs)``."""
    if inspect.isclass(obj) and issubclass(obj, enum.Enum):
        return "", None
    bare = (signature or "").replace("~typing.", "")
    if what in ("class", "exception") and bare in (
        "(*args: Any, **kwargs: Any)",
        "(*args, **kwargs)",
    ):
        return "", None  # made by classmethods (generate, from_*_bytes), or a Protocol
    return None


INLINE_FIELD = re.compile(r"^(\s*)(.*\S)\s+(:(?:raises|param|returns|rtype)\b.*)$")


def process_docstring(
    app: Sphinx, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """``Summary. :raises KeyNotFound: no such label.`` (this codebase's one-line style):
    the field goes on its own line, after a blank one, so it renders as a field list. A
    constant without a comment gets no text, rather than its type's docstring (``str(...)``)."""
    if what in ("data", "attribute") and is_value(obj):
        type_doc = inspect.getdoc(type(obj)) or ""
        if type_doc and "\n".join(lines).strip() == type_doc.strip():
            lines[:] = []
            return
    out: list[str] = []
    for line in lines:
        match = INLINE_FIELD.match(line)
        if match and match.group(2).rstrip().endswith((".", ")")):
            indent, text, field = match.groups()
            out += [indent + text, "", indent + field]
        else:
            out.append(line)
    lines[:] = out


# --- coverage -------------------------------------------------------------------------------


def pinned_names() -> dict[str, tuple[str, ...]]:
    """PUBLIC_NAMES of tests/test_public_api.py, read as a literal (no pytest import)."""
    tree = ast.parse(PUBLIC_API_TEST.read_text(encoding="utf-8"))
    for stmt in tree.body:
        target = stmt.target if isinstance(stmt, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id == "PUBLIC_NAMES" and stmt.value:
            value = ast.literal_eval(stmt.value)
            assert isinstance(value, dict)
            return value
    raise RuntimeError(f"{PUBLIC_API_TEST}: no PUBLIC_NAMES")


def public_names() -> Iterator[tuple[str, str]]:
    seen = {(module, name) for module, names in pinned_names().items() for name in names}
    for module_name, module in public_modules().items():
        seen.update((module_name, name) for name in exported(module))
    yield from sorted(seen)


def undocumented(
    documented: set[str],
    by_identity: dict[int, str],
    by_value: dict[tuple[str, int], str] | None = None,
) -> list[str]:
    """The public names the reference lacks: neither ``module.name`` nor the same object (or
    constant of the same name) documented elsewhere, as a submodule's names are on their
    package's entries."""
    missing = []
    for module_name, name in public_names():
        if f"{module_name}.{name}" in documented:
            continue
        obj = getattr(public_modules().get(module_name), name, None)
        if obj is not None:
            if is_value(obj) and (name, id(obj)) in (by_value or {}):
                continue
            if not is_value(obj) and id(obj) in by_identity:
                continue
        missing.append(f"{module_name}.{name}")
    return missing


def check_coverage(app: Sphinx, env: BuildEnvironment) -> None:
    domain = env.get_domain("py")
    documented = set(domain.objects) | set(domain.modules)  # type: ignore[attr-defined]
    for module_name in public_modules():
        if module_name not in domain.modules:  # type: ignore[attr-defined]
            logger.warning(
                "module %s is public but has no page: add .. pqpay-module:: %s to a page in docs/",
                module_name,
                module_name,
                type="pqpay",
                subtype="coverage",
            )
    for name in undocumented(documented, *documented_objects(env)):
        logger.warning(
            "%s is public but not in the API reference: add its module to a page in docs/ "
            "(.. pqpay-module::)",
            name,
            type="pqpay",
            subtype="coverage",
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("pqpay-module", PqpayModule)
    app.connect("autodoc-process-bases", process_bases)
    app.connect("autodoc-process-signature", process_signature)
    app.connect("autodoc-process-docstring", process_docstring)
    app.connect("missing-reference", missing_reference)
    app.connect("env-check-consistency", check_coverage)
    app.connect("env-purge-doc", purge_aliases)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
