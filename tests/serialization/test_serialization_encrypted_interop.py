"""Encrypted PKCS#8 interop, both directions: pyca/cryptography 50 (``BestAvailableEncryption``)
and the OpenSSL command line (``pkcs8 -topk8 -v2 ...``, ``genpkey -aes256``, ``-scrypt``).

Debian's OpenSSL 3.0 has no ML-KEM/ML-DSA (3.5 adds them), so its cases are Ed25519, Ed448 and
X25519; pyca covers ML-KEM-768/1024 and ML-DSA-44/65/87 (seed form: pyca reads no other) too.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as pyca_ser

from pqpay import kem, signatures
from pqpay.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_der_private_key,
    load_pem_private_key,
)
from tests._support.pyca_pairs import PYCA_PAIRS

PASSWORD = b"pqpay interop"

OPENSSL = shutil.which("openssl")
OPENSSL_ALGORITHMS = {
    "ED25519": signatures.Ed25519PrivateKey,
    "ED448": signatures.Ed448PrivateKey,
    "X25519": kem.X25519PrivateKey,
}


def ids(pair: tuple[Any, Any]) -> str:
    return str(pair[0].ALGORITHM)


def pyca_public(key: Any) -> bytes:
    raw: bytes = key.public_key().public_bytes(pyca_ser.Encoding.Raw, pyca_ser.PublicFormat.Raw)
    return raw


def pqpay_public(key: Any) -> bytes:
    raw: bytes = key.public_key().public_bytes_raw()
    return raw


@pytest.mark.parametrize("pair", PYCA_PAIRS, ids=ids)
@pytest.mark.parametrize("encoding", ["PEM", "DER"])
def test_pyca_writes_pqpay_reads(pair: tuple[Any, Any], encoding: str) -> None:
    ours, theirs = pair
    key = theirs.generate()
    data = key.private_bytes(
        getattr(pyca_ser.Encoding, encoding),
        pyca_ser.PrivateFormat.PKCS8,
        pyca_ser.BestAvailableEncryption(PASSWORD),
    )
    load = load_pem_private_key if encoding == "PEM" else load_der_private_key
    loaded = load(data, PASSWORD)
    assert type(loaded) is ours
    assert pqpay_public(loaded) == pyca_public(key)


@pytest.mark.parametrize("pair", PYCA_PAIRS, ids=ids)
@pytest.mark.parametrize("encoding", ["PEM", "DER"])
def test_pqpay_writes_pyca_reads(pair: tuple[Any, Any], encoding: str) -> None:
    ours, theirs = pair
    key = ours.generate()
    data = key.private_bytes(
        getattr(Encoding, encoding), PrivateFormat.PKCS8, BestAvailableEncryption(PASSWORD)
    )
    load = pyca_ser.load_pem_private_key if encoding == "PEM" else pyca_ser.load_der_private_key
    loaded = load(data, PASSWORD)
    assert isinstance(loaded, theirs)
    assert pyca_public(loaded) == pqpay_public(key)
    with pytest.raises(ValueError):
        load(data, PASSWORD + b"?")


def openssl(*args: str, stdin: bytes | None = None) -> bytes:
    assert OPENSSL is not None
    done = subprocess.run([OPENSSL, *args], input=stdin, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="no openssl command")

# How OpenSSL encrypts: "genpkey" is ``genpkey -aes256``; the others are ``pkcs8 -topk8`` options.
OPENSSL_WRITERS: dict[str, tuple[str, ...]] = {
    "genpkey-aes256": ("genpkey",),
    "pkcs8-v2-aes-256-cbc-sha512": (
        "-v2",
        "aes-256-cbc",
        "-v2prf",
        "hmacWithSHA512",
        "-iter",
        "10000",
    ),
    "pkcs8-v2-aes-128-cbc-sha1": ("-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"),
    "pkcs8-v2-aes-192-cbc-der": ("-v2", "aes-192-cbc", "-outform", "DER"),
    "pkcs8-scrypt": ("-scrypt",),
}


def openssl_encrypted_key(alg: str, writer: str, path: str) -> None:
    options = OPENSSL_WRITERS[writer]
    if options == ("genpkey",):
        openssl(
            "genpkey", "-algorithm", alg, "-aes256", "-pass", "pass:pqpay interop", "-out", path
        )
        return
    plain = openssl("genpkey", "-algorithm", alg)
    openssl(
        "pkcs8", "-topk8", *options, "-passout", "pass:pqpay interop", "-out", path, stdin=plain
    )


def openssl_public_der(path: Path, inform: str) -> bytes:
    """OpenSSL's SPKI DER of the encrypted private key at ``path`` (so OpenSSL decrypted it)."""
    return openssl(
        "pkey",
        "-inform",
        inform,
        "-in",
        str(path),
        "-passin",
        "pass:pqpay interop",
        "-pubout",
        "-outform",
        "DER",
    )


@needs_openssl
@pytest.mark.parametrize("writer", sorted(OPENSSL_WRITERS))
@pytest.mark.parametrize("alg", sorted(OPENSSL_ALGORITHMS))
def test_openssl_writes_pqpay_reads(alg: str, writer: str, tmp_path: Path) -> None:
    path = tmp_path / "key"
    openssl_encrypted_key(alg, writer, str(path))
    data = path.read_bytes()
    load = load_der_private_key if writer.endswith("-der") else load_pem_private_key
    loaded = load(data, PASSWORD)
    assert type(loaded) is OPENSSL_ALGORITHMS[alg]
    public_der = openssl_public_der(path, "DER" if writer.endswith("-der") else "PEM")
    assert public_der.endswith(pqpay_public(loaded))


@needs_openssl
@pytest.mark.parametrize("encoding", ["PEM", "DER"])
@pytest.mark.parametrize("alg", sorted(OPENSSL_ALGORITHMS))
def test_pqpay_writes_openssl_reads(alg: str, encoding: str, tmp_path: Path) -> None:
    key = OPENSSL_ALGORITHMS[alg].generate()
    path = tmp_path / "key"
    path.write_bytes(
        key.private_bytes(
            getattr(Encoding, encoding), PrivateFormat.PKCS8, BestAvailableEncryption(PASSWORD)
        )
    )
    public_der = openssl_public_der(path, encoding)
    assert public_der.endswith(pqpay_public(key))
    done = subprocess.run(
        [str(OPENSSL), "pkey", "-inform", encoding, "-in", str(path), "-passin", "pass:wrong"],
        capture_output=True,
        check=False,
    )
    assert done.returncode != 0
