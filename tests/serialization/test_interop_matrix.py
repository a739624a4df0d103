"""The pyca/OpenSSL interop matrix of issue 13, every cell run and asserted: algorithm x private
key form (seed / expanded / both for ML-KEM and ML-DSA) x encoding (PEM / DER) x encryption
(plain / encrypted PKCS#8) x direction (pqpay -> pyca, pyca -> pqpay, pqpay -> openssl,
openssl -> pqpay).

A cell is ``ok`` (the peer loaded the key and its public key matched), ``refused`` (the peer
rejects this form: pyca 50 reads only the seed form), ``unsupported`` (the peer has no such
algorithm: the attempt is made and must fail) or ``n/a`` (the peer cannot write it, so there is
nothing to read). The table is printed (``pytest -s``) and written to ``$PQPAY_INTEROP_MATRIX``
when that names a file. The focused tests (``test_serialization_encrypted_interop.py``,
``test_serialization_kem.py``, ``test_serialization_signatures.py``, ``tests/pyca``) cover the
same ground with more writers; this one keeps the whole matrix in one place.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import UnsupportedAlgorithm as PycaUnsupported
from cryptography.hazmat.primitives import serialization as pyca_ser

from pqpay import kem, serialization, signatures
from pqpay.pyca import PYCA_ALGORITHMS
from pqpay.serialization import (
    BestAvailableEncryption,
    Encoding,
    MLDSAPrivateKeyForm,
    MLKEMPrivateKeyForm,
    NoEncryption,
    PrivateFormat,
)
from tests._support.pyca_pairs import PYCA_CLASSES

PASSWORD = b"interop matrix"
OPENSSL = shutil.which("openssl")
OPENSSL_HAS = {"Ed25519": "ED25519", "Ed448": "ED448", "X25519": "X25519"}
ALGORITHMS: dict[str, Any] = {
    "ML-KEM-512": kem.MLKEM512PrivateKey,
    "ML-KEM-768": kem.MLKEM768PrivateKey,
    "ML-KEM-1024": kem.MLKEM1024PrivateKey,
    "ML-DSA-44": signatures.MLDSA44PrivateKey,
    "ML-DSA-65": signatures.MLDSA65PrivateKey,
    "ML-DSA-87": signatures.MLDSA87PrivateKey,
    "Ed25519": signatures.Ed25519PrivateKey,
    "Ed448": signatures.Ed448PrivateKey,
    "X25519": kem.X25519PrivateKey,
    "X-Wing": kem.XWingPrivateKey,
    "MLDSA65-Ed25519-SHA512": signatures.MLDSA65Ed25519PrivateKey,
    "SLH-DSA-SHA2-128f": signatures.SLHDSASHA2_128fPrivateKey,
}
# pyca reads these in PKCS#8/SPKI (X-Wing only through pqpay.pyca's halves, not PEM).
PYCA_PEM = PYCA_ALGORITHMS - {"X-Wing"}
DIRECTIONS = ("pqpay->pyca", "pyca->pqpay", "pqpay->openssl", "openssl->pqpay")


def forms(alg: str) -> list[str]:
    return ["seed", "expanded", "both"] if alg.startswith(("ML-KEM", "ML-DSA")) else ["-"]


def form_enum(key: Any, form: str) -> Any:
    if form == "-":
        return None
    enum = (
        MLDSAPrivateKeyForm
        if isinstance(key, signatures.SignaturePrivateKey)
        else MLKEMPrivateKeyForm
    )
    return enum(form)


def public_raw(key: Any) -> bytes:
    public = key.public_key()
    if callable(getattr(public, "public_bytes_raw", None)):
        return bytes(public.public_bytes_raw())
    return bytes(public.public_bytes(pyca_ser.Encoding.Raw, pyca_ser.PublicFormat.Raw))


def pqpay_writes(key: Any, form: str, encoding: str, encrypted: bool) -> bytes:
    enc = BestAvailableEncryption(PASSWORD) if encrypted else NoEncryption()
    return serialization.private_bytes(
        key,
        getattr(Encoding, encoding),
        PrivateFormat.PKCS8,
        form_enum(key, form),
        encryption_algorithm=enc,
    )


def pqpay_reads(data: bytes, encoding: str, encrypted: bool) -> Any:
    load = (
        serialization.load_pem_private_key
        if encoding == "PEM"
        else serialization.load_der_private_key
    )
    return load(data, PASSWORD if encrypted else None)


def to_pyca_cell(key: Any, data: bytes, encoding: str, encrypted: bool) -> str:
    load = pyca_ser.load_pem_private_key if encoding == "PEM" else pyca_ser.load_der_private_key
    try:
        theirs = load(data, PASSWORD if encrypted else None)
    except PycaUnsupported:
        return "unsupported"
    except ValueError:
        return "refused"
    assert public_raw(theirs) == public_raw(key), (key.ALGORITHM, encoding, encrypted)
    return "ok"


def from_pyca_cell(alg: str, form: str, encoding: str, encrypted: bool) -> str:
    if alg not in PYCA_PEM or form not in ("seed", "-"):
        return "n/a"  # pyca has no such key, or writes only the seed form
    theirs = pyca_counterpart(alg)
    enc = pyca_ser.BestAvailableEncryption(PASSWORD) if encrypted else pyca_ser.NoEncryption()
    data = theirs.private_bytes(
        getattr(pyca_ser.Encoding, encoding), pyca_ser.PrivateFormat.PKCS8, enc
    )
    ours = pqpay_reads(data, encoding, encrypted)
    assert type(ours) is ALGORITHMS[alg] and public_raw(ours) == public_raw(theirs)
    return "ok"


def pyca_counterpart(alg: str) -> Any:
    return PYCA_CLASSES[alg].generate()


def openssl(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run(
        [OPENSSL, *args], input=stdin, capture_output=True, check=False, timeout=120
    )


def to_openssl_cell(key: Any, data: bytes, encoding: str, encrypted: bool, tmp: Path) -> str:
    alg = key.ALGORITHM
    path = tmp / "to-openssl.key"
    path.write_bytes(data)
    args = ["pkey", "-inform", encoding, "-in", str(path), "-pubout", "-outform", "DER"]
    done = openssl(*args, *(["-passin", f"pass:{PASSWORD.decode()}"] if encrypted else []))
    if alg not in OPENSSL_HAS:
        assert done.returncode != 0, (alg, "OpenSSL 3.0 was not expected to read this")
        return "unsupported"
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.endswith(public_raw(key))
    return "ok"


def from_openssl_cell(alg: str, encoding: str, encrypted: bool) -> str:
    if alg not in OPENSSL_HAS:
        return "n/a"
    plain = openssl("genpkey", "-algorithm", OPENSSL_HAS[alg])
    assert plain.returncode == 0
    crypt = (
        ["-v2", "aes-256-cbc", "-passout", f"pass:{PASSWORD.decode()}"]
        if encrypted
        else ["-nocrypt"]
    )
    done = openssl("pkcs8", "-topk8", "-outform", encoding, *crypt, stdin=plain.stdout)
    assert done.returncode == 0, done.stderr.decode()
    ours = pqpay_reads(done.stdout, encoding, encrypted)
    public = openssl("pkey", "-pubout", "-outform", "DER", stdin=plain.stdout)
    assert type(ours) is ALGORITHMS[alg] and public.stdout.endswith(public_raw(ours))
    return "ok"


def expected(alg: str, form: str, direction: str) -> str:
    if direction == "pqpay->pyca":
        if alg not in PYCA_PEM:
            return "unsupported"
        return "ok" if form in ("seed", "-") else "refused"
    if direction == "pyca->pqpay":
        return "ok" if alg in PYCA_PEM and form in ("seed", "-") else "n/a"
    if direction == "pqpay->openssl":
        return "ok" if alg in OPENSSL_HAS else "unsupported"
    return "ok" if alg in OPENSSL_HAS and form in ("seed", "-") else "n/a"


def run_row(alg: str, form: str, encoding: str, encrypted: bool, tmp: Path) -> list[str]:
    """The four cells of one row; one pqpay-written file is what both peers read."""
    key = ALGORITHMS[alg].generate()
    data = pqpay_writes(key, form, encoding, encrypted)
    return [
        to_pyca_cell(key, data, encoding, encrypted),
        from_pyca_cell(alg, form, encoding, encrypted),
        to_openssl_cell(key, data, encoding, encrypted, tmp),
        from_openssl_cell(alg, encoding, encrypted) if form in ("seed", "-") else "n/a",
    ]


@pytest.mark.skipif(OPENSSL is None, reason="no openssl command")
def test_interop_matrix(tmp_path: Path) -> None:
    version = openssl("version").stdout.decode().strip()
    plan = [
        (alg, form, encoding, encrypted)
        for alg in ALGORITHMS
        for form in forms(alg)
        for encoding in ("PEM", "DER")
        for encrypted in (False, True)
        # Encrypted DER differs from encrypted PEM only in the armour, which the plain rows
        # cover; its KDF work (1,200,000 PBKDF2 iterations a file, several files a row) would
        # double the run. test_serialization_encrypted_interop.py reads and writes encrypted DER.
        if not (encrypted and encoding == "DER")
    ]
    # Rows run side by side: the KDFs (1,200,000 PBKDF2 iterations per encrypted file) release
    # the GIL in pqpay and run in OpenSSL's own process.
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = [
            pool.submit(run_row, *row, tmp_path / f"row{i}")
            for i, row in enumerate(plan)
            if not (tmp_path / f"row{i}").mkdir()
        ]
        results = [f.result() for f in futures]
    rows: list[tuple[str, str, str, str, list[str]]] = []
    wrong: list[str] = []
    for (alg, form, encoding, encrypted), cells in zip(plan, results, strict=True):
        crypt = "encrypted" if encrypted else "plain"
        rows.append((alg, form, encoding, crypt, cells))
        for direction, cell in zip(DIRECTIONS, cells, strict=True):
            if cell != expected(alg, form, direction):
                wrong.append(f"{alg} {form} {encoding} {crypt} {direction}: {cell}")
    header = ("algorithm", "form", "enc", "crypt", *DIRECTIONS)
    widths = [
        max(len(str(c)) for c in col)
        for col in zip(header, *[(*r[:4], *r[4]) for r in rows], strict=True)
    ]
    lines = [
        f"pyca/cryptography 50.0.2, {version}",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
    ]
    for r in rows:
        lines.append(
            "  ".join(str(c).ljust(w) for c, w in zip((*r[:4], *r[4]), widths, strict=True))
        )
    table = "\n".join(lines)
    print("\n" + table)
    target = os.environ.get("PQPAY_INTEROP_MATRIX")
    if target:
        Path(target).write_text(table + "\n", encoding="utf-8")
    assert not wrong, "\n".join(wrong)
    # Per algorithm and form: PEM and DER plain, PEM encrypted.
    assert len(rows) == sum(len(forms(a)) for a in ALGORITHMS) * 3
