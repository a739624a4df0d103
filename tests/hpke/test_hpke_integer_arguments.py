"""HPKE integer arguments out of range raise ValueError, as documented, not OverflowError (B-7)."""

from __future__ import annotations

import pytest

from pqpay import _native, kem
from pqpay.exceptions import UnsupportedAlgorithm
from pqpay.hpke import AEAD, KDF, KEM, ReceiverContext, SenderContext, Suite

SUITE = Suite(KEM.DHKEM_X25519_HKDF_SHA256, KDF.HKDF_SHA256, AEAD.AES_128_GCM)


def _contexts() -> list[SenderContext | ReceiverContext]:
    private_key = kem.X25519PrivateKey.generate()
    enc, sender = SUITE.setup_sender(private_key.public_key())
    return [sender, SUITE.setup_receiver(private_key, enc)]


@pytest.mark.parametrize("length", [-1, -(2**64), 2**64, 2**200])
def test_export_length_out_of_range_is_value_error(length: int) -> None:
    for ctx in _contexts():
        with pytest.raises(ValueError, match="length must be in the range 0 <= length < 2"):
            ctx.export(b"ctx", length)


def test_export_length_too_large_for_the_kdf_is_value_error() -> None:
    for ctx in _contexts():
        with pytest.raises(ValueError):
            ctx.export(b"ctx", 2**63)
        assert len(ctx.export(b"ctx", 0)) == 0


def test_export_length_must_be_an_int() -> None:
    for ctx in _contexts():
        with pytest.raises(TypeError, match="length must be an int"):
            ctx.export(b"ctx", 32.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 0x10000, 2**64])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_suite_identifier_out_of_range_is_value_error(bad: int, position: int) -> None:
    ids: list[int] = [KEM.DHKEM_X25519_HKDF_SHA256, KDF.HKDF_SHA256, AEAD.AES_128_GCM]
    ids[position] = bad
    name = ("kem_id", "kdf_id", "aead_id")[position]
    with pytest.raises(ValueError, match=f"{name} must be in the range 0 <= {name} < 2\\*\\*16"):
        Suite(*ids)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=name):
        _native.HpkeSuite(*ids)


def test_suite_identifier_in_range_but_unknown_is_still_unsupported() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        Suite(0xFFFE, KDF.HKDF_SHA256, AEAD.AES_128_GCM)  # type: ignore[arg-type]
