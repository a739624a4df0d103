"""Ed25519 / Ed448: interop with pyca/cryptography both ways, properties (hypothesis),
verify_many / sign_many, contexts and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature as PycaInvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed448 as pyca_ed448
from cryptography.hazmat.primitives.asymmetric import ed25519 as pyca_ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from pqpay import signatures
from pqpay.exceptions import InvalidKey, InvalidSignature

ED: dict[str, tuple[Any, Any, Any, int, int, int]] = {
    # name: (pqpay private, pqpay public, pyca private, secret, public, signature sizes)
    "Ed25519": (
        signatures.Ed25519PrivateKey,
        signatures.Ed25519PublicKey,
        pyca_ed25519.Ed25519PrivateKey,
        32,
        32,
        64,
    ),
    "Ed448": (
        signatures.Ed448PrivateKey,
        signatures.Ed448PublicKey,
        pyca_ed448.Ed448PrivateKey,
        57,
        57,
        114,
    ),
}
NAMES = list(ED)


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[(bit // 8) % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


@pytest.mark.parametrize("name", NAMES)
def test_interop_with_pyca_both_ways(name: str) -> None:
    priv, pub, pyca_priv, sk_len, pk_len, sig_len = ED[name]
    for msg in (b"", b"abc", bytes(range(256)) * 9):
        # pyca key -> pqpay: same public key, same (deterministic) signature, cross-verification.
        theirs = pyca_priv.generate()
        raw = theirs.private_bytes_raw()
        ours = priv.from_private_bytes(raw)
        assert ours.private_bytes_raw() == raw and len(raw) == sk_len
        their_pk = theirs.public_key().public_bytes_raw()
        assert ours.public_key().public_bytes_raw() == their_pk and len(their_pk) == pk_len
        sig = ours.sign(msg)
        assert len(sig) == sig_len
        assert sig == theirs.sign(msg)
        theirs.public_key().verify(sig, msg)
        pub.from_public_bytes(their_pk).verify(theirs.sign(msg), msg)
        # pqpay key -> pyca.
        ours = priv.generate()
        theirs = pyca_priv.from_private_bytes(ours.private_bytes_raw())
        pk = pyca_priv.from_private_bytes(ours.private_bytes_raw()).public_key()
        pk.verify(ours.sign(msg), msg)
        ours.public_key().verify(theirs.sign(msg), msg)
        with pytest.raises(PycaInvalidSignature):
            pk.verify(_flip(ours.sign(msg), 3), msg)


@settings(max_examples=60, deadline=None)
@given(seed=st.binary(min_size=57, max_size=57), msg=st.binary(max_size=2000))
def test_ed448_random_messages_cross_check_with_pyca(seed: bytes, msg: bytes) -> None:
    """Random keys and messages: pqpay and pyca (OpenSSL) derive the same public key, give the
    same signature, and each verifies the other's (contexts: pyca has none, see below)."""
    ours = signatures.Ed448PrivateKey.from_private_bytes(seed)
    theirs = pyca_ed448.Ed448PrivateKey.from_private_bytes(seed)
    their_pk = theirs.public_key().public_bytes_raw()
    assert ours.public_key().public_bytes_raw() == their_pk
    sig = ours.sign(msg)
    assert sig == theirs.sign(msg)
    theirs.public_key().verify(sig, msg)
    signatures.Ed448PublicKey.from_public_bytes(their_pk).verify(theirs.sign(msg), msg)


def test_ed448_context_interop() -> None:
    """pyca has no Ed448 context API, so the empty context is what interop can check; a context
    changes the signature and is bound to it."""
    sk = signatures.Ed448PrivateKey.generate()
    theirs = pyca_ed448.Ed448PrivateKey.from_private_bytes(sk.private_bytes_raw())
    assert sk.sign(b"m", b"") == theirs.sign(b"m")
    with_ctx = sk.sign(b"m", b"ctx")
    assert with_ctx != theirs.sign(b"m")
    sk.public_key().verify(with_ctx, b"m", b"ctx")
    with pytest.raises(InvalidSignature):
        sk.public_key().verify(with_ctx, b"m", b"")
    with pytest.raises(PycaInvalidSignature):
        theirs.public_key().verify(with_ctx, b"m")


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_properties(name: str, data: st.DataObject) -> None:
    priv, pub, _, sk_len, _, _ = ED[name]
    seed = data.draw(st.binary(min_size=sk_len, max_size=sk_len))
    msg = data.draw(st.binary(max_size=300))
    ctx = b"" if name == "Ed25519" else data.draw(st.binary(max_size=255))
    sk = priv.from_private_bytes(seed)
    assert sk.private_bytes_raw() == seed
    pk = pub.from_public_bytes(sk.public_key().public_bytes_raw())
    assert pk == sk.public_key()
    sig = sk.sign(msg, ctx)
    pk.verify(sig, msg, ctx)
    bit = data.draw(st.integers(min_value=0, max_value=8 * len(sig) - 1))
    with pytest.raises(InvalidSignature):
        pk.verify(_flip(sig, bit), msg, ctx)
    with pytest.raises(InvalidSignature):
        pk.verify(sig, _flip(msg, bit) if msg else b"\x00", ctx)
    other = priv.from_private_bytes(_flip(seed, bit % (8 * sk_len))).public_key()
    with pytest.raises(InvalidSignature):
        other.verify(sig, msg, ctx)
    # A flipped public key is either no longer a valid point or fails to verify.
    try:
        flipped = pub.from_public_bytes(_flip(pk.public_bytes_raw(), bit))
    except InvalidKey:
        pass
    else:
        with pytest.raises(InvalidSignature):
            flipped.verify(sig, msg, ctx)


def test_verify_many_mixed() -> None:
    ed = [signatures.Ed25519PrivateKey.generate() for _ in range(7)]
    e448 = signatures.Ed448PrivateKey.generate()
    items: list[Any] = []
    for i in range(500):
        msg = b"msg %d" % i
        if i % 11 == 5:
            items.append((e448.public_key(), e448.sign(msg, b"c"), msg, b"c"))
        else:
            k = ed[i % len(ed)]
            items.append((k.public_key(), k.sign(msg), msg))
    bad = {0, 5, 16, 250, 251, 333, 499}
    for i in bad:
        item = list(items[i])
        item[1] = _flip(item[1], 9 * i)
        items[i] = tuple(item)
    items[400] = (items[400][0], items[400][1], b"another message")
    bad.add(400)
    items[401] = (items[401][0], items[401][1][:10], items[401][2])  # wrong size
    bad.add(401)
    got = signatures.verify_many(items)
    assert [i for i, ok in enumerate(got) if not ok] == sorted(bad)
    assert signatures.verify_many([]) == []


def test_verify_many_all_valid_large_batch() -> None:
    sks = [signatures.Ed25519PrivateKey.generate() for _ in range(16)]
    items = [
        (sks[i % 16].public_key(), sks[i % 16].sign(b"%d" % i), b"%d" % i) for i in range(2000)
    ]
    assert all(signatures.verify_many(items))


def test_verify_many_context_errors() -> None:
    e448 = signatures.Ed448PrivateKey.generate()
    sig = e448.sign(b"m")
    with pytest.raises(ValueError, match="255"):
        signatures.verify_many([(e448.public_key(), sig, b"m", b"x" * 256)])
    ed = signatures.Ed25519PrivateKey.generate()
    with pytest.raises(ValueError, match="Ed25519 takes no context"):
        signatures.verify_many([(ed.public_key(), ed.sign(b"m"), b"m", b"c")])


@pytest.mark.parametrize("name", NAMES)
def test_sign_many_round_trip(name: str) -> None:
    sk = ED[name][0].generate()
    msgs = [bytes([i]) * i for i in range(40)]
    ctx = b"" if name == "Ed25519" else b"ctx"
    sigs = sk.sign_many(msgs, ctx)
    assert sigs == [sk.sign(m, ctx) for m in msgs]  # RFC 8032 signing is deterministic
    assert (
        signatures.verify_many(
            [(sk.public_key(), s, m, ctx) for s, m in zip(sigs, msgs, strict=True)]
        )
        == [True] * 40
    )


@pytest.mark.parametrize("name", NAMES)
def test_bad_sizes(name: str) -> None:
    priv, pub, _, sk_len, pk_len, sig_len = ED[name]
    for n in (0, sk_len - 1, sk_len + 1):
        with pytest.raises(ValueError, match=str(n)):
            priv.from_private_bytes(b"\x01" * n)
    for n in (0, pk_len - 1, pk_len + 1):
        with pytest.raises(ValueError, match=str(n)):
            pub.from_public_bytes(b"\x01" * n)
    sk = priv.generate()
    sig = sk.sign(b"m")
    for bad in (b"", sig[:-1], sig + b"\x00", bytes(sig_len)):
        with pytest.raises(InvalidSignature):
            sk.public_key().verify(bad, b"m")
    with pytest.raises(ValueError, match="255"):
        sk.sign(b"m", b"x" * 256)


def test_ed25519_context_is_refused() -> None:
    sk = signatures.Ed25519PrivateKey.generate()
    with pytest.raises(ValueError, match="Ed25519 takes no context"):
        sk.sign(b"m", b"c")
    with pytest.raises(ValueError, match="Ed25519 takes no context"):
        sk.public_key().verify(sk.sign(b"m"), b"m", b"c")


def test_non_canonical_encodings() -> None:
    # Ed25519: y = p (non-canonical 0) and the identity (small order) are refused as keys.
    y_is_p = bytes([0xED] + [0xFF] * 30 + [0x7F])
    identity = bytes([1] + [0] * 31)
    for pk in (y_is_p, identity):
        with pytest.raises(InvalidKey):
            signatures.Ed25519PublicKey.from_public_bytes(pk)
    sk = signatures.Ed25519PrivateKey.generate()
    sig = sk.sign(b"m")
    # S + L (non-canonical S) fails.
    order = 2**252 + 27742317777372353535851937790883648493
    s = int.from_bytes(sig[32:], "little") + order
    with pytest.raises(InvalidSignature):
        sk.public_key().verify(sig[:32] + s.to_bytes(32, "little"), b"m")
    # Ed448: a public key with the unused low bits of the last byte set.
    e448 = signatures.Ed448PrivateKey.generate()
    raw = bytearray(e448.public_key().public_bytes_raw())
    raw[56] |= 1
    with pytest.raises(InvalidKey):
        signatures.Ed448PublicKey.from_public_bytes(bytes(raw))
    sig448 = bytearray(e448.sign(b"m"))
    sig448[56] |= 1  # R's unused bits
    with pytest.raises(InvalidSignature):
        e448.public_key().verify(bytes(sig448), b"m")


def test_repr_hides_the_secret() -> None:
    raw = bytes(range(32))
    sk = signatures.Ed25519PrivateKey.from_private_bytes(raw)
    assert raw.hex()[:8] not in repr(sk)
