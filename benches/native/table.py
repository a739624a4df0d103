"""Prints criterion medians (µs) of benches/rust/engines.rs beside liboqs_peer's figures.

Usage: python benches/native/table.py LIBOQS_OUTPUT [LIBOQS_OUTPUT ...] (each a liboqs_peer run;
their medians are taken per op). Not part of the product or CI.
"""

import json
import statistics
import sys
from pathlib import Path

root = Path("target/criterion")
rows: dict[str, dict[str, float]] = {}
for est in sorted(root.glob("*/*/new/estimates.json")):
    group, engine = est.parts[-4], est.parts[-3]
    median_ns = json.loads(est.read_text())["median"]["point_estimate"]
    rows.setdefault(group.replace("_", "/"), {})[engine] = median_ns / 1000
peer: dict[str, list[float]] = {}
for f in sys.argv[1:]:
    for line in Path(f).read_text().split("\n"):
        if line.strip():
            k, v = line.split()
            peer.setdefault(k, []).append(float(v))
engines = ["pqpay", "libcrux-portable", "libcrux-avx2", "aws-lc-rs", "mlkem-native"]
engines = [e for e in engines if any(e in r for r in rows.values())]
print("| op | " + " | ".join(engines) + " | liboqs-0.16 C | pqpay/liboqs-0.16 |")
print("|---" * (len(engines) + 3) + "|")
for op, r in sorted(rows.items()):
    ref = statistics.median(peer[op]) if op in peer else float("nan")
    cells = [f"{r[e]:.1f}" if e in r else "—" for e in engines]
    ratio = r.get("pqpay", float("nan")) / ref
    print(f"| {op} | " + " | ".join(cells) + f" | {ref:.1f} | {ratio:.2f} |")
