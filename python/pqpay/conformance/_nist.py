"""The known answers of the ``cryptography-vectors`` package: NIST ML-KEM / ML-DSA KATs, RFC
7748 X25519, RFC 8032 Ed448, the SUPERCOP Ed25519 ``sign.input``, the HPKE vectors (RFC 9180
and draft-ietf-hpke-pq) and published key files."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from pqpay import hazmat, kem, signatures
from pqpay.conformance._core import Case, Cases, Suite, expect, expect_raises, h
from pqpay.conformance._files import (
    CRYPTOGRAPHY_VECTORS,
    cryptography_bytes,
    load_cryptography_json,
    open_cryptography_vector,
    parse_blocks,
    parse_rsp,
)
from pqpay.exceptions import EncodingError, InvalidSignature
from pqpay.hpke import AEAD, KDF, KEM
from pqpay.hpke import Suite as HpkeSuite
from pqpay.serialization import (
    Encoding,
    MLDSAPrivateKeyForm,
    PrivateFormat,
    PublicFormat,
    load_der_private_key,
    load_der_public_key,
    load_pem_private_key,
    load_pem_public_key,
)

X25519_BASE_POINT = bytes([9]) + bytes(31)
MLDSA_SIG_SIZE = {"ML-DSA-44": 2420, "ML-DSA-65": 3309, "ML-DSA-87": 4627}
HPKE_PQ_FILE = "HPKE/hpke-pq-test-vectors.json"
HPKE_RFC9180_FILE = "HPKE/test-vectors.json"

HPKE_KEM_IDS = {
    0x0020: "X25519",
    0x0040: "ML-KEM-512",
    0x0041: "ML-KEM-768",
    0x0042: "ML-KEM-1024",
    0x0050: "MLKEM768-P256",
    0x0051: "MLKEM1024-P384",
    0x647A: "X-Wing",
}
"""HPKE kem_id -> the pqpay KEM checked with it."""
HPKE_OTHER_KEM_IDS = {
    0x0010: "DHKEM(P-256)",
    0x0011: "DHKEM(P-384)",
    0x0012: "DHKEM(P-521)",
    0x0021: "DHKEM(X448)",
}
"""KEMs of the HPKE files that pqpay does not implement (listed as skipped)."""


def _suite(name: str, load: Callable[[], Cases]) -> Suite:
    return Suite(CRYPTOGRAPHY_VECTORS, name, f"{CRYPTOGRAPHY_VECTORS}:{name}", load)


# --- ML-KEM, X25519 -------------------------------------------------------------------------


def _mlkem_kat(algorithm: str, r: dict[str, str]) -> None:
    private_cls = kem.PRIVATE_KEY_CLASSES[algorithm]
    public_cls = kem.PUBLIC_KEY_CLASSES[algorithm]
    sk = private_cls.from_seed_bytes(h(r["d"]) + h(r["z"]))
    expect(sk.public_key().public_bytes_raw() == h(r["pk"]), "KeyGen: pk differs")
    expect(hazmat.mlkem_expanded_bytes(sk) == h(r["sk"]), "KeyGen: expanded sk differs")
    pk = public_cls.from_public_bytes(h(r["pk"]))
    ss, ct = hazmat.encapsulate_derand(pk, h(r["msg"]))
    expect(ct == h(r["ct"]), "Encaps: ct differs")
    expect(ss == h(r["ss"]), "Encaps: ss differs")
    expect(sk.decapsulate(h(r["ct"])) == h(r["ss"]), "Decaps: ss differs")
    expect(sk.decapsulate(h(r["ct_n"])) == h(r["ss_n"]), "Decaps: implicit rejection differs")


def _rsp_cases(relpath: str, algorithm: str, check: Any, declared: int) -> Cases:
    with open_cryptography_vector(relpath) as f:
        records = list(parse_rsp(f))
    return Cases(
        [Case(f"count={r.get('count')}", algorithm, partial(check, algorithm, r)) for r in records],
        declared,
    )


def _x25519_rfc7748(b: dict[str, str]) -> None:
    sk = kem.X25519PrivateKey.from_private_bytes(h(b["INPUT_SCALAR"]))
    expect(sk.exchange(h(b["INPUT_U"])) == h(b["OUTPUT_U"]), "X25519 output differs")
    if h(b["INPUT_U"]) == X25519_BASE_POINT:
        expect(sk.public_key().public_bytes_raw() == h(b["OUTPUT_U"]), "public key differs")


def _blocks(relpath: str) -> list[dict[str, str]]:
    with open_cryptography_vector(relpath) as f:
        return list(parse_blocks(f))


def _load_rfc7748() -> Cases:
    blocks = _blocks("asymmetric/X25519/rfc7748.txt")
    cases = [Case(f"COUNT={b.get('COUNT')}", "X25519", partial(_x25519_rfc7748, b)) for b in blocks]
    return Cases(cases, 3)


# --- HPKE ------------------------------------------------------------------------------------


def _hpke_kem_decap(algorithm: str, v: dict[str, Any]) -> None:
    sk = kem.PRIVATE_KEY_CLASSES[algorithm].from_seed_bytes(h(v["skRm"]))
    expect(sk.public_key().public_bytes_raw() == h(v["pkRm"]), "pkRm differs")
    pk = kem.PUBLIC_KEY_CLASSES[algorithm].from_public_bytes(h(v["pkRm"]))
    expect(pk == sk.public_key(), "parsed pkRm is not equal to the derived key")
    expect(sk.decapsulate(h(v["enc"])) == h(v["shared_secret"]), "Decap differs")


def _load_hpke_pq_kem() -> Cases:
    """Every entry: the KEM part for the KEMs pqpay offers; others listed as skipped; an
    unknown kem_id is a failure (decide whether pqpay offers it)."""
    cases = []
    for i, v in enumerate(load_cryptography_json(HPKE_PQ_FILE)):
        kem_id = v["kem_id"]
        cid = f"#{i} kem_id=0x{kem_id:04x} kdf={v['kdf_id']}"
        if kem_id in HPKE_KEM_IDS:
            algorithm = HPKE_KEM_IDS[kem_id]
            cases.append(Case(cid, f"HPKE KEM {algorithm}", partial(_hpke_kem_decap, algorithm, v)))
        elif kem_id in HPKE_OTHER_KEM_IDS:
            name = HPKE_OTHER_KEM_IDS[kem_id]
            cases.append(Case(cid, f"HPKE KEM {name}", None, "not offered by pqpay"))
        else:
            cases.append(Case(cid, f"HPKE KEM 0x{kem_id:04x}", partial(_unknown_kem, kem_id)))
    return Cases(cases)


def _unknown_kem(kem_id: int) -> None:
    raise AssertionError(f"kem_id 0x{kem_id:04x} is neither checked nor known to be out of scope")


def _rfc9180_dhkem_x25519(v: dict[str, Any]) -> None:
    sk = kem.X25519PrivateKey.from_seed_bytes(h(v["skRm"]))
    expect(sk.public_key().public_bytes_raw() == h(v["pkRm"]), "pkRm differs")
    pk = kem.X25519PublicKey.from_public_bytes(h(v["pkRm"]))
    ss, enc = hazmat.encapsulate_derand(pk, h(v["skEm"]))
    expect(enc == h(v["enc"]) == h(v["pkEm"]), "enc differs")
    expect(ss == h(v["shared_secret"]), "Encap: shared_secret differs")
    expect(sk.decapsulate(enc) == ss, "Decap differs")


def _load_rfc9180_kem() -> Cases:
    """DHKEM(X25519, HKDF-SHA256) in the modes without sender authentication (0 and 1)."""
    cases = []
    for i, v in enumerate(load_cryptography_json(HPKE_RFC9180_FILE)):
        if v["kem_id"] != 0x0020 or v["mode"] not in (0, 1):
            continue
        cid = f"#{i} mode={v['mode']} kdf={v['kdf_id']} aead={v['aead_id']}"
        cases.append(Case(cid, "HPKE KEM X25519", partial(_rfc9180_dhkem_x25519, v)))
    return Cases(cases, 16)


_HPKE_KEMS = {int(k) for k in KEM}
_HPKE_KDFS = {int(k) for k in KDF}
_HPKE_AEADS = {int(a) for a in AEAD}


def _hpke_base_mode(v: dict[str, Any]) -> None:
    suite = HpkeSuite(KEM(v["kem_id"]), KDF(v["kdf_id"]), AEAD(v["aead_id"]))
    info = h(v["info"])
    sk = suite.derive_key_pair(h(v["ikmR"]))
    expect(sk.private_bytes_raw() == h(v["skRm"]), "DeriveKeyPair(ikmR) != skRm")
    pk = sk.public_key()
    expect(pk.public_bytes_raw() == h(v["pkRm"]), "public key != pkRm")
    enc, sender = hazmat.hpke_setup_sender_derand(suite, pk, h(v["ikmE"]), info=info)
    expect(enc == h(v["enc"]), "enc differs")
    receiver = suite.setup_receiver(sk, enc, info=info)
    for i, e in enumerate(v["encryptions"]):
        expect(sender.seal(h(e["pt"]), aad=h(e["aad"])) == h(e["ct"]), f"seal #{i}")
        expect(receiver.open(h(e["ct"]), aad=h(e["aad"])) == h(e["pt"]), f"open #{i}")
    for i, x in enumerate(v["exports"]):
        want = h(x["exported_value"])
        expect(sender.export(h(x["exporter_context"]), x["L"]) == want, f"sender export #{i}")
        expect(receiver.export(h(x["exporter_context"]), x["L"]) == want, f"receiver export #{i}")


def _load_hpke_full(relpath: str) -> Cases:
    """Base-mode vectors of a suite pqpay offers, end to end: DeriveKeyPair, SetupBaseS with
    ikmE, every encryption sealed in sequence and opened, every export from both sides."""
    cases = []
    for n, v in enumerate(load_cryptography_json(relpath)):
        if not (
            v["mode"] == 0
            and v["kem_id"] in _HPKE_KEMS
            and v["kdf_id"] in _HPKE_KDFS
            and v["aead_id"] in _HPKE_AEADS
        ):
            continue
        cid = f"#{n} kem={v['kem_id']:#x} kdf={v['kdf_id']:#x} aead={v['aead_id']:#x}"
        cases.append(Case(cid, f"HPKE {KEM(v['kem_id']).name}", partial(_hpke_base_mode, v)))
    return Cases(cases)


# --- ML-DSA, EdDSA ---------------------------------------------------------------------------

_MLDSA_PRIVATE: dict[str, Any] = signatures.PRIVATE_KEY_CLASSES
_MLDSA_PUBLIC: dict[str, Any] = signatures.PUBLIC_KEY_CLASSES


def _mldsa_kat(algorithm: str, r: dict[str, str]) -> None:
    """KeyGen from xi (pk, expanded sk), deterministic pure Sign with the context, Verify."""
    n = MLDSA_SIG_SIZE[algorithm]
    sk = _MLDSA_PRIVATE[algorithm].from_seed_bytes(h(r["xi"]))
    expect(sk.public_key().public_bytes_raw() == h(r["pk"]), "KeyGen: pk differs")
    expect(hazmat.mldsa_expanded_bytes(sk) == h(r["sk"]), "KeyGen: sk differs")
    msg, ctx, sm = h(r["msg"]), h(r["ctx"]), h(r["sm"])
    expect(len(msg) == int(r["mlen"]) and sm[n:] == msg, "malformed record (mlen, sm)")
    sig = hazmat.sign_deterministic(sk, msg, ctx)
    expect(sig == sm[:n], "Sign: signature differs")
    _MLDSA_PUBLIC[algorithm].from_public_bytes(h(r["pk"])).verify(sig, msg, ctx)


def _ed25519_line(line: str) -> None:
    fields = line.split(":")
    expect(len(fields) == 5 and fields[4] == "", "malformed line")
    skpk, pk, msg, sigmsg = (h(x) for x in fields[:4])
    sig = sigmsg[:64]
    expect(sigmsg[64:] == msg, "sig||msg does not end with msg")
    expect(skpk[32:] == pk, "sk||pk does not end with pk")
    sk = signatures.Ed25519PrivateKey.from_private_bytes(skpk[:32])
    expect(sk.public_key().public_bytes_raw() == pk, "public key differs")
    expect(sk.sign(msg) == sig, "signature differs")
    expect(sk.private_bytes_raw() == skpk[:32], "private key does not round-trip")
    signatures.Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)


def _load_ed25519() -> Cases:
    """SUPERCOP sign.input: sk||pk : pk : msg : sig||msg (1024 lines)."""
    with open_cryptography_vector("asymmetric/Ed25519/sign.input") as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    cases = [
        Case(f"line {n + 1}", "Ed25519", partial(_ed25519_line, line))
        for n, line in enumerate(lines)
    ]
    return Cases(cases, 1024)


def _ed448_block(b: dict[str, str]) -> None:
    expect(
        set(b) <= {"COUNT", "SECRET", "PUBLIC", "MESSAGE", "CONTEXT", "SIGNATURE"}, "unknown key"
    )
    sk = signatures.Ed448PrivateKey.from_private_bytes(h(b["SECRET"]))
    msg, ctx, sig = h(b["MESSAGE"]), h(b.get("CONTEXT", "")), h(b["SIGNATURE"])
    expect(sk.public_key().public_bytes_raw() == h(b["PUBLIC"]), "public key differs")
    expect(sk.sign(msg, ctx) == sig, "signature differs")
    pk = signatures.Ed448PublicKey.from_public_bytes(h(b["PUBLIC"]))
    pk.verify(sig, msg, ctx)
    expect_raises(InvalidSignature, lambda: pk.verify(sig, msg, ctx + b"x"))


def _load_ed448() -> Cases:
    blocks = _blocks("asymmetric/Ed448/rfc8032.txt")
    return Cases(
        [Case(f"COUNT={b.get('COUNT')}", "Ed448", partial(_ed448_block, b)) for b in blocks]
    )


# --- published key files ---------------------------------------------------------------------


def _mldsa44_key_files() -> None:
    der = cryptography_bytes("asymmetric/MLDSA/mldsa44_priv.der")
    sk = load_der_private_key(der)
    expect(type(sk) is signatures.MLDSA44PrivateKey, f"loaded as {type(sk).__name__}")
    pub = load_der_public_key(cryptography_bytes("asymmetric/MLDSA/mldsa44_pub.der"))
    expect(pub == sk.public_key(), "public key file differs from the private key's")
    expect(sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8) == der, "PKCS#8 round trip")


def _mldsa65_expanded_key_file() -> None:
    der = cryptography_bytes("asymmetric/MLDSA/mldsa65_noseed_priv.der")
    sk: Any = load_der_private_key(der)
    expect(type(sk) is signatures.MLDSA65PrivateKey, f"loaded as {type(sk).__name__}")
    form = MLDSAPrivateKeyForm.EXPANDED
    expect(
        sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8, mldsa_form=form) == der,
        "expanded PKCS#8 round trip",
    )
    sk.public_key().verify(sk.sign(b"m"), b"m")


def _eddsa_key_files(name: str, cls: Any) -> None:
    der = cryptography_bytes(f"asymmetric/{name}-pkcs8.der")
    sk = load_der_private_key(der)
    expect(type(sk) is cls, f"loaded as {type(sk).__name__}")
    expect(sk.private_bytes(Encoding.DER, PrivateFormat.PKCS8) == der, "PKCS#8 round trip")
    pem_sk = load_pem_private_key(cryptography_bytes(f"asymmetric/{name}-pkcs8.pem"))
    expect(pem_sk.public_key() == sk.public_key(), "PEM and DER keys differ")
    pub_der = cryptography_bytes(f"asymmetric/{name}-pub.der")
    pub = load_der_public_key(pub_der)
    expect(
        pub.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) == pub_der,
        "SPKI round trip",
    )
    expect(
        load_pem_public_key(cryptography_bytes(f"asymmetric/{name}-pub.pem")) == pub,
        "PEM public key differs",
    )


def _eddsa_encrypted_key_files(name: str) -> None:
    """The encrypted copies (pyca's password b"password") load as the same key."""
    want = load_pem_private_key(cryptography_bytes(f"asymmetric/{name}-pkcs8.pem")).public_key()
    enc = cryptography_bytes(f"asymmetric/{name}-pkcs8-enc.pem")
    expect(load_pem_private_key(enc, b"password").public_key() == want, "encrypted PEM")
    enc_der = cryptography_bytes(f"asymmetric/{name}-pkcs8-enc.der")
    expect(load_der_private_key(enc_der, b"password").public_key() == want, "encrypted DER")


def _refuses_unused_bits() -> None:
    odd = cryptography_bytes("asymmetric/Ed25519/ed25519-pub-non-zero-unused-bits.der")
    expect_raises(EncodingError, lambda: load_der_public_key(odd))


def _load_key_files() -> Cases:
    cases = [
        Case(
            "MLDSA/mldsa44_priv.der + mldsa44_pub.der", "ML-DSA-44 (key files)", _mldsa44_key_files
        ),
        Case(
            "MLDSA/mldsa65_noseed_priv.der (expanded only)",
            "ML-DSA-65 (key files)",
            _mldsa65_expanded_key_file,
        ),
    ]
    for name, cls, algorithm in (
        ("Ed25519/ed25519", signatures.Ed25519PrivateKey, "Ed25519"),
        ("Ed448/ed448", signatures.Ed448PrivateKey, "Ed448"),
    ):
        cases.append(
            Case(
                f"{name}-pkcs8.der/.pem, -pub.der/.pem",
                f"{algorithm} (key files)",
                partial(_eddsa_key_files, name, cls),
            )
        )
        cases.append(
            Case(
                f"{name}-pkcs8-enc.pem/.der decrypt",
                f"{algorithm} (key files)",
                partial(_eddsa_encrypted_key_files, name),
            )
        )
    cases.append(
        Case(
            "ed25519-pub-non-zero-unused-bits.der refused",
            "Ed25519 (key files)",
            _refuses_unused_bits,
        )
    )
    return Cases(cases, 7)


def suites() -> list[Suite]:
    """Every suite of the ``cryptography-vectors`` package pqpay checks."""
    out = []
    for n in (512, 768, 1024):
        relpath = f"asymmetric/MLKEM/kat_MLKEM_{n}.rsp"
        out.append(_suite(relpath, partial(_rsp_cases, relpath, f"ML-KEM-{n}", _mlkem_kat, 1000)))
    out.append(_suite("asymmetric/X25519/rfc7748.txt", _load_rfc7748))
    for level in ("44", "65", "87"):
        relpath = f"asymmetric/MLDSA/kat_MLDSA_{level}_det_pure.rsp"
        out.append(
            _suite(relpath, partial(_rsp_cases, relpath, f"ML-DSA-{level}", _mldsa_kat, 100))
        )
    out.append(_suite("asymmetric/Ed25519/sign.input", _load_ed25519))
    out.append(_suite("asymmetric/Ed448/rfc8032.txt", _load_ed448))
    out.append(_suite(f"{HPKE_PQ_FILE} (KEM)", _load_hpke_pq_kem))
    out.append(_suite(f"{HPKE_RFC9180_FILE} (KEM 0x0020)", _load_rfc9180_kem))
    for relpath in (HPKE_RFC9180_FILE, HPKE_PQ_FILE):
        out.append(_suite(f"{relpath} (HPKE base mode, full)", partial(_load_hpke_full, relpath)))
    out.append(_suite("key files", _load_key_files))
    return out
