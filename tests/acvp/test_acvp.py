"""The ACVP harness (pqpay.acvp, ``pqpay acvp``): prompts built here, malformed and unsupported
input, and the command line.

Every NIST ACVP set of the shared vectors is answered by the harness in the conformance runner
(pqpay/conformance/_acvp.py: answers stripped, each test case answered and compared field by
field; suites ``ACVP: <set>`` in tests/conformance/test_conformance_vectors.py).
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from pqpay import acvp, hazmat, signatures
from pqpay.cli import main
from pqpay.conformance import _acvp
from pqpay.exceptions import EncodingError, UnsupportedAlgorithm
from tests._support.vector_sources import shared_vectors_dir


def _compare(response: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Compares a whole response document with the expected one; the failing tcIds."""
    for key in ("vsId", "algorithm", "mode", "revision", "isSample"):
        assert response[key] == expected[key], f"{key}: {response[key]!r} != {expected[key]!r}"
    assert set(response) == {"vsId", "algorithm", "mode", "revision", "isSample", "testGroups"}
    got_groups = response["testGroups"]
    assert [g["tgId"] for g in got_groups] == [g["tgId"] for g in expected["testGroups"]]
    failures = []
    for got_group, want_group in zip(got_groups, expected["testGroups"], strict=True):
        assert set(got_group) == {"tgId", "tests"}
        got_tests = {t["tcId"]: t for t in got_group["tests"]}
        assert len(got_tests) == len(got_group["tests"]) == len(want_group["tests"])
        for want in want_group["tests"]:
            got = got_tests[want["tcId"]]
            differing = sorted(
                f for f in set(got) | set(want) if got.get(f, "<absent>") != want.get(f)
            )
            if differing:
                failures.append(f"tgId={want_group['tgId']} tcId={want['tcId']}: {differing}")
    return failures


@pytest.mark.vectors
def test_cli_answers_gzip_prompt(tmp_path: Path) -> None:
    """``pqpay acvp`` reads a .json.gz prompt and writes the response file (exit 0). Every shared
    set is answered through pqpay.acvp by the conformance runner (suites ``ACVP: <set>``); this
    one goes through the command line."""
    prompt, expected, _ = _acvp.load_set(shared_vectors_dir() / "acvp" / "ML-KEM-keyGen-FIPS203")
    path = tmp_path / "prompt.json.gz"
    path.write_bytes(gzip.compress(json.dumps(prompt).encode()))
    out = tmp_path / "response.json"
    assert main(["acvp", str(path), "-o", str(out)]) == 0
    response = json.loads(out.read_text())
    assert _compare(response, expected) == []
    assert sum(len(g["tests"]) for g in response["testGroups"]) == 75


def test_strip_removes_answers_and_intermediates() -> None:
    """An internal projection becomes a prompt without answers or projection-only fields."""
    projection = _encap_decap_prompt(
        "encapsulation",
        [{"tcId": 1, "ek": "AA", "m": "BB", "c": "CC", "k": "DD", "dk": "EE", "reason": "x"}],
    )
    prompt, expected = _acvp.strip(projection)
    assert prompt["testGroups"][0]["tests"] == [{"tcId": 1, "ek": "AA", "m": "BB"}]
    assert expected["testGroups"] == [{"tgId": 1, "tests": [{"tcId": 1, "c": "CC", "k": "DD"}]}]
    assert projection["testGroups"][0]["tests"][0]["c"] == "CC"  # the input is left alone


# --- prompts built here (no shared vectors needed) ------------------------------------------


def _keygen_prompt() -> dict[str, Any]:
    return {
        "vsId": 7,
        "algorithm": "ML-KEM",
        "mode": "keyGen",
        "revision": "FIPS203",
        "isSample": True,
        "testGroups": [
            {
                "tgId": 1,
                "testType": "AFT",
                "parameterSet": "ML-KEM-512",
                "tests": [{"tcId": n, "d": f"{n:02X}" * 32, "z": "AB" * 32} for n in (1, 2)],
            }
        ],
    }


def test_response_shape_and_acv_version_wrapper() -> None:
    response = acvp.respond(_keygen_prompt())
    doc = response.document
    assert list(doc) == ["vsId", "algorithm", "mode", "revision", "isSample", "testGroups"]
    assert (doc["vsId"], doc["isSample"], response.test_count) == (7, True, 2)
    test = doc["testGroups"][0]["tests"][0]
    assert list(test) == ["tcId", "ek", "dk"] and test["tcId"] == 1
    assert len(test["ek"]) == 2 * 800 and test["ek"] == test["ek"].upper()
    wrapped = acvp.respond([{"acvVersion": "1.0"}, _keygen_prompt()]).document
    assert wrapped == [{"acvVersion": "1.0"}, doc]


def _mutated(path: tuple[Any, ...], value: Any = None, delete: bool = False) -> dict[str, Any]:
    prompt = _keygen_prompt()
    target: Any = prompt
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return prompt


TEST0 = ("testGroups", 0, "tests", 0)


@pytest.mark.parametrize(
    ("prompt", "match"),
    [
        (_mutated((*TEST0, "z"), delete=True), r"tgId=1 tcId=1: missing field 'z'"),
        (_mutated((*TEST0, "d"), "00" * 31), r"tgId=1 tcId=1: .*ValueError"),
        (_mutated((*TEST0, "d"), "0" * 63), r"tgId=1 tcId=1: field 'd' is not hex"),
        (_mutated((*TEST0, "d"), "ZZ" * 32), r"tgId=1 tcId=1: field 'd' is not hex"),
        (_mutated((*TEST0, "d"), 5), r"tgId=1 tcId=1: field 'd' must be a string"),
        (_mutated((*TEST0, "tcId"), "1"), r"tgId=1: missing or non-integer 'tcId'"),
        (_mutated(("testGroups", 0, "tgId"), delete=True), r"missing or non-integer 'tgId'"),
        (_mutated(("testGroups", 0, "parameterSet"), delete=True), r"'parameterSet'"),
        (_mutated(("testGroups", 0, "tests"), {}), r"tgId=1: missing or non-list 'tests'"),
        (_mutated(("testGroups",), delete=True), r"vsId=7: missing or non-list 'testGroups'"),
        (_mutated(("vsId",), delete=True), r"missing or non-integer 'vsId'"),
        (_mutated(("isSample",), "yes"), r"'isSample'"),
        (_mutated(("mode",), 3), r"'mode'"),
        ([{"acvVersion": "1.0"}], r"acvVersion"),
        ([1, 2], r"expected a JSON object"),
        ("ML-KEM", r"expected a JSON object"),
    ],
)
def test_malformed_prompt_is_a_typed_error(prompt: Any, match: str) -> None:
    with pytest.raises(acvp.PromptError, match=match) as info:
        acvp.respond(prompt)
    assert isinstance(info.value, EncodingError) and isinstance(info.value, ValueError)


def test_truncated_json() -> None:
    text = json.dumps(_keygen_prompt())
    for cut in (0, 1, len(text) // 2, len(text) - 1):
        with pytest.raises(acvp.PromptError, match="not valid JSON"):
            acvp.parse_prompt(text[:cut])
    with pytest.raises(acvp.PromptError):
        acvp.parse_prompt(b"\xff\xfe{")
    assert acvp.parse_prompt(text) == _keygen_prompt()


@pytest.mark.parametrize(
    ("field", "value"),
    [("algorithm", "ML-KEM-2"), ("mode", "sigGen"), ("revision", "FIPS204")],
)
def test_unknown_algorithm_mode_revision(field: str, value: str) -> None:
    with pytest.raises(UnsupportedAlgorithm, match="is not one this harness answers"):
        acvp.respond(_mutated((field,), value))
    with pytest.raises(UnsupportedAlgorithm):  # not skippable: there is nothing to answer
        acvp.respond(_mutated((field,), value), skip_unsupported=True)


def test_unsupported_group_is_reported_not_dropped() -> None:
    prompt = _keygen_prompt()
    other = copy.deepcopy(prompt["testGroups"][0])
    other.update(tgId=2, parameterSet="ML-KEM-2048")
    prompt["testGroups"].append(other)
    with pytest.raises(UnsupportedAlgorithm, match="tgId=2: parameter set 'ML-KEM-2048'"):
        acvp.respond(prompt)
    response = acvp.respond(prompt, skip_unsupported=True)
    assert [g["tgId"] for g in response.document["testGroups"]] == [1]
    assert response.unsupported == (
        acvp.UnsupportedGroup(2, "parameter set 'ML-KEM-2048' is not offered by pqpay"),
    )


@pytest.mark.parametrize(
    ("algorithm", "mode", "revision"),
    [
        ("ML-DSA", "keyGen", "FIPS204"),
        ("ML-DSA", "sigGen", "FIPS204"),
        ("ML-DSA", "sigVer", "FIPS204"),
        ("SLH-DSA", "keyGen", "FIPS205"),
        ("SLH-DSA", "sigGen", "FIPS205"),
        ("SLH-DSA", "sigVer", "FIPS205"),
        ("ML-KEM", "encapDecap", "FIPS203"),
    ],
)
def test_unknown_parameter_set_is_unsupported(algorithm: str, mode: str, revision: str) -> None:
    prompt = _keygen_prompt()
    prompt.update(algorithm=algorithm, mode=mode, revision=revision)
    prompt["testGroups"][0]["parameterSet"] = f"{algorithm}-1"
    with pytest.raises(UnsupportedAlgorithm, match=f"tgId=1: parameter set '{algorithm}-1'"):
        acvp.respond(prompt)
    skipped = acvp.respond(prompt, skip_unsupported=True)
    assert skipped.document["testGroups"] == [] and len(skipped.unsupported) == 1


def _encap_decap_prompt(function: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "vsId": 1,
        "algorithm": "ML-KEM",
        "mode": "encapDecap",
        "revision": "FIPS203",
        "isSample": True,
        "testGroups": [
            {"tgId": 1, "parameterSet": "ML-KEM-768", "function": function, "tests": tests}
        ],
    }


def test_key_checks_fail_on_wrong_length_and_ciphertext_length_is_an_error() -> None:
    ek = acvp.respond(_keygen_prompt()).document["testGroups"][0]["tests"][0]["ek"]
    ek768 = "00" * 1184  # all-zero coefficients: a valid encapsulation key
    checks = [
        {"tcId": 1, "ek": ek768},
        {"tcId": 2, "ek": ek768[:-2]},  # FIPS 203 7.2 type check
        {"tcId": 3, "ek": ek},  # an ML-KEM-512 key
        {"tcId": 4, "ek": "FF" * 1184},  # coefficients >= q: the modulus check
    ]
    doc = acvp.respond(_encap_decap_prompt("encapsulationKeyCheck", checks)).document
    assert [t["testPassed"] for t in doc["testGroups"][0]["tests"]] == [True, False, False, False]
    dk_checks = [{"tcId": 1, "dk": "00" * 2399}, {"tcId": 2, "dk": "00" * 2400}]  # H(ek) differs
    doc = acvp.respond(_encap_decap_prompt("decapsulationKeyCheck", dk_checks)).document
    assert [t["testPassed"] for t in doc["testGroups"][0]["tests"]] == [False, False]
    encaps = [{"tcId": 9, "ek": ek768, "m": "00" * 31}]
    with pytest.raises(acvp.PromptError, match="tgId=1 tcId=9: ValueError"):
        acvp.respond(_encap_decap_prompt("encapsulation", encaps))
    with pytest.raises(UnsupportedAlgorithm, match=r"tgId=1: .*'keyGen'"):
        acvp.respond(_encap_decap_prompt("keyGen", encaps))


def _mldsa_prompt(mode: str, group: dict[str, Any], tests: list[dict[str, Any]]) -> Any:
    return {
        "vsId": 2,
        "algorithm": "ML-DSA",
        "mode": mode,
        "revision": "FIPS204",
        "isSample": True,
        "testGroups": [{"tgId": 4, "parameterSet": "ML-DSA-44", **group, "tests": tests}],
    }


def test_mldsa_sign_then_verify_round_trip() -> None:
    """sigGen (hedged, with context) then sigVer of the result, a tampered and a short one."""
    sk = signatures.MLDSA44PrivateKey.from_seed_bytes(bytes(range(32)))
    sk_hex = hazmat.mldsa_expanded_bytes(sk).hex()
    pk_hex = sk.public_key().public_bytes_raw().hex()
    external = {"signatureInterface": "external", "preHash": "pure"}
    tests = [{"tcId": 1, "sk": sk_hex, "message": "AA", "context": "01", "rnd": "07" * 32}]
    sig = acvp.respond(_mldsa_prompt("sigGen", {**external, "deterministic": False}, tests))
    signature = sig.document["testGroups"][0]["tests"][0]["signature"]
    tampered = ("00" if signature[:2] != "00" else "01") + signature[2:]
    checks = [
        {"tcId": n, "pk": pk_hex, "message": "AA", "context": "01", "signature": s}
        for n, s in ((1, signature), (2, tampered), (3, signature[:-2]))
    ]
    doc = acvp.respond(_mldsa_prompt("sigVer", external, checks)).document
    assert [t["testPassed"] for t in doc["testGroups"][0]["tests"]] == [True, False, False]
    with pytest.raises(acvp.PromptError, match="tgId=4 tcId=1: missing field 'rnd'"):
        tests[0].pop("rnd")
        acvp.respond(_mldsa_prompt("sigGen", {**external, "deterministic": False}, tests))
    with pytest.raises(acvp.PromptError, match="tcId=1: ValueError"):
        checks[0]["context"] = "00" * 256
        acvp.respond(_mldsa_prompt("sigVer", external, checks[:1]))
    with pytest.raises(UnsupportedAlgorithm, match="preHash 'digest'"):
        acvp.respond(_mldsa_prompt("sigVer", {**external, "preHash": "digest"}, checks))


# --- the command ----------------------------------------------------------------------------


def test_cli_stdout_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "prompt.json"
    path.write_text(json.dumps(_keygen_prompt()))
    assert main(["acvp", str(path), "-o", "-"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == acvp.respond(_keygen_prompt()).document
    assert err == "pqpay acvp: answered 2 tests\n"

    cases = {
        "truncated.json": path.read_text()[:50],
        "missing.json": None,
        "unknown.json": json.dumps(_mutated(("algorithm",), "AES-GCM")),
        "short.json": json.dumps(_mutated((*TEST0, "d"), "00")),
    }
    gz = tmp_path / "truncated.json.gz"
    gz.write_bytes(gzip.compress(path.read_bytes())[:40])
    for name, text in cases.items():
        if text is not None:
            (tmp_path / name).write_text(text)
    for target in [*(tmp_path / n for n in cases), gz]:
        out_file = tmp_path / "response.json"
        assert main(["acvp", str(target), "-o", str(out_file)]) == 2, target
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("pqpay: error: ") and err.count("\n") == 1, err
        assert "Traceback" not in err and not out_file.exists()


def test_compare_catches_a_wrong_answer() -> None:
    """The comparison is not vacuous: one changed hex digit or a missing field is a failure."""
    response = acvp.respond(_keygen_prompt()).document
    expected = copy.deepcopy(response)
    first = expected["testGroups"][0]["tests"][0]
    first["dk"] = ("0" if first["dk"][0] != "0" else "1") + first["dk"][1:]
    del expected["testGroups"][0]["tests"][1]["ek"]
    failures = _compare(response, expected)
    assert len(failures) == 2, failures
    assert "['dk']" in failures[0] and "['ek']" in failures[1]
