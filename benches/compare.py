"""One-shot comparison table: pqpay vs its peers in the same process, with ratios.

``python -m benches.compare`` prints, per KEM and signature operation, the best-of-N time of each
implementation and pqpay's ratio to the fastest peer (below 1.0 means pqpay is faster), then
the two-thread throughput scaling of pqpay's encapsulation. Peers: pyca/cryptography, pqcrypto
(PyPI, ML-DSA and SLH-DSA), and liboqs-python only when ``OQS_INSTALL_PATH`` is set.
"""

from __future__ import annotations

import threading
import time
import timeit
from collections.abc import Callable
from typing import Any

from benches import peers
from benches.test_bench_kem import ALGS
from pqpay import kem, signatures


def best_us(fn: Callable[[], object], number: int = 2000, repeat: int = 7) -> float:
    """Best time of one call, in microseconds."""
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
    signature_table()
    pk = kem.MLKEM768PrivateKey.generate().public_key()
    one = threaded_throughput(pk.encapsulate, 1)
    two = threaded_throughput(pk.encapsulate, 2)
    print(f"\nML-KEM-768 encapsulate: 1 thread {one:,.0f}/s, 2 threads {two:,.0f}/s,", end=" ")
    print(f"scaling {two / one:.2f}x")


def _row(label: str, t_ours: float, timed: dict[str, float]) -> None:
    if timed:
        peer, t_peer = min(timed.items(), key=lambda kv: kv[1])
        each = ", ".join(f"{k} {v:.1f}u ({t_ours / v:.2f})" for k, v in timed.items())
        print(
            f"{label:<28} {t_ours:8.1f}u {t_peer:9.1f}u {peer:<26} {t_ours / t_peer:6.2f}  [{each}]"
        )
    else:
        print(f"{label:<28} {t_ours:8.1f}u {'-':>10} {'(no peer)':<26} {'-':>6}")


def _pqcrypto_sign(module: str) -> tuple[Callable[[], object], ...] | None:
    """(keygen, sign, verify) of a pqcrypto submodule, or None when pqcrypto is absent."""
    try:
        import importlib

        mod = importlib.import_module(f"pqcrypto.sign.{module}")
    except ImportError:
        return None
    pk, sk = mod.keygen()
    sig = mod.sign(sk, MESSAGE)
    return (mod.keygen, lambda: mod.sign(sk, MESSAGE), lambda: mod.verify(pk, MESSAGE, sig))


def _pyca_sign(name: str) -> tuple[Callable[[], object], ...] | None:
    from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa

    classes: dict[str, Any] = {
        "ML-DSA-44": mldsa.MLDSA44PrivateKey,
        "ML-DSA-65": mldsa.MLDSA65PrivateKey,
        "ML-DSA-87": mldsa.MLDSA87PrivateKey,
        "Ed25519": ed25519.Ed25519PrivateKey,
    }
    cls = classes.get(name)
    if cls is None:
        return None
    sk = cls.generate()
    pk = sk.public_key()
    sig = sk.sign(MESSAGE)
    return (cls.generate, lambda: sk.sign(MESSAGE), lambda: pk.verify(sig, MESSAGE))


MESSAGE = b"pqpay benchmark: a 64-byte payment message to sign and verify..."

_PQCRYPTO_NAMES = {
    "ML-DSA-44": "ml_dsa_44",
    "ML-DSA-65": "ml_dsa_65",
    "ML-DSA-87": "ml_dsa_87",
    "SLH-DSA-SHA2-128f": "slh_dsa_sha2_128f",
    "SLH-DSA-SHAKE-128f": "slh_dsa_shake_128f",
}


def signature_table() -> None:
    print()
    best_component: dict[str, list[float]] = {}
    for name in ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87", "Ed25519", *_PQCRYPTO_NAMES):
        if name in best_component:
            continue
        slow = name.startswith("SLH-DSA")
        number, repeat = (3, 3) if slow else (300, 5)
        cls = signatures.PRIVATE_KEY_CLASSES[name]
        sk = cls.generate()
        pk = sk.public_key()
        sig = sk.sign(MESSAGE)
        ours = (
            cls.generate,
            lambda sk=sk: sk.sign(MESSAGE),
            lambda pk=pk, sig=sig: pk.verify(sig, MESSAGE),
        )
        others = {"pyca": _pyca_sign(name)}
        if name.startswith("ML-DSA"):
            others["liboqs"] = peers.oqs_sig_ops(name)
        if name in _PQCRYPTO_NAMES:
            others["pqcrypto"] = _pqcrypto_sign(_PQCRYPTO_NAMES[name])
        best_component[name] = []
        for i, op in enumerate(("keygen", "sign", "verify")):
            if slow and op == "keygen":
                continue
            t_ours = best_us(ours[i], number, repeat)
            timed = {k: best_us(v[i], number, repeat) for k, v in others.items() if v is not None}
            best_component[name].append(min([t_ours, *timed.values()]))
            _row(f"{name} {op}", t_ours, timed)
    _batch_row()
    _composite_row(best_component)


def _batch_row() -> None:
    """Ed25519 verify_many of 64, per signature, against pyca's single verify."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    keys = [signatures.Ed25519PrivateKey.generate() for _ in range(64)]
    items = [(k.public_key(), k.sign(MESSAGE), MESSAGE) for k in keys]
    t_batch = best_us(lambda: signatures.verify_many(items), 100, 5) / len(items)
    sk = ed25519.Ed25519PrivateKey.generate()
    pk, sig = sk.public_key(), sk.sign(MESSAGE)
    _row(
        "Ed25519 verify_many(64) /sig",
        t_batch,
        {"pyca single verify": best_us(lambda: pk.verify(sig, MESSAGE))},
    )


def _composite_row(best_component: dict[str, list[float]]) -> None:
    """MLDSA65-Ed25519 against the sum of the best ML-DSA-65 and Ed25519 times of this run."""
    sk = signatures.MLDSA65Ed25519PrivateKey.generate()
    pk = sk.public_key()
    sig = sk.sign(MESSAGE)
    t_sign = best_us(lambda: sk.sign(MESSAGE), 300, 5)
    t_verify = best_us(lambda: pk.verify(sig, MESSAGE), 300, 5)
    mldsa, ed = best_component["ML-DSA-65"], best_component["Ed25519"]
    _row("MLDSA65-Ed25519 sign", t_sign, {"sum of best components": mldsa[1] + ed[1]})
    _row("MLDSA65-Ed25519 verify", t_verify, {"sum of best components": mldsa[2] + ed[2]})


if __name__ == "__main__":
    main()
