"""Fixed keys and the valid inputs the fuzz seeds start from.

Keys are derived from fixed seeds, so a target process and the seed generator agree on them
without sharing state; signing stays hedged, so the seed files differ between generations but
every valid one verifies under these keys. ``SIGNED_*`` are the exact payloads signed: a target
that sees a verification succeed checks that it returned one of them (a mutated input that
verifies to something else would be a forgery).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import tempfile
import zlib
from pathlib import Path
from typing import Any

from pqpay import anchor, checkpoint, hazmat, payments, signatures
from pqpay.ledger import Ledger

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "vectors"
NOW = 1_780_000_000
ORIGIN = "fuzz.example/log"

PAYMENT_KEY = signatures.MLDSA44PrivateKey.from_seed_bytes(bytes(range(32)))
PAYMENT_PUBLIC = PAYMENT_KEY.public_key()
LOG_KEY = signatures.Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
COSIGN_KEY = signatures.MLDSA44PrivateKey.from_seed_bytes(bytes(range(64, 96)))
NOTE_SIGNERS = (
    checkpoint.Ed25519NoteSigner(ORIGIN, LOG_KEY),
    checkpoint.MLDSA44Cosigner(ORIGIN, COSIGN_KEY),
)
VERIFIERS = [s.verifier() for s in NOTE_SIGNERS]

MESSAGES: list[dict[str, Any]] = [
    {"id": f"pay_{i}", "amount": {"value": 1250 + i, "currency": "EUR"}, "note": "caf\u00e9"}
    for i in range(4)
]
SIGNED_PAYLOADS = {payments.canonicalize_payment(m) for m in MESSAGES}

# Webhook secrets (one per provider).
HMAC_SECRET = "whsec_fuzz"
ADYEN_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
PHONEPE_SALTS = {1: "salt-one"}
PHONEPE_USER, PHONEPE_PASSWORD = "user", "pass"
CDP_HEADER = "x-a"


def cose_seeds() -> list[bytes]:
    out = [payments.sign_payment_cose(PAYMENT_KEY, m, kid=b"k1") for m in MESSAGES[:2]]
    out.append(payments.sign_payment_cose(PAYMENT_KEY, MESSAGES[2], external_aad=b"aad"))
    out.append(payments.sign_payment_cose(PAYMENT_KEY, MESSAGES[0], detached=True))
    return out


def jws_seeds() -> list[bytes]:
    """``body || 0x00 || jws`` (the target splits on the first zero byte)."""
    return [
        body + b"\x00" + jws.encode()
        for body, jws in payments.sign_payments_jws(PAYMENT_KEY, MESSAGES[:2], kid="k1")
    ]


class DeterministicSigner:
    """The payment key signing deterministically, so the ledger's entries, tree heads and
    checkpoint texts are the same in every process (the note signatures may still vary)."""

    def public_key(self) -> signatures.MLDSA44PublicKey:
        return PAYMENT_PUBLIC

    def sign(self, data: bytes, context: bytes = b"") -> bytes:
        return hazmat.sign_deterministic(PAYMENT_KEY, data, context)


@functools.cache
def receipts_and_notes() -> tuple[list[bytes], list[bytes]]:
    """Receipt JSON for a few messages, and the checkpoint notes they carry."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        Ledger(Path(tmp) / "log.db", ORIGIN, NOTE_SIGNERS) as log,
    ):
        first = payments.issue_receipts(log, DeterministicSigner(), MESSAGES[:1], kid=b"k1")
        more = payments.issue_receipts(log, DeterministicSigner(), MESSAGES[1:], kid=b"k1")
    receipts = [r.to_json() for r in (*first, *more)]
    notes = sorted({r.checkpoint for r in (*first, *more)})
    return receipts, notes


def checkpoint_texts() -> set[bytes]:
    """The checkpoint texts the fixture log signed (the same in every process)."""
    return {checkpoint.parse_note(n)[0] for n in receipts_and_notes()[1]}


def ots_seeds() -> list[bytes]:
    digest = hashlib.sha256(b"fuzz").digest()
    cals = ["https://a.example", "https://b.example"]
    pending = anchor.pending_proof(digest, cals, nonce=b"\x01" * 16)
    return [pending.to_bytes(), anchor.pending_proof(digest, cals[0], nonce=b"").to_bytes()]


def _hmac_hex(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def stripe_header(body: bytes, t: int = NOW) -> str:
    return f"t={t},v1={_hmac_hex(HMAC_SECRET.encode(), f'{t}.'.encode() + body)}"


def cdp_header(body: bytes, value: str, t: int = NOW) -> str:
    signed = f"{t}.{CDP_HEADER}.{value}.".encode() + body
    return f"t={t},h={CDP_HEADER},v1={_hmac_hex(HMAC_SECRET.encode(), signed)}"


def hmac_hex(body: bytes) -> str:
    return _hmac_hex(HMAC_SECRET.encode(), body)


def adyen_header(body: bytes) -> str:
    mac = hmac.new(bytes.fromhex(ADYEN_KEY), body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def adyen_body(items: list[dict[str, Any]]) -> bytes:
    key = bytes.fromhex(ADYEN_KEY)
    wrapped = []
    for item in items:
        fields = [
            item.get("pspReference", ""),
            item.get("originalReference", ""),
            item.get("merchantAccountCode", ""),
            item.get("merchantReference", ""),
            str(item["amount"]["value"]),
            item["amount"]["currency"],
            item.get("eventCode", ""),
            item.get("success", ""),
        ]
        mac = hmac.new(key, ":".join(fields).encode(), hashlib.sha256).digest()
        signed = dict(item, additionalData={"hmacSignature": base64.b64encode(mac).decode()})
        wrapped.append({"NotificationRequestItem": signed})
    return json.dumps({"live": "false", "notificationItems": wrapped}).encode()


ADYEN_ITEM = {
    "pspReference": "7914073381342284",
    "merchantAccountCode": "TestMerchant",
    "merchantReference": "TestPayment-1",
    "amount": {"value": 1130, "currency": "EUR"},
    "eventCode": "AUTHORISATION",
    "success": "true",
}


def phonepe_v1(response_json: bytes) -> tuple[bytes, str]:
    response = base64.b64encode(response_json).decode()
    checksum = hashlib.sha256((response + PHONEPE_SALTS[1]).encode()).hexdigest()
    return json.dumps({"response": response}).encode(), f"{checksum}###1"


def phonepe_v2_authorization() -> str:
    return hashlib.sha256(f"{PHONEPE_USER}:{PHONEPE_PASSWORD}".encode()).hexdigest()


class PayPal:
    """An RSA key and self-signed certificate (made once per process; slow-ish)."""

    def __init__(self) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
        from cryptography.x509.oid import NameOID

        self._padding, self._hashes = padding, hashes
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fuzz.paypal.example")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(1)
            .not_valid_before(dt.datetime.fromtimestamp(NOW - 86400, dt.UTC))
            .not_valid_after(dt.datetime.fromtimestamp(NOW + 86400, dt.UTC))
            .sign(self.key, hashes.SHA256())
        )
        self.pem = cert.public_bytes(serialization.Encoding.PEM)
        self.der = cert.public_bytes(serialization.Encoding.DER)
        self.time = dt.datetime.fromtimestamp(NOW, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def signature(self, body: bytes, transmission_id: str = "tid", webhook_id: str = "WH") -> str:
        signed = f"{transmission_id}|{self.time}|{webhook_id}|{zlib.crc32(body)}".encode()
        sig = self.key.sign(signed, self._padding.PKCS1v15(), self._hashes.SHA256())
        return base64.b64encode(sig).decode()


def key_files() -> list[bytes]:
    """The project's own key files (vectors/kem_keys, vectors/sig_keys): DER and PEM."""
    return [
        p.read_bytes()
        for d in ("kem_keys", "sig_keys")
        for p in sorted((VECTORS / d).iterdir())
        if p.suffix in (".der", ".pem")
    ]


def snarkjs_files() -> list[bytes]:
    return [p.read_bytes() for p in sorted((VECTORS / "groth16").glob("*/*.json"))]
