#!/usr/bin/env python3
"""Generates the PKCS#8 / SubjectPublicKeyInfo interop vectors in this directory.

Run once with pyca/cryptography 50 (``python3 vectors/kem_keys/generate.py``); the outputs are
committed and read by ``rust/core/tests/encoding.rs``, which checks that pqpay-core parses
every file to the key with the recorded seed and that its own DER/PEM output is byte-for-byte
what pyca/cryptography wrote.

What pyca/cryptography 50 offers (and so what is here):
- ML-KEM-768 and ML-KEM-1024 only (no ML-KEM-512 class);
- PKCS#8 in the ``seed [0]`` form only: ``private_bytes(DER, PKCS8, NoEncryption())`` always
  writes ``80 40 <seed>``, and its loader rejects the ``expandedKey`` and ``both`` forms;
- X25519 as RFC 8410 (``04 20 <key>`` inside privateKey, v1, no public key).

OpenSSL: the ``openssl`` CLI on the development machine is 3.0, which has no ML-KEM (that
arrived in 3.5), so no OpenSSL-generated keys are included. The expanded and ``both`` forms
are instead cross-checked in the Rust test against the NIST known-answer files shipped by
the cryptography_vectors package (its dk bytes are independent of pqpay's code).

Seeds are fixed, so re-running reproduces the same files.
"""

import os
import sys

from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from _keyfiles import write_key_files, write_manifest  # noqa: E402

# name -> (pqpay algorithm name, pyca constructor, seed)
KEYS = {
    "mlkem768": ("ML-KEM-768", mlkem.MLKEM768PrivateKey.from_seed_bytes, bytes(range(64))),
    "mlkem768_b": (
        "ML-KEM-768",
        mlkem.MLKEM768PrivateKey.from_seed_bytes,
        bytes((0xA5 ^ i) for i in range(64)),
    ),
    "mlkem1024": ("ML-KEM-1024", mlkem.MLKEM1024PrivateKey.from_seed_bytes, bytes(range(64, 128))),
    "x25519": (
        "X25519",
        x25519.X25519PrivateKey.from_private_bytes,
        # RFC 7748 section 6.1, Alice's private key.
        bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
    ),
}


def main() -> None:
    rows = []
    for name, (alg, make, seed) in KEYS.items():
        key = make(seed)
        # The private key must round-trip to the seed we gave it.
        assert key.private_bytes_raw() == seed, name
        files = write_key_files(HERE, name, key)
        rows.append(
            {
                "name": name,
                "algorithm": alg,
                "seed": seed.hex(),
                "public_key": key.public_key().public_bytes_raw().hex(),
                **files,
            }
        )
    write_manifest(HERE, "vectors/kem_keys/generate.py", rows)


if __name__ == "__main__":
    main()
