"""``pqpay acvp PROMPT.json -o RESPONSE.json``: answers a NIST ACVP prompt (ML-KEM, ML-DSA,
SLH-DSA; see :mod:`pqpay.acvp`) with the response JSON.

``PROMPT`` may be ``-`` (stdin) or gzip-compressed; ``-o -`` (the default) writes to stdout.
Exit 0 when every test group was answered, 2 on a malformed prompt, an unreadable file or a
group pqpay does not support (``--skip-unsupported`` leaves such groups out, naming each on
stderr, and exits 0).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

from pqpay import acvp
from pqpay.cli import _common


def _read(path: str) -> bytes:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except EOFError:  # a truncated gzip stream (a corrupt one is an OSError)
            raise acvp.PromptError(f"{path}: truncated gzip data") from None
    return data


def _acvp(args: argparse.Namespace) -> int:
    prompt = acvp.parse_prompt(_read(args.prompt))
    response = acvp.respond(prompt, skip_unsupported=args.skip_unsupported)
    for group in response.unsupported:
        print(f"pqpay acvp: tgId={group.tg_id} left out: {group.reason}", file=sys.stderr)
    _common.write(args.output, (json.dumps(response.document, indent=2) + "\n").encode())
    print(f"pqpay acvp: answered {response.test_count} tests", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    """Adds ``acvp`` to the ``pqpay`` command."""
    cmd = subparsers.add_parser(
        "acvp", help="answer an ACVP prompt (ML-KEM, ML-DSA, SLH-DSA)", description=__doc__
    )
    cmd.add_argument("prompt", help="ACVP prompt JSON (or .json.gz, or - for stdin)")
    cmd.add_argument("-o", "--output", default="-", help="response JSON file (default -: stdout)")
    cmd.add_argument(
        "--skip-unsupported",
        action="store_true",
        help="leave out groups pqpay does not support (named on stderr) instead of failing",
    )
    cmd.set_defaults(func=_acvp)
