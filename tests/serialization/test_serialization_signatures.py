"""PKCS#8 / SubjectPublicKeyInfo (DER, PEM) for signature keys: round trips, interop with
pyca/cryptography and OpenSSL, the cryptography-vectors / Wycheproof / composite-draft key
encodings, and bad input."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization as pyca_ser
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519, mldsa

from pqpay import kem, signatures
from pqpay.exceptions import EncodingError, InvalidKey, UnsupportedAlgorithm
from pqpay.serialization import (
    Encoding,
    MLDSAPrivateKeyForm,
    MLKEMPrivateKeyForm,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
    load_der_public_key,
    load_pem_private_key,
    load_pem_public_key,
)
from tests._support.vector_sources import (
    Tally,
    h,
)

ALL = sorted(
    (
        c
        for c in vars(signatures).values()
        if isinstance(c, type)
        and issubclass(c, signatures.SignaturePrivateKey)
        and "ALGORITHM" in vars(c)
    ),
    key=lambda c: c.ALGORITHM,
)
MLDSA = [signatures.MLDSA44PrivateKey, signatures.MLDSA65PrivateKey, signatures.MLDSA87PrivateKey]
NO_NONE = pyca_ser.NoEncryption()


def require_family(cls: Any) -> None:
    """Skips while ``cls``'s family is still the integration-branch placeholder (SLH-DSA may
    land after this branch; its cases then run in the integrated tree)."""
    try:
        cls.from_private_bytes(b"")
    except UnsupportedAlgorithm as e:
        if "not implemented yet" in str(e):
            pytest.skip(f"{cls.ALGORITHM}: family not merged into this branch yet")
    except ValueError:
        pass


def _ids(cls: Any) -> str:
    return str(cls.ALGORITHM)


def test_every_algorithm_is_covered() -> None:
    assert len(ALL) == 22


@pytest.mark.parametrize("cls", ALL, ids=_ids)
def test_round_trip_der_and_pem(cls: Any) -> None:
    require_family(cls)
    sk = cls.generate()
    der = sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    pem = sk.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NO_NONE)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    for loaded in (load_der_private_key(der), load_pem_private_key(pem)):
        assert type(loaded) is cls
        assert loaded.private_bytes_raw() == sk.private_bytes_raw()
        assert loaded.public_key() == sk.public_key()
    pub = sk.public_key()
    spki = pub.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    pem_pub = pub.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    assert pem_pub.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    for loaded_pub in (load_der_public_key(spki), load_pem_public_key(pem_pub)):
        assert type(loaded_pub) is cls._PUBLIC
        assert loaded_pub == pub
    assert spki.endswith(pub.public_bytes_raw())
    assert sk.private_bytes(Encoding.Raw, PrivateFormat.Raw) == sk.private_bytes_raw()
    assert pub.public_bytes(Encoding.Raw, PublicFormat.Raw) == pub.public_bytes_raw()
    sig = load_der_private_key(der).sign(b"msg")
    pub.verify(sig, b"msg")


def _header_len(der: bytes, pos: int) -> int:
    return 2 if der[pos + 1] < 0x80 else 2 + (der[pos + 1] & 0x7F)


def _inner_tag(der: bytes) -> int:
    """The first tag inside the PKCS#8 privateKey OCTET STRING (v1, 13-byte AlgorithmId)."""
    pos = _header_len(der, 0) + 3 + 13
    assert der[pos] == 0x04
    return der[pos + _header_len(der, pos)]


@pytest.mark.parametrize("cls", MLDSA, ids=_ids)
@pytest.mark.parametrize("form", list(MLDSAPrivateKeyForm), ids=lambda f: f.value)
def test_mldsa_forms(cls: Any, form: MLDSAPrivateKeyForm) -> None:
    sk = cls.from_seed_bytes(bytes(range(32)))
    der = sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=form)
    assert _inner_tag(der) == {"seed": 0x80, "expanded": 0x04, "both": 0x30}[form.value]
    loaded = load_der_private_key(der)
    assert loaded.public_key() == sk.public_key()
    if form is MLDSAPrivateKeyForm.EXPANDED:
        # No seed: raw export and the seed/both forms refuse, the expanded form round-trips.
        with pytest.raises(UnsupportedAlgorithm):
            loaded.private_bytes_raw()
        for other in (MLDSAPrivateKeyForm.SEED, MLDSAPrivateKeyForm.BOTH):
            with pytest.raises(ValueError, match="Expanded"):
                loaded.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=other)
        assert loaded.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=form) == der
    else:
        assert loaded.private_bytes_raw() == bytes(range(32))


def test_seed_form_layout() -> None:
    sk = signatures.MLDSA44PrivateKey.from_seed_bytes(b"\x2a" * 32)
    der = sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    assert der == h("3034020100300b0609608648016503040311042280 20".replace(" ", "")) + b"\x2a" * 32


def test_form_enums_are_not_interchangeable() -> None:
    sk = signatures.MLDSA44PrivateKey.generate()
    with pytest.raises(TypeError):
        sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=MLKEMPrivateKeyForm.SEED)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unsupported encryption_algorithm"):
        sk.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, b"pw")
    with pytest.raises(ValueError, match="Raw"):
        sk.private_bytes(Encoding.DER, PrivateFormat.Raw)


def test_kem_and_signature_keys_share_the_loaders() -> None:
    k = kem.MLKEM768PrivateKey.generate()
    s = signatures.Ed25519PrivateKey.generate()
    k_der = k.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    s_der = s.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
    assert type(load_der_private_key(k_der)) is kem.MLKEM768PrivateKey
    assert type(load_der_private_key(s_der)) is signatures.Ed25519PrivateKey
    k_pub = k.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    s_pub = s.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    assert type(load_pem_public_key(k_pub)) is kem.MLKEM768PublicKey
    assert type(load_pem_public_key(s_pub)) is signatures.Ed25519PublicKey


# --- pyca/cryptography interop ---------------------------------------------------------------

PYCA = [
    (signatures.MLDSA44PrivateKey, mldsa.MLDSA44PrivateKey),
    (signatures.MLDSA65PrivateKey, mldsa.MLDSA65PrivateKey),
    (signatures.MLDSA87PrivateKey, mldsa.MLDSA87PrivateKey),
    (signatures.Ed25519PrivateKey, ed25519.Ed25519PrivateKey),
    (signatures.Ed448PrivateKey, ed448.Ed448PrivateKey),
]


@pytest.mark.parametrize(("ours", "theirs"), PYCA, ids=lambda c: getattr(c, "ALGORITHM", ""))
@pytest.mark.parametrize("encoding", [Encoding.DER, Encoding.PEM], ids=["DER", "PEM"])
def test_pyca_interop(ours: Any, theirs: Any, encoding: Encoding) -> None:
    pyca_enc = pyca_ser.Encoding.DER if encoding is Encoding.DER else pyca_ser.Encoding.PEM
    load_priv = (
        pyca_ser.load_der_private_key
        if encoding is Encoding.DER
        else (pyca_ser.load_pem_private_key)
    )
    load_pub = (
        pyca_ser.load_der_public_key if encoding is Encoding.DER else (pyca_ser.load_pem_public_key)
    )
    pub_raw = (pyca_ser.Encoding.Raw, pyca_ser.PublicFormat.Raw)
    # pyca -> pqpay (pyca writes ML-DSA in the seed form).
    theirs_sk = theirs.generate()
    blob = theirs_sk.private_bytes(pyca_enc, pyca_ser.PrivateFormat.PKCS8, NO_NONE)
    mine = (load_der_private_key if encoding is Encoding.DER else load_pem_private_key)(blob)
    assert type(mine) is ours
    assert mine.public_key().public_bytes_raw() == theirs_sk.public_key().public_bytes(*pub_raw)
    # Byte-exact: our writer gives what pyca wrote.
    assert mine.private_bytes(encoding, PrivateFormat.PKCS8) == blob
    theirs_sk.public_key().verify(mine.sign(b"interop"), b"interop")
    spki = theirs_sk.public_key().public_bytes(pyca_enc, pyca_ser.PublicFormat.SubjectPublicKeyInfo)
    mine_pub = (load_der_public_key if encoding is Encoding.DER else load_pem_public_key)(spki)
    assert mine_pub == mine.public_key()
    # pqpay -> pyca.
    sk = ours.generate()
    theirs_loaded = load_priv(sk.private_bytes(encoding, PrivateFormat.PKCS8), None)
    assert isinstance(theirs_loaded, theirs)
    assert theirs_loaded.public_key().public_bytes(*pub_raw) == sk.public_key().public_bytes_raw()
    sk.public_key().verify(theirs_loaded.sign(b"back"), b"back")
    theirs_pub = load_pub(sk.public_key().public_bytes(encoding, PublicFormat.SubjectPublicKeyInfo))
    assert theirs_pub.public_bytes(*pub_raw) == sk.public_key().public_bytes_raw()


# The published key files (cryptography-vectors), the Wycheproof publicKeyDer/Pem and
# privateKeyPkcs8 fields and the composite draft's sk_pkcs8 run in the conformance runner
# (pqpay/conformance/_nist.py, _wycheproof.py, _drafts.py).


# --- OpenSSL command line (Ed25519 / Ed448; 3.0 has no ML-DSA) --------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
@pytest.mark.parametrize(
    ("algorithm", "cls"),
    [("ed25519", signatures.Ed25519PrivateKey), ("ed448", signatures.Ed448PrivateKey)],
)
def test_openssl_interop(algorithm: str, cls: Any) -> None:
    def run(*args: str, data: bytes = b"") -> bytes:
        return subprocess.run(
            ["openssl", *args], input=data, capture_output=True, check=True
        ).stdout

    theirs = run("genpkey", "-algorithm", algorithm)
    sk = load_pem_private_key(theirs)
    assert type(sk) is cls
    assert sk.private_bytes(Encoding.PEM, PrivateFormat.PKCS8) == theirs
    their_pub = run("pkey", "-pubout", data=theirs)
    assert load_pem_public_key(their_pub) == sk.public_key()
    mine = cls.generate()
    pem = mine.private_bytes(Encoding.PEM, PrivateFormat.PKCS8)
    assert run("pkey", data=pem) == pem
    expected_pub = mine.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    assert run("pkey", "-pubout", data=pem) == expected_pub


# --- bad input -------------------------------------------------------------------------------


def test_truncation_and_trailing_bytes() -> None:
    for cls in (
        signatures.MLDSA44PrivateKey,
        signatures.Ed25519PrivateKey,
        signatures.MLDSA44Ed25519PrivateKey,
    ):
        sk = cls.generate()
        der = sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8)
        spki = sk.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        for blob, load in ((der, load_der_private_key), (spki, load_der_public_key)):
            for n in range(len(blob)):
                with pytest.raises(ValueError):
                    load(blob[:n])
            with pytest.raises(EncodingError, match="trailing"):
                load(blob + b"\x00")


def test_unknown_oid_and_wrong_inner_tag() -> None:
    # id-ecPublicKey with a 32-byte key: a real OID pqpay does not support.
    ec = h("3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420") + bytes(32)
    with pytest.raises(UnsupportedAlgorithm, match=r"1\.2\.840\.10045\.2\.1"):
        load_der_private_key(ec)
    seed_form = signatures.MLDSA44PrivateKey.generate().private_bytes(
        Encoding.DER, PrivateFormat.PKCS8
    )
    wrong_tag = seed_form.replace(b"\x04\x22\x80\x20", b"\x04\x22\x81\x20", 1)
    with pytest.raises(EncodingError, match="expected seed"):
        load_der_private_key(wrong_tag)


def test_both_form_mismatch_is_invalid_key() -> None:
    a = signatures.MLDSA44PrivateKey.from_seed_bytes(b"\x01" * 32)
    b = signatures.MLDSA44PrivateKey.from_seed_bytes(b"\x02" * 32)
    both = MLDSAPrivateKeyForm.BOTH
    der_b = b.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=both)
    mixed = der_b.replace(b"\x02" * 32, b"\x01" * 32, 1)
    assert mixed != der_b
    with pytest.raises(InvalidKey, match="disagree"):
        load_der_private_key(mixed)
    assert (
        load_der_private_key(
            a.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=both)
        ).public_key()
        == a.public_key()
    )


def test_golden_pyca_key_files() -> None:
    """vectors/sig_keys/: written once by pyca/cryptography 50 (see its generate.py)."""
    import json

    from tests._support.vector_sources import REPO_ROOT

    folder = REPO_ROOT / "vectors" / "sig_keys"
    manifest = json.loads((folder / "manifest.json").read_text())
    tally = Tally("pqpay: vectors/sig_keys (pyca-written)")
    for entry in manifest["keys"]:
        with tally.case(entry["name"]):
            raw = h(entry["private_key"])
            pub_raw = h(entry["public_key"])
            der = (folder / entry["private_der"]).read_bytes()
            pem = (folder / entry["private_pem"]).read_bytes()
            for sk, enc, blob in (
                (load_der_private_key(der), Encoding.DER, der),
                (load_pem_private_key(pem), Encoding.PEM, pem),
            ):
                assert entry["algorithm"] == sk.ALGORITHM
                assert sk.private_bytes_raw() == raw
                assert sk.public_key().public_bytes_raw() == pub_raw
                assert sk.private_bytes(enc, PrivateFormat.PKCS8) == blob
            for fname, load, enc in (
                ("public_der", load_der_public_key, Encoding.DER),
                ("public_pem", load_pem_public_key, Encoding.PEM),
            ):
                blob = (folder / entry[fname]).read_bytes()
                pub = load(blob)
                assert pub.public_bytes_raw() == pub_raw
                assert pub.public_bytes(enc, PublicFormat.SubjectPublicKeyInfo) == blob
    tally.finish(expected=5)
