"""Builds PKCS#8 ``EncryptedPrivateKeyInfo`` (PBES2) envelopes with any parameters, for the
encrypted-key tests: an independent writer (hashlib's PBKDF2 and scrypt, pyca's AES-CBC, DER
by hand) that can also write what no real tool would (absurd costs, foreign OIDs)."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
SCRYPT = "1.3.6.1.4.1.11591.4.11"
PRFS = {
    "sha1": "1.2.840.113549.2.7",
    "sha224": "1.2.840.113549.2.8",
    "sha256": "1.2.840.113549.2.9",
    "sha384": "1.2.840.113549.2.10",
    "sha512": "1.2.840.113549.2.11",
}
CIPHERS = {  # OID, key length
    "aes128": ("2.16.840.1.101.3.4.1.2", 16),
    "aes192": ("2.16.840.1.101.3.4.1.22", 24),
    "aes256": ("2.16.840.1.101.3.4.1.42", 32),
}


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(body)]) + body + content


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def integer(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return tlv(0x02, body)


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def octets(data: bytes) -> bytes:
    return tlv(0x04, data)


def pbkdf2_params(
    salt: bytes, iterations: int, prf: str | None = "sha256", prf_oid: str | None = None
) -> bytes:
    """keyDerivationFunc AlgorithmIdentifier for PBKDF2 (``prf=None``: the SHA-1 default)."""
    parts = [octets(salt), integer(iterations)]
    if prf is not None or prf_oid is not None:
        parts.append(seq(oid(prf_oid or PRFS[prf or "sha1"]), tlv(0x05, b"")))
    return seq(oid(PBKDF2), seq(*parts))


def scrypt_params(salt: bytes, n: int, r: int, p: int) -> bytes:
    return seq(oid(SCRYPT), seq(octets(salt), integer(n), integer(r), integer(p)))


def encrypt(
    plain: bytes,
    password: bytes,
    *,
    kdf: str = "pbkdf2",
    prf: str | None = "sha256",
    iterations: int = 1,
    n: int = 16,
    r: int = 8,
    p: int = 1,
    cipher: str = "aes256",
    kdf_params: bytes | None = None,
    scheme_oid: str = PBES2,
    cipher_oid: str | None = None,
) -> bytes:
    """The DER of an EncryptedPrivateKeyInfo over ``plain`` (a PKCS#8 DER).

    ``kdf_params`` replaces the keyDerivationFunc (its key is then derived as if by the named
    ``kdf``), so a test can announce a cost the helper never pays.
    """
    salt, iv = os.urandom(16), os.urandom(16)
    cipher_id, key_len = CIPHERS[cipher]
    if kdf == "pbkdf2":
        key = hashlib.pbkdf2_hmac(prf or "sha1", password, salt, iterations, key_len)
        params = pbkdf2_params(salt, iterations, prf)
    else:
        key = hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=2**30, dklen=key_len)
        params = scrypt_params(salt, n, r, p)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ct = enc.update(padded) + enc.finalize()
    scheme = seq(kdf_params or params, seq(oid(cipher_oid or cipher_id), octets(iv)))
    return seq(seq(oid(scheme_oid), scheme), octets(ct))


def pem(der: bytes) -> bytes:
    b64 = base64.encodebytes(der).replace(b"\n", b"")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return (
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + b"\n".join(lines)
        + b"\n-----END ENCRYPTED PRIVATE KEY-----\n"
    )
