"""Ed25519 / Ed448 known answers: cryptography-vectors ``Ed25519/sign.input`` and
``Ed448/rfc8032.txt``. Wycheproof is in ``test_signatures_eddsa_vectors_wycheproof.py``.
"""

from __future__ import annotations

import pytest

from pqpay import signatures
from pqpay.exceptions import InvalidSignature
from tests._support.vector_sources import (
    Tally,
    h,
    open_cryptography_vector,
    parse_blocks,
    source_name,
)

pytestmark = pytest.mark.vectors

ED25519_SIGN_INPUT = "asymmetric/Ed25519/sign.input"
ED448_RFC8032 = "asymmetric/Ed448/rfc8032.txt"


def test_ed25519_sign_input() -> None:
    """SUPERCOP sign.input: sk‖pk : pk : msg : sig‖msg (1024 lines)."""
    tally = Tally(source_name("cryptography-vectors", ED25519_SIGN_INPUT))
    with open_cryptography_vector(ED25519_SIGN_INPUT) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    for n, line in enumerate(lines):
        with tally.case(f"line {n + 1}"):
            fields = line.split(":")
            assert len(fields) == 5 and fields[4] == "", "malformed line"
            skpk, pk, msg, sigmsg = (h(x) for x in fields[:4])
            sig = sigmsg[:64]
            assert sigmsg[64:] == msg, "sig‖msg does not end with msg"
            sk = signatures.Ed25519PrivateKey.from_private_bytes(skpk[:32])
            assert skpk[32:] == pk
            assert sk.public_key().public_bytes_raw() == pk, "public key differs"
            assert sk.sign(msg) == sig, "signature differs"
            assert sk.private_bytes_raw() == skpk[:32]
            signatures.Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
    tally.finish(expected=1024)


def test_ed448_rfc8032() -> None:
    """RFC 8032 §7.4 Ed448 (blocks COUNT / SECRET / PUBLIC / MESSAGE / [CONTEXT] / SIGNATURE)."""
    tally = Tally(source_name("cryptography-vectors", ED448_RFC8032))
    with open_cryptography_vector(ED448_RFC8032) as f:
        blocks = list(parse_blocks(f))
    for b in blocks:
        with tally.case(f"COUNT={b['COUNT']}"):
            assert set(b) <= {"COUNT", "SECRET", "PUBLIC", "MESSAGE", "CONTEXT", "SIGNATURE"}
            sk = signatures.Ed448PrivateKey.from_private_bytes(h(b["SECRET"]))
            msg, ctx, sig = h(b["MESSAGE"]), h(b.get("CONTEXT", "")), h(b["SIGNATURE"])
            assert sk.public_key().public_bytes_raw() == h(b["PUBLIC"]), "public key differs"
            assert sk.sign(msg, ctx) == sig, "signature differs"
            pk = signatures.Ed448PublicKey.from_public_bytes(h(b["PUBLIC"]))
            pk.verify(sig, msg, ctx)
            with pytest.raises(InvalidSignature):
                pk.verify(sig, msg, ctx + b"x")
    tally.finish()
    assert tally.ran >= 9
