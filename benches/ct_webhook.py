"""Timings of the webhook signature comparisons, for ``pqpay-ct --samples`` (``make ct``).

pqpay's HMAC webhook schemes compare in Python: :func:`pqpay.webhooks._common.any_hex_match`
(Stripe, Razorpay, PhonePe, Coinbase: hex digests) and :func:`hmac.compare_digest` on raw
digests (Adyen, the PayPal pins). What must not show in their timing is how much of a forged
signature is right (an early-exit comparison lets a forger find it byte by byte), so both
classes are wrong signatures of the right length: class 0 differs from the expected one in its
first byte, class 1 in its last (``--control``: both in the first, an A/A check of the setup).

As in dudect, where an input sits in memory must not depend on its class: a pool of a few
hundred objects per class gives each object its own small fixed offset (alignment), which does
not average out and alone gives |t| of 20+ at 10^6 (measured with ``--control``). So the input is
staged outside the clock into one buffer (``compare-digest``) or a fresh object that reuses one
freed slot (``any-hex-match``). Classes are drawn at random per measurement; each line printed
is ``class nanoseconds`` after a first line ``warmup W``: the first ``W`` timings only set
dudect's crops (as in the Rust harness), then ``--measurements`` more.
"""

from __future__ import annotations

import argparse
import gc
import hmac
import secrets
import sys
import time
from collections.abc import Callable

from pqpay.webhooks._common import any_hex_match

POOL = 256


def warmup_len(measurements: int) -> int:
    """Timings that only set the crops: as ``measure::warmup_len`` in rust/ct."""
    return min(max(measurements // 10, 1000), 10_000)


def _changed(value: str, at: int, alphabet: str) -> str:
    other = secrets.choice([c for c in alphabet if c != value[at]])
    return value[:at] + other + value[at + 1 :]


Case = tuple[Callable[[int, int], object], Callable[[object], object]]


def _positions(length: int, control: bool) -> tuple[int, int]:
    """Where classes 0 and 1 differ from the expected value: first vs last (both first for
    the control)."""
    return (0, 0) if control else (0, length - 1)


def hex_match_case(control: bool) -> Case:
    expected = secrets.token_hex(32)
    pools = [
        [_changed(expected, at, "0123456789abcdef").encode() for _ in range(POOL)]
        for at in _positions(len(expected), control)
    ]
    return (lambda c, i: pools[c][i].decode()), (lambda cand: any_hex_match(expected, [cand]))


def compare_digest_case(control: bool) -> Case:
    expected = secrets.token_bytes(32)
    staged = bytearray(len(expected))

    def wrong(at: int) -> bytes:
        out = bytearray(expected)
        out[at] ^= 1 << secrets.randbelow(8)
        return bytes(out)

    def stage(c: int, i: int) -> bytearray:
        staged[:] = pools[c][i]
        return staged

    pools = [[wrong(at) for _ in range(POOL)] for at in _positions(len(expected), control)]
    return stage, (lambda cand: hmac.compare_digest(expected, cand))


CASES = {"any-hex-match": hex_match_case, "compare-digest": compare_digest_case}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--measurements", type=int, default=1_000_000)
    parser.add_argument("--control", action="store_true", help="both classes alike (A/A)")
    args = parser.parse_args()
    stage, run = CASES[args.case](args.control)
    total = warmup_len(args.measurements) + args.measurements
    plan = [(secrets.randbits(1), secrets.randbelow(POOL)) for _ in range(total)]
    times = [0] * total
    clock = time.perf_counter_ns
    gc.disable()
    try:
        for k, (c, i) in enumerate(plan):
            staged = stage(c, i)
            start = clock()
            run(staged)
            times[k] = clock() - start
            del staged
    finally:
        gc.enable()
    sys.stdout.write(f"warmup {warmup_len(args.measurements)}\n")
    sys.stdout.writelines(f"{c} {t}\n" for (c, _), t in zip(plan, times, strict=True))


if __name__ == "__main__":
    main()
