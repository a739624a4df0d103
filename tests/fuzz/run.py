"""Runs the Python fuzz targets (atheris, coverage-guided; libFuzzer underneath).

    python -m tests.fuzz.run list
    python -m tests.fuzz.run seeds            # write and check the seed corpora
    python -m tests.fuzz.run fuzz NAME [libFuzzer flags...]
    python -m tests.fuzz.run all SECONDS      # every target for SECONDS each, then a summary

Run from the repository root with ``PYTHONPATH=$PWD/python`` (``make fuzz-python`` does).
Seeds and corpora go to ``target/fuzz-python/`` (git-ignored; seeds are generated from the
repository's own key files and vectors and from inputs the fixture keys sign, never committed).
A crash leaves ``target/fuzz-python/artifacts/<name>/crash-*``: turn it into a regression test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "target" / "fuzz-python"


def _targets():  # type: ignore[no-untyped-def]
    from tests.fuzz import targets

    return targets


def write_seeds() -> int:
    """Writes every target's seeds and runs each once: a seed must not fail its own target."""
    targets = _targets()
    failures = 0
    for name, t in targets.TARGETS.items():
        folder = OUT / "seeds" / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        targets.OUTCOMES.clear()
        seeds = t.seeds()
        for i, seed in enumerate(seeds):
            (folder / f"seed-{i:04d}").write_bytes(seed)
            try:
                t.run(seed)
            except Exception as exc:
                failures += 1
                print(f"{name}: seed {i} fails: {type(exc).__name__}: {exc}", file=sys.stderr)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(targets.OUTCOMES.items()))
        print(f"{name}: {len(seeds)} seeds ({summary})")
    return failures


def fuzz(name: str, flags: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["pqpay"]):
        import pqpay  # noqa: F401  (instrumented here, before the targets import it)
        from tests.fuzz import targets
    t = targets.TARGETS[name]
    corpus = OUT / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts = OUT / "artifacts" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.argv[0],
        f"-max_len={t.max_len}",
        "-timeout=10",
        "-rss_limit_mb=3072",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *flags,
    ]
    if not any(not f.startswith("-") for f in flags):
        argv += [str(corpus), str(OUT / "seeds" / name)]
    atheris.Setup(argv, t.run)
    atheris.Fuzz()


_STAT = re.compile(r"#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)\s+cov: (\d+) ft: (\d+)")


def run_all(seconds: int, names: list[str]) -> int:
    if write_seeds():
        return 1
    rows, bad = [], 0
    env = dict(os.environ)
    for name in names or list(_targets().TARGETS):
        start = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "tests.fuzz.run", "fuzz", name, f"-max_total_time={seconds}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - start
        log = OUT / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(proc.stdout + proc.stderr)
        stats = _STAT.findall(proc.stderr)
        execs, cov, ft = stats[-1] if stats else ("?", "?", "?")
        units = re.search(r"stat::number_of_executed_units: (\d+)", proc.stderr)
        execs = units.group(1) if units else execs
        status = "ok" if proc.returncode == 0 else f"FAILED (rc {proc.returncode}, see {log})"
        bad += proc.returncode != 0
        rows.append((name, execs, cov, ft, f"{wall:.0f}", status))
        print(f"{name}: execs {execs} cov {cov} ft {ft} in {wall:.0f} s: {status}", flush=True)
    print(f"\n{'target':<14}{'execs':>10}{'cov':>7}{'ft':>7}{'s':>6}  status")
    for row in rows:
        print(f"{row[0]:<14}{row[1]:>10}{row[2]:>7}{row[3]:>7}{row[4]:>6}  {row[5]}")
    return 1 if bad else 0


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] == "list":
        for name, t in _targets().TARGETS.items():
            print(f"{name:<14}{t.about.splitlines()[0]}")
        return 0
    if args[0] == "seeds":
        return 1 if write_seeds() else 0
    if args[0] == "fuzz":
        fuzz(args[1], args[2:])
        return 0
    if args[0] == "all":
        return run_all(int(args[1]), args[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
