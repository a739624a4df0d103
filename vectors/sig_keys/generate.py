#!/usr/bin/env python3
"""Generates the signature-key PKCS#8 / SubjectPublicKeyInfo interop vectors in this directory.

Run once with pyca/cryptography 50 (``python3 vectors/sig_keys/generate.py``); the outputs are
committed and read by ``tests/test_sig_serialization.py``, which checks that pqpay parses every
file to the key with the recorded seed and public key, and that its own DER/PEM output is
byte-for-byte what pyca/cryptography wrote.

What pyca/cryptography 50 offers (and so what is here):
- ML-DSA-44/65/87, PKCS#8 in the RFC 9881 ``seed [0]`` form only (``80 20 <seed>``);
- Ed25519 and Ed448 as RFC 8410 (``04 20|39 <key>`` inside privateKey, v1, no public key).
No SLH-DSA or composite keys: pyca has neither (the composite draft's own ``sk_pkcs8`` vectors
are checked from the shared vector directory instead).

Keys are fixed, so re-running reproduces the same files.
"""

import os
import sys

from cryptography.hazmat.primitives import serialization as s
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519, mldsa

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from _keyfiles import write_key_files, write_manifest  # noqa: E402

# name -> (pqpay algorithm name, pyca constructor, raw private key)
KEYS = {
    "mldsa44": ("ML-DSA-44", mldsa.MLDSA44PrivateKey.from_seed_bytes, bytes(range(32))),
    "mldsa65": ("ML-DSA-65", mldsa.MLDSA65PrivateKey.from_seed_bytes, bytes(range(32, 64))),
    "mldsa87": ("ML-DSA-87", mldsa.MLDSA87PrivateKey.from_seed_bytes, bytes(range(64, 96))),
    "ed25519": (
        "Ed25519",
        ed25519.Ed25519PrivateKey.from_private_bytes,
        # RFC 8032 section 7.1, TEST 1.
        bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"),
    ),
    "ed448": (
        "Ed448",
        ed448.Ed448PrivateKey.from_private_bytes,
        # RFC 8032 section 7.4, the "-----Blank" test.
        bytes.fromhex(
            "6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e348a3"
            "528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b"
        ),
    ),
}


def main() -> None:
    rows = []
    for name, (alg, make, raw) in KEYS.items():
        key = make(raw)
        raw_out = key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())
        assert raw_out == raw, name
        files = write_key_files(HERE, name, key)
        rows.append(
            {
                "name": name,
                "algorithm": alg,
                "private_key": raw.hex(),
                "public_key": key.public_key()
                .public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)
                .hex(),
                **files,
            }
        )
    write_manifest(HERE, "vectors/sig_keys/generate.py", rows)


if __name__ == "__main__":
    main()
