"""SLH-DSA (FIPS 205): NIST ACVP keyGen / sigGen / sigVer vectors, and bad input for every set.

Every test of every group runs; a group of an unknown kind counts as a failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import hazmat, signatures
from pqpay.exceptions import InvalidSignature
from tests._support.vector_sources import Tally, h, iter_groups_tests, load_shared_json, source_name

KEYGEN = "acvp/SLH-DSA-keyGen-FIPS205/internalProjection.json.gz"
SIGGEN = "acvp/SLH-DSA-sigGen-FIPS205/prompt.json.gz"
SIGGEN_RESULTS = "acvp/SLH-DSA-sigGen-FIPS205/expectedResults.json.gz"
SIGVER = "acvp/SLH-DSA-sigVer-FIPS205/prompt.json.gz"
SIGVER_RESULTS = "acvp/SLH-DSA-sigVer-FIPS205/expectedResults.json.gz"

SETS = [
    f"SLH-DSA-{h_}-{lvl}{v}" for h_ in ("SHA2", "SHAKE") for lvl in (128, 192, 256) for v in "sf"
]


def private_class(name: str) -> Any:
    return getattr(signatures, name.replace("SLH-DSA-", "SLHDSA").replace("-", "_") + "PrivateKey")


def public_class(name: str) -> Any:
    return getattr(signatures, name.replace("SLH-DSA-", "SLHDSA").replace("-", "_") + "PublicKey")


def _answers(relpath: str) -> dict[int, dict[str, Any]]:
    doc = load_shared_json(relpath)
    return {t["tcId"]: t for _, t in iter_groups_tests(doc)}


def _case_id(group: dict[str, Any], test: dict[str, Any]) -> str:
    parts = [f"tcId={test['tcId']}", f"tgId={group['tgId']}", group["parameterSet"]]
    parts += [str(group[k]) for k in ("signatureInterface", "preHash") if k in group]
    return " ".join(parts)


@pytest.mark.vectors
def test_acvp_keygen() -> None:
    tally = Tally(source_name("ACVP", KEYGEN))
    for group, test in iter_groups_tests(load_shared_json(KEYGEN)):
        with tally.case(_case_id(group, test)):
            cls = private_class(group["parameterSet"])
            sk = hazmat.slhdsa_keygen_from_seeds(
                cls, h(test["skSeed"]), h(test["skPrf"]), h(test["pkSeed"])
            )
            assert sk.private_bytes_raw() == h(test["sk"]), "sk differs"
            assert sk.public_key().public_bytes_raw() == h(test["pk"]), "pk differs"
            assert cls.from_private_bytes(h(test["sk"])).public_key() == sk.public_key()
    tally.finish(expected=120)


@pytest.mark.vectors
def test_acvp_siggen() -> None:
    answers = _answers(SIGGEN_RESULTS)
    tally = Tally(source_name("ACVP", "acvp/SLH-DSA-sigGen-FIPS205"))
    for group, test in iter_groups_tests(load_shared_json(SIGGEN)):
        with tally.case(_case_id(group, test)):
            sk = private_class(group["parameterSet"]).from_private_bytes(h(test["sk"]))
            rnd = None if group["deterministic"] else h(test["additionalRandomness"])
            msg = h(test["message"])
            if group["signatureInterface"] == "internal":
                sig = hazmat.slhdsa_sign_internal(sk, msg, rnd)
            elif group["preHash"] == "pure":
                sig = hazmat.slhdsa_sign_pure(sk, msg, h(test["context"]), rnd)
                if rnd is None:
                    assert hazmat.sign_deterministic(sk, msg, h(test["context"])) == sig
            elif group["preHash"] == "preHash":
                sig = hazmat.slhdsa_sign_prehash(sk, msg, test["hashAlg"], h(test["context"]), rnd)
            else:
                raise AssertionError(f"unknown group kind {group}")
            assert sig == h(answers[test["tcId"]]["signature"]), "signature differs"
    tally.finish(expected=208)


@pytest.mark.vectors
def test_acvp_sigver() -> None:
    answers = _answers(SIGVER_RESULTS)
    tally = Tally(source_name("ACVP", "acvp/SLH-DSA-sigVer-FIPS205"))
    for group, test in iter_groups_tests(load_shared_json(SIGVER)):
        with tally.case(_case_id(group, test)):
            pk = public_class(group["parameterSet"]).from_public_bytes(h(test["pk"]))
            msg, sig = h(test["message"]), h(test["signature"])
            try:
                if group["signatureInterface"] == "internal":
                    hazmat.slhdsa_verify_internal(pk, sig, msg)
                elif group["preHash"] == "pure":
                    pk.verify(sig, msg, h(test["context"]))
                elif group["preHash"] == "preHash":
                    hazmat.slhdsa_verify_prehash(pk, sig, msg, test["hashAlg"], h(test["context"]))
                else:
                    raise AssertionError(f"unknown group kind {group}")
                ok = True
            except InvalidSignature:
                ok = False
            assert ok == answers[test["tcId"]]["testPassed"], f"verified={ok}"
    tally.finish(expected=168)


@pytest.mark.parametrize("name", SETS)
def test_bad_input(name: str) -> None:
    cls, pub = private_class(name), public_class(name)
    n = {"128": 16, "192": 24, "256": 32}[name[-4:-1]]
    for size in (0, 4 * n - 1, 4 * n + 1):
        with pytest.raises(ValueError, match=str(size)):
            cls.from_private_bytes(b"\x01" * size)
    for size in (0, 2 * n - 1, 2 * n + 1):
        with pytest.raises(ValueError, match=str(size)):
            pub.from_public_bytes(b"\x01" * size)
    with pytest.raises(ValueError):
        hazmat.slhdsa_keygen_from_seeds(cls, b"\0" * n, b"\0" * n, b"\0" * (n - 1))
    pk = pub.from_public_bytes(b"\x05" * (2 * n))
    for sig in (b"", b"\0" * 100, b"\0" * 7856, b"\0" * 49857):
        with pytest.raises(InvalidSignature):
            pk.verify(sig, b"m")
    with pytest.raises(ValueError):
        pk.verify(b"", b"m", context=b"\0" * 256)


def test_sign_round_trip_and_context_limit() -> None:
    sk = signatures.SLHDSASHA2_128fPrivateKey.generate()
    sig = sk.sign(b"payment", context=b"ctx")
    sk.public_key().verify(sig, b"payment", context=b"ctx")
    for i in (0, 100, len(sig) - 1):
        bad = bytearray(sig)
        bad[i] ^= 1
        with pytest.raises(InvalidSignature):
            sk.public_key().verify(bytes(bad), b"payment", context=b"ctx")
    with pytest.raises(ValueError):
        sk.sign(b"m", context=b"\0" * 256)
    assert "PrivateKey" in repr(sk) and sk.private_bytes_raw().hex() not in repr(sk)


def test_interop_pqcrypto() -> None:
    """Signatures cross-verify with the independent pqcrypto package (same raw key forms)."""
    pq = pytest.importorskip("pqcrypto.sign.slh_dsa_sha2_128f")
    pk_raw, sk_raw = pq.keygen()
    sk = signatures.SLHDSASHA2_128fPrivateKey.from_private_bytes(sk_raw)
    assert sk.public_key().public_bytes_raw() == pk_raw
    pq.verify(pk_raw, b"hello", sk.sign(b"hello", context=b"c"), context=b"c")
    sk.public_key().verify(pq.sign(sk_raw, b"hello"), b"hello")
