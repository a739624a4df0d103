"""One-shot comparison table, in the same run and interleaved: ``pqpay bench``.

``python -m benches.compare [ARGS]`` is ``pqpay bench [ARGS]`` (e.g. ``--quick``, ``--family kem``,
``--json FILE``, ``--plot FILE.png``), kept so that a source checkout has the command it had.
The pytest-benchmark suites beside this file stay the detailed, per-group benchmarks.
"""

from __future__ import annotations

import sys

from pqpay.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
