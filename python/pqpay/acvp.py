"""An ACVP harness: answers a NIST ACVP prompt (test vector set) with the response document.

Supported, as NIST's ACVP-Server gen-val JSON defines them (revisions FIPS203, FIPS203-tr1,
FIPS204, FIPS205):

* ML-KEM ``keyGen`` (``d``, ``z`` -> ``ek``, ``dk``) and ``encapDecap``: ``encapsulation``
  (``ek``, ``m`` -> ``c``, ``k``), ``decapsulation`` (``dk`` or, with ``keyFormat: seed``,
  ``d`` / ``z``; ``c`` -> ``k``), ``encapsulationKeyCheck`` / ``decapsulationKeyCheck``
  (-> ``testPassed``, the FIPS 203 section 7.2 / 7.3 input checks);
* ML-DSA ``keyGen`` (``seed`` -> ``pk``, ``sk``), ``sigGen`` and ``sigVer``: the external
  interface (pure or HashML-DSA with ``hashAlg``, with ``context``) and the internal one
  (``M'`` as given, or ``mu`` with ``externalMu``), deterministic (rnd = 0^32) or hedged with
  the prompt's ``rnd``;
* SLH-DSA ``keyGen`` (``skSeed``, ``skPrf``, ``pkSeed`` -> ``sk``, ``pk``), ``sigGen`` and
  ``sigVer`` for all twelve FIPS 205 parameter sets: external pure / HashSLH-DSA with
  ``context``, or internal; deterministic (opt_rand = PK.seed) or with the prompt's
  ``additionalRandomness``.

A prompt is the vector-set object, or the ACVP message ``[{"acvVersion": ...}, {vector set}]``;
the response has the same form: ``vsId``, ``algorithm``, ``mode``, ``revision``, ``isSample`` and
``testGroups`` of ``{"tgId", "tests": [{"tcId", <results>}]}``, hex in upper case as ACVP writes
it. A malformed prompt raises :class:`PromptError` (an :class:`~pqpay.exceptions.EncodingError`)
naming the tgId / tcId; an algorithm, mode, group kind or parameter set pqpay does not implement
raises :class:`~pqpay.exceptions.UnsupportedAlgorithm`, or, with ``skip_unsupported=True``, that
group is left out of the response and listed in :attr:`Response.unsupported`.

Test-vector use only: deterministic signing and derandomized encapsulation come from
:mod:`pqpay.hazmat`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pqpay import hazmat, kem, signatures
from pqpay.exceptions import EncodingError, InvalidSignature, UnsupportedAlgorithm

__all__ = ["PromptError", "Response", "UnsupportedGroup", "parse_prompt", "respond"]

Json = dict[str, Any]
_Results = dict[str, Any]


class PromptError(EncodingError):
    """A malformed ACVP prompt: not JSON, a missing or mistyped field, bad hex or a wrong length.
    The message names the tgId / tcId."""


@dataclass(frozen=True)
class UnsupportedGroup:
    """A test group left out of the response (``skip_unsupported=True``), and why."""

    tg_id: int
    reason: str


@dataclass(frozen=True)
class Response:
    """The response document (a dict, or ``[header, dict]`` as the prompt was) and what it
    holds."""

    document: Any
    test_count: int
    unsupported: tuple[UnsupportedGroup, ...]


def parse_prompt(text: str | bytes) -> Any:
    """Parses prompt text; raises :class:`PromptError` when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise PromptError(f"the prompt is not valid JSON: {exc}") from None


# --- reading fields -------------------------------------------------------------------------

_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")


class _Case:
    """One test (or, with ``test`` None, one group) of a prompt: typed field access whose
    errors name where they are."""

    __slots__ = ("group", "test", "where")

    def __init__(self, group: Json, test: Json | None, where: str) -> None:
        self.group, self.test, self.where = group, test, where

    def value(self, name: str) -> Any:
        # Fields are read from the test, then its group: prompt revisions moved a few (``dk``
        # of decapsulation groups, ``hashAlg``) between the two.
        if self.test is not None and name in self.test:
            return self.test[name]
        if name in self.group:
            return self.group[name]
        raise PromptError(f"{self.where}: missing field {name!r}")

    def text(self, name: str) -> str:
        value = self.value(name)
        if not isinstance(value, str):
            raise PromptError(f"{self.where}: field {name!r} must be a string")
        return value

    def flag(self, name: str) -> bool:
        value = self.value(name)
        if not isinstance(value, bool):
            raise PromptError(f"{self.where}: field {name!r} must be true or false")
        return value

    def hex(self, name: str) -> bytes:
        value = self.text(name)
        if not _HEX.fullmatch(value):
            raise PromptError(f"{self.where}: field {name!r} is not hex ({len(value)} characters)")
        return bytes.fromhex(value)


def _int_field(obj: Json, name: str, where: str) -> int:
    value = obj.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PromptError(f"{where}: missing or non-integer {name!r}")
    return value


def _hex(data: bytes) -> str:
    return data.hex().upper()


# --- ML-KEM (FIPS 203) ----------------------------------------------------------------------

_MLKEM: dict[str, Any] = {
    name: (kem.PRIVATE_KEY_CLASSES[name], kem.PUBLIC_KEY_CLASSES[name])
    for name in ("ML-KEM-512", "ML-KEM-768", "ML-KEM-1024")
}

_Runner = Callable[[_Case], _Results]


def _parameter_set(group: _Case, table: dict[str, Any]) -> Any:
    name = group.text("parameterSet")
    if name not in table:
        raise UnsupportedAlgorithm(f"parameter set {name!r} is not offered by pqpay")
    return table[name]


def _mlkem_keygen(group: _Case) -> _Runner:
    private_cls, _ = _parameter_set(group, _MLKEM)

    def run(case: _Case) -> _Results:
        sk = private_cls.from_seed_bytes(case.hex("d") + case.hex("z"))
        return {
            "ek": _hex(sk.public_key().public_bytes_raw()),
            "dk": _hex(hazmat.mlkem_expanded_bytes(sk)),
        }

    return run


def _mlkem_encap_decap(group: _Case) -> _Runner:
    private_cls, public_cls = _parameter_set(group, _MLKEM)
    function = group.text("function")
    # FIPS203-tr1 names the decapsulation key's form; FIPS203 groups have none (expanded).
    key_format = group.text("keyFormat") if "keyFormat" in group.group else "none"

    def decapsulation_key(case: _Case) -> Any:
        if key_format == "seed":
            return private_cls.from_seed_bytes(case.hex("d") + case.hex("z"))
        return hazmat.mlkem_from_expanded_bytes(private_cls, case.hex("dk"))

    def encapsulation(case: _Case) -> _Results:
        pk = public_cls.from_public_bytes(case.hex("ek"))
        k, c = hazmat.encapsulate_derand(pk, case.hex("m"))
        return {"c": _hex(c), "k": _hex(k)}

    def decapsulation(case: _Case) -> _Results:
        return {"k": _hex(decapsulation_key(case).decapsulate(case.hex("c")))}

    def encapsulation_key_check(case: _Case) -> _Results:
        ek = case.hex("ek")
        try:  # FIPS 203 section 7.2: length and modulus check
            public_cls.from_public_bytes(ek)
        except ValueError:  # InvalidKey
            return {"testPassed": False}
        return {"testPassed": True}

    def decapsulation_key_check(case: _Case) -> _Results:
        dk = case.hex("dk")
        try:  # FIPS 203 section 7.3: length and hash check
            hazmat.mlkem_from_expanded_bytes(private_cls, dk)
        except ValueError:  # InvalidKey
            return {"testPassed": False}
        return {"testPassed": True}

    # function -> (runner, the keyFormat values it takes)
    runners: dict[str, tuple[_Runner, tuple[str, ...]]] = {
        "encapsulation": (encapsulation, ("none",)),
        "decapsulation": (decapsulation, ("none", "expanded", "seed")),
        "encapsulationKeyCheck": (encapsulation_key_check, ("none",)),
        "decapsulationKeyCheck": (decapsulation_key_check, ("none", "expanded")),
    }
    if function not in runners:
        raise UnsupportedAlgorithm(f"ML-KEM encapDecap function {function!r}")
    runner, formats = runners[function]
    if key_format not in formats:
        raise UnsupportedAlgorithm(f"{function} with keyFormat {key_format!r}")
    return runner


# --- ML-DSA (FIPS 204) ----------------------------------------------------------------------

_MLDSA: dict[str, Any] = {
    "ML-DSA-44": (signatures.MLDSA44PrivateKey, signatures.MLDSA44PublicKey),
    "ML-DSA-65": (signatures.MLDSA65PrivateKey, signatures.MLDSA65PublicKey),
    "ML-DSA-87": (signatures.MLDSA87PrivateKey, signatures.MLDSA87PublicKey),
}


def _interface(group: _Case, prehash_values: tuple[str, ...]) -> tuple[str, str]:
    """``(signatureInterface, preHash)``: ``("internal", "none")`` or ``("external", pure /
    preHash)``."""
    interface = group.text("signatureInterface")
    if interface == "internal":
        return interface, "none"
    if interface != "external":
        raise UnsupportedAlgorithm(f"signatureInterface {interface!r}")
    prehash = group.text("preHash")
    if prehash not in prehash_values:
        raise UnsupportedAlgorithm(f"preHash {prehash!r}")
    return interface, prehash


def _mldsa_keygen(group: _Case) -> _Runner:
    private_cls, _ = _parameter_set(group, _MLDSA)

    def run(case: _Case) -> _Results:
        sk = private_cls.from_seed_bytes(case.hex("seed"))
        return {
            "pk": _hex(sk.public_key().public_bytes_raw()),
            "sk": _hex(hazmat.mldsa_expanded_bytes(sk)),
        }

    return run


def _mldsa_siggen(group: _Case) -> _Runner:
    private_cls, _ = _parameter_set(group, _MLDSA)
    interface, prehash = _interface(group, ("pure", "preHash"))
    deterministic = group.flag("deterministic")
    external_mu = interface == "internal" and group.flag("externalMu")

    def run(case: _Case) -> _Results:
        sk = hazmat.mldsa_from_expanded_bytes(private_cls, case.hex("sk"))
        rnd = bytes(32) if deterministic else case.hex("rnd")
        if external_mu:
            sig = hazmat.mldsa_sign_mu_with_rnd(sk, case.hex("mu"), rnd)
        elif interface == "internal":
            sig = hazmat.mldsa_sign_internal(sk, case.hex("message"), rnd)
        elif prehash == "preHash":
            sig = hazmat.mldsa_sign_prehash(
                sk, case.text("hashAlg"), case.hex("message"), case.hex("context"), rnd
            )
        else:
            sig = hazmat.mldsa_sign_with_rnd(sk, case.hex("message"), case.hex("context"), rnd)
        return {"signature": _hex(sig)}

    return run


def _mldsa_sigver(group: _Case) -> _Runner:
    _, public_cls = _parameter_set(group, _MLDSA)
    interface, prehash = _interface(group, ("pure", "preHash"))
    external_mu = interface == "internal" and group.flag("externalMu")

    def verify(case: _Case) -> None:
        pk = public_cls.from_public_bytes(case.hex("pk"))
        sig = case.hex("signature")
        if external_mu:
            pk.verify_mu(sig, case.hex("mu"))
        elif interface == "internal":
            hazmat.mldsa_verify_internal(pk, sig, case.hex("message"))
        elif prehash == "preHash":
            hazmat.mldsa_verify_prehash(
                pk, case.text("hashAlg"), sig, case.hex("message"), case.hex("context")
            )
        else:
            pk.verify(sig, case.hex("message"), case.hex("context"))

    return lambda case: _verdict(verify, case)


def _verdict(verify: Callable[[_Case], None], case: _Case) -> _Results:
    try:
        verify(case)
    except InvalidSignature:
        return {"testPassed": False}
    return {"testPassed": True}


# --- SLH-DSA (FIPS 205) ---------------------------------------------------------------------

_SLHDSA: dict[str, Any] = {
    name: (cls, signatures.PUBLIC_KEY_CLASSES[name])
    for name, cls in signatures.PRIVATE_KEY_CLASSES.items()
    if name.startswith("SLH-DSA-")
}


def _slhdsa_keygen(group: _Case) -> _Runner:
    private_cls, _ = _parameter_set(group, _SLHDSA)

    def run(case: _Case) -> _Results:
        sk = hazmat.slhdsa_keygen_from_seeds(
            private_cls, case.hex("skSeed"), case.hex("skPrf"), case.hex("pkSeed")
        )
        return {
            "sk": _hex(sk.private_bytes_raw()),
            "pk": _hex(sk.public_key().public_bytes_raw()),
        }

    return run


def _slhdsa_siggen(group: _Case) -> _Runner:
    private_cls, _ = _parameter_set(group, _SLHDSA)
    interface, prehash = _interface(group, ("pure", "preHash"))
    deterministic = group.flag("deterministic")

    def run(case: _Case) -> _Results:
        sk = private_cls.from_private_bytes(case.hex("sk"))
        opt_rand = None if deterministic else case.hex("additionalRandomness")
        message = case.hex("message")
        if interface == "internal":
            sig = hazmat.slhdsa_sign_internal(sk, message, opt_rand)
        elif prehash == "preHash":
            sig = hazmat.slhdsa_sign_prehash(
                sk, message, case.text("hashAlg"), case.hex("context"), opt_rand
            )
        else:
            sig = hazmat.slhdsa_sign_pure(sk, message, case.hex("context"), opt_rand)
        return {"signature": _hex(sig)}

    return run


def _slhdsa_sigver(group: _Case) -> _Runner:
    _, public_cls = _parameter_set(group, _SLHDSA)
    interface, prehash = _interface(group, ("pure", "preHash"))

    def verify(case: _Case) -> None:
        pk = public_cls.from_public_bytes(case.hex("pk"))
        sig, message = case.hex("signature"), case.hex("message")
        if interface == "internal":
            hazmat.slhdsa_verify_internal(pk, sig, message)
        elif prehash == "preHash":
            hazmat.slhdsa_verify_prehash(
                pk, sig, message, case.text("hashAlg"), case.hex("context")
            )
        else:
            pk.verify(sig, message, case.hex("context"))

    return lambda case: _verdict(verify, case)


# --- the harness ----------------------------------------------------------------------------

_MODES: dict[tuple[str, str], Callable[[_Case], _Runner]] = {
    ("ML-KEM", "keyGen"): _mlkem_keygen,
    ("ML-KEM", "encapDecap"): _mlkem_encap_decap,
    ("ML-DSA", "keyGen"): _mldsa_keygen,
    ("ML-DSA", "sigGen"): _mldsa_siggen,
    ("ML-DSA", "sigVer"): _mldsa_sigver,
    ("SLH-DSA", "keyGen"): _slhdsa_keygen,
    ("SLH-DSA", "sigGen"): _slhdsa_siggen,
    ("SLH-DSA", "sigVer"): _slhdsa_sigver,
}
"""(algorithm, mode) -> a group's runner factory."""

_REVISIONS = {
    "ML-KEM": ("FIPS203", "FIPS203-tr1"),
    "ML-DSA": ("FIPS204",),
    "SLH-DSA": ("FIPS205",),
}
"""algorithm -> the prompt revisions answered (tr1 adds ``keyFormat`` to ML-KEM groups)."""


def _list(obj: Json, name: str, where: str) -> list[Any]:
    value = obj.get(name)
    if not isinstance(value, list):
        raise PromptError(f"{where}: missing or non-list {name!r}")
    return value


def _object(value: Any, where: str) -> Json:
    if not isinstance(value, dict):
        raise PromptError(f"{where}: expected a JSON object")
    return value


def _run_test(runner: _Runner, case: _Case) -> _Results:
    try:
        return runner(case)
    except PromptError:
        raise
    except ValueError as exc:  # a wrong length, an out-of-range key, an over-long context
        raise PromptError(f"{case.where}: {type(exc).__name__}: {exc}") from exc
    except UnsupportedAlgorithm as exc:  # e.g. an unknown hashAlg
        raise UnsupportedAlgorithm(f"{case.where}: {exc}") from exc


def respond(prompt: Any, *, skip_unsupported: bool = False) -> Response:
    """Answers a parsed ACVP prompt (see the module docstring).

    :raises PromptError: the prompt is malformed (the message names the tgId / tcId).
    :raises UnsupportedAlgorithm: the algorithm or mode is not one this harness answers, or a
        group is of a kind or parameter set pqpay does not offer (unless ``skip_unsupported``).
    """
    header: Json | None = None
    if isinstance(prompt, list):
        if len(prompt) != 2 or "acvVersion" not in _object(prompt[0], "prompt[0]"):
            raise PromptError('a list prompt must be [{"acvVersion": ...}, {vector set}]')
        header, prompt = prompt[0], prompt[1]
    vector_set = _object(prompt, "the prompt")
    vs_id = _int_field(vector_set, "vsId", "the prompt")
    where = f"vsId={vs_id}"
    names = {}
    for name in ("algorithm", "mode", "revision"):
        value = vector_set.get(name)
        if not isinstance(value, str):
            raise PromptError(f"{where}: missing or non-string {name!r}")
        names[name] = value
    factory = _MODES.get((names["algorithm"], names["mode"]))
    if factory is None or names["revision"] not in _REVISIONS[names["algorithm"]]:
        raise UnsupportedAlgorithm(
            f"{where}: {names['algorithm']} {names['mode']} revision {names['revision']}"
            " is not one this harness answers"
        )
    is_sample = vector_set.get("isSample")
    if not isinstance(is_sample, bool):
        raise PromptError(f"{where}: missing or non-boolean 'isSample'")

    groups: list[Json] = []
    unsupported: list[UnsupportedGroup] = []
    count = 0
    for raw_group in _list(vector_set, "testGroups", where):
        group = _object(raw_group, f"{where} testGroups[]")
        tg_id = _int_field(group, "tgId", f"{where} testGroups[]")
        group_where = f"tgId={tg_id}"
        try:
            runner = factory(_Case(group, None, group_where))
        except UnsupportedAlgorithm as exc:
            if not skip_unsupported:
                raise UnsupportedAlgorithm(f"{group_where}: {exc}") from exc
            unsupported.append(UnsupportedGroup(tg_id, str(exc)))
            continue
        tests = []
        for raw_test in _list(group, "tests", group_where):
            test = _object(raw_test, f"{group_where} tests[]")
            tc_id = _int_field(test, "tcId", group_where)
            results = _run_test(runner, _Case(group, test, f"{group_where} tcId={tc_id}"))
            tests.append({"tcId": tc_id, **results})
        count += len(tests)
        groups.append({"tgId": tg_id, "tests": tests})

    document: Any = {
        "vsId": vs_id,
        **names,
        "isSample": is_sample,
        "testGroups": groups,
    }
    if header is not None:
        document = [{"acvVersion": header["acvVersion"]}, document]
    return Response(document, count, tuple(unsupported))
