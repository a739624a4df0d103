"""Every known-answer suite of :mod:`pqpay.conformance`, run as the test suite's vector tests.

The suites are the runner's own (one loader: ``pqpay conformance`` runs the same ones); each
runs as one test, and its counts feed the session's vector table. :data:`EXPECTED` is the number
of vectors each suite must run (from the sources' own declarations and shared/vectors/SOURCES.md):
a truncated file, a new file that is not checked, or a dropped case fails here. The last test
checks that ``pqpay conformance`` lists the same counts the suites ran in this session.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pqpay import conformance
from pqpay.cli import main
from tests._support.vector_sources import (
    COUNTS,
    missing,
    run_suite,
    shared_vectors_dir,
    suites,
)

pytestmark = pytest.mark.vectors

EXPECTED: dict[str, int] = {
    "cryptography-vectors: asymmetric/MLKEM/kat_MLKEM_512.rsp": 1000,
    "cryptography-vectors: asymmetric/MLKEM/kat_MLKEM_768.rsp": 1000,
    "cryptography-vectors: asymmetric/MLKEM/kat_MLKEM_1024.rsp": 1000,
    "cryptography-vectors: asymmetric/X25519/rfc7748.txt": 3,
    "cryptography-vectors: asymmetric/MLDSA/kat_MLDSA_44_det_pure.rsp": 100,
    "cryptography-vectors: asymmetric/MLDSA/kat_MLDSA_65_det_pure.rsp": 100,
    "cryptography-vectors: asymmetric/MLDSA/kat_MLDSA_87_det_pure.rsp": 100,
    "cryptography-vectors: asymmetric/Ed25519/sign.input": 1024,
    "cryptography-vectors: asymmetric/Ed448/rfc8032.txt": 9,
    "cryptography-vectors: HPKE/hpke-pq-test-vectors.json (KEM)": 10,
    "cryptography-vectors: HPKE/test-vectors.json (KEM 0x0020)": 16,
    "cryptography-vectors: HPKE/test-vectors.json (HPKE base mode, full)": 8,
    "cryptography-vectors: HPKE/hpke-pq-test-vectors.json (HPKE base mode, full)": 8,
    "cryptography-vectors: key files": 7,
    "ACVP: ML-DSA-keyGen-FIPS204": 75,
    "ACVP: ML-DSA-sigGen-FIPS204": 360,
    "ACVP: ML-DSA-sigVer-FIPS204": 180,
    "ACVP: ML-KEM-encapDecap-FIPS203": 165,
    "ACVP: ML-KEM-encapDecap-FIPS203-tr1": 195,
    "ACVP: ML-KEM-keyGen-FIPS203": 75,
    "ACVP: SLH-DSA-keyGen-FIPS205": 120,
    "ACVP: SLH-DSA-sigGen-FIPS205": 208,
    "ACVP: SLH-DSA-sigVer-FIPS205": 168,
    "Wycheproof: ed25519_test.json": 151,
    "Wycheproof: ed25519_test.json publicKeyDer/Pem": 156,
    "Wycheproof: ed25519_test.json publicKeyJwk": 78,
    "Wycheproof: mldsa_44_sign_noseed_test.json": 73,
    "Wycheproof: mldsa_44_sign_seed_test.json": 86,
    "Wycheproof: mldsa_44_sign_seed_test.json privateKeyPkcs8": 19,
    "Wycheproof: mldsa_44_verify_test.json": 180,
    "Wycheproof: mldsa_44_verify_test.json publicKeyDer/Pem": 27,
    "Wycheproof: mldsa_65_sign_noseed_test.json": 78,
    "Wycheproof: mldsa_65_sign_seed_test.json": 105,
    "Wycheproof: mldsa_65_sign_seed_test.json privateKeyPkcs8": 30,
    "Wycheproof: mldsa_65_verify_test.json": 210,
    "Wycheproof: mldsa_65_verify_test.json publicKeyDer/Pem": 25,
    "Wycheproof: mldsa_87_sign_noseed_test.json": 69,
    "Wycheproof: mldsa_87_sign_seed_test.json": 96,
    "Wycheproof: mldsa_87_sign_seed_test.json privateKeyPkcs8": 30,
    "Wycheproof: mldsa_87_verify_test.json": 241,
    "Wycheproof: mldsa_87_verify_test.json publicKeyDer/Pem": 26,
    "Wycheproof: mlkem_1024_encaps_test.json": 269,
    "Wycheproof: mlkem_1024_keygen_seed_test.json": 100,
    "Wycheproof: mlkem_1024_semi_expanded_decaps_test.json": 9,
    "Wycheproof: mlkem_1024_test.json": 193,
    "Wycheproof: mlkem_512_encaps_test.json": 261,
    "Wycheproof: mlkem_512_keygen_seed_test.json": 100,
    "Wycheproof: mlkem_512_semi_expanded_decaps_test.json": 9,
    "Wycheproof: mlkem_512_test.json": 193,
    "Wycheproof: mlkem_768_encaps_test.json": 265,
    "Wycheproof: mlkem_768_keygen_seed_test.json": 100,
    "Wycheproof: mlkem_768_semi_expanded_decaps_test.json": 9,
    "Wycheproof: mlkem_768_test.json": 193,
    "Wycheproof: x25519_test.json": 518,
    "X-Wing draft: test-vectors.json": 3,
    "composite draft: testvectors.json": 8,
    "composite draft: testvectors.json sk_pkcs8": 21,
    "transparency-dev: merkle happy paths rebuilt": 10,
    "transparency-dev: merkle/consistency": 98,
    "transparency-dev: merkle/inclusion": 98,
    "snarkjs: groth16/MANIFEST.json": 31,
    "snarkjs: groth16/MANIFEST.json (ambiguous)": 2,
}
"""suite label -> the vectors it runs."""

NOT_CHECKED = {"Wycheproof: aes_gcm_test.json", "Wycheproof: hkdf_sha256_test.json"}
"""Files of the shared vectors pqpay has no primitive for (AES-GCM and HKDF are not offered):
listed by the runner with every vector skipped."""

SKIPPED = {
    "cryptography-vectors: HPKE/hpke-pq-test-vectors.json (KEM)": 3,  # DHKEM(P-256/P-384/X448)
    "composite draft: testvectors.json": 13,  # RSA, brainpool, P-521, other ECDSA pairings
}
"""Suites with vectors listed but not run (algorithms pqpay does not offer)."""


@pytest.mark.parametrize("label", list(EXPECTED))
def test_suite(label: str) -> None:
    result = run_suite(label)
    assert result.total.ran == EXPECTED[label]
    assert result.total.skipped == SKIPPED.get(label, 0)


def test_every_suite_found_is_expected() -> None:
    """The runner finds exactly the expected suites: a new file is either checked or listed."""
    shared_vectors_dir()
    if not conformance.cryptography_vectors_available():
        missing("the cryptography-vectors package")
    found = suites()
    assert {label for label, s in found.items() if s.runs} == set(EXPECTED)
    assert {label for label, s in found.items() if not s.runs} == NOT_CHECKED


def test_cli_lists_the_counts_the_suites_ran(tmp_path: Path) -> None:
    """``pqpay conformance`` on the shared vectors and cryptography-vectors reports, per suite,
    the counts this session's suites ran (the issue's done-when); it runs last in this module,
    after the suites, and compares every suite that ran (all of them in a full run)."""
    shared = shared_vectors_dir()
    if not conformance.cryptography_vectors_available():
        missing("the cryptography-vectors package")
    out = tmp_path / "report.json"
    assert main(["conformance", "--list", "--vectors", str(shared), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    listed = {f"{s['source']}: {s['name']}": s for s in doc["suites"]}
    assert {k for k, s in listed.items() if s["ran"]} == set(EXPECTED)
    for label, count in EXPECTED.items():
        assert listed[label]["ran"] == count, label
        assert listed[label]["skipped"] == SKIPPED.get(label, 0), label
    ran_here = {label: COUNTS[label] for label in EXPECTED if label in COUNTS}
    for label, count in ran_here.items():
        assert (count.ran, count.passed) == (listed[label]["ran"], listed[label]["ran"]), label
    assert doc["totals"]["ran"] == sum(EXPECTED.values())
