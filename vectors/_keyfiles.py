"""The part the key-file generators share: write one key as PKCS#8 / SPKI in DER and PEM,
exactly as pyca/cryptography does, plus its manifest row.

Used by ``kem_keys/generate.py`` and ``sig_keys/generate.py``; each keeps its own key table and
the manifest fields that are particular to it.
"""

from __future__ import annotations

import json
import os
from typing import Any

import cryptography
from cryptography.hazmat.primitives import serialization as s


def write_key_files(here: str, name: str, key: Any) -> dict[str, str]:
    """Writes ``name.{priv,pub}.{der,pem}`` for ``key`` into ``here``; returns the file names."""
    files = {
        "private_der": f"{name}.priv.der",
        "private_pem": f"{name}.priv.pem",
        "public_der": f"{name}.pub.der",
        "public_pem": f"{name}.pub.pem",
    }
    nothing = s.NoEncryption()
    spki = s.PublicFormat.SubjectPublicKeyInfo
    pub = key.public_key()
    outputs = {
        "private_der": key.private_bytes(s.Encoding.DER, s.PrivateFormat.PKCS8, nothing),
        "private_pem": key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, nothing),
        "public_der": pub.public_bytes(s.Encoding.DER, spki),
        "public_pem": pub.public_bytes(s.Encoding.PEM, spki),
    }
    for field, data in outputs.items():
        with open(os.path.join(here, files[field]), "wb") as f:
            f.write(data)
    return files


def write_manifest(here: str, generator: str, rows: list[dict[str, Any]]) -> None:
    """``manifest.json``: which generator and pyca version wrote the files, and one row a key."""
    manifest = {
        "generator": generator,
        "pyca_cryptography_version": cryptography.__version__,
        "keys": rows,
    }
    with open(os.path.join(here, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
