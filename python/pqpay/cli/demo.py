"""``pqpay demo``: the whole walk-through, one part after another.

KEMs, HPKE and signatures (sizes and timings), the audit ledger (appends, a signed checkpoint,
offline proofs), Groth16 (the bundled proof of ``vectors/groth16/bn128``, loaded as package data
from ``pqpay/cli/data``), then the payment flow: keys in a throwaway SoftHSM2 token
(:mod:`pqpay.hsm.testing`; the software backend when SoftHSM2 is missing), signed payment
messages in a SQLite ledger, receipts verified offline, and a Stripe webhook. Every part cleans
up after itself (temporary directories only).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

from pqpay import (
    checkpoint,
    groth16,
    hpke,
    hsm,
    kem,
    ledger,
    payments,
    replay,
    signatures,
    webhooks,
)
from pqpay.cli._common import positive, timed
from pqpay.exceptions import InvalidProof, InvalidSignature, PqpayError
from pqpay.hsm.testing import softhsm_missing, throwaway_token

__all__ = [
    "groth16_demo_data",
    "groth16_part",
    "hpke_part",
    "kem_part",
    "ledger_part",
    "payments_part",
    "register",
    "run",
    "signatures_part",
    "webhook_part",
]


_CARD_PAYLOAD = {
    "pan": "4111111111111111",
    "expiry": "12/29",
    "cvv": "123",
    "amount_minor": 12999,
    "currency": "EUR",
    "merchant": "demo-merchant-001",
}


def run(messages: int = 1000) -> int:
    """Every part of the walk-through, in order; 1 if a KEM round trip disagrees."""
    if kem_part() != 0:
        return 1
    hpke_part()
    signatures_part()
    ledger_part()
    groth16_part()
    payments_part(messages)
    return 0


def kem_part() -> int:
    """Key encapsulation: sizes and timings of every KEM."""
    print("pqpay demo: key encapsulation\n")
    header = f"{'algorithm':<16} {'pk':>5} {'ct':>5} {'ss':>3}"
    print(f"{header}  {'keygen':>8} {'encaps':>8} {'decaps':>8}  (us)")
    for name, cls in kem.PRIVATE_KEY_CLASSES.items():
        sk, t_gen = timed(cls.generate)
        pk = sk.public_key()
        (ss, ct), t_enc = timed(pk.encapsulate)
        _, t_dec = timed(partial(sk.decapsulate, ct))
        (ss, ct) = pk.encapsulate()
        if sk.decapsulate(ct) != ss:
            print(f"{name}: decapsulation disagrees with encapsulation", file=sys.stderr)
            return 1
        print(
            f"{name:<16} {len(pk.public_bytes_raw()):>5} {len(ct):>5} {len(ss):>3}  "
            f"{t_gen:8.1f} {t_enc:8.1f} {t_dec:8.1f}"
        )
    return 0


def hpke_part() -> None:
    """HPKE: a card payload sealed to the gateway's key under four suites."""
    payload = json.dumps(_CARD_PAYLOAD, separators=(",", ":")).encode()
    info, aad = b"pqpay demo v1", b"order-42"
    print("\nHPKE: sealing a card payload to the gateway's key")
    print(f"payload ({len(payload)} bytes): {payload.decode()}\n")
    suites = (
        hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM),
        hpke.Suite(hpke.KEM.MLKEM1024_P384, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM),
        hpke.Suite(hpke.KEM.MLKEM768, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305),
        hpke.Suite(hpke.KEM.DHKEM_X25519_HKDF_SHA256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM),
    )
    width = max(len(repr(suite)) for suite in suites)  # the column fits the longest name
    print(f"{'suite':<{width}} {'enc':>5} {'ct':>4}  {'seal':>7} {'open':>7}  (us)")
    for suite in suites:
        recipient = suite.kem_private_key_class.generate()
        seal = partial(suite.seal, recipient.public_key(), payload, info=info, aad=aad)
        (enc, ct), t_seal = timed(seal)
        pt, t_open = timed(partial(suite.open, recipient, enc, ct, info=info, aad=aad))
        if pt != payload:
            raise SystemExit(f"{suite!r}: opened payload differs from the sealed one")
        print(f"{suite!r:<{width}} {len(enc):>5} {len(ct):>4}  {t_seal:7.1f} {t_open:7.1f}")


# SLH-DSA is slow: the "f" sets take milliseconds (timed twice), the "s" sets up to seconds per
# signature (timed once, cold) so the whole demo stays quick.
_SLOW_SIGNERS = ("SLH-DSA",)


def signatures_part() -> None:
    """Signatures: every algorithm signs and verifies the payment message, then a batch."""
    message = json.dumps(_CARD_PAYLOAD, separators=(",", ":")).encode()
    context = b"pqpay-demo/payment-v1"
    print("\nSignatures: signing the payment message (hedged), then verifying it")
    print(f"{'algorithm':<26} {'pk':>5} {'sig':>6}  {'keygen':>9} {'sign':>9} {'verify':>9}  (us)")
    for name, cls in signatures.PRIVATE_KEY_CLASSES.items():
        slow = name.startswith(_SLOW_SIGNERS)
        repeat = (0 if name.endswith("s") else 2) if slow else 30
        ctx = b"" if name == "Ed25519" else context
        sk, t_gen = timed(cls.generate, repeat=repeat)
        pk = sk.public_key()
        sig, t_sign = timed(partial(sk.sign, message, ctx), repeat=repeat)
        _, t_verify = timed(partial(pk.verify, sig, message, ctx), repeat=repeat)
        print(
            f"{name:<26} {len(pk.public_bytes_raw()):>5} {len(sig):>6}  "
            f"{t_gen:9.1f} {t_sign:9.1f} {t_verify:9.1f}"
        )
    _batch_verify(message)


def _batch_verify(message: bytes) -> None:
    keys = [signatures.Ed25519PrivateKey.generate() for _ in range(64)]
    items: list[tuple[signatures.SignaturePublicKey, bytes, bytes]] = [
        (k.public_key(), k.sign(message + bytes([i])), message + bytes([i]))
        for i, k in enumerate(keys)
    ]
    # One forged item: the batch must say which one failed.
    pk, sig, msg = items[17]
    items[17] = (pk, sig, msg + b"!")
    results, t_batch = timed(partial(signatures.verify_many, items), repeat=20)
    failed = [i for i, ok in enumerate(results) if not ok]
    print(
        f"\nEd25519 batch verification of {len(items)} signatures: {t_batch:.1f} us "
        f"({t_batch / len(items):.1f} us each); failed items: {failed}"
    )


def ledger_part() -> None:
    """The audit ledger: append, checkpoint, prove and verify, in a temporary SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        origin = "demo.pqpay/log"
        signers = [
            checkpoint.Ed25519NoteSigner(origin, signatures.Ed25519PrivateKey.generate()),
            checkpoint.MLDSA44Cosigner(origin, signatures.MLDSA44PrivateKey.generate()),
        ]
        vkeys = [s.vkey for s in signers]
        print("\nAudit ledger: durable appends, signed checkpoints, offline proofs (SQLite)")
        with ledger.Ledger(Path(tmp) / "demo.db", origin, signers) as log:
            receipts = [b'{"order":%d,"amount_minor":%d}' % (i, 100 + i) for i in range(20_000)]
            start = time.perf_counter()
            log.append_many(receipts[:10_000])
            log.append_many(receipts[10_000:])
            took = time.perf_counter() - start
            print(f"appended {log.size} receipts in 2 durable batches: {log.size / took:,.0f}/s")
            old = log.checkpoint()
            index = log.append(b'{"order":"refund-7","amount_minor":-107}')
            note = log.checkpoint()
            print(note.decode().split("\n\n")[0])
            start = time.perf_counter()
            proof = log.inclusion_proof(index)
            served = (time.perf_counter() - start) * 1e6
            cp = ledger.verify_inclusion(log.entry(index), index, proof, note, vkeys, origin=origin)
            print(
                f"inclusion proof of entry {index}: {len(proof)} hashes, served in "
                f"{served:.0f} us, verified offline against the size-{cp.size} checkpoint"
            )
            ledger.verify_consistency(
                old, note, log.consistency_proof(20_000), vkeys, origin=origin
            )
            print("consistency proof 20000 -> 20001 verified; audit: ", end="")
            log.audit()
            print("storage consistent")


def groth16_demo_data() -> tuple[bytes, bytes, tuple[int, int]]:
    """The bundled proof (``vectors/groth16/bn128``, arkworks compressed bytes; made by
    ``vectors/groth16/generate.py``): ``(verifying key, proof, (limit, order))``. Private amount
    12999 under the public limit 50000, order 424242."""
    data = resources.files("pqpay.cli") / "data"
    vk = (data / "groth16_bn128_vk.bin").read_bytes()
    proof = (data / "groth16_bn128_proof.bin").read_bytes()
    limit, order = (int(x) for x in json.loads((data / "groth16_bn128_public.json").read_text()))
    return vk, proof, (limit, order)


def groth16_part() -> None:
    """Groth16: verifies the bundled proof, a wrong public input, then a batch with one forgery."""
    vk_bytes, proof_bytes, public = groth16_demo_data()
    vk = groth16.VerifyingKey.from_bytes(vk_bytes, groth16.Curve.BN254)
    proof = groth16.Proof.from_bytes(proof_bytes, groth16.Curve.BN254)
    limit, order = public
    print("\nGroth16 (BN254): a proof that a private amount is at most the public limit")
    start = time.perf_counter()
    groth16.verify(vk, proof, public)
    elapsed = (time.perf_counter() - start) * 1e6
    print(f"limit {limit}, order {order}: the proof verifies ({elapsed:.0f} us)")
    try:
        groth16.verify(vk, proof, (limit - 1, order))
    except InvalidProof:
        print(f"limit {limit - 1}: rejected (InvalidProof), as it must be")
    else:
        raise SystemExit("a proof verified under the wrong limit")
    items = [(proof, public)] * 32
    items[5] = (proof, (limit, order + 1))
    start = time.perf_counter()
    results = groth16.verify_many(vk, items)
    elapsed = (time.perf_counter() - start) * 1e6
    failed = [i for i, ok in enumerate(results) if not ok]
    print(
        f"batch of {len(items)} proofs: {elapsed:.0f} us ({elapsed / len(items):.0f} us each); "
        f"failed items: {failed}"
    )


_CURRENCIES = ("EUR", "USD", "GBP", "JPY", "INR")


def _sample_payment(i: int) -> dict[str, Any]:
    """A payment message: integer minor units, no floats (JCS-signed as is)."""
    return {
        "id": f"pay_{i:06d}",
        "type": "payment.authorized",
        "amount": {"minor_units": 500 + (i * 7919) % 250_000, "currency": _CURRENCIES[i % 5]},
        "merchant": f"merchant-{i % 37:03d}",
        "card": {"network": "visa", "last4": f"{(i * 31) % 10_000:04d}"},
        "created": 1_767_225_600 + i,
    }


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} messages/s  ({seconds * 1e3:8.1f} ms)"


def payments_part(messages: int = 1000) -> None:
    """The payment flow: HSM keys, signed payment messages in a SQLite ledger, a signed
    checkpoint, every receipt verified offline, then a Stripe webhook."""
    origin = "demo.pqpay/payments"
    print(f"\nPayments: {messages:,} signed payment messages, a ledger, receipts, a webhook")
    with tempfile.TemporaryDirectory(prefix="pqpay-demo-") as tmp_name:
        tmp = Path(tmp_name)
        hsm_dir = tmp / "softhsm"
        hsm_dir.mkdir()
        with _key_store(hsm_dir) as (store, where):
            print(f"keys: {where}")
            payment_key = store.create("demo-payments", hsm.Algorithm.MLDSA65_ED25519)
            log_key = store.create("demo-log", hsm.Algorithm.ED25519)
            assert isinstance(payment_key, hsm.SigningHandle)
            assert isinstance(log_key, hsm.SigningHandle)
            # The key stores hold Ed25519 and MLDSA65-Ed25519 only: the cosigner is in memory.
            cosigner = signatures.MLDSA44PrivateKey.generate()
            note_signers = [
                checkpoint.Ed25519NoteSigner(origin, log_key),
                checkpoint.MLDSA44Cosigner(origin, cosigner),
            ]
            print(
                f"payment signer: {payment_key!r}\nlog signer: {log_key!r} "
                "(cosigner: ML-DSA-44, software)"
            )
            _payment_flow(tmp / "receipts.db", origin, payment_key, note_signers, messages)
    webhook_part()


def _payment_flow(
    db: Path,
    origin: str,
    payment_key: hsm.SigningHandle,
    note_signers: list[checkpoint.NoteSigner],
    count: int,
) -> None:
    vkeys = [s.vkey for s in note_signers]
    public_key = payment_key.public_key()
    sample = [_sample_payment(i) for i in range(count)]
    print(f"message 0 (JCS): {payments.canonicalize_payment(sample[0]).decode()}")

    start = time.perf_counter()
    envelopes = payments.sign_payments_cose(payment_key, sample, kid=b"demo-payments-v1")
    t_sign = time.perf_counter() - start
    with ledger.Ledger(db, origin, note_signers) as log:
        start = time.perf_counter()
        indices = log.append_many(envelopes)
        t_append = time.perf_counter() - start
        start = time.perf_counter()
        note = log.checkpoint()
        receipts = payments.receipts_at_checkpoint(log, envelopes, indices, note)
        files = [r.to_json() for r in receipts]
        t_receipts = time.perf_counter() - start
        # Later appends and checkpoints do not touch issued receipts: each carries its own.
        log.append(b"a later entry")
        log.checkpoint()
    text, _, sigs = note.decode().partition("\n\n")
    print(text)
    for line in sigs.splitlines():
        print(line if len(line) <= 96 else f"{line[:93]}...")
    start = time.perf_counter()
    for data in files:
        payments.verify_receipt(data, public_key, vkeys, origin=origin)
    t_verify = time.perf_counter() - start

    tampered = bytearray(files[count // 2])
    where = tampered.index(b'"index":') + len(b'"index":')
    tampered[where : where + 1] = b"9" if tampered[where : where + 1] != b"9" else b"8"
    try:
        payments.verify_receipt(bytes(tampered), public_key, vkeys, origin=origin)
    except (InvalidProof, InvalidSignature) as exc:
        rejected = type(exc).__name__
    else:
        raise SystemExit("a receipt with a changed index verified")

    size = sum(len(f) for f in files) / len(files)
    print(f"sign (MLDSA65-Ed25519, COSE_Sign1):  {_rate(count, t_sign)}")
    print(f"append (SQLite, one transaction):    {_rate(count, t_append)}")
    print(f"receipts (checkpoint, proofs, JSON): {_rate(count, t_receipts)}")
    print(f"verify receipts offline:             {_rate(count, t_verify)}")
    print(
        f"all {count:,} receipts verified (mean {size:,.0f} bytes: envelope, "
        f"{len(receipts[0].proof)}-hash proof, note); a changed index: {rejected}"
    )


def webhook_part() -> None:
    """A Stripe webhook verified, then refused when replayed and when tampered with."""
    secret = "whsec_demo_" + secrets.token_hex(16)
    body = payments.canonicalize_payment(
        {
            "id": "evt_demo_0001",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_demo_0001", "amount": 12999, "currency": "eur"}},
        }
    )
    t = int(time.time())
    v1 = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={t},v1={v1}"
    store = replay.MemoryNonceStore()
    event = webhooks.verify_stripe(body, header, secret, store=store)
    print(f"\nStripe webhook (Stripe-Signature: t={t},v1={v1[:16]}...): {event.event_id} verified")
    try:
        webhooks.verify_stripe(body, header, secret, store=store)
    except PqpayError as exc:
        print(f"the same delivery again: {type(exc).__name__}")
    else:
        raise SystemExit("a replayed webhook was accepted")
    try:
        webhooks.verify_stripe(body.replace(b"12999", b"99999"), header, secret)
    except PqpayError as exc:
        print(f"the amount changed in transit: {type(exc).__name__}")
    else:
        raise SystemExit("a tampered webhook was accepted")


@contextmanager
def _key_store(tmp: Path) -> Iterator[tuple[hsm.KeyStore, str]]:
    """A key store in a throwaway SoftHSM2 token (``SOFTHSM2_CONF`` in ``tmp``) when SoftHSM and
    python-pkcs11 are there, else the software backend; yields it and what it is."""
    reason = softhsm_missing()
    if reason is not None:
        yield hsm.KeyStore(hsm.SoftwareBackend()), f"software backend ({reason})"
        return
    with ExitStack() as stack:
        try:
            token = stack.enter_context(throwaway_token(tmp, label="pqpay-demo"))
            backend = token.backend()
        except PqpayError as exc:
            failed = f"software backend (SoftHSM2 failed: {exc})"
        else:
            yield hsm.KeyStore(backend), f"SoftHSM2: {backend.description}, throwaway, in {tmp}"
            return
    yield hsm.KeyStore(hsm.SoftwareBackend()), failed


def register(subparsers: Any) -> None:
    """Adds ``demo`` to the ``pqpay`` command."""
    demo = subparsers.add_parser(
        "demo",
        help="walk through KEMs, HPKE, signatures, the ledger, Groth16, then the payment flow "
        "(HSM keys, signed messages, receipts, a webhook)",
    )
    demo.add_argument(
        "--messages",
        type=positive,
        default=1000,
        help="payment messages to sign, log and verify receipts for (default 1000)",
    )
    demo.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    return run(args.messages)
