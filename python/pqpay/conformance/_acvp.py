"""NIST ACVP vector sets (ML-KEM, ML-DSA, SLH-DSA) answered by :mod:`pqpay.acvp`.

A set is a folder holding ``internalProjection.json`` (prompt and answers merged) or
``prompt.json`` + ``expectedResults.json`` (``.gz`` allowed). The answers are stripped first:
a prompt is used as it is (after checking it holds no answer field); an internal projection is
turned into a prompt by removing the answer fields and the projection-only fields
(``deferred``, ``reason`` and the intermediates of :data:`PROJECTION_ONLY`). Each test case is
then answered by :func:`pqpay.acvp.respond` (alone, so a failure is that case's) and its response
compared with the expected one field by field; a few kinds also check what the answer implies
(:data:`_IMPLIED`: the given ``dk`` decapsulates, a key that passes its check round-trips).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from pqpay import acvp, hazmat, kem, signatures
from pqpay.conformance._core import Case, Cases, Suite, expect, groups_tests, h
from pqpay.conformance._files import load_json

SOURCE = "ACVP"
HEADER = ("vsId", "algorithm", "mode", "revision", "isSample")

ANSWERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("ML-KEM", "keyGen"): ("ek", "dk"),
    ("ML-KEM", "encapsulation"): ("c", "k"),
    ("ML-KEM", "decapsulation"): ("k",),
    ("ML-KEM", "encapsulationKeyCheck"): ("testPassed",),
    ("ML-KEM", "decapsulationKeyCheck"): ("testPassed",),
    ("ML-DSA", "keyGen"): ("pk", "sk"),
    ("ML-DSA", "sigGen"): ("signature",),
    ("ML-DSA", "sigVer"): ("testPassed",),
    ("SLH-DSA", "keyGen"): ("sk", "pk"),
    ("SLH-DSA", "sigGen"): ("signature",),
    ("SLH-DSA", "sigVer"): ("testPassed",),
}
"""(algorithm, mode or ML-KEM function) -> the fields of a response test besides tcId."""

PROJECTION_ONLY: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("ML-KEM", "encapsulation", "none"): ("dk",),
    ("ML-KEM", "decapsulation", "none"): ("ek", "d", "z"),
    ("ML-KEM", "decapsulation", "expanded"): ("ek", "d", "z"),
    ("ML-KEM", "decapsulation", "seed"): ("ek", "dk"),
    ("ML-KEM", "encapsulationKeyCheck", "none"): ("dk",),
    ("ML-KEM", "decapsulationKeyCheck", "none"): ("ek",),
    ("ML-KEM", "decapsulationKeyCheck", "expanded"): ("ek",),
    ("ML-DSA", "sigVer", "none"): ("sk",),
}
"""Fields of an internal projection that are neither prompt nor answer (intermediate values):
removed too, so the harness is shown not to need them."""

ALWAYS_PROJECTION_ONLY = ("deferred", "reason")


def kind(doc: dict[str, Any], group: dict[str, Any]) -> tuple[str, str, str]:
    """``(algorithm, mode or ML-KEM function, keyFormat or "none")`` of a group."""
    mode = group["function"] if doc["mode"] == "encapDecap" else doc["mode"]
    return doc["algorithm"], mode, group.get("keyFormat", "none")


def strip(projection: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(prompt, expected response)`` from an internal projection."""
    prompt = copy.deepcopy(projection)
    expected: dict[str, Any] = {k: projection[k] for k in HEADER}
    expected["testGroups"] = []
    for group in prompt["testGroups"]:
        algorithm, mode, key_format = kind(projection, group)
        answers = ANSWERS[(algorithm, mode)]
        extra = PROJECTION_ONLY.get((algorithm, mode, key_format), ()) + ALWAYS_PROJECTION_ONLY
        expected_tests = []
        for test in group["tests"]:
            expected_tests.append({"tcId": test["tcId"], **{f: test.pop(f) for f in answers}})
            for name in extra:
                test.pop(name, None)
        expected["testGroups"].append({"tgId": group["tgId"], "tests": expected_tests})
    return prompt, expected


def _file(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.json", f"{stem}.json.gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def is_set(folder: Path) -> bool:
    """True when ``folder`` holds an ACVP set (an internal projection, or prompt + answers)."""
    has_pair = _file(folder, "prompt") is not None and _file(folder, "expectedResults") is not None
    return _file(folder, "internalProjection") is not None or has_pair


def load_set(folder: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(prompt, expected response, answers)`` of a set; ``answers`` is the projection when
    there is one (every intermediate field), else the expected results."""
    prompt_path = _file(folder, "prompt")
    results_path = _file(folder, "expectedResults")
    if prompt_path is not None and results_path is not None:
        prompt, expected = load_json(prompt_path), load_json(results_path)
        for group, test in groups_tests(prompt):
            answers = ANSWERS[kind(prompt, group)[:2]]
            if set(answers) & set(test):
                raise ValueError(f"prompt tcId={test['tcId']} holds an answer")
        return prompt, expected, expected
    projection_path = _file(folder, "internalProjection")
    if projection_path is None:
        raise ValueError(f"{folder} holds no internalProjection.json nor prompt.json")
    projection = load_json(projection_path)
    prompt, expected = strip(projection)
    return prompt, expected, projection


# --- what an answer implies, checked beside the harness -------------------------------------


def _mlkem_encapsulation(group: dict[str, Any], answer: dict[str, Any]) -> None:
    if "dk" in answer:
        cls: Any = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
        sk = hazmat.mlkem_from_expanded_bytes(cls, h(answer["dk"]))
        expect(
            sk.decapsulate(h(answer["c"])) == h(answer["k"]),
            "the given dk decapsulates c to another k",
        )


def _mlkem_decapsulation(group: dict[str, Any], answer: dict[str, Any]) -> None:
    cls: Any = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
    if group.get("keyFormat") == "seed":
        sk = cls.from_seed_bytes(h(answer["d"]) + h(answer["z"]))
        expect(hazmat.mlkem_expanded_bytes(sk) == h(answer["dk"]), "dk from the seed differs")
    else:
        sk = hazmat.mlkem_from_expanded_bytes(cls, h(answer["dk"]))
    if "ek" in answer:
        expect(sk.public_key().public_bytes_raw() == h(answer["ek"]), "ek differs")


def _mlkem_ek_check(group: dict[str, Any], answer: dict[str, Any]) -> None:
    if answer["testPassed"]:
        pk = kem.PUBLIC_KEY_CLASSES[group["parameterSet"]].from_public_bytes(h(answer["ek"]))
        expect(pk.public_bytes_raw() == h(answer["ek"]), "ek does not round-trip")


def _mlkem_dk_check(group: dict[str, Any], answer: dict[str, Any]) -> None:
    if answer["testPassed"]:
        cls: Any = kem.PRIVATE_KEY_CLASSES[group["parameterSet"]]
        sk = hazmat.mlkem_from_expanded_bytes(cls, h(answer["dk"]))
        expect(hazmat.mlkem_expanded_bytes(sk) == h(answer["dk"]), "dk does not round-trip")


def _deterministic_pure(group: dict[str, Any]) -> bool:
    return bool(
        group["signatureInterface"] == "external"
        and group["preHash"] == "pure"
        and group["deterministic"]
    )


def _mldsa_siggen(group: dict[str, Any], test: dict[str, Any], answer: dict[str, Any]) -> None:
    """Deterministic pure signing also through the public ``sign_deterministic``."""
    if _deterministic_pure(group):
        cls: Any = signatures.PRIVATE_KEY_CLASSES[group["parameterSet"]]
        sk = hazmat.mldsa_from_expanded_bytes(cls, h(test["sk"]))
        sig = hazmat.sign_deterministic(sk, h(test["message"]), h(test["context"]))
        expect(sig == h(answer["signature"]), "sign_deterministic differs")


def _slhdsa_class(name: str) -> Any:
    return signatures.PRIVATE_KEY_CLASSES[name]


def _slhdsa_keygen(group: dict[str, Any], answer: dict[str, Any]) -> None:
    cls = _slhdsa_class(group["parameterSet"])
    sk = cls.from_private_bytes(h(answer["sk"]))
    expect(sk.public_key().public_bytes_raw() == h(answer["pk"]), "sk does not reproduce pk")


def _slhdsa_siggen(group: dict[str, Any], test: dict[str, Any], answer: dict[str, Any]) -> None:
    if _deterministic_pure(group):
        sk = _slhdsa_class(group["parameterSet"]).from_private_bytes(h(test["sk"]))
        sig = hazmat.sign_deterministic(sk, h(test["message"]), h(test["context"]))
        expect(sig == h(answer["signature"]), "sign_deterministic differs")


def _answer_only(fn: Callable[[dict[str, Any], dict[str, Any]], None]) -> Any:
    return lambda group, test, answer: fn(group, answer)


_IMPLIED: dict[
    tuple[str, str], Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None]
] = {
    ("ML-KEM", "encapsulation"): _answer_only(_mlkem_encapsulation),
    ("ML-KEM", "decapsulation"): _answer_only(_mlkem_decapsulation),
    ("ML-KEM", "encapsulationKeyCheck"): _answer_only(_mlkem_ek_check),
    ("ML-KEM", "decapsulationKeyCheck"): _answer_only(_mlkem_dk_check),
    ("ML-DSA", "sigGen"): _mldsa_siggen,
    ("SLH-DSA", "keyGen"): _answer_only(_slhdsa_keygen),
    ("SLH-DSA", "sigGen"): _slhdsa_siggen,
}
"""(algorithm, mode or function) -> a check of the projection's answer beyond the harness."""


def _check(
    header: dict[str, Any],
    group: dict[str, Any],
    test: dict[str, Any],
    want: dict[str, Any],
    answer: dict[str, Any],
) -> None:
    single = {**header, "testGroups": [{**group, "tests": [test]}]}
    response = acvp.respond(single)
    expect(response.unsupported == (), f"left out: {response.unsupported}")
    doc = response.document
    expect(set(doc) == {*HEADER, "testGroups"}, f"response fields {sorted(doc)}")
    for key in HEADER:
        expect(doc[key] == header[key], f"{key}: {doc[key]!r} != {header[key]!r}")
    groups = doc["testGroups"]
    expect(len(groups) == 1 and groups[0]["tgId"] == group["tgId"], "response groups differ")
    expect(set(groups[0]) == {"tgId", "tests"} and len(groups[0]["tests"]) == 1, "group shape")
    got = groups[0]["tests"][0]
    differing = sorted(f for f in set(got) | set(want) if got.get(f, "<absent>") != want.get(f))
    expect(not differing, f"fields differ: {differing}")
    implied = _IMPLIED.get(kind(header, group)[:2])
    if implied is not None:
        implied(group, test, answer)


def _load(folder: Path) -> Cases:
    prompt, expected, answers = load_set(folder)
    header = {k: prompt[k] for k in HEADER}
    for key in HEADER:
        if expected.get(key, prompt[key]) != prompt[key]:
            raise ValueError(f"prompt and expectedResults differ in {key}")
    want = {(g["tgId"], t["tcId"]): t for g, t in groups_tests(expected)}
    full = {(g["tgId"], t["tcId"]): t for g, t in groups_tests(answers)}
    cases = []
    for group, test in groups_tests(prompt):
        where = (group["tgId"], test["tcId"])
        algorithm = group.get("parameterSet", prompt["algorithm"])
        cid = f"tgId={group['tgId']} tcId={test['tcId']}"
        if where not in want:
            raise ValueError(f"{cid} has no expected result")
        shell = {k: v for k, v in group.items() if k != "tests"}
        cases.append(
            Case(cid, algorithm, partial(_check, header, shell, test, want[where], full[where]))
        )
    if len(want) != len(cases):
        raise ValueError(f"expectedResults holds {len(want)} tests, the prompt {len(cases)}")
    return Cases(cases)


def suite(folder: Path) -> Suite:
    """The ACVP set in ``folder`` (named after the folder, as NIST names the sets)."""
    return Suite(SOURCE, folder.name, str(folder), partial(_load, folder))
