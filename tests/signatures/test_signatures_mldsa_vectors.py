"""ML-DSA (FIPS 204) vectors, every one run through :class:`vector_sources.Tally`.

* cryptography-vectors ``asymmetric/MLDSA/kat_MLDSA_{44,65,87}_det_pure.rsp`` (100 records
  each): KeyGen from xi (pk and expanded sk), deterministic Sign with the context, Verify.
* ACVP ``ML-DSA-keyGen-FIPS204``, ``ML-DSA-sigGen-FIPS204`` (prompt joined with
  expectedResults on tgId/tcId; every group: external pure and preHash, internal with and without
  externalMu, deterministic and randomized) and ``ML-DSA-sigVer-FIPS204``.
* Wycheproof ``mldsa_{44,65,87}_{sign_seed,sign_noseed,verify}_test.json``. The
  ``privateKeyPkcs8`` / ``publicKeyDer`` fields belong to the encoding tests and are not read here;
  every test case runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import hazmat, signatures
from pqpay.exceptions import InvalidSignature
from tests._support.vector_sources import (
    Tally,
    h,
    iter_groups_tests,
    load_shared_json,
    open_cryptography_vector,
    parse_rsp,
    source_name,
)

pytestmark = pytest.mark.vectors

PRIVATE: dict[str, Any] = {
    "ML-DSA-44": signatures.MLDSA44PrivateKey,
    "ML-DSA-65": signatures.MLDSA65PrivateKey,
    "ML-DSA-87": signatures.MLDSA87PrivateKey,
}
PUBLIC: dict[str, Any] = {
    "ML-DSA-44": signatures.MLDSA44PublicKey,
    "ML-DSA-65": signatures.MLDSA65PublicKey,
    "ML-DSA-87": signatures.MLDSA87PublicKey,
}
SIG_SIZE = {"ML-DSA-44": 2420, "ML-DSA-65": 3309, "ML-DSA-87": 4627}
LEVELS = ("44", "65", "87")

ACVP_KEYGEN = "acvp/ML-DSA-keyGen-FIPS204/internalProjection.json.gz"
ACVP_SIGGEN_PROMPT = "acvp/ML-DSA-sigGen-FIPS204/prompt.json.gz"
ACVP_SIGGEN_RESULTS = "acvp/ML-DSA-sigGen-FIPS204/expectedResults.json.gz"
ACVP_SIGVER = "acvp/ML-DSA-sigVer-FIPS204/internalProjection.json.gz"
WYCHEPROOF = "wycheproof/testvectors_v1"


def _count(doc: dict[str, Any]) -> int:
    return sum(len(g["tests"]) for g in doc["testGroups"])


@pytest.mark.parametrize("level", LEVELS)
def test_nist_kat_det_pure(level: str) -> None:
    algorithm = f"ML-DSA-{level}"
    relpath = f"asymmetric/MLDSA/kat_MLDSA_{level}_det_pure.rsp"
    with open_cryptography_vector(relpath) as f:
        records = list(parse_rsp(f))
    tally = Tally(source_name("cryptography-vectors", relpath))
    n = SIG_SIZE[algorithm]
    for r in records:
        with tally.case(f"count={r.get('count')}"):
            sk = PRIVATE[algorithm].from_seed_bytes(h(r["xi"]))
            pk = sk.public_key()
            assert pk.public_bytes_raw() == h(r["pk"]), "KeyGen: pk differs"
            assert hazmat.mldsa_expanded_bytes(sk) == h(r["sk"]), "KeyGen: sk differs"
            msg, ctx, sm = h(r["msg"]), h(r["ctx"]), h(r["sm"])
            assert len(msg) == int(r["mlen"]) and sm[n:] == msg
            sig = hazmat.sign_deterministic(sk, msg, ctx)
            assert sig == sm[:n], "Sign: signature differs"
            PUBLIC[algorithm].from_public_bytes(h(r["pk"])).verify(sig, msg, ctx)
    tally.finish(expected=100)


def test_acvp_keygen() -> None:
    doc = load_shared_json(ACVP_KEYGEN)
    tally = Tally(source_name("ACVP", ACVP_KEYGEN))
    for group, t in iter_groups_tests(doc):
        with tally.case(f"tcId={t['tcId']}"):
            sk = PRIVATE[group["parameterSet"]].from_seed_bytes(h(t["seed"]))
            assert sk.public_key().public_bytes_raw() == h(t["pk"]), "pk differs"
            assert hazmat.mldsa_expanded_bytes(sk) == h(t["sk"]), "sk differs"
    tally.finish(expected=_count(doc))


def _acvp_sign(group: dict[str, Any], t: dict[str, Any]) -> bytes:
    sk = hazmat.mldsa_from_expanded_bytes(PRIVATE[group["parameterSet"]], h(t["sk"]))
    rnd = bytes(32) if group["deterministic"] else h(t["rnd"])
    if group["signatureInterface"] == "internal":
        if group["externalMu"]:
            return hazmat.mldsa_sign_mu_with_rnd(sk, h(t["mu"]), rnd)
        return hazmat.mldsa_sign_internal(sk, h(t["message"]), rnd)
    if group["preHash"] == "preHash":
        return hazmat.mldsa_sign_prehash(sk, t["hashAlg"], h(t["message"]), h(t["context"]), rnd)
    assert group["preHash"] == "pure", group["preHash"]
    if group["deterministic"]:
        return hazmat.sign_deterministic(sk, h(t["message"]), h(t["context"]))
    return hazmat.mldsa_sign_with_rnd(sk, h(t["message"]), h(t["context"]), rnd)


def test_acvp_siggen() -> None:
    prompt = load_shared_json(ACVP_SIGGEN_PROMPT)
    results = load_shared_json(ACVP_SIGGEN_RESULTS)
    expected = {
        (g["tgId"], t["tcId"]): t["signature"] for g in results["testGroups"] for t in g["tests"]
    }
    tally = Tally(source_name("ACVP", "acvp/ML-DSA-sigGen-FIPS204"))
    for group, t in iter_groups_tests(prompt):
        with tally.case(f"tgId={group['tgId']} tcId={t['tcId']}"):
            assert _acvp_sign(group, t) == h(expected[(group["tgId"], t["tcId"])])
    tally.finish(expected=_count(prompt))
    assert len(expected) == tally.ran, "prompt and expectedResults differ in size"


def _acvp_verify(group: dict[str, Any], t: dict[str, Any]) -> None:
    pk = PUBLIC[group["parameterSet"]].from_public_bytes(h(t["pk"]))
    sig = h(t["signature"])
    if group["signatureInterface"] == "internal":
        if group["externalMu"]:
            pk.verify_mu(sig, h(t["mu"]))
        else:
            hazmat.mldsa_verify_internal(pk, sig, h(t["message"]))
    elif group["preHash"] == "preHash":
        hazmat.mldsa_verify_prehash(pk, t["hashAlg"], sig, h(t["message"]), h(t["context"]))
    else:
        pk.verify(sig, h(t["message"]), h(t["context"]))


def test_acvp_sigver() -> None:
    doc = load_shared_json(ACVP_SIGVER)
    tally = Tally(source_name("ACVP", ACVP_SIGVER))
    for group, t in iter_groups_tests(doc):
        with tally.case(f"tgId={group['tgId']} tcId={t['tcId']} ({t.get('reason')})"):
            if t["testPassed"]:
                _acvp_verify(group, t)
            else:
                with pytest.raises(InvalidSignature):
                    _acvp_verify(group, t)
    tally.finish(expected=_count(doc))


def _wycheproof_sign_case(sk: Any, pk: Any, t: dict[str, Any]) -> None:
    """A valid case: the signature is reproduced from msg (and ctx, rnd) and/or from mu."""
    ctx = h(t.get("ctx", ""))
    rnd = h(t["rnd"]) if "rnd" in t else bytes(32)
    want = h(t["sig"])
    if "msg" in t:
        msg = h(t["msg"])
        assert hazmat.mldsa_sign_with_rnd(sk, msg, ctx, rnd) == want, "Sign: signature differs"
        if "rnd" not in t:
            assert hazmat.sign_deterministic(sk, msg, ctx) == want
        pk.verify(want, msg, ctx)
        if "mu" in t:
            assert pk.compute_mu(msg, ctx) == h(t["mu"]), "mu differs"
    if "mu" in t:
        assert hazmat.mldsa_sign_mu_with_rnd(sk, h(t["mu"]), rnd) == want, "sign_mu differs"
        pk.verify_mu(want, h(t["mu"]))


def _wycheproof_invalid_sign(load: Any, t: dict[str, Any]) -> None:
    """An invalid case: loading the key or signing must raise ValueError (InvalidKey included)."""
    with pytest.raises(ValueError):
        sk = load()
        if "msg" in t:
            hazmat.mldsa_sign_with_rnd(
                sk, h(t["msg"]), h(t.get("ctx", "")), h(t.get("rnd", "00" * 32))
            )
        if "mu" in t:
            hazmat.mldsa_sign_mu_with_rnd(sk, h(t["mu"]), h(t.get("rnd", "00" * 32)))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("kind", ["sign_seed", "sign_noseed"])
def test_wycheproof_sign(level: str, kind: str) -> None:
    algorithm = f"ML-DSA-{level}"
    relpath = f"{WYCHEPROOF}/mldsa_{level}_{kind}_test.json"
    doc = load_shared_json(relpath)
    tally = Tally(source_name("Wycheproof", relpath))
    for group, t in iter_groups_tests(doc):
        with tally.case(f"tcId={t['tcId']} ({t['comment']})"):

            def load(group: dict[str, Any] = group) -> Any:
                if kind == "sign_seed":
                    return PRIVATE[algorithm].from_seed_bytes(h(group["privateSeed"]))
                return hazmat.mldsa_from_expanded_bytes(PRIVATE[algorithm], h(group["privateKey"]))

            if t["result"] == "valid":
                sk = load()
                pk = sk.public_key()
                assert pk.public_bytes_raw() == h(group["publicKey"]), "public key differs"
                _wycheproof_sign_case(sk, pk, t)
            else:
                assert t["result"] == "invalid", t["result"]
                _wycheproof_invalid_sign(load, t)
    tally.finish(expected=doc["numberOfTests"])


@pytest.mark.parametrize("level", LEVELS)
def test_wycheproof_verify(level: str) -> None:
    algorithm = f"ML-DSA-{level}"
    relpath = f"{WYCHEPROOF}/mldsa_{level}_verify_test.json"
    doc = load_shared_json(relpath)
    tally = Tally(source_name("Wycheproof", relpath))
    for group, t in iter_groups_tests(doc):
        with tally.case(f"tcId={t['tcId']} ({t['comment']})"):
            msg, ctx, sig = h(t["msg"]), h(t.get("ctx", "")), h(t["sig"])
            if t["result"] == "valid":
                pk = PUBLIC[algorithm].from_public_bytes(h(group["publicKey"]))
                pk.verify(sig, msg, ctx)
            else:
                assert t["result"] == "invalid", t["result"]
                # A bad public-key length or an over-long context is a caller error
                # (ValueError); everything else is the opaque InvalidSignature.
                with pytest.raises((InvalidSignature, ValueError)) as info:
                    PUBLIC[algorithm].from_public_bytes(h(group["publicKey"])).verify(sig, msg, ctx)
                if info.type is ValueError:
                    flags = set(t["flags"])
                    assert flags & {"IncorrectPublicKeyLength", "InvalidContext"}, flags
    tally.finish(expected=doc["numberOfTests"])
