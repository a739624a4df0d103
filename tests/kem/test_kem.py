"""Behaviour of the ``pqpay.kem`` API, for every algorithm in the variant table."""

from __future__ import annotations

import copy
import hashlib
import pickle
import re
from typing import Any

import pytest

from pqpay import hazmat, kem
from pqpay.exceptions import InvalidKey
from tests._support.kem_variants import (
    ALL,
    BY_NAME,
    IMPLICIT_REJECTION,
    MLKEM,
    WITH_MLKEM,
    WITH_RANDOMNESS,
    Q,
    Variant,
    flip_bit,
    get_coefficient,
    set_coefficient,
)

# Low-order points of curve25519 (and non-canonical encodings of them): X25519 with any
# scalar gives all zeros, which pqpay must reject.
P25519 = 2**255 - 19
X25519_LOW_ORDER = [
    pytest.param((0).to_bytes(32, "little"), id="zero"),
    pytest.param((1).to_bytes(32, "little"), id="one"),
    pytest.param(
        bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        id="order8-a",
    ),
    pytest.param(
        bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        id="order8-b",
    ),
    pytest.param((P25519 - 1).to_bytes(32, "little"), id="p-1"),
    pytest.param(P25519.to_bytes(32, "little"), id="p"),
    pytest.param((P25519 + 1).to_bytes(32, "little"), id="p+1"),
]


def _mentions(message: str, *numbers: int) -> bool:
    return all(re.search(rf"(?<!\d){n}(?!\d)", message) for n in numbers)


# --- sizes and round trips ------------------------------------------------------------------


@pytest.mark.parametrize("v", ALL)
def test_class_constants_match_the_standard(v: Variant) -> None:
    assert v.private_cls.ALGORITHM == v.public_cls.ALGORITHM == v.name
    assert v.seed_size == v.private_cls.SEED_SIZE
    assert v.public_key_size == v.public_cls.PUBLIC_KEY_SIZE
    assert v.ciphertext_size == v.public_cls.CIPHERTEXT_SIZE
    assert v.shared_secret_size == v.public_cls.SHARED_SECRET_SIZE
    assert kem.PRIVATE_KEY_CLASSES[v.name] is v.private_cls
    assert kem.PUBLIC_KEY_CLASSES[v.name] is v.public_cls


def test_variant_table_covers_every_algorithm() -> None:
    assert set(kem.PRIVATE_KEY_CLASSES) == set(BY_NAME)


@pytest.mark.parametrize("v", ALL)
def test_generate_round_trip(v: Variant) -> None:
    sk = v.private_cls.generate()
    assert type(sk) is v.private_cls
    pk = sk.public_key()
    assert type(pk) is v.public_cls
    assert len(pk.public_bytes_raw()) == v.public_key_size
    assert len(sk.private_bytes_raw()) == v.seed_size
    ss, ct = pk.encapsulate()
    assert len(ss) == v.shared_secret_size
    assert len(ct) == v.ciphertext_size
    assert ss != bytes(len(ss))
    assert sk.decapsulate(ct) == ss
    ss2, ct2 = pk.encapsulate()
    assert (ss2, ct2) != (ss, ct), "encapsulate must use fresh randomness"
    assert sk.decapsulate(ct2) == ss2
    assert v.private_cls.generate().public_key() != pk, "generate must use fresh randomness"


@pytest.mark.parametrize("v", ALL)
def test_seed_determines_the_key(v: Variant) -> None:
    seed = v.seed("a")
    sk1 = v.private_cls.from_seed_bytes(seed)
    sk2 = v.private_cls.from_seed_bytes(seed)
    assert sk1.public_key().public_bytes_raw() == sk2.public_key().public_bytes_raw()
    assert sk1.public_key() == sk2.public_key()
    other = v.key("b")
    assert other.public_key() != sk1.public_key()
    ss, ct = sk1.public_key().encapsulate()
    assert sk2.decapsulate(ct) == ss
    assert other.decapsulate(ct) != ss


@pytest.mark.parametrize("v", ALL)
def test_private_bytes_raw_round_trip(v: Variant) -> None:
    seed = v.seed("raw")
    sk = v.private_cls.from_seed_bytes(seed)
    assert sk.private_bytes_raw() == seed
    again = v.private_cls.from_seed_bytes(sk.private_bytes_raw())
    assert again.public_key() == sk.public_key()


@pytest.mark.parametrize("v", ALL)
def test_public_bytes_round_trip(v: Variant) -> None:
    sk = v.key()
    raw = sk.public_key().public_bytes_raw()
    pk = v.public_cls.from_public_bytes(raw)
    assert pk.public_bytes_raw() == raw
    ss, ct = pk.encapsulate()
    assert sk.decapsulate(ct) == ss


@pytest.mark.parametrize("v", WITH_RANDOMNESS)
def test_encapsulate_derand_is_deterministic(v: Variant) -> None:
    assert v.randomness_size is not None
    sk = v.key()
    pk = sk.public_key()
    r1 = hashlib.sha3_512(b"r1").digest()[: v.randomness_size]
    r2 = hashlib.sha3_512(b"r2").digest()[: v.randomness_size]
    ss1, ct1 = hazmat.encapsulate_derand(pk, r1)
    assert hazmat.encapsulate_derand(pk, r1) == (ss1, ct1)
    ss2, ct2 = hazmat.encapsulate_derand(pk, r2)
    assert ct2 != ct1
    assert ss2 != ss1
    assert sk.decapsulate(ct1) == ss1
    assert len(ss1) == v.shared_secret_size
    assert len(ct1) == v.ciphertext_size
    for n in (0, v.randomness_size - 1, v.randomness_size + 1):
        with pytest.raises(ValueError) as info:
            hazmat.encapsulate_derand(pk, bytes(n))
        assert _mentions(str(info.value), v.randomness_size, n), str(info.value)


# --- wrong lengths and wrong types ----------------------------------------------------------


@pytest.mark.parametrize("v", ALL)
@pytest.mark.parametrize("delta", [-1, 1, "empty"])
def test_wrong_length_seed(v: Variant, delta: int | str) -> None:
    n = 0 if delta == "empty" else v.seed_size + int(delta)
    with pytest.raises(ValueError) as info:
        v.private_cls.from_seed_bytes(bytes(n))
    assert _mentions(str(info.value), v.seed_size, n), str(info.value)


@pytest.mark.parametrize("v", ALL)
@pytest.mark.parametrize("delta", [-1, 1, "empty"])
def test_wrong_length_public_key(v: Variant, delta: int | str) -> None:
    raw = v.key().public_key().public_bytes_raw()
    data = b"" if delta == "empty" else (raw[:-1] if delta == -1 else raw + b"\x00")
    with pytest.raises(ValueError) as info:
        v.public_cls.from_public_bytes(data)
    assert _mentions(str(info.value), v.public_key_size, len(data)), str(info.value)


@pytest.mark.parametrize("v", ALL)
@pytest.mark.parametrize("delta", [-1, 1, "empty"])
def test_wrong_length_ciphertext(v: Variant, delta: int | str) -> None:
    sk = v.key()
    _, ct = sk.public_key().encapsulate()
    data = b"" if delta == "empty" else (ct[:-1] if delta == -1 else ct + b"\x00")
    with pytest.raises(ValueError) as info:
        sk.decapsulate(data)
    assert _mentions(str(info.value), v.ciphertext_size, len(data)), str(info.value)
    with pytest.raises(ValueError):
        sk.decapsulate_many([ct, data])


@pytest.mark.parametrize("v", ALL)
def test_bytes_like_inputs_accepted(v: Variant) -> None:
    seed = v.seed("bytes-like")
    sk = v.private_cls.from_seed_bytes(seed)
    pk_raw = sk.public_key().public_bytes_raw()
    for wrap in (bytearray, memoryview):
        sk_w = v.private_cls.from_seed_bytes(wrap(seed))
        assert sk_w.public_key() == sk.public_key()
        pk_w = v.public_cls.from_public_bytes(wrap(pk_raw))
        assert pk_w == sk.public_key()
        ss, ct = pk_w.encapsulate()
        assert sk.decapsulate(wrap(ct)) == ss
        assert sk.decapsulate_many([wrap(ct)]) == [ss]
        if v.randomness_size:
            r = bytes(range(v.randomness_size))
            assert hazmat.encapsulate_derand(pk_w, wrap(r)) == hazmat.encapsulate_derand(pk_w, r)


@pytest.mark.parametrize("v", ALL)
def test_str_input_is_a_type_error(v: Variant) -> None:
    sk = v.key()
    _, ct = sk.public_key().encapsulate()
    with pytest.raises(TypeError):
        v.private_cls.from_seed_bytes("0" * v.seed_size)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        v.public_cls.from_public_bytes("0" * v.public_key_size)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sk.decapsulate(ct.hex()[: v.ciphertext_size])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sk.decapsulate_many(["0" * v.ciphertext_size])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        v.private_cls.from_seed_bytes(list(v.seed()))  # type: ignore[arg-type]


@pytest.mark.parametrize("v", ALL)
def test_direct_construction_is_refused(v: Variant) -> None:
    with pytest.raises(TypeError):
        v.private_cls()
    with pytest.raises(TypeError):
        v.public_cls()


# --- secrets stay secret; keys are values ---------------------------------------------------


@pytest.mark.parametrize("v", ALL)
def test_repr_shows_no_secret(v: Variant) -> None:
    seed = v.seed("repr")
    sk = v.private_cls.from_seed_bytes(seed)
    secrets = [seed]
    if v.name.startswith("ML-KEM-"):
        secrets.append(hazmat.mlkem_expanded_bytes(sk))
    for text in (repr(sk), str(sk), f"{sk!r}", repr([sk])):
        assert v.private_cls.__name__ in text
        for secret in secrets:
            for i in range(0, len(secret) - 8 + 1):
                window = secret[i : i + 8]
                assert window.hex() not in text.lower()
                assert repr(window)[2:-1] not in text


@pytest.mark.parametrize("v", ALL)
def test_keys_are_not_picklable(v: Variant) -> None:
    sk = v.key()
    pk = sk.public_key()
    for obj in (sk, pk):
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
            with pytest.raises(TypeError):
                pickle.dumps(obj, protocol=protocol)


@pytest.mark.parametrize("v", ALL)
def test_copy_returns_self(v: Variant) -> None:
    sk = v.key()
    pk = sk.public_key()
    assert copy.copy(sk) is sk
    assert copy.deepcopy(sk) is sk
    assert copy.copy(pk) is pk
    assert copy.deepcopy(pk) is pk
    assert copy.deepcopy([sk, pk])[0] is sk


@pytest.mark.parametrize("v", ALL)
def test_public_key_equality_and_hash(v: Variant) -> None:
    a1 = v.key("a").public_key()
    a2 = v.public_cls.from_public_bytes(v.key("a").public_key().public_bytes_raw())
    b = v.key("b").public_key()
    assert a1 == a2
    assert (a1 != a2) is False
    assert hash(a1) == hash(a2)
    assert a1 != b
    assert len({a1, a2, b}) == 2
    assert a1 != a1.public_bytes_raw()
    assert (a1 == a1.public_bytes_raw()) is False
    assert a1 != object()


def test_equal_bytes_of_different_algorithms_are_different_keys() -> None:
    raw = kem.XWingPrivateKey.from_seed_bytes(bytes(32)).public_key().public_bytes_raw()
    xwing = kem.XWingPublicKey.from_public_bytes(raw)
    tls = kem.X25519MLKEM768PublicKey.from_public_bytes(raw)
    assert xwing.public_bytes_raw() == tls.public_bytes_raw()
    assert xwing != tls


# --- batch operations -----------------------------------------------------------------------


@pytest.mark.parametrize("v", ALL)
def test_decapsulate_many_matches_decapsulate(v: Variant) -> None:
    sk = v.key()
    pk = sk.public_key()
    cts = [pk.encapsulate()[1] for _ in range(5)]
    if v.implicit_rejection:
        cts.append(flip_bit(cts[0], 3))
    assert sk.decapsulate_many(cts) == [sk.decapsulate(c) for c in cts]
    assert sk.decapsulate_many(iter(cts)) == [sk.decapsulate(c) for c in cts]
    assert sk.decapsulate_many([]) == []


@pytest.mark.parametrize("v", ALL)
def test_encapsulate_many_matches_keys(v: Variant) -> None:
    sks = [v.key(str(i)) for i in range(4)]
    results = kem.encapsulate_many([sk.public_key() for sk in sks])
    assert len(results) == len(sks)
    for sk, (ss, ct) in zip(sks, results, strict=True):
        assert len(ss) == v.shared_secret_size
        assert len(ct) == v.ciphertext_size
        assert sk.decapsulate(ct) == ss
    assert len({ss for ss, _ in results}) == len(sks)


def test_encapsulate_many_mixed_algorithms_and_errors() -> None:
    names = ["ML-KEM-512", "ML-KEM-768", "ML-KEM-1024", "X25519", "X-Wing", "X25519MLKEM768"]
    sks = [BY_NAME[n].key("mixed") for n in names]
    results = kem.encapsulate_many([sk.public_key() for sk in sks])
    for sk, (ss, ct) in zip(sks, results, strict=True):
        assert len(ct) == sk.public_key().CIPHERTEXT_SIZE
        assert sk.decapsulate(ct) == ss
    assert kem.encapsulate_many([]) == []
    with pytest.raises(TypeError):
        kem.encapsulate_many([sks[0].public_key().public_bytes_raw()])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        kem.encapsulate_many([sks[0]])  # type: ignore[list-item]


# --- ML-KEM key validation ------------------------------------------------------------------


def _coefficient_cases() -> list[Any]:
    cases = []
    for p in WITH_MLKEM:
        v: Variant = p.values[0]
        assert v.mlkem_k is not None
        last = 256 * v.mlkem_k - 1
        for index, value in ((0, Q), (1, Q), (last, Q), (0, 4095), (last, 4095)):
            cases.append(pytest.param(v, index, value, id=f"{v.name}-c{index}={value}"))
    return cases


@pytest.mark.parametrize(("v", "index", "value"), _coefficient_cases())
def test_coefficient_at_least_q_is_invalid_key(v: Variant, index: int, value: int) -> None:
    """FIPS 203 section 7.2: every ek coefficient must be < q. The ML-KEM key comes first in
    every hybrid's public key (X-Wing, X25519MLKEM768 and the HPKE-PQ hybrids)."""
    raw = v.key().public_key().public_bytes_raw()
    bad = set_coefficient(raw, index, value)
    with pytest.raises(InvalidKey):
        v.public_cls.from_public_bytes(bad)
    with pytest.raises(InvalidKey):
        v.public_cls.from_public_bytes(bytearray(bad))


@pytest.mark.parametrize("v", WITH_MLKEM)
def test_coefficient_q_minus_1_is_accepted(v: Variant) -> None:
    raw = v.key().public_key().public_bytes_raw()
    edited = set_coefficient(raw, 0, Q - 1)
    assert get_coefficient(raw, 0) < Q
    assert v.public_cls.from_public_bytes(edited).public_bytes_raw() == edited


@pytest.mark.parametrize("v", MLKEM)
def test_expanded_key_without_seed(v: Variant) -> None:
    sk = v.key("expanded")
    expanded = hazmat.mlkem_expanded_bytes(sk)
    loaded = hazmat.mlkem_from_expanded_bytes(v.private_cls, expanded)  # type: ignore[type-var]
    assert type(loaded) is v.private_cls
    assert loaded.public_key() == sk.public_key()
    assert hazmat.mlkem_expanded_bytes(loaded) == expanded
    with pytest.raises(InvalidKey):
        loaded.private_bytes_raw()
    ss, ct = sk.public_key().encapsulate()
    assert loaded.decapsulate(ct) == ss
    tampered = flip_bit(ct, 0)
    assert loaded.decapsulate(tampered) == sk.decapsulate(tampered)


@pytest.mark.parametrize("v", MLKEM)
def test_expanded_key_hash_check(v: Variant) -> None:
    """FIPS 203 section 7.3: H(ek) stored in dk must match; a flipped bit must be rejected."""
    expanded = hazmat.mlkem_expanded_bytes(v.key())
    h_offset = len(expanded) - 64  # dk = dk_pke || ek || H(ek) || z
    with pytest.raises(InvalidKey):
        hazmat.mlkem_from_expanded_bytes(v.private_cls, flip_bit(expanded, h_offset * 8))  # type: ignore[type-var]
    with pytest.raises(ValueError):
        hazmat.mlkem_from_expanded_bytes(v.private_cls, expanded[:-1])  # type: ignore[type-var]


@pytest.mark.parametrize("name", ["X25519", "X-Wing", "X25519MLKEM768"])
def test_mlkem_expanded_bytes_refuses_other_algorithms(name: str) -> None:
    with pytest.raises(TypeError):
        hazmat.mlkem_expanded_bytes(BY_NAME[name].key())


# --- implicit rejection, X25519 edge cases --------------------------------------------------


@pytest.mark.parametrize("v", IMPLICIT_REJECTION)
def test_tampered_ciphertext_gives_another_secret(v: Variant) -> None:
    sk = v.key()
    ss, ct = sk.public_key().encapsulate()
    for bit in (0, 8 * len(ct) // 2 + 5, 8 * len(ct) - 2):
        other = sk.decapsulate(flip_bit(ct, bit))
        assert len(other) == v.shared_secret_size
        assert other != ss


@pytest.mark.parametrize("low_order", X25519_LOW_ORDER)
def test_x25519_low_order_point(low_order: bytes) -> None:
    sk = kem.X25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    with pytest.raises(InvalidKey):
        sk.exchange(low_order)
    with pytest.raises(InvalidKey):
        sk.decapsulate(low_order)


@pytest.mark.parametrize("low_order", X25519_LOW_ORDER)
def test_x25519mlkem768_low_order_share_is_rejected(low_order: bytes) -> None:
    """TLS (draft-ietf-tls-ecdhe-mlkem, RFC 8446 section 7.4.2): all-zero X25519 -> abort."""
    sk = BY_NAME["X25519MLKEM768"].key()
    _, ct = sk.public_key().encapsulate()
    with pytest.raises(InvalidKey):
        sk.decapsulate(ct[:1088] + low_order)


@pytest.mark.parametrize("low_order", X25519_LOW_ORDER)
def test_xwing_low_order_share_still_decapsulates(low_order: bytes) -> None:
    """X-Wing needs no all-zero check: a right-length ciphertext never raises."""
    sk = BY_NAME["X-Wing"].key()
    ss, ct = sk.public_key().encapsulate()
    out = sk.decapsulate(ct[:1088] + low_order)
    assert len(out) == 32
    assert out != ss


def test_x25519_exchange_agrees_both_ways() -> None:
    a = kem.X25519PrivateKey.from_private_bytes(bytes(range(32)))
    b = kem.X25519PrivateKey.from_seed_bytes(bytes(range(32, 64)))
    ab = a.exchange(b.public_key())
    assert ab == b.exchange(a.public_key())
    assert ab == a.exchange(b.public_key().public_bytes_raw())
    assert ab == a.exchange(bytearray(b.public_key().public_bytes_raw()))
    assert ab != bytes(32)
    with pytest.raises(ValueError) as info:
        a.exchange(bytes(31))
    assert _mentions(str(info.value), 32, 31)
    with pytest.raises(TypeError):
        a.exchange("00" * 16)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["MLKEM768-P256", "MLKEM1024-P384"])
def test_nist_hybrid_point_not_on_curve_is_rejected(name: str) -> None:
    """The hybrid public key is ek || uncompressed point (04 || x || y); (0, 0) is not on
    the curve."""
    v = BY_NAME[name]
    raw = v.key().public_key().public_bytes_raw()
    ek_size = 384 * (v.mlkem_k or 0) + 32
    point_size = v.public_key_size - ek_size
    assert raw[ek_size] == 0x04
    with pytest.raises(ValueError):
        v.public_cls.from_public_bytes(raw[:ek_size] + b"\x04" + bytes(point_size - 1))
