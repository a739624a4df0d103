"""Encrypted PKCS#8 (PBES2) in pqpay alone: round trips for every key class that has a PKCS#8
form, the password rules, pyca's enums and encryption classes, ``context=None``, and bad
input (truncation, bit flips, foreign OIDs, absurd KDF costs, wrong and empty passwords)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as pyca_ser

from pqpay import kem, signatures
from pqpay.exceptions import EncodingError, InvalidPassword, PqpayError, UnsupportedAlgorithm
from pqpay.serialization import (
    BestAvailableEncryption,
    Encoding,
    MLKEMPrivateKeyForm,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
    load_pem_private_key,
    private_key_encryption,
)
from tests._support import pbes2

NO_OID = {"X25519MLKEM768", "MLKEM768-P256", "MLKEM1024-P384"}
KEYS: list[Any] = [c for c in kem.PRIVATE_KEY_CLASSES.values() if c.ALGORITHM not in NO_OID] + [
    c
    for c in signatures.PRIVATE_KEY_CLASSES.values()
    if not c.ALGORITHM.startswith("SLH-DSA") or c.ALGORITHM.endswith("128f")
]
PASSWORD = b"correct horse battery staple"


def public(key: Any) -> bytes:
    raw: bytes = key.public_key().public_bytes_raw()
    return raw


def ed25519_pkcs8() -> tuple[Any, bytes]:
    key = signatures.Ed25519PrivateKey.generate()
    return key, key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())


@pytest.mark.parametrize("cls", KEYS, ids=lambda c: c.ALGORITHM)
def test_round_trip_every_key_class(cls: Any) -> None:
    key = cls.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(PASSWORD))
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    loaded = load_pem_private_key(pem, PASSWORD)
    assert type(loaded) is cls and public(loaded) == public(key)


@pytest.mark.parametrize("cls", [kem.XWingPrivateKey, signatures.MLDSA87Ed448PrivateKey])
def test_der_and_wrong_password(cls: Any) -> None:
    key = cls.generate()
    der = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, BestAvailableEncryption(PASSWORD))
    assert public(load_der_private_key(der, password=PASSWORD)) == public(key)
    with pytest.raises(InvalidPassword):
        load_der_private_key(der, PASSWORD + b"!")


def test_default_parameters_are_described() -> None:
    key = kem.MLKEM768PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"pw"))
    assert private_key_encryption(pem) == (
        "PBES2, PBKDF2-HMAC-SHA256 with 1200000 iterations, AES-256-CBC"
    )
    plain = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8)
    assert private_key_encryption(plain) is None


def test_expanded_form_is_encrypted_too() -> None:
    key = kem.MLKEM768PrivateKey.generate()
    der = key.private_bytes(
        Encoding.DER,
        PrivateFormat.PKCS8,
        BestAvailableEncryption(b"pw"),
        mlkem_form=MLKEMPrivateKeyForm.EXPANDED,
    )
    loaded = load_der_private_key(der, b"pw")
    assert public(loaded) == public(key)


def test_password_rules_match_pyca() -> None:
    key, plain = ed25519_pkcs8()
    enc = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, BestAvailableEncryption(b"pw"))
    with pytest.raises(TypeError, match="Password was not given but private key is encrypted"):
        load_der_private_key(enc)
    with pytest.raises(TypeError, match="Password was given but private key is not encrypted"):
        load_der_private_key(plain, b"pw")
    with pytest.raises(TypeError, match="password must be bytes-like"):
        load_der_private_key(enc, "pw")  # type: ignore[arg-type]
    assert public(load_der_private_key(plain, None)) == public(key)
    with pytest.raises(ValueError, match="1 or more bytes"):
        BestAvailableEncryption(b"")
    with pytest.raises(TypeError):
        BestAvailableEncryption("pw")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be encrypted"):
        key.private_bytes(Encoding.Raw, PrivateFormat.Raw, BestAvailableEncryption(b"pw"))
    assert "pw" not in repr(BestAvailableEncryption(b"pw"))


def test_empty_password_file_loads_with_empty_password() -> None:
    key, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"", iterations=1000)
    assert public(load_der_private_key(der, b"")) == public(key)
    with pytest.raises(InvalidPassword):
        load_der_private_key(der, b"x")


def test_pyca_enums_and_encryption_classes() -> None:
    key = signatures.MLDSA44PrivateKey.generate()
    pem = key.private_bytes(
        pyca_ser.Encoding.PEM, pyca_ser.PrivateFormat.PKCS8, pyca_ser.BestAvailableEncryption(b"p")
    )
    assert public(load_pem_private_key(pem, b"p")) == public(key)
    assert (
        key.private_bytes(
            pyca_ser.Encoding.Raw, pyca_ser.PrivateFormat.Raw, pyca_ser.NoEncryption()
        )
        == key.private_bytes_raw()
    )
    pub = key.public_key()
    assert pub.public_bytes(
        pyca_ser.Encoding.DER, pyca_ser.PublicFormat.SubjectPublicKeyInfo
    ) == pub.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError, match="unsupported encoding"):
        key.private_bytes(pyca_ser.Encoding.OpenSSH, pyca_ser.PrivateFormat.PKCS8)
    with pytest.raises(ValueError, match="unsupported private format"):
        key.private_bytes(pyca_ser.Encoding.PEM, pyca_ser.PrivateFormat.TraditionalOpenSSL)
    with pytest.raises(TypeError, match="encoding must be"):
        key.private_bytes("PEM", PrivateFormat.PKCS8)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unsupported encryption_algorithm"):
        key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, object())


def test_context_none_is_the_empty_context() -> None:
    key = signatures.MLDSA65PrivateKey.generate()
    sig = key.sign(b"msg", context=None)
    key.public_key().verify(sig, b"msg", b"")
    key.public_key().verify(key.sign(b"msg"), b"msg", None)
    assert len(key.sign_many([b"a", b"b"], None)) == 2


@pytest.mark.parametrize(
    ("kdf", "options"),
    [("pbkdf2", {"prf": prf, "cipher": cipher}) for prf in pbes2.PRFS for cipher in pbes2.CIPHERS]
    + [("pbkdf2", {"prf": None})]
    + [("scrypt", {"n": 1024, "r": 8, "p": 1, "cipher": c}) for c in pbes2.CIPHERS],
    ids=str,
)
def test_reads_every_supported_kdf_and_cipher(kdf: str, options: dict[str, Any]) -> None:
    key, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"pw", kdf=kdf, iterations=1000, **options)
    assert public(load_der_private_key(der, b"pw")) == public(key)
    assert public(load_pem_private_key(pbes2.pem(der), b"pw")) == public(key)


def test_truncated_at_every_position() -> None:
    _, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"pw")
    for cut in range(len(der)):
        with pytest.raises((EncodingError, TypeError)):
            load_der_private_key(der[:cut], b"pw")


def test_bit_flips_give_a_typed_error_or_another_key() -> None:
    # PBES2-CBC has no integrity: a flip inside the encrypted seed can load as another key
    # (pyca and OpenSSL behave the same). Every other flip is a typed error, never a crash.
    key, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"pw")
    errors = 0
    for bit in range(len(der) * 8):
        flipped = bytearray(der)
        flipped[bit // 8] ^= 1 << (bit % 8)
        try:
            loaded = load_der_private_key(bytes(flipped), b"pw")
        except (PqpayError, TypeError):
            errors += 1
        else:
            assert public(loaded) != public(key) or bit // 8 < len(der) - len(plain) - 16
    assert errors > len(der) * 8 // 2


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"scheme_oid": "1.2.840.113549.1.5.3"}, "encryption scheme"),  # PBES1 MD5-DES
        ({"scheme_oid": "1.2.840.113549.1.12.1.3"}, "encryption scheme"),  # PKCS#12 3DES
        ({"cipher_oid": "2.16.840.1.101.3.4.1.46"}, "cipher 2.16.840.1.101.3.4.1.46"),  # GCM
        ({"cipher_oid": "1.2.840.113549.3.7"}, "cipher"),  # des-ede3-cbc
    ],
)
def test_foreign_oids_are_unsupported(override: dict[str, str], message: str) -> None:
    _, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"pw", **override)  # type: ignore[arg-type]
    with pytest.raises(UnsupportedAlgorithm, match=message):
        load_der_private_key(der, b"pw")


def test_foreign_kdf_and_prf() -> None:
    _, plain = ed25519_pkcs8()
    salt = b"s" * 16
    argon = pbes2.seq(pbes2.oid("1.3.6.1.4.1.4.1.99"), pbes2.seq(pbes2.octets(salt)))
    with pytest.raises(UnsupportedAlgorithm, match="key-derivation function"):
        load_der_private_key(pbes2.encrypt(plain, b"pw", kdf_params=argon), b"pw")
    md5 = pbes2.pbkdf2_params(salt, 1, prf_oid="1.2.840.113549.2.6")
    with pytest.raises(UnsupportedAlgorithm, match="PBKDF2 PRF"):
        load_der_private_key(pbes2.encrypt(plain, b"pw", kdf_params=md5), b"pw")


@pytest.mark.parametrize(
    ("kdf_params", "message"),
    [
        (pbes2.pbkdf2_params(b"s" * 16, 5_000_001), "PBKDF2 iteration count 5000001"),
        (pbes2.pbkdf2_params(b"s" * 16, 2**32), "above the bound of 5000000"),
        (pbes2.pbkdf2_params(b"s" * 16, 2**63 - 1), "above the bound"),
        (pbes2.scrypt_params(b"s" * 16, 2**20, 8, 1), "bytes of memory, above the bound"),
        (pbes2.scrypt_params(b"s" * 16, 2**17, 8, 5), "work N\\*r\\*p"),
        (pbes2.scrypt_params(b"s" * 16, 2**40, 1, 1), "above the bound"),
        (pbes2.scrypt_params(b"s" * 16, 2**4, 2**31, 1), "above the bound"),
        (pbes2.scrypt_params(b"s" * 16, 1000, 8, 1), "power of two"),
        (pbes2.scrypt_params(b"s" * 16, 16, 0, 1), "at least 1"),
        (pbes2.pbkdf2_params(b"s" * 16, 0), "iterationCount is 0"),
    ],
)
def test_absurd_kdf_costs_are_refused_before_work(kdf_params: bytes, message: str) -> None:
    _, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"pw", kdf_params=kdf_params)
    with pytest.raises(EncodingError, match=message):
        load_der_private_key(der, b"pw")
    with pytest.raises(EncodingError, match=message):
        private_key_encryption(der) if "power" in message or "at least" in message else (
            load_pem_private_key(pbes2.pem(der), b"pw")
        )


def test_wrong_password_and_padding_failures_are_one_error() -> None:
    key, plain = ed25519_pkcs8()
    der = pbes2.encrypt(plain, b"pw")
    messages = set()
    # (Not b"pw\x00": HMAC zero-pads its key, so PBKDF2 cannot tell it from b"pw" anywhere.)
    for password in (b"", b"px", b"PW", b"p", b"x" * 1000):
        with pytest.raises(InvalidPassword) as info:
            load_der_private_key(der, password)
        messages.add(str(info.value))
    # A damaged last block (bad padding) and a damaged first block (bad DER) read the same.
    for index in (len(der) - 1, len(der) - len(plain) - 16):
        damaged = bytearray(der)
        damaged[index] ^= 0x55
        with pytest.raises(InvalidPassword) as info:
            load_der_private_key(bytes(damaged), b"pw")
        messages.add(str(info.value))
    assert len(messages) == 1
    assert public(load_der_private_key(der, b"pw")) == public(key)


def test_pem_label_mismatch() -> None:
    key, _ = ed25519_pkcs8()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"pw"))
    relabelled = pem.replace(b"ENCRYPTED PRIVATE KEY", b"PRIVATE KEY")
    with pytest.raises(EncodingError):
        load_pem_private_key(relabelled)
