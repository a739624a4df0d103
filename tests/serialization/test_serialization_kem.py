"""PKCS#8 / SubjectPublicKeyInfo (DER, PEM) for KEM keys: round trips, interop, bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as pyca_ser
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from pqpay import hazmat, kem
from pqpay.exceptions import EncodingError, InvalidKey, UnsupportedAlgorithm
from pqpay.serialization import (
    Encoding,
    MLKEMPrivateKeyForm,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
    load_der_public_key,
    load_pem_private_key,
    load_pem_public_key,
)
from tests._support.vector_sources import REPO_ROOT, open_cryptography_vector, shared_path

STANDARD = [
    kem.MLKEM512PrivateKey,
    kem.MLKEM768PrivateKey,
    kem.MLKEM1024PrivateKey,
    kem.X25519PrivateKey,
    kem.XWingPrivateKey,
]
NO_OID = [kem.X25519MLKEM768PrivateKey, kem.MLKEM768P256PrivateKey, kem.MLKEM1024P384PrivateKey]
MLKEM = [kem.MLKEM512PrivateKey, kem.MLKEM768PrivateKey, kem.MLKEM1024PrivateKey]


def _ids(cls: Any) -> str:
    return str(cls.ALGORITHM)


@pytest.mark.parametrize("cls", STANDARD, ids=_ids)
def test_round_trip_der_and_pem(cls: Any) -> None:
    sk = cls.generate()
    der = sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    pem = sk.private_bytes(Encoding.PEM, PrivateFormat.PKCS8)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    for loaded in (load_der_private_key(der), load_pem_private_key(pem)):
        assert type(loaded) is cls
        assert loaded.private_bytes_raw() == sk.private_bytes_raw()
    pub = sk.public_key()
    spki = pub.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    pem_pub = pub.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    assert load_der_public_key(spki) == pub
    assert load_pem_public_key(pem_pub) == pub
    assert sk.private_bytes(Encoding.Raw, PrivateFormat.Raw) == sk.private_bytes_raw()
    assert pub.public_bytes(Encoding.Raw, PublicFormat.Raw) == pub.public_bytes_raw()


@pytest.mark.parametrize("cls", MLKEM, ids=_ids)
@pytest.mark.parametrize("form", list(MLKEMPrivateKeyForm), ids=lambda f: f.value)
def test_mlkem_private_key_forms(cls: Any, form: MLKEMPrivateKeyForm) -> None:
    sk = cls.generate()
    loaded = load_der_private_key(
        sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mlkem_form=form)
    )
    assert hazmat.mlkem_expanded_bytes(loaded) == hazmat.mlkem_expanded_bytes(sk)
    if form is MLKEMPrivateKeyForm.EXPANDED:
        with pytest.raises(InvalidKey, match="no seed"):
            loaded.private_bytes_raw()
        with pytest.raises(ValueError, match=r"[Ee]xpanded"):
            loaded.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    else:
        assert loaded.private_bytes_raw() == sk.private_bytes_raw()


@pytest.mark.parametrize("cls", NO_OID, ids=_ids)
def test_algorithms_without_an_oid_are_unsupported(cls: Any) -> None:
    sk = cls.generate()
    with pytest.raises(UnsupportedAlgorithm, match="no standard"):
        sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    with pytest.raises(UnsupportedAlgorithm, match="no standard"):
        sk.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def test_pyca_keys_load_in_pqpay_and_back() -> None:
    for pyca_cls, ours_cls in (
        (mlkem.MLKEM768PrivateKey, kem.MLKEM768PrivateKey),
        (mlkem.MLKEM1024PrivateKey, kem.MLKEM1024PrivateKey),
    ):
        theirs = pyca_cls.generate()
        der = theirs.private_bytes(
            pyca_ser.Encoding.DER, pyca_ser.PrivateFormat.PKCS8, pyca_ser.NoEncryption()
        )
        ours = load_der_private_key(der)
        assert type(ours) is ours_cls
        assert ours.private_bytes(Encoding.DER, PrivateFormat.PKCS8) == der
        spki = theirs.public_key().public_bytes(
            pyca_ser.Encoding.PEM, pyca_ser.PublicFormat.SubjectPublicKeyInfo
        )
        assert (
            load_pem_public_key(spki).public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            == spki
        )
        back = pyca_ser.load_der_private_key(
            ours.private_bytes(Encoding.DER, PrivateFormat.PKCS8), None
        )
        ss, ct = back.public_key().encapsulate()  # type: ignore[union-attr]
        assert ours.decapsulate(ct) == ss
    xk = x25519.X25519PrivateKey.generate()
    der = xk.private_bytes(
        pyca_ser.Encoding.DER, pyca_ser.PrivateFormat.PKCS8, pyca_ser.NoEncryption()
    )
    ours_x = load_der_private_key(der)
    assert ours_x.private_bytes_raw() == xk.private_bytes_raw()
    assert ours_x.private_bytes(Encoding.DER, PrivateFormat.PKCS8) == der


def test_golden_keys_from_pyca() -> None:
    """``vectors/kem_keys``: files pyca/cryptography wrote (see generate.py); byte-exact."""
    root = REPO_ROOT / "vectors" / "kem_keys"
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["keys"]
    for entry in manifest["keys"]:
        name = entry["name"]
        for suffix, loader in (
            (".priv.der", load_der_private_key),
            (".priv.pem", load_pem_private_key),
        ):
            key = loader((root / f"{name}{suffix}").read_bytes())
            assert entry["algorithm"] == key.ALGORITHM
            assert key.private_bytes_raw().hex() == entry["seed"]
            enc = Encoding.DER if suffix.endswith("der") else Encoding.PEM
            assert (
                key.private_bytes(enc, PrivateFormat.PKCS8)
                == (root / f"{name}{suffix}").read_bytes()
            )
        pub = load_der_public_key((root / f"{name}.pub.der").read_bytes())
        assert pub.public_bytes_raw().hex() == entry["public_key"]


def test_cryptography_vectors_mlkem768_files() -> None:
    with open_cryptography_vector("asymmetric/MLKEM/mlkem768.pem") as f:
        pem = f.read().encode()
    key = load_pem_private_key(pem)
    assert type(key) is kem.MLKEM768PrivateKey


def test_xwing_draft_example_files() -> None:
    priv = shared_path("xwing/xwing.priv").read_bytes()
    pub = shared_path("xwing/xwing.pub").read_bytes()
    sk = load_pem_private_key(priv)
    assert sk.private_bytes_raw() == bytes(range(32))
    assert sk.private_bytes(Encoding.PEM, PrivateFormat.PKCS8) == priv
    assert load_pem_public_key(pub) == sk.public_key()
    assert sk.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo) == pub


def test_bad_input_is_typed() -> None:
    der = kem.MLKEM768PrivateKey.generate().private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    for cut in range(len(der)):
        with pytest.raises((EncodingError, ValueError)):
            load_der_private_key(der[:cut])
    with pytest.raises(EncodingError):
        load_der_private_key(der + b"\x00")
    spki = (
        kem.MLKEM768PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(UnsupportedAlgorithm, match=r"2\.16\.840\.1\.101\.3\.4\.4\.9"):
        load_der_public_key(
            spki.replace(
                bytes.fromhex("0609608648016503040402"), bytes.fromhex("0609608648016503040409"), 1
            )
        )
    with pytest.raises(EncodingError, match="PRIVATE KEY"):
        load_pem_private_key(
            kem.XWingPrivateKey.generate()
            .public_key()
            .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        )
    with pytest.raises(ValueError, match="Raw"):
        kem.XWingPrivateKey.generate().private_bytes(Encoding.DER, PrivateFormat.Raw)
    with pytest.raises(ValueError, match="unsupported encryption_algorithm"):
        kem.XWingPrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, b"pw")


def test_every_ml_kem_oid_is_distinct() -> None:
    oids = set()
    for cls in MLKEM:
        spki = (
            cls.generate()
            .public_key()
            .public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        )
        oids.add(spki[4:17])
    assert len(oids) == 3
