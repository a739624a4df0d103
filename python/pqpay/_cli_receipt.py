"""``pqpay receipt issue|verify``: payment receipts from the shell, and the ``pqpay demo`` flow.

``verify`` needs no ledger: the receipt file (JSON, from ``issue`` or
:meth:`pqpay.payments.Receipt.to_json`), the payment signer's public key (PEM
SubjectPublicKeyInfo) and the log's note verifier key(s) (``--vkey``, as ``pqpay ledger
checkpoint`` prints them). Exit 0 and ``OK: ...`` when the receipt verifies, 1 and
``FAILED: ...`` when it does not (malformed file included), 2 on usage or key-file errors.
``issue`` signs JSON-lines payment messages with a PEM private key, appends them to a ledger
(``--db``), signs one checkpoint with the key conventions of ``pqpay ledger checkpoint`` and
writes one receipt file per message.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pqpay import _cli_ledger, checkpoint, ledger, payments, signatures
from pqpay.exceptions import EncodingError, InvalidProof, InvalidSignature, PqpayError


def _verify(args: argparse.Namespace) -> int:
    public_key = _cli_ledger._public_key(
        args.public_key, signatures.SignaturePublicKey, "a signature"
    )
    vkeys = [checkpoint.NoteVerifier.from_vkey(v) for v in args.vkey]
    data = Path(args.receipt).read_bytes()
    try:
        verified = payments.verify_receipt(data, public_key, vkeys, origin=args.origin)
    except EncodingError as exc:
        print(f"FAILED: malformed receipt: {exc}")
        return 1
    except InvalidSignature:
        print("FAILED: the payment message or the checkpoint is not validly signed by the keys")
        return 1
    except InvalidProof:
        print("FAILED: the payment message is not in the log at the receipt's checkpoint")
        return 1
    except ValueError as exc:
        print(f"FAILED: unusable receipt: {exc}")
        return 1
    cp = verified.checkpoint
    print(
        f"OK: payment message {_label(verified.message)} is entry {verified.index} of "
        f"{cp.origin} (checkpoint size {cp.size}, signed by {len(vkeys)} key(s))"
    )
    return 0


def _label(message: dict[str, Any]) -> str:
    value = message.get("id")
    return repr(value) if isinstance(value, str) else f"(sha256 {_digest(message)})"


def _digest(message: dict[str, Any]) -> str:
    return hashlib.sha256(payments.canonicalize_payment(message)).hexdigest()[:16]


def _issue(args: argparse.Namespace) -> int:
    key = _cli_ledger._private_key(args.signing_key, signatures.SignaturePrivateKey, "a signature")
    messages = []
    for path in args.files or ["-"]:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        try:
            for number, line in enumerate(stream, 1):
                if line.strip():
                    try:
                        messages.append(payments.parse_payment(line))
                    except EncodingError as exc:
                        raise SystemExit(f"{path}:{number}: {exc}") from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    signers = _cli_ledger._note_signers(args)
    kid = args.kid.encode() if args.kid else None
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with ledger.Ledger(ledger.open_storage(args.db), args.origin, signers) as log:
        receipts = payments.issue_receipts(log, key, messages, kid=kid)
    for receipt in receipts:
        (out / f"receipt-{receipt.index}.json").write_bytes(receipt.to_json() + b"\n")
    if receipts:
        print(
            f"issued {len(receipts)} receipts (entries {receipts[0].index}..{receipts[-1].index},"
            f" checkpoint size {receipts[0].tree_size}) in {out}"
        )
    else:
        print("no messages: nothing issued")
    for signer in signers:
        print(f"verifier key: {signer.vkey}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    """Adds ``pqpay receipt ...`` to the ``pqpay`` command."""
    top = subparsers.add_parser("receipt", help="payment receipts: issue, verify offline")
    sub = top.add_subparsers(dest="receipt_command", required=True)

    p = sub.add_parser("verify", help="verify a receipt offline: exit 0 if it verifies, 1 if not")
    p.add_argument("receipt", help="the receipt file (JSON)")
    p.add_argument("--public-key", required=True, help="the payment signer's public key (PEM)")
    p.add_argument(
        "--vkey", action="append", required=True, help="log note verifier key (repeatable)"
    )
    p.add_argument("--origin", help="require the checkpoint to name this log")
    p.set_defaults(func=_cli_ledger._run(_verify, "receipt"))

    p = sub.add_parser("issue", help="sign payment messages, append them, write receipts")
    p.add_argument("files", nargs="*", help="JSON-lines payment messages (default: stdin)")
    p.add_argument("--db", required=True, help="SQLite file or PostgreSQL DSN")
    p.add_argument("--origin", required=True, help="the log's name, e.g. pay.example/log")
    p.add_argument("--signing-key", required=True, help="payment signing private key (PEM)")
    p.add_argument("--kid", help="key id for the COSE header")
    p.add_argument("--key", help="Ed25519 private key (PEM) for the checkpoint signature")
    p.add_argument("--key-name", help="the Ed25519 key's name (default: the origin)")
    p.add_argument("--cosign-key", help="ML-DSA-44 private key (PEM) for the cosignature")
    p.add_argument("--cosigner-name", help="the cosigner's name (default: the origin)")
    p.add_argument("--out-dir", required=True, help="directory for receipt-<index>.json")
    p.set_defaults(func=_cli_ledger._run(_issue, "receipt"))


# --- pqpay demo --------------------------------------------------------------------------------


@contextmanager
def _demo_key_store(tmp: Path) -> Iterator[tuple[Any, str]]:
    """A key store in a throwaway SoftHSM2 token (``SOFTHSM2_CONF`` in ``tmp``) when SoftHSM and
    python-pkcs11 are there, else the software backend; yields it and what it is."""
    from pqpay import hsm

    reason = _softhsm_missing()
    if reason is not None:
        yield hsm.KeyStore(hsm.SoftwareBackend()), f"software backend ({reason})"
        return
    module, util = hsm.find_softhsm_module(), shutil.which("softhsm2-util")
    assert module is not None and util is not None
    (tmp / "tokens").mkdir()
    conf = tmp / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tmp / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        pin, label = secrets.token_hex(8), "pqpay-demo"
        init = ["--init-token", "--free", "--label", label, "--so-pin", secrets.token_hex(8)]
        try:
            subprocess.run([util, *init, "--pin", pin], check=True, capture_output=True)
            backend = hsm.PKCS11Backend(module, token_label=label, user_pin=pin)
        except (subprocess.CalledProcessError, OSError, PqpayError) as exc:
            yield hsm.KeyStore(hsm.SoftwareBackend()), f"software backend (SoftHSM2 failed: {exc})"
            return
        yield hsm.KeyStore(backend), f"SoftHSM2: {backend.description}, throwaway, in {tmp}"
    finally:
        if before is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = before


def _softhsm_missing() -> str | None:
    from pqpay import hsm

    try:
        import pkcs11  # noqa: F401
    except ImportError:
        return "python-pkcs11 is not installed: pip install pqpay[hsm]"
    module = hsm.find_softhsm_module()
    if module is None or not os.path.exists(module) or shutil.which("softhsm2-util") is None:
        return "SoftHSM2 is not installed: apt-get install softhsm2"
    return None


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


def demo(messages: int = 1000) -> None:
    """The ``pqpay demo`` payments part: HSM keys, signed payment messages in a SQLite ledger,
    a signed checkpoint, every receipt verified offline, a Stripe webhook verified."""
    from pqpay import hsm

    origin = "demo.pqpay/payments"
    print(f"\nPayments: {messages:,} signed payment messages, a ledger, receipts, a webhook")
    with tempfile.TemporaryDirectory(prefix="pqpay-demo-") as tmp_name:
        tmp = Path(tmp_name)
        hsm_dir = tmp / "softhsm"
        hsm_dir.mkdir()
        with _demo_key_store(hsm_dir) as (store, where):
            print(f"keys: {where}")
            payment_key = store.create("demo-payments", hsm.Algorithm.MLDSA65_ED25519)
            log_key = store.create("demo-log", hsm.Algorithm.ED25519)
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
            _demo_flow(tmp / "receipts.db", origin, payment_key, note_signers, messages)
    _demo_webhook()


def _demo_flow(
    db: Path,
    origin: str,
    payment_key: Any,
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
        payments.verify_receipt(bytes(tampered), public_key, vkeys)
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


def _demo_webhook() -> None:
    from pqpay import replay, webhooks

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
