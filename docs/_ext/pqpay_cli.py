"""``.. pqpay-cli::``: the ``pqpay`` command reference, generated from the argparse parser the
command itself runs, so the page cannot drift from ``--help``.

It renders the exit-code table from the ``EXIT_*`` constants of ``pqpay.cli._common`` (value
and attribute docstring), then one section per command and subcommand with its help text.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

HELP_WIDTH = "100"  # argparse reads $COLUMNS: a fixed width makes the page reproducible


def subcommands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for sub in action.choices.values():
                if id(sub) not in seen:  # aliases map to the same parser
                    seen.add(id(sub))
                    yield sub


def walk(parser: argparse.ArgumentParser, depth: int = 0) -> Iterator[tuple[int, Any]]:
    yield depth, parser
    for sub in subcommands(parser):
        yield from walk(sub, depth + 1)


def exit_code_rows() -> list[tuple[int, str]]:
    from pqpay.cli import _common

    docs = ModuleAnalyzer.for_module("pqpay.cli._common").find_attr_docs()
    rows = []
    for (_, name), lines in docs.items():
        if name.startswith("EXIT_"):
            rows.append((getattr(_common, name), " ".join(line for line in lines if line)))
    return sorted(rows)


class PqpayCli(SphinxDirective):
    has_content = False
    underline = "-~^"

    def run(self) -> list[nodes.Node]:
        from pqpay import cli

        previous = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = HELP_WIDTH
        try:
            lines = self.exit_codes() + self.commands(cli.parser())
        finally:
            if previous is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = previous
        for module in cli.COMMANDS:
            self.env.note_dependency(module.__file__ or "")
        container = nodes.section()
        nested_parse_with_titles(self.state, StringList(lines, source="pqpay-cli"), container)
        return container.children

    def exit_codes(self) -> list[str]:
        lines = [
            "Exit codes",
            self.underline[0] * 10,
            "",
            "The same for every command:",
            "",
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 1 12",
            "",
            "   * - code",
            "     - meaning",
        ]
        for code, meaning in exit_code_rows():
            lines += [f"   * - ``{code}``", f"     - {meaning}"]
        return [*lines, ""]

    def commands(self, top: argparse.ArgumentParser) -> list[str]:
        lines = []
        for depth, parser in walk(top):
            title = f"``{parser.prog}``"
            mark = self.underline[min(depth, len(self.underline) - 1)]
            lines += [title, mark * len(title), "", "::", ""]
            lines += ["   " + line if line else "" for line in parser.format_help().splitlines()]
            lines.append("")
        return lines


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("pqpay-cli", PqpayCli)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
