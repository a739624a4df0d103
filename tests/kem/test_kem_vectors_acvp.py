"""NIST ACVP vectors for ML-KEM (FIPS 203), from the shared vector directory.

Every test of every group runs; a group with an unknown ``function`` or ``keyFormat`` counts as
a failure, so a new kind of group cannot be skipped silently.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import hazmat, kem
from tests._support.vector_sources import (
    ACVP_ENCAPDECAP,
    ACVP_KEYGEN,
    Tally,
    h,
    iter_groups_tests,
    load_shared_json,
    source_name,
)

pytestmark = pytest.mark.vectors

# Test counts per file, from shared/vectors/SOURCES.md: a truncated file fails the test.
EXPECTED_COUNTS = {
    ACVP_KEYGEN: 75,
    "acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json.gz": 165,
    "acvp/ML-KEM-encapDecap-FIPS203-tr1/internalProjection.json.gz": 195,
}


def _case_id(group: dict[str, Any], test: dict[str, Any]) -> str:
    parts = [f"tcId={test['tcId']}", f"tgId={group['tgId']}", group["parameterSet"]]
    parts += [str(group[k]) for k in ("function", "keyFormat") if k in group]
    if "reason" in test:
        parts.append(repr(test["reason"]))
    return " ".join(parts)


def test_acvp_keygen() -> None:
    doc = load_shared_json(ACVP_KEYGEN)
    tally = Tally(source_name("ACVP", ACVP_KEYGEN))
    for group, test in iter_groups_tests(doc):
        with tally.case(_case_id(group, test)):
            cls = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
            sk = cls.from_seed_bytes(h(test["d"]) + h(test["z"]))
            assert sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs"
            assert hazmat.mlkem_expanded_bytes(sk) == h(test["dk"]), "dk differs"
    tally.finish(expected=EXPECTED_COUNTS[ACVP_KEYGEN])


def _encapsulation(algorithm: str, test: dict[str, Any]) -> None:
    pk = kem.PUBLIC_KEY_CLASSES[algorithm].from_public_bytes(h(test["ek"]))
    ss, ct = hazmat.encapsulate_derand(pk, h(test["m"]))
    assert ct == h(test["c"]), "c differs"
    assert ss == h(test["k"]), "k differs"
    if "dk" in test:
        sk = hazmat.mlkem_from_expanded_bytes(kem.PRIVATE_KEY_CLASSES[algorithm], h(test["dk"]))
        assert sk.decapsulate(ct) == ss, "decapsulation with the given dk differs"


def _decapsulation(algorithm: str, key_format: str | None, test: dict[str, Any]) -> None:
    cls = kem.PRIVATE_KEY_CLASSES[algorithm]
    if key_format == "seed":
        sk = cls.from_seed_bytes(h(test["d"]) + h(test["z"]))
        assert hazmat.mlkem_expanded_bytes(sk) == h(test["dk"]), "dk from the seed differs"
    elif key_format in (None, "expanded"):
        sk = hazmat.mlkem_from_expanded_bytes(cls, h(test["dk"]))
    else:
        raise AssertionError(f"unknown keyFormat {key_format!r}")
    if "ek" in test:
        assert sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs"
    assert sk.decapsulate(h(test["c"])) == h(test["k"]), "k differs"


def _encapsulation_key_check(algorithm: str, test: dict[str, Any]) -> None:
    public_cls = kem.PUBLIC_KEY_CLASSES[algorithm]
    if test["testPassed"]:
        pk = public_cls.from_public_bytes(h(test["ek"]))
        assert pk.public_bytes_raw() == h(test["ek"]), "ek does not round-trip"
    else:
        with pytest.raises(ValueError):  # InvalidKey is a ValueError
            public_cls.from_public_bytes(h(test["ek"]))


def _decapsulation_key_check(algorithm: str, test: dict[str, Any]) -> None:
    cls = kem.PRIVATE_KEY_CLASSES[algorithm]
    if test["testPassed"]:
        sk = hazmat.mlkem_from_expanded_bytes(cls, h(test["dk"]))
        assert hazmat.mlkem_expanded_bytes(sk) == h(test["dk"]), "dk does not round-trip"
    else:
        with pytest.raises(ValueError):  # InvalidKey is a ValueError
            hazmat.mlkem_from_expanded_bytes(cls, h(test["dk"]))


@pytest.mark.parametrize("relpath", ACVP_ENCAPDECAP)
def test_acvp_encap_decap(relpath: str) -> None:
    doc = load_shared_json(relpath)
    tally = Tally(source_name("ACVP", relpath))
    for group, test in iter_groups_tests(doc):
        with tally.case(_case_id(group, test)):
            algorithm = group["parameterSet"]
            function = group["function"]
            key_format = group.get("keyFormat")
            if function == "encapsulation":
                _encapsulation(algorithm, test)
            elif function == "decapsulation":
                _decapsulation(algorithm, key_format, test)
            elif function == "encapsulationKeyCheck":
                _encapsulation_key_check(algorithm, test)
            elif function == "decapsulationKeyCheck":
                _decapsulation_key_check(algorithm, test)
            else:
                raise AssertionError(f"unknown ACVP function {function!r}")
    tally.finish(expected=EXPECTED_COUNTS[relpath])
