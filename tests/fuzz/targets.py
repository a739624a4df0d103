"""The Python fuzz targets: one function of the fuzzer's bytes per parser or verifier.

Each target returns normally on a correct result (checked: round trips, and a verification
that succeeds returns a payload the fixture keys signed) or on a documented typed exception
(``pqpay.exceptions.PqpayError``, plus the ``TypeError``/``ValueError`` a docstring names for that
call). Anything else propagates and atheris reports it: another exception class (a
``UnicodeError`` or ``RecursionError`` is never accepted, though one is a ``ValueError`` and the
other a ``RuntimeError``), a ``PanicException`` (a ``BaseException``), a hang or a crash.

A leading selector byte picks among variants of a call where a target has several.
"""

from __future__ import annotations

import collections
import contextlib
import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pqpay import _cbor, _jcs, anchor, checkpoint, groth16, jose, payments, serialization
from pqpay.exceptions import PqpayError
from pqpay.replay import MemoryNonceStore
from pqpay.webhooks import (
    verify_adyen,
    verify_adyen_hmac_header,
    verify_coinbase,
    verify_coinbase_cdp,
    verify_paypal,
    verify_phonepe,
    verify_phonepe_v2,
    verify_razorpay,
    verify_razorpay_payment,
    verify_stripe,
)
from pqpay.x509 import RsaCertificate
from tests.fuzz import fixtures as fx

Allowed = tuple[type[BaseException], ...]
# Never a documented outcome, whatever class they derive from.
_NEVER: Allowed = (UnicodeError, RecursionError, MemoryError, OverflowError)


class UnexpectedOutcome(AssertionError):
    """A target saw an exception outside its documented set, or a wrong result."""


# Outcomes per block (``ok`` or the exception class), for the seed check's summary.
OUTCOMES: collections.Counter[str] = collections.Counter()


@contextlib.contextmanager
def expect(*extra: type[BaseException]) -> Iterator[None]:
    """Lets ``PqpayError`` and the named documented classes through; nothing else."""
    try:
        yield
    except _NEVER as exc:
        raise UnexpectedOutcome(f"undocumented {type(exc).__name__}: {exc!r:.300}") from exc
    except (PqpayError, *extra) as exc:
        OUTCOMES[type(exc).__name__] += 1
    else:
        OUTCOMES["ok"] += 1


def check(condition: bool, what: str) -> None:
    if not condition:
        raise UnexpectedOutcome(what)


def text_variant(data: bytes) -> str:
    """Fuzzer bytes as a ``str``: lone surrogates reach str-taking entry points this way."""
    return (
        data.decode("utf-8", "surrogatepass")
        if _valid_surrogatepass(data)
        else data.decode("latin-1")
    )


def _valid_surrogatepass(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Target:
    name: str
    run: Callable[[bytes], None]
    seeds: Callable[[], list[bytes]]
    max_len: int = 4096
    about: str = field(default="")


TARGETS: dict[str, Target] = {}


def target(
    seeds: Callable[[], list[bytes]], max_len: int = 4096
) -> Callable[[Callable[[bytes], None]], Callable[[bytes], None]]:
    def register(fn: Callable[[bytes], None]) -> Callable[[bytes], None]:
        name = fn.__name__.removeprefix("fuzz_")
        TARGETS[name] = Target(name, fn, seeds, max_len, (fn.__doc__ or "").strip())
        return fn

    return register


def _select(seeds: list[bytes], variants: int) -> list[bytes]:
    return [bytes([i]) + s for s in seeds for i in range(variants)]


# -- CBOR, COSE_Key, COSE_Sign1 -------------------------------------------------------------


def _cbor_seeds() -> list[bytes]:
    from pqpay import signatures

    key = jose.to_cose_key(signatures.Ed25519PrivateKey.from_private_bytes(bytes(32)))
    return [b"\xa2\x01\x02\x03\x64abcd", key, *fx.cose_seeds()]


@target(_cbor_seeds)
def fuzz_cbor(data: bytes) -> None:
    """pqpay's strict CBOR decoder; a decoded value re-encodes to a value that decodes equal."""
    allow_simple = bool(data[:1]) and data[0] & 1 == 1
    with expect():
        value = _cbor.decode(data[1:], "fuzz", allow_simple=allow_simple)
        if not allow_simple:
            check(_cbor.decode(_cbor.encode(value), "fuzz") == value, "CBOR round trip")


@target(_cbor_seeds)
def fuzz_cose_key(data: bytes) -> None:
    """jose.from_cose_key: a key read re-encodes to a COSE_Key that reads back the same key."""
    with expect():
        key = jose.from_cose_key(data)
        again = jose.from_cose_key(jose.to_cose_key(key))
        check(jose.to_cose_key(again) == jose.to_cose_key(key), "COSE_Key round trip")


@target(lambda: _select(fx.cose_seeds(), 3))
def fuzz_cose_sign1(data: bytes) -> None:
    """decode_cose, verify_payment_cose (attached, external AAD, detached)."""
    selector, body = (data[0], data[1:]) if data else (0, b"")
    with expect():
        payments.decode_cose(body)
    with expect(ValueError):  # documented: detached payload missing, or given twice
        if selector % 3 == 0:
            message = payments.verify_payment_cose(fx.PAYMENT_PUBLIC, body)
        elif selector % 3 == 1:
            message = payments.verify_payment_cose(fx.PAYMENT_PUBLIC, body, external_aad=b"aad")
        else:
            detached = payments.canonicalize_payment(fx.MESSAGES[0])
            message = payments.verify_payment_cose(
                fx.PAYMENT_PUBLIC, body, detached_payload=detached
            )
        check(payments.canonicalize_payment(message) in fx.SIGNED_PAYLOADS, "COSE forgery")


# -- JWS, JCS, JWK ---------------------------------------------------------------------------


@target(lambda: _select(fx.jws_seeds(), 2))
def fuzz_jws(data: bytes) -> None:
    """verify_payment_jws over ``selector || body || 0x00 || compact JWS`` (bytes or str)."""
    selector, rest = (data[0], data[1:]) if data else (0, b"")
    body, _, compact = rest.partition(b"\x00")
    jws: str | bytes = text_variant(compact) if selector & 1 else compact
    with expect():
        message = payments.verify_payment_jws(fx.PAYMENT_PUBLIC, jws, body)
        check(body in fx.SIGNED_PAYLOADS, "JWS forgery")
        check(payments.canonicalize_payment(message) == body, "JWS message is not the body")


def _jcs_seeds() -> list[bytes]:
    texts = [
        b'{"b":[1,2.5e-7,"\\u00e9",null,true],"a":{"x":-0.0,"y":1e21}}',
        b'{"amount":{"value":"12.50","currency":"EUR"},"id":"pay_1"}',
        b"[1E400]",
        b'"\\ud800"',
        *fx.SIGNED_PAYLOADS,
    ]
    return _select(texts, 4)


@target(_jcs_seeds)
def fuzz_jcs(data: bytes) -> None:
    """RFC 8785 canonicalize_json / parse_payment (bytes or str): canonical output is a fixed
    point and parses back under the same rules."""
    selector, text = (data[0], data[1:]) if data else (0, b"")
    payment = bool(selector & 1)
    source: str | bytes = text_variant(text) if selector & 2 else text
    with expect():
        out = _jcs.canonicalize_json(source, payment=payment)
        check(_jcs.canonicalize_json(out, payment=payment) == out, "JCS not idempotent")
        _jcs.parse_canonical(out, payment=payment)
    with expect():
        payments.parse_payment(source)


def _jwk_seeds() -> list[bytes]:
    from pqpay import signatures

    keys = [
        signatures.Ed25519PrivateKey.from_private_bytes(bytes(32)),
        fx.PAYMENT_KEY,
    ]
    out = []
    for key in keys:
        out.append(json.dumps(jose.to_jwk(key)).encode())
        out.append(json.dumps(jose.to_jwk(key.public_key())).encode())
    return out


@target(_jwk_seeds, max_len=16384)
def fuzz_jwk(data: bytes) -> None:
    """jose.from_jwk on any parsed JSON object; a key read writes back a JWK that reads equal."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return  # the standard library's parser is not under test
    with expect():
        key = jose.from_jwk(value)
        check(jose.to_jwk(jose.from_jwk(jose.to_jwk(key))) == jose.to_jwk(key), "JWK round trip")
        jose.jwk_thumbprint(value)


# -- signed notes, checkpoints, receipts ----------------------------------------------------


def _note_seeds() -> list[bytes]:
    return _select(fx.receipts_and_notes()[1], 3)


@target(_note_seeds)
def fuzz_note(data: bytes) -> None:
    """parse_note, Checkpoint.parse and verify_checkpoint (require all / any / origin)."""
    selector, note = (data[0], data[1:]) if data else (0, b"")
    with expect():
        text, _ = checkpoint.parse_note(note)
        cp = checkpoint.Checkpoint.parse(text)
        check(checkpoint.Checkpoint.parse(cp.body()) == cp, "checkpoint round trip")
    with expect():
        if selector % 3 == 0:
            cp = checkpoint.verify_checkpoint(note, fx.VERIFIERS, origin=fx.ORIGIN)
        elif selector % 3 == 1:
            cp = checkpoint.verify_checkpoint(note, fx.VERIFIERS, require="any")
        else:
            cp = checkpoint.verify_checkpoint(note, fx.VERIFIERS[1:], origin=fx.ORIGIN)
        check(cp.body() in _CHECKPOINT_TEXTS, "checkpoint forgery")


_CHECKPOINT_TEXTS = fx.checkpoint_texts()


def _receipt_seeds() -> list[bytes]:
    return _select(fx.receipts_and_notes()[0], 2)


@target(_receipt_seeds, max_len=65536)
def fuzz_receipt(data: bytes) -> None:
    """Receipt.from_json (bytes or str) and verify_receipt; round trip through to_json."""
    selector, text = (data[0], data[1:]) if data else (0, b"")
    source: str | bytes = text_variant(text) if selector & 1 else text
    with expect():
        receipt = payments.Receipt.from_json(source)
        check(payments.Receipt.from_json(receipt.to_json()) == receipt, "receipt round trip")
    with expect():
        verified = payments.verify_receipt(
            source, fx.PAYMENT_PUBLIC, fx.VERIFIERS, origin=fx.ORIGIN
        )
        check(
            payments.canonicalize_payment(verified.message) in fx.SIGNED_PAYLOADS,
            "receipt forgery",
        )
        check(verified.checkpoint.origin == fx.ORIGIN, "receipt of another log")


# -- .ots ------------------------------------------------------------------------------------


@target(lambda: _select(fx.ots_seeds(), 2), max_len=16384)
def fuzz_ots(data: bytes) -> None:
    """parse_ots, to_bytes round trip, attestations, calendar/upgrade requests, verify_bitcoin
    against an 80-byte header taken from the input, merge_calendar_response."""
    selector, rest = (data[0], data[1:]) if data else (0, b"")
    with expect():
        proof = anchor.parse_ots(rest)
        check(anchor.parse_ots(proof.to_bytes()) == proof, ".ots round trip")
        proof.attestations()
        anchor.calendar_requests(proof)
        anchor.upgrade_requests(proof)
        if selector & 1:
            with expect(ValueError):  # documented: no single pending attestation there
                anchor.merge_calendar_response(proof, "https://a.example", rest[-200:])
        else:
            header = (rest[-80:] + bytes(80))[:80]
            anchor.verify_bitcoin(proof, header)


# -- webhooks --------------------------------------------------------------------------------

_PAYPAL: fx.PayPal | None = None


def _paypal() -> fx.PayPal:
    global _PAYPAL
    if _PAYPAL is None:
        _PAYPAL = fx.PayPal()
    return _PAYPAL


_PROVIDERS = 11


def _webhook_seeds() -> list[bytes]:
    body = b'{"id":"evt_1","event":{"id":"e1","type":"charge:confirmed"}}'
    adyen = fx.adyen_body([fx.ADYEN_ITEM])
    phonepe = b'{"success":true,"code":"PAYMENT_SUCCESS","data":{"transactionId":"T1"}}'
    out = []
    for provider in range(_PROVIDERS):
        seed_body = adyen if provider == 6 else phonepe if provider in (4, 5) else body
        for signed in (0, 1):
            out.append(bytes([provider, signed]) + seed_body)
    return out


@target(_webhook_seeds, max_len=16384)
def fuzz_webhook(data: bytes) -> None:
    """Every pqpay.webhooks verifier. ``provider || mode || payload``: mode 1 signs the fuzzed
    body with the fixture secret (so parsing after authentication is reached), mode 0 splits the
    payload into header and body at the first zero byte and takes both as they are."""
    if len(data) < 2:
        return
    provider, signed, payload = data[0] % _PROVIDERS, data[1] & 1, data[2:]
    header_raw, _, raw_body = payload.partition(b"\x00")
    header = text_variant(header_raw)
    body = payload if signed else raw_body
    store = MemoryNonceStore(max_entries=4)
    now = fx.NOW
    with expect(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(2):  # the second delivery is a replay (typed WebhookReplayError)
            if provider == 0:
                sig = fx.stripe_header(body) if signed else header
                verify_stripe(body, sig, fx.HMAC_SECRET, now=now, store=store)
            elif provider == 1:
                sig = fx.hmac_hex(body) if signed else header
                verify_coinbase(body, sig, fx.HMAC_SECRET, now=now, store=store)
            elif provider == 2:
                value = "v"
                sig = fx.cdp_header(body, value) if signed else header
                verify_coinbase_cdp(body, sig, {fx.CDP_HEADER: value}, fx.HMAC_SECRET, now=now)
            elif provider == 3:
                sig = fx.hmac_hex(body) if signed else header
                verify_razorpay(body, sig, fx.HMAC_SECRET, now=now, store=store)
            elif provider == 4:
                delivered, x_verify = fx.phonepe_v1(body) if signed else (body, header)
                verify_phonepe(delivered, x_verify, fx.PHONEPE_SALTS, now=now, store=store)
            elif provider == 5:
                auth = fx.phonepe_v2_authorization() if signed else header
                verify_phonepe_v2(
                    body, auth, fx.PHONEPE_USER, fx.PHONEPE_PASSWORD, now=now, store=store
                )
            elif provider == 6:
                verify_adyen(body, fx.ADYEN_KEY, now=now, store=store)
            elif provider == 7:
                sig = fx.adyen_header(body) if signed else header
                verify_adyen_hmac_header(body, sig, fx.ADYEN_KEY, now=now, store=store)
            elif provider == 8:
                order, _, payment = text_variant(body).partition("|")
                sig = fx.hmac_hex(f"{order}|{payment}".encode("utf-8", "surrogatepass"))
                verify_razorpay_payment(
                    order, payment, sig if signed else header, fx.HMAC_SECRET, now=now, store=store
                )
            elif provider == 9:
                pp = _paypal()
                sig = pp.signature(body) if signed else header
                verify_paypal(
                    body,
                    transmission_id="tid",
                    transmission_time=pp.time,
                    transmission_sig=sig,
                    webhook_id="WH",
                    certificate=pp.pem,
                    now=now,
                    store=store,
                )
            else:
                with expect():
                    RsaCertificate.load(payload)
                return


# -- snarkjs JSON and arkworks bytes --------------------------------------------------------


def _groth16_seeds() -> list[bytes]:
    return _select(fx.snarkjs_files(), 4) + _select(
        [p.read_bytes() for p in sorted((fx.VECTORS / "groth16").glob("*/*.bin"))], 4
    )


_CURVES = ("bn254", "bls12_381")


@target(_groth16_seeds, max_len=16384)
def fuzz_groth16(data: bytes) -> None:
    """snarkjs JSON (proof, verification key, public signals) and arkworks bytes; a proof read
    is verified against the repository's verification key of its curve."""
    selector, text = (data[0], data[1:]) if data else (0, b"")
    kind, curve = selector % 4, _CURVES[(selector >> 2) & 1]
    with expect():
        if kind == 0:
            proof = groth16.Proof.from_snarkjs_text(text)
            _verify_any(proof)
        elif kind == 1:
            vk = groth16.VerifyingKey.from_snarkjs_text(text)
            again = groth16.VerifyingKey.from_bytes(vk.to_bytes(), vk.curve)
            check(again.to_bytes() == vk.to_bytes(), "vk round trip")
        elif kind == 2:
            groth16.public_inputs_from_snarkjs_text(text)
        elif selector & 8:
            groth16.VerifyingKey.from_bytes(text, curve)
        else:
            with expect(ValueError):  # documented: a length that is no proof encoding
                _verify_any(groth16.Proof.from_bytes(text, curve))


def _verify_any(proof: groth16.Proof) -> None:
    vk, inputs = _VKS[proof.curve]
    with expect():
        groth16.verify(vk, proof, inputs)
        check(proof.to_bytes() == _PROOFS[proof.curve], "Groth16 forgery")


def _load_vks() -> tuple[
    dict[groth16.Curve, tuple[groth16.VerifyingKey, list[int]]], dict[groth16.Curve, bytes]
]:
    vks, proofs = {}, {}
    for d in sorted((fx.VECTORS / "groth16").iterdir()):
        if not d.is_dir():
            continue
        vk = groth16.VerifyingKey.from_snarkjs_path(d / "verification_key.json")
        inputs = groth16.public_inputs_from_snarkjs_path(d / "public.json")
        vks[vk.curve] = (vk, inputs)
        proofs[vk.curve] = groth16.Proof.from_snarkjs_path(d / "proof.json").to_bytes()
    return vks, proofs


_VKS, _PROOFS = _load_vks()


# -- PEM / DER key files and certificates ----------------------------------------------------


@target(lambda: _select(fx.key_files(), 3), max_len=16384)
def fuzz_keys(data: bytes) -> None:
    """load_{der,pem}_{private,public}_key, with and without a password; a key read writes
    back (PKCS#8 / SPKI DER) to bytes that read back equal."""
    selector, blob = (data[0], data[1:]) if data else (0, b"")
    password = b"fuzz-password" if selector % 3 == 2 else None
    is_pem = blob.lstrip()[:5] == b"-----"
    Enc, PubF, PrivF = (
        serialization.Encoding,
        serialization.PublicFormat,
        serialization.PrivateFormat,
    )
    with expect(TypeError):  # documented: a password for a plain key, or none for an encrypted one
        if selector % 3 == 0:
            pub = (
                serialization.load_pem_public_key if is_pem else serialization.load_der_public_key
            )(blob)
            der = serialization.public_bytes(pub, Enc.DER, PubF.SubjectPublicKeyInfo)
            check(serialization.load_der_public_key(der) == pub, "SPKI round trip")
        else:
            load = (
                serialization.load_pem_private_key if is_pem else serialization.load_der_private_key
            )
            priv = load(blob, password)
            der = serialization.private_bytes(priv, Enc.DER, PrivF.PKCS8)
            check(
                serialization.load_der_private_key(der).public_key() == priv.public_key(),
                "PKCS#8 round trip",
            )
