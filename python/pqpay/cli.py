"""The ``pqpay`` command: ``pqpay selftest``, ``pqpay demo`` and the ledger, receipt and groth16
tools."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from pqpay import _cli_bench, _cli_groth16, _cli_ledger, _cli_receipt, _native, kem, signatures

_T = TypeVar("_T")


def _timed(fn: Callable[[], _T], repeat: int = 50) -> tuple[_T, float]:
    """Runs ``fn`` once to warm up, then ``repeat`` times; returns the last result and the best
    time in microseconds (``repeat=0``: the one cold call's time)."""
    start = time.perf_counter()
    result = fn()
    best = time.perf_counter() - start
    if repeat:
        best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best * 1e6


def _selftest(args: argparse.Namespace) -> int:
    results = _native.run_selftests()
    width = max(len(name) for name, _, _ in results)
    print(f"{'self-test':<{width}}  result  time (us)")
    for name, passed, micros in results:
        print(f"{name:<{width}}  {'pass' if passed else 'FAIL':<6}  {micros:9.1f}")
    failed = [name for name, passed, _ in results if not passed]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


_CARD_PAYLOAD = {
    "pan": "4111111111111111",
    "expiry": "12/29",
    "cvv": "123",
    "amount_minor": 12999,
    "currency": "EUR",
    "merchant": "demo-merchant-001",
}


def _demo(args: argparse.Namespace) -> int:
    print("pqpay demo: key encapsulation\n")
    header = f"{'algorithm':<16} {'pk':>5} {'ct':>5} {'ss':>3}"
    print(f"{header}  {'keygen':>8} {'encaps':>8} {'decaps':>8}  (us)")
    for name, cls in kem.PRIVATE_KEY_CLASSES.items():
        sk, t_gen = _timed(cls.generate)
        pk = sk.public_key()
        (ss, ct), t_enc = _timed(pk.encapsulate)
        _, t_dec = _timed(partial(sk.decapsulate, ct))
        (ss, ct) = pk.encapsulate()
        if sk.decapsulate(ct) != ss:
            print(f"{name}: decapsulation disagrees with encapsulation", file=sys.stderr)
            return 1
        print(
            f"{name:<16} {len(pk.public_bytes_raw()):>5} {len(ct):>5} {len(ss):>3}  "
            f"{t_gen:8.1f} {t_enc:8.1f} {t_dec:8.1f}"
        )
    _demo_hpke()
    _demo_signatures()
    _cli_ledger.demo()
    _cli_groth16.demo()
    _cli_receipt.demo(args.messages)
    return 0


def _demo_hpke() -> None:
    from pqpay import hpke

    payload = json.dumps(_CARD_PAYLOAD, separators=(",", ":")).encode()
    info, aad = b"pqpay demo v1", b"order-42"
    print("\nHPKE: sealing a card payload to the gateway's key")
    print(f"payload ({len(payload)} bytes): {payload.decode()}\n")
    print(f"{'suite':<52} {'enc':>5} {'ct':>4}  {'seal':>7} {'open':>7}  (us)")
    suites = (
        hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM),
        hpke.Suite(hpke.KEM.MLKEM1024_P384, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM),
        hpke.Suite(hpke.KEM.MLKEM768, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305),
        hpke.Suite(hpke.KEM.DHKEM_X25519_HKDF_SHA256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM),
    )
    for suite in suites:
        recipient = suite.kem_private_key_class.generate()
        seal = partial(suite.seal, recipient.public_key(), payload, info=info, aad=aad)
        (enc, ct), t_seal = _timed(seal)
        pt, t_open = _timed(partial(suite.open, recipient, enc, ct, info=info, aad=aad))
        if pt != payload:
            raise SystemExit(f"{suite!r}: opened payload differs from the sealed one")
        print(f"{suite!r:<52} {len(enc):>5} {len(ct):>4}  {t_seal:7.1f} {t_open:7.1f}")


# SLH-DSA is slow: the "f" sets take milliseconds (timed twice), the "s" sets up to seconds per
# signature (timed once, cold) so the whole demo stays quick.
_SLOW_SIGNERS = ("SLH-DSA",)


def _demo_signatures() -> None:
    message = json.dumps(_CARD_PAYLOAD, separators=(",", ":")).encode()
    context = b"pqpay-demo/payment-v1"
    print("\nSignatures: signing the payment message (hedged), then verifying it")
    print(f"{'algorithm':<26} {'pk':>5} {'sig':>6}  {'keygen':>9} {'sign':>9} {'verify':>9}  (us)")
    for name, cls in signatures.PRIVATE_KEY_CLASSES.items():
        slow = name.startswith(_SLOW_SIGNERS)
        repeat = (0 if name.endswith("s") else 2) if slow else 30
        ctx = b"" if name == "Ed25519" else context
        sk, t_gen = _timed(cls.generate, repeat=repeat)
        pk = sk.public_key()
        sig, t_sign = _timed(partial(sk.sign, message, ctx), repeat=repeat)
        _, t_verify = _timed(partial(pk.verify, sig, message, ctx), repeat=repeat)
        print(
            f"{name:<26} {len(pk.public_bytes_raw()):>5} {len(sig):>6}  "
            f"{t_gen:9.1f} {t_sign:9.1f} {t_verify:9.1f}"
        )
    _demo_batch_verify(message)


def _demo_batch_verify(message: bytes) -> None:
    keys = [signatures.Ed25519PrivateKey.generate() for _ in range(64)]
    items: list[tuple[signatures.SignaturePublicKey, bytes, bytes]] = [
        (k.public_key(), k.sign(message + bytes([i])), message + bytes([i]))
        for i, k in enumerate(keys)
    ]
    # One forged item: the batch must say which one failed.
    pk, sig, msg = items[17]
    items[17] = (pk, sig, msg + b"!")
    results, t_batch = _timed(partial(signatures.verify_many, items), repeat=20)
    failed = [i for i, ok in enumerate(results) if not ok]
    print(
        f"\nEd25519 batch verification of {len(items)} signatures: {t_batch:.1f} us "
        f"({t_batch / len(items):.1f} us each); failed items: {failed}"
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pqpay`` console command."""
    parser = argparse.ArgumentParser(prog="pqpay", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("selftest", help="run the known-answer self-tests").set_defaults(func=_selftest)
    demo = sub.add_parser(
        "demo",
        help="walk through KEMs, HPKE, signatures, the ledger, Groth16, then the payment flow "
        "(HSM keys, signed messages, receipts, a webhook)",
    )
    demo.add_argument(
        "--messages",
        type=_positive,
        default=1000,
        help="payment messages to sign, log and verify receipts for (default 1000)",
    )
    demo.set_defaults(func=_demo)
    _cli_ledger.register(sub)
    _cli_receipt.register(sub)
    _cli_groth16.register(sub)
    _cli_bench.add_parser(sub)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
