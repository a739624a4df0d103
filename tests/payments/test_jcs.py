"""RFC 8785 (JCS) canonicalization in pqpay.payments: the RFC's examples, the reference
implementation's test data, standards.md §8, I-JSON rejections, and a cross-check against the
``rfc8785`` package (Trail of Bits) on generated JSON."""

from __future__ import annotations

import json
import math
import random
import struct
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pqpay import payments
from pqpay.exceptions import CanonicalizationError, EncodingError, FloatNotAllowed
from tests._support import vector_sources


@pytest.fixture(scope="module")
def rfc8785() -> Any:
    """The ``rfc8785`` package (test extra): required under CI, else its tests skip."""
    try:
        import rfc8785 as module
    except ImportError:
        if vector_sources.vectors_required():
            pytest.fail("the rfc8785 package (test extra) is required under CI", pytrace=False)
        pytest.skip("the rfc8785 package is not installed (pip install -e '.[test]')")
    return module


def _double(hex_ieee: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_ieee.zfill(16)))[0]
    return value


# --- RFC 8785 --------------------------------------------------------------------------------

# RFC 8785 §3.2.2 (input) and §3.2.3/§3.2.4 (output, and its UTF-8 bytes in hex).
RFC8785_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC8785_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)
RFC8785_OUTPUT_HEX = (
    "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72"
    "75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a"
    "5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31"
    "65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37"
    "5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30"
    "30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d"
)

# RFC 8785 §3.2.3: property sorting by UTF-16 code units.
RFC8785_SORTING_INPUT = r"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""
RFC8785_SORTED_NAMES = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]

# RFC 8785 Appendix B: IEEE-754 doubles (hex) and their canonical text.
RFC8785_APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]
# Appendix B's NaN and Infinity rows have no JSON form.
RFC8785_APPENDIX_B_ERRORS = ["7fffffffffffffff", "7ff0000000000000"]

# Sample lines of the 100M-number corpus, cyberphone/json-canonicalization testdata/README.md.
CYBERPHONE_NUMBER_SAMPLES = [
    ("4340000000000001", "9007199254740994"),
    ("4340000000000002", "9007199254740996"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("8000000000000000", "0"),
    ("0", "0"),
]

# cyberphone/json-canonicalization testdata/input/*.json -> testdata/output/*.json.
CYBERPHONE_TESTDATA = {
    "arrays": '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]\n',
    "french": (
        '{\n  "peach": "This sorting order",\n  "p\u00e9ch\u00e9": "is wrong according to '
        'French",\n  "p\u00eache": "but canonicalization MUST",\n  "sin":   "ingnore locale"\n}\n'
    ),
    "structures": (
        '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n'
        '  "a": { },\n  "111": [ { } ],\n  "A": { }\n}'
    ),
    "unicode": '{\n  "Unnormalized Unicode":"\\u1e0d\\u0307"\n}\n',
    "values": (
        '{\n  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],'
        '\n  "escaping": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
        '  "literals": [null, true, false]\n}'
    ),
    "weird": (
        '{\n  "\\u20ac": "Euro Sign",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n'
        '  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n'
        '  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}\n'
    ),
}
CYBERPHONE_EXPECTED = {
    "arrays": '[56,{"1":[],"10":null,"d":true}]',
    "french": (
        '{"peach":"This sorting order","p\u00e9ch\u00e9":"is wrong according to French",'
        '"p\u00eache":"but canonicalization MUST","sin":"ingnore locale"}'
    ),
    "structures": (
        '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}'
    ),
    "unicode": '{"Unnormalized Unicode":"\u1e0d\u0307"}',
    "values": (
        '{"escaping":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/","literals":[null,true,false],'
        '"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}'
    ),
    "weird": (
        '{"1":"One","</script>":"Browser Challenge","\x80":"Control\x7f",'
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
        '"\U0001f602":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    ),
}
# testdata/outhex/simpleString.txt for testdata/input/simpleString.json.
CYBERPHONE_SIMPLE_STRING = (
    '    "this is a test string 1235"',
    "22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22",
)


def test_rfc8785_example() -> None:
    out = payments.canonicalize_json(RFC8785_INPUT)
    assert out == RFC8785_OUTPUT.encode("utf-8")
    assert out == bytes.fromhex(RFC8785_OUTPUT_HEX)
    assert out == payments.canonicalize(json.loads(RFC8785_INPUT))


def test_rfc8785_sorting() -> None:
    out = payments.canonicalize_json(RFC8785_SORTING_INPUT)
    assert list(json.loads(out)) == RFC8785_SORTED_NAMES
    assert out.startswith(b'{"\\r":"Carriage Return","1":"One","\xc2\x80":"Control"')


@pytest.mark.parametrize(("hex_ieee", "text"), RFC8785_APPENDIX_B + CYBERPHONE_NUMBER_SAMPLES)
def test_number_serialization(hex_ieee: str, text: str) -> None:
    value = _double(hex_ieee)
    assert payments.canonicalize(value) == text.encode()
    assert payments.canonicalize([value]) == f"[{text}]".encode()


@pytest.mark.parametrize("hex_ieee", [*RFC8785_APPENDIX_B_ERRORS, "fff0000000000000"])
def test_nan_and_infinity_rejected(hex_ieee: str) -> None:
    with pytest.raises(CanonicalizationError, match="not allowed in I-JSON"):
        payments.canonicalize({"n": _double(hex_ieee)})


@pytest.mark.parametrize("name", sorted(CYBERPHONE_TESTDATA))
def test_cyberphone_testdata(name: str) -> None:
    text = CYBERPHONE_TESTDATA[name]
    assert payments.canonicalize_json(text.encode("utf-8")) == CYBERPHONE_EXPECTED[name].encode(
        "utf-8"
    )


def test_cyberphone_simple_string() -> None:
    text, hex_out = CYBERPHONE_SIMPLE_STRING
    assert payments.canonicalize_json(text) == bytes.fromhex(hex_out)


# --- standards.md §8 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e16, "10000000000000000"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (0.00001, "0.00001"),
        (-0.0, "0"),
        (4.50, "4.5"),
        (333333333.33333329, "333333333.3333333"),
        (1e-6, "0.000001"),
        (123.456, "123.456"),
        (-1.5e300, "-1.5e+300"),
        (100.0, "100"),
        (float(2**53), "9007199254740992"),
    ],
)
def test_standards_numbers(value: float, text: str) -> None:
    assert payments.canonicalize(value) == text.encode()


def test_python_json_is_not_jcs() -> None:
    """The pitfall standards.md names: json.dumps differs on exactly these."""
    value = {"b": 1e16, "a": 1e-5, "\U0001f600": 1, "\ufb33": 2}
    naive = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    canonical = payments.canonicalize(value).decode()
    assert naive != canonical
    assert canonical == '{"a":0.00001,"b":10000000000000000,"\U0001f600":1,"\ufb33":2}'


@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\b", "\\b"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\f", "\\f"),
        ("\r", "\\r"),
        ("\x00", "\\u0000"),
        ("\x1f", "\\u001f"),
        ("\x0b", "\\u000b"),
        ("/", "/"),
        ("\x7f", "\x7f"),
        ("\u20ac", "\u20ac"),
        ("\U0001f600", "\U0001f600"),
    ],
)
def test_string_escaping(char: str, escaped: str) -> None:
    assert payments.canonicalize(char) == f'"{escaped}"'.encode()


# --- I-JSON rejections -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"a":1,"a":2}', "duplicate member name"),
        ('{"x":{"a":1,"b":2,"a":3}}', "duplicate member name"),
        ('["\\ud800"]', "lone surrogate"),
        ('{"\\udc00":1}', "lone surrogate"),
        ('"\\ude02\\ud83d"', "lone surrogate"),
        ("[NaN]", "NaN"),
        ("[Infinity]", "Infinity"),
        ("[-Infinity]", "Infinity"),
        ("[1e400]", "overflows"),
        ("[" + "1" * 400 + "]", "overflows"),
        ("[" * 100 + "]" * 100, "nesting"),
        ("[" * 100_000 + "]" * 100_000, "nesting"),
    ],
)
def test_ijson_rejections(text: str, needle: str) -> None:
    with pytest.raises(CanonicalizationError, match=needle):
        payments.canonicalize_json(text)
    with pytest.raises(CanonicalizationError, match=needle):
        payments.parse_json(text.encode())


@pytest.mark.parametrize(
    "data",
    [b"", b"{", b"[1,]", b"01", b"\xff\xfe", b"\xef\xbb\xbf{}", b'"\x01"', b"{'a':1}", b"[1 2]"],
)
def test_not_json(data: bytes) -> None:
    with pytest.raises(EncodingError):
        payments.canonicalize_json(data)


def test_safe_integer_bounds() -> None:
    top = payments.MAX_SAFE_INTEGER
    assert payments.canonicalize([top, -top]) == f"[{top},-{top}]".encode()
    assert payments.canonicalize_json(f"[{top},-{top}]") == f"[{top},-{top}]".encode()
    # JSON text beyond 2**53 is read as a double, as JSON.parse does (RFC 7493 §2.2) ...
    assert payments.canonicalize_json("[9007199254740993, -1e2, 1" + "0" * 22 + "]") == (
        b"[9007199254740992,-100,1e+22]"
    )
    # ... but a Python int is exact, so it is never rounded silently.
    for bad in (top + 1, -top - 1, 2**64):
        with pytest.raises(CanonicalizationError, match=r"at \$\[0\]"):
            payments.canonicalize([bad])


@pytest.mark.parametrize(
    ("value", "exc"),
    [
        ({1: "a"}, TypeError),
        ({"a": {1, 2}}, TypeError),
        ({"a": b"bytes"}, TypeError),
        ({"a": Decimal("1.5")}, TypeError),  # Decimal only in payment messages
        ({"a": "\ud800"}, CanonicalizationError),
        ({"\udfff": 1}, CanonicalizationError),
    ],
)
def test_unsupported_values(value: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc):
        payments.canonicalize(value)


def test_cycles_and_depth_are_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(CanonicalizationError, match="nesting"):
        payments.canonicalize(loop)
    deep: Any = 0
    for _ in range(64):
        deep = [deep]
    payments.canonicalize(deep)  # 64 levels are fine
    with pytest.raises(CanonicalizationError, match="nesting"):
        payments.canonicalize([deep])


def test_error_names_the_path() -> None:
    with pytest.raises(CanonicalizationError, match=r'at \$\["a"\]\[2\]\["b"\]: .*lone'):
        payments.canonicalize({"a": [0, 1, {"b": "\udc00"}]})


def test_tuples_and_mappings() -> None:
    from types import MappingProxyType

    assert payments.canonicalize(MappingProxyType({"b": (1, 2), "a": None})) == (
        b'{"a":null,"b":[1,2]}'
    )


# --- cross-check against rfc8785 on generated JSON -------------------------------------------

_finite = st.floats(allow_nan=False, allow_infinity=False)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-payments.MAX_SAFE_INTEGER, payments.MAX_SAFE_INTEGER)
    | _finite
    | st.text()
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@pytest.mark.parametrize(("hex_ieee", "text"), RFC8785_APPENDIX_B + CYBERPHONE_NUMBER_SAMPLES)
def test_rfc8785_package_agrees_on_published_numbers(
    rfc8785: Any, hex_ieee: str, text: str
) -> None:
    assert rfc8785.dumps(_double(hex_ieee)) == text.encode()


def test_random_doubles_match_rfc8785(rfc8785: Any) -> None:
    """20,000 uniformly random bit patterns (seeded), every finite one formatted alike and
    read back to the same double."""
    rng = random.Random(8785)
    for _ in range(20_000):
        value = _double(f"{rng.getrandbits(64):016x}")
        if math.isfinite(value):
            text = payments.canonicalize(value)
            assert text == rfc8785.dumps(value), value.hex()
            assert float(text) == value


@given(_json)
def test_matches_rfc8785_package(rfc8785: Any, value: Any) -> None:
    # st.text() never yields lone surrogates (they are not valid str for hypothesis' default
    # alphabet), so both sides accept every generated value.
    assert payments.canonicalize(value) == rfc8785.dumps(value)


@given(_finite)
def test_floats_match_rfc8785_and_round_trip(rfc8785: Any, value: float) -> None:
    text = payments.canonicalize(value)
    assert text == rfc8785.dumps(value)
    assert float(text) == value or (value == 0 and float(text) == 0)


@given(
    st.integers(payments.MAX_SAFE_INTEGER + 1, 2**80)
    | st.integers(-(2**80), -payments.MAX_SAFE_INTEGER - 1)
)
def test_unsafe_integers_rejected_by_both(rfc8785: Any, value: int) -> None:
    with pytest.raises(CanonicalizationError):
        payments.canonicalize(value)
    with pytest.raises(rfc8785.IntegerDomainError):
        rfc8785.dumps(value)


@given(_json)
def test_parse_of_canonical_is_a_fixed_point(value: Any) -> None:
    canonical = payments.canonicalize(value)
    assert payments.canonicalize_json(canonical) == canonical


@given(st.text(st.characters(codec="utf-16", exclude_categories=["Cs"])))
def test_keys_sort_by_utf16_code_units(name: str) -> None:
    names = {name, "\ufb33", "\U0001f600", "a", ""}
    out = json.loads(payments.canonicalize(dict.fromkeys(names, 0)))
    assert list(out) == sorted(names, key=lambda s: s.encode("utf-16-be"))


def test_generated_floats_are_not_in_payment_messages() -> None:
    with pytest.raises(FloatNotAllowed):
        payments.canonicalize_payment({"x": math.pi})
