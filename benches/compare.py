"""One-shot comparison table: pqpay vs its peers in the same process, with ratios.

``python -m benches.compare`` prints, per KEM operation, the best-of-N time of each
implementation and pqpay's ratio to the fastest peer (below 1.0 means pqpay is faster), then
the two-thread throughput scaling of pqpay's encapsulation.
"""

from __future__ import annotations

import threading
import time
import timeit
from collections.abc import Callable

from benches import peers
from benches.test_bench_kem import ALGS
from pqpay import kem


def best_us(fn: Callable[[], object], number: int = 2000, repeat: int = 7) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def threaded_throughput(fn: Callable[[], object], threads: int, seconds: float = 1.0) -> float:
    """Calls per second over ``threads`` threads."""
    counts = [0] * threads
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            for _ in range(50):
                fn()
            n += 50
        counts[i] = n

    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(counts) / seconds


def main() -> None:
    print(f"{'operation':<28} {'pqpay':>9} {'best peer':>10} {'peer':<26} {'ratio':>6}")
    for name, cls in ALGS.items():
        ours = peers.pqpay_ops(cls)
        others = {"pyca": peers.pyca_ops(name), "liboqs": peers.oqs_ops(name)}
        if name == "X-Wing":
            others["pyca ML-KEM-768 + X25519"] = peers.pyca_mlkem768_plus_x25519()
        for op in ("keygen", "encaps", "decaps"):
            t_ours = best_us(getattr(ours, op))
            timed = {k: best_us(getattr(v, op)) for k, v in others.items() if v is not None}
            if timed:
                peer, t_peer = min(timed.items(), key=lambda kv: kv[1])
                label, ratio = f"{name} {op}", t_ours / t_peer
                print(f"{label:<28} {t_ours:8.1f}u {t_peer:9.1f}u {peer:<26} {ratio:6.2f}")
            else:
                print(f"{name + ' ' + op:<28} {t_ours:8.1f}u {'-':>10} {'(no peer)':<26} {'-':>6}")
    pk = kem.MLKEM768PrivateKey.generate().public_key()
    one = threaded_throughput(pk.encapsulate, 1)
    two = threaded_throughput(pk.encapsulate, 2)
    print(f"\nML-KEM-768 encapsulate: 1 thread {one:,.0f}/s, 2 threads {two:,.0f}/s,", end=" ")
    print(f"scaling {two / one:.2f}x")


if __name__ == "__main__":
    main()
