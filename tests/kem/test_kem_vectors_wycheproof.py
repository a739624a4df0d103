"""C2SP Wycheproof vectors for ML-KEM and X25519, from the shared vector directory.

Each file's ``numberOfTests`` must equal the number of vectors run.
"""

from __future__ import annotations

from typing import Any

import pytest

from pqpay import hazmat, kem
from pqpay.exceptions import InvalidKey
from tests._support.vector_sources import (
    WYCHEPROOF_X25519,
    Tally,
    h,
    iter_groups_tests,
    load_shared_json,
    source_name,
    wycheproof_mlkem_files,
)

pytestmark = pytest.mark.vectors

MLKEM_SEED_SIZE = 64


def _case_id(test: dict[str, Any]) -> str:
    parts = [f"tcId={test['tcId']}", test["result"]]
    if test.get("flags"):
        parts.append("[" + ",".join(test["flags"]) + "]")
    if test.get("comment"):
        parts.append(repr(test["comment"]))
    return " ".join(parts)


def _run_file(relpath: str, check: Any) -> None:
    doc = load_shared_json(relpath)
    tally = Tally(source_name("Wycheproof", relpath))
    for group, test in iter_groups_tests(doc):
        with tally.case(_case_id(test)):
            assert test["result"] in ("valid", "invalid", "acceptable"), "unknown result"
            check(group, test)
    tally.finish(expected=doc["numberOfTests"])


@pytest.mark.parametrize(("relpath", "algorithm"), wycheproof_mlkem_files(""))
def test_mlkem_decaps(relpath: str, algorithm: str) -> None:
    """MLKEMTest: seed (d || z), c -> K; invalid = wrong-length seed or ciphertext."""
    cls = kem.PRIVATE_KEY_CLASSES[algorithm]
    ct_size = kem.PUBLIC_KEY_CLASSES[algorithm].CIPHERTEXT_SIZE

    def check(group: dict[str, Any], test: dict[str, Any]) -> None:
        assert group["parameterSet"] == algorithm, "group of another parameter set"
        seed, c = h(test["seed"]), h(test["c"])
        if test["result"] == "valid":
            sk = cls.from_seed_bytes(seed)
            if "ek" in test:
                assert sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs"
            assert sk.decapsulate(c) == h(test["K"]), "K differs"
        elif len(seed) != MLKEM_SEED_SIZE:
            with pytest.raises(ValueError):
                cls.from_seed_bytes(seed)
        elif len(c) != ct_size:
            sk = cls.from_seed_bytes(seed)
            with pytest.raises(ValueError):
                sk.decapsulate(c)
        else:
            with pytest.raises(ValueError):
                cls.from_seed_bytes(seed).decapsulate(c)

    _run_file(relpath, check)


@pytest.mark.parametrize(("relpath", "algorithm"), wycheproof_mlkem_files("encaps"))
def test_mlkem_encaps(relpath: str, algorithm: str) -> None:
    """MLKEMEncapsTest: ek, m -> c, K; invalid = ek that from_public_bytes must reject."""
    public_cls = kem.PUBLIC_KEY_CLASSES[algorithm]

    def check(group: dict[str, Any], test: dict[str, Any]) -> None:
        assert group["parameterSet"] == algorithm, "group of another parameter set"
        ek = h(test["ek"])
        if test["result"] == "valid":
            pk = public_cls.from_public_bytes(ek)
            ss, ct = hazmat.encapsulate_derand(pk, h(test["m"]))
            assert ct == h(test["c"]), "c differs"
            assert ss == h(test["K"]), "K differs"
        else:
            with pytest.raises(ValueError):  # InvalidKey (modulus check) is a ValueError
                public_cls.from_public_bytes(ek)

    _run_file(relpath, check)


@pytest.mark.parametrize(("relpath", "algorithm"), wycheproof_mlkem_files("keygen_seed"))
def test_mlkem_keygen_seed(relpath: str, algorithm: str) -> None:
    """MLKEMKeyGen: seed -> ek, expanded dk."""
    cls = kem.PRIVATE_KEY_CLASSES[algorithm]

    def check(group: dict[str, Any], test: dict[str, Any]) -> None:
        assert group["parameterSet"] == algorithm, "group of another parameter set"
        assert test["result"] == "valid", "unexpected non-valid keygen vector"
        sk = cls.from_seed_bytes(h(test["seed"]))
        assert sk.private_bytes_raw() == h(test["seed"]), "seed does not round-trip"
        assert sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs"
        assert hazmat.mlkem_expanded_bytes(sk) == h(test["dk"]), "dk differs"

    _run_file(relpath, check)


@pytest.mark.parametrize(("relpath", "algorithm"), wycheproof_mlkem_files("semi_expanded_decaps"))
def test_mlkem_expanded_decaps(relpath: str, algorithm: str) -> None:
    """MLKEMDecapsValidationTest: expanded dk, c -> K; invalid dk or c length must raise."""
    cls = kem.PRIVATE_KEY_CLASSES[algorithm]

    def check(group: dict[str, Any], test: dict[str, Any]) -> None:
        assert group["parameterSet"] == algorithm, "group of another parameter set"
        dk, c = h(test["dk"]), h(test["c"])
        flags = set(test.get("flags", ()))
        if test["result"] == "valid":
            sk = hazmat.mlkem_from_expanded_bytes(cls, dk)
            assert sk.public_key().public_bytes_raw() == h(test["ek"]), "ek differs"
            assert sk.decapsulate(c) == h(test["K"]), "K differs"
        elif flags & {"IncorrectDecapsulationKeyLength", "InvalidDecapsulationKey"}:
            with pytest.raises(ValueError):  # InvalidKey is a ValueError
                hazmat.mlkem_from_expanded_bytes(cls, dk)
        elif "IncorrectCiphertextLength" in flags:
            sk = hazmat.mlkem_from_expanded_bytes(cls, dk)
            with pytest.raises(ValueError):
                sk.decapsulate(c)
        else:
            with pytest.raises(ValueError):
                hazmat.mlkem_from_expanded_bytes(cls, dk).decapsulate(c)

    _run_file(relpath, check)


X25519_ACCEPTABLE_OUTCOMES: dict[str, int] = {"equal": 0, "rejected": 0}


def test_x25519() -> None:
    """XdhComp: valid -> shared; invalid -> raise; acceptable -> shared or InvalidKey.

    Whatever the flags, an all-zero expected shared secret must raise InvalidKey: ``exchange``
    rejects the all-zero output (RFC 7748 section 6.1).
    """

    def check(group: dict[str, Any], test: dict[str, Any]) -> None:
        assert group["curve"] == "curve25519", "not a curve25519 group"
        sk = kem.X25519PrivateKey.from_private_bytes(h(test["private"]))
        public, shared = h(test["public"]), h(test["shared"])
        if shared == bytes(len(shared)):
            with pytest.raises(InvalidKey):
                sk.exchange(public)
        elif test["result"] == "valid":
            assert sk.exchange(public) == shared, "shared secret differs"
        elif test["result"] == "invalid":
            with pytest.raises(ValueError):
                sk.exchange(public)
        else:
            try:
                out = sk.exchange(public)
            except InvalidKey:
                X25519_ACCEPTABLE_OUTCOMES["rejected"] += 1
            else:
                assert out == shared, "acceptable vector computed, but the result differs"
                X25519_ACCEPTABLE_OUTCOMES["equal"] += 1

    _run_file(WYCHEPROOF_X25519, check)
