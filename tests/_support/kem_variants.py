"""The table of KEM variants the API tests run over (sizes from the standards, not from pqpay)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest

from pqpay import kem


@dataclass(frozen=True)
class Variant:
    """One KEM as the standards define it: the sizes here are written down independently of
    the class constants, so comparing them is a real check."""

    name: str
    private_cls: type[kem.KEMPrivateKey[Any]]
    public_cls: type[kem.KEMPublicKey]
    seed_size: int
    public_key_size: int
    ciphertext_size: int
    shared_secret_size: int
    randomness_size: int | None
    """Length of ``hazmat.encapsulate_derand``'s randomness; None where pqpay does not say."""
    mlkem_k: int | None
    """ML-KEM rank of the (first) ML-KEM component; None for X25519."""
    implicit_rejection: bool
    """A wrong ciphertext of the right length gives a pseudorandom secret and never raises."""

    def seed(self, label: str | bytes = b"") -> bytes:
        """A deterministic seed of the right size, distinct per label."""
        data = label.encode() if isinstance(label, str) else label
        return hashlib.shake_256(b"pqpay-test-seed|" + self.name.encode() + b"|" + data).digest(
            self.seed_size
        )

    def key(self, label: str | bytes = b"") -> kem.KEMPrivateKey[Any]:
        return self.private_cls.from_seed_bytes(self.seed(label))


VARIANTS = [
    Variant("ML-KEM-512", kem.MLKEM512PrivateKey, kem.MLKEM512PublicKey,
            64, 800, 768, 32, 32, 2, True),
    Variant("ML-KEM-768", kem.MLKEM768PrivateKey, kem.MLKEM768PublicKey,
            64, 1184, 1088, 32, 32, 3, True),
    Variant("ML-KEM-1024", kem.MLKEM1024PrivateKey, kem.MLKEM1024PublicKey,
            64, 1568, 1568, 32, 32, 4, True),
    Variant("X25519", kem.X25519PrivateKey, kem.X25519PublicKey,
            32, 32, 32, 32, 32, None, False),
    Variant("X-Wing", kem.XWingPrivateKey, kem.XWingPublicKey,
            32, 1216, 1120, 32, 64, 3, True),
    Variant("X25519MLKEM768", kem.X25519MLKEM768PrivateKey, kem.X25519MLKEM768PublicKey,
            96, 1216, 1120, 64, 64, 3, False),
    Variant("MLKEM768-P256", kem.MLKEM768P256PrivateKey, kem.MLKEM768P256PublicKey,
            32, 1249, 1153, 32, None, 3, False),
    Variant("MLKEM1024-P384", kem.MLKEM1024P384PrivateKey, kem.MLKEM1024P384PublicKey,
            32, 1665, 1665, 32, None, 4, False),
]  # fmt: skip

BY_NAME = {v.name: v for v in VARIANTS}
ALL = [pytest.param(v, id=v.name) for v in VARIANTS]
MLKEM = [pytest.param(v, id=v.name) for v in VARIANTS if v.name.startswith("ML-KEM-")]
WITH_MLKEM = [pytest.param(v, id=v.name) for v in VARIANTS if v.mlkem_k is not None]
WITH_RANDOMNESS = [pytest.param(v, id=v.name) for v in VARIANTS if v.randomness_size]
IMPLICIT_REJECTION = [pytest.param(v, id=v.name) for v in VARIANTS if v.implicit_rejection]

Q = 3329


def get_coefficient(ek: bytes, index: int) -> int:
    """Coefficient ``index`` of the 12-bit packed polynomial vector at the start of ``ek``."""
    off = (index // 2) * 3
    if index % 2 == 0:
        return ek[off] | ((ek[off + 1] & 0x0F) << 8)
    return (ek[off + 1] >> 4) | (ek[off + 2] << 4)


def set_coefficient(ek: bytes, index: int, value: int) -> bytes:
    """``ek`` with coefficient ``index`` of its packed t-hat vector replaced by ``value``."""
    assert 0 <= value < 4096
    b = bytearray(ek)
    off = (index // 2) * 3
    if index % 2 == 0:
        b[off] = value & 0xFF
        b[off + 1] = (b[off + 1] & 0xF0) | (value >> 8)
    else:
        b[off + 1] = (b[off + 1] & 0x0F) | ((value & 0x0F) << 4)
        b[off + 2] = value >> 4
    out = bytes(b)
    assert get_coefficient(out, index) == value
    return out


def flip_bit(data: bytes, bit: int) -> bytes:
    b = bytearray(data)
    b[bit // 8] ^= 1 << (bit % 8)
    return bytes(b)
