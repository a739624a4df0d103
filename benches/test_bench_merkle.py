"""pytest-benchmark: pqpay.merkle against a plain hashlib loop and pymerkle, in the same run.

Groups:

* ``Merkle root, 100,000 leaf hashes`` and ``..., 1,000,000 leaf hashes``: pqpay from one
  ``bytes`` buffer, from a list of 32-byte hashes and (if installed) a NumPy (n, 32) array,
  against a plain Python hashlib loop over the same list of leaf hashes;
* ``Merkle build from 100,000 entries``: leaf hashing plus root. pymerkle only takes entries
  (it hashes them itself), so it is compared here, with pqpay's ``leaf_hashes`` + ``root``;
  pymerkle is not run at 1,000,000 (about 10 s a round);
* ``Merkle inclusion verify, 100,000 leaves`` (pymerkle, the hashlib loop of RFC 9162
  §2.1.3.2, pqpay) and ``..., 1,000,000 leaves`` (20-hash proofs);
* ``test_rayon_scaling`` times the 1,000,000-leaf root in two fresh processes, one with
  ``RAYON_NUM_THREADS=1``, and prints both (the thread count cannot change in-process).

At the end of the module the ratio of each implementation's median to pqpay's (from bytes) is
printed per group. Run: ``pytest benches/test_bench_merkle.py --benchmark-only
--benchmark-group-by=group``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pqpay import merkle

try:
    import numpy as np
except ImportError:  # numpy is optional
    np = None

try:
    import pymerkle
except ImportError:  # a dev-extra peer; its cases skip without it
    pymerkle = None

SIZES = {100_000: "100,000", 1_000_000: "1,000,000"}
MEDIANS: dict[str, dict[str, float]] = {}


def _leaves(n: int) -> bytes:
    return merkle.leaf_hashes([b"entry %d" % i for i in range(n)])


_BUFFERS: dict[int, bytes] = {}


def buffer(n: int) -> bytes:
    if n not in _BUFFERS:
        _BUFFERS[n] = _leaves(n)
    return _BUFFERS[n]


def as_list(buf: bytes) -> list[bytes]:
    return [buf[i : i + 32] for i in range(0, len(buf), 32)]


def hashlib_root(level: list[bytes]) -> bytes:
    """RFC 9162 MTH in plain Python: pair each level, an odd last node moves up."""
    if not level:
        return hashlib.sha256(b"").digest()
    sha256 = hashlib.sha256
    while len(level) > 1:
        nxt = [
            sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def hashlib_verify_inclusion(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2 in plain Python."""
    if index >= size:
        raise ValueError("index")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ValueError("proof")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise ValueError("proof")


def record(benchmark: Any, group: str, name: str, fn: Callable[[], object], slow: bool) -> object:
    benchmark.group = group
    benchmark.name = name
    if slow:
        result = benchmark.pedantic(fn, rounds=3, iterations=1, warmup_rounds=0)
    else:
        result = benchmark(fn)
    if benchmark.stats is not None:
        MEDIANS.setdefault(group, {})[name] = benchmark.stats.stats.median
    return result


@pytest.fixture(scope="module", autouse=True)
def ratio_table(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or not MEDIANS:
        return
    lines = []
    for group, rows in MEDIANS.items():
        base = rows.get("pqpay (bytes)") or rows.get("pqpay") or min(rows.values())
        lines.append(group)
        for name, median in sorted(rows.items(), key=lambda kv: kv[1]):
            value, unit = (median * 1e3, "ms") if median >= 1e-3 else (median * 1e6, "us")
            lines.append(f"  {name:<34} {value:>10.2f} {unit}  x{median / base:.2f}")
    # Module teardown runs with output captured; the table must reach the terminal.
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_sep("=", "pqpay.merkle: median and ratio to pqpay per group")
        for line in lines:
            reporter.write_line(line)


# --- roots ---------------------------------------------------------------------------------


def _root_cases() -> list[Any]:
    cases = []
    for n, label in SIZES.items():
        group = f"Merkle root, {label} leaf hashes"
        for impl in ("pqpay (bytes)", "pqpay (list)", "pqpay (numpy)", "hashlib loop"):
            cases.append(pytest.param(n, group, impl, id=f"root-{n}-{impl.split()[-1][1:-1]}"))
    return cases


@pytest.mark.parametrize(("n", "group", "impl"), _root_cases())
def test_root(benchmark: Any, n: int, group: str, impl: str) -> None:
    buf = buffer(n)
    want = merkle.root(buf)
    if impl == "pqpay (bytes)":
        fn: Callable[[], bytes] = lambda: merkle.root(buf)  # noqa: E731
    elif impl == "pqpay (list)":
        lst = as_list(buf)
        fn = lambda: merkle.root(lst)  # noqa: E731
    elif impl == "pqpay (numpy)":
        if np is None:
            pytest.skip("numpy is not installed")
        arr = np.frombuffer(buf, dtype=np.uint8).reshape(n, 32)
        fn = lambda: merkle.root(arr)  # noqa: E731
    else:
        lst = as_list(buf)
        fn = lambda: hashlib_root(lst)  # noqa: E731
    assert record(benchmark, group, impl, fn, slow=impl == "hashlib loop") == want


@pytest.mark.parametrize("impl", ["pqpay", "pymerkle"])
def test_build_from_entries(benchmark: Any, impl: str) -> None:
    entries = [b"entry %d" % i for i in range(100_000)]
    want = merkle.root(buffer(100_000))
    group = "Merkle build from 100,000 entries"
    if impl == "pqpay":
        fn: Callable[[], bytes] = lambda: merkle.root(merkle.leaf_hashes(entries))  # noqa: E731
        slow = False
    else:
        if pymerkle is None:
            pytest.skip("pymerkle is not installed")

        def fn() -> bytes:
            tree = pymerkle.InmemoryTree(algorithm="sha256")
            for e in entries:
                tree.append_entry(e)
            root: bytes = tree.get_root()
            return root

        slow = True
    assert record(benchmark, group, impl, fn, slow=slow) == want


# --- inclusion verification -------------------------------------------------------------------


def _verify_cases() -> list[Any]:
    cases = []
    for n, label in SIZES.items():
        group = f"Merkle inclusion verify, {label} leaves"
        impls = ["pqpay", "hashlib loop"] + (["pymerkle"] if n == 100_000 else [])
        cases += [pytest.param(n, group, impl, id=f"verify-{n}-{impl}") for impl in impls]
    return cases


@pytest.mark.parametrize(("n", "group", "impl"), _verify_cases())
def test_verify_inclusion(benchmark: Any, n: int, group: str, impl: str) -> None:
    buf = buffer(n)
    index = n * 2 // 3
    leaf = buf[index * 32 : index * 32 + 32]
    root = merkle.root(buf)
    proof = merkle.inclusion_proof(buf, index)
    if impl == "pqpay":
        fn: Callable[[], None] = lambda: merkle.verify_inclusion(leaf, index, n, proof, root)  # noqa: E731
    elif impl == "hashlib loop":
        fn = lambda: hashlib_verify_inclusion(leaf, index, n, proof, root)  # noqa: E731
    else:
        if pymerkle is None:
            pytest.skip("pymerkle is not installed")
        tree = pymerkle.InmemoryTree(algorithm="sha256")
        for i in range(n):
            tree.append_entry(b"entry %d" % i)
        assert tree.get_root() == root
        p_proof = tree.prove_inclusion(index + 1)  # pymerkle counts leaves from one
        p_leaf = tree.get_leaf(index + 1)
        assert p_leaf == leaf
        fn = lambda: pymerkle.verify_inclusion(p_leaf, root, p_proof)  # noqa: E731
    record(benchmark, group, impl, fn, slow=False)


# --- the second core -------------------------------------------------------------------------

_SCALING = """
import os, time
from pqpay import merkle
buf = os.urandom(32 * 1_000_000)
best = min((lambda t: (merkle.root(buf), time.perf_counter() - t)[1])(time.perf_counter())
           for _ in range(7))
print(best)
"""


def _root_seconds(threads: str) -> float:
    env = dict(os.environ)
    env.pop("RAYON_NUM_THREADS", None)
    if threads:
        env["RAYON_NUM_THREADS"] = threads
    out = subprocess.run(
        [sys.executable, "-c", _SCALING], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def test_rayon_scaling(benchmark: Any) -> None:
    """Root of 1,000,000 leaf hashes, best of 7 inside a fresh process, with one rayon thread
    and with rayon's default (one per core). pytest-benchmark times the pair of processes; the
    two inner figures go to ``extra_info`` and the ratio table."""
    times: dict[str, float] = {}

    def both() -> None:
        times["1 thread"] = _root_seconds("1")
        times[f"{os.cpu_count()} threads (default)"] = _root_seconds("")

    benchmark.group = "Merkle root 1,000,000: two processes, 1 and default rayon threads"
    benchmark.name = "pqpay (both processes)"
    benchmark.pedantic(both, rounds=1, iterations=1)
    benchmark.extra_info["root_1M_best_seconds"] = times
    group = "Merkle root 1,000,000 by rayon threads (best of 7 in-process)"
    for name, seconds in times.items():
        MEDIANS.setdefault(group, {})[name] = seconds
