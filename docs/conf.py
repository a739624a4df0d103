"""Sphinx configuration of the pqpay API reference (``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import pqpay  # noqa: E402  (needs the built extension: make install, or PYTHONPATH=python)

project = "pqpay"
author = "the pqpay authors"
copyright = "the pqpay authors"
release = pqpay.__version__
version = release

extensions = ["sphinx.ext.autodoc", "pqpay_api", "pqpay_cli"]

# Every cross-reference must resolve; names from the standard library stay unlinked (there is
# no network for intersphinx), which pqpay_api's missing-reference handler does.
nitpicky = True
exclude_patterns = ["_build"]

autodoc_default_options = {"member-order": "bysource", "show-inheritance": True}
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autodoc_class_signature = "mixed"
autodoc_inherit_docstrings = True
python_use_unqualified_type_names = True
add_module_names = False
toc_object_entries_show_parents = "hide"

html_theme = "alabaster"
html_title = f"pqpay {release}"
html_theme_options = {"description": "post-quantum cryptography for payment gateways"}
smartquotes = False  # docstrings write options as --debug, not as an en dash
