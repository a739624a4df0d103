"""Ed25519 and torsion (security review S-1), reproduced with pure-Python Edwards arithmetic.

A public key a·B + T (T of order 2, so not of small order) used to pass ``from_public_bytes``,
and a signature whose R carries T, which strict ``verify`` rejects, used to pass
``verify_many`` whenever the batch's random coefficient was even (104 of 200 runs in the review).
"""

from __future__ import annotations

import hashlib

import pytest

from pqpay import signatures
from pqpay.exceptions import InvalidKey, InvalidSignature

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, -1, P) % P
Point = tuple[int, int]


def _add(p: Point, q: Point) -> Point:
    (x1, y1), (x2, y2) = p, q
    t = D * x1 * x2 * y1 * y2 % P
    return (
        (x1 * y2 + x2 * y1) * pow(1 + t, -1, P) % P,
        (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P,
    )


def _mul(k: int, p: Point) -> Point:
    out: Point = (0, 1)
    while k:
        if k & 1:
            out = _add(out, p)
        p, k = _add(p, p), k >> 1
    return out


def _encode(p: Point) -> bytes:
    x, y = p
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _recover_x(y: int, sign: int) -> int:
    xx = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(xx, (P + 3) // 8, P)
    if (x * x - xx) % P:
        x = x * pow(2, (P - 1) // 4, P) % P
    return P - x if x & 1 != sign else x


BASE: Point = (_recover_x(4 * pow(5, -1, P) % P, 0), 4 * pow(5, -1, P) % P)
ORDER_TWO: Point = (0, P - 1)


def _k(r_enc: bytes, a_enc: bytes, msg: bytes) -> int:
    return int.from_bytes(hashlib.sha512(r_enc + a_enc + msg).digest(), "little") % L


def test_mixed_order_public_key_is_refused() -> None:
    a = 0x1234567
    mixed = _encode(_add(_mul(a, BASE), ORDER_TWO))
    with pytest.raises(InvalidKey, match="prime-order subgroup"):
        signatures.Ed25519PublicKey.from_public_bytes(mixed)
    # Without the torsion point it is an ordinary key.
    signatures.Ed25519PublicKey.from_public_bytes(_encode(_mul(a, BASE)))


def test_verify_many_agrees_with_verify_on_a_torsioned_r() -> None:
    a = 0xC0FFEE
    a_enc = _encode(_mul(a, BASE))
    msg = b"order 42"
    for r in range(1, 1000):
        r_enc = _encode(_add(_mul(r, BASE), ORDER_TWO))
        k = _k(r_enc, a_enc, msg)
        if k & 1:
            break
    sig = r_enc + ((r + k * a) % L).to_bytes(32, "little")
    public_key = signatures.Ed25519PublicKey.from_public_bytes(a_enc)
    with pytest.raises(InvalidSignature):
        public_key.verify(sig, msg)

    honest = signatures.Ed25519PrivateKey.generate()
    items: list[tuple[signatures.SignaturePublicKey, bytes, bytes]] = [(public_key, sig, msg)]
    for i in range(8):
        m = bytes([i]) * 40
        items.append((honest.public_key(), honest.sign(m), m))
    # The crafted item at index 0 and at the end (each chunk of a 2-core split has 4+ items).
    for batch in (items, items[1:] + items[:1]):
        bad = 0 if batch is items else len(batch) - 1
        for _ in range(40):
            got = signatures.verify_many(batch)
            assert got[bad] is False
            assert all(ok for i, ok in enumerate(got) if i != bad)
