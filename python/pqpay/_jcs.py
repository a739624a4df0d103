"""RFC 8785 JSON Canonicalization Scheme (JCS) over Python values, and a strict I-JSON reader.

Values: ``None``, ``bool``, ``int`` (exact only: ``|n| <= 2**53 - 1``), ``float`` (finite),
``str`` (no lone surrogates), ``list``/``tuple`` and ``dict`` (any ``Mapping``) with ``str``
keys. In *payment* mode floats are refused (:class:`~pqpay.exceptions.FloatNotAllowed`) and
``decimal.Decimal`` values are written as plain decimal strings (``Decimal("12.50")`` ->
``"12.50"``), so amounts never pass through binary floating point; a ``Decimal`` whose plain
form would have more than :data:`MAX_DECIMAL_DIGITS` digits is refused before it is written
(``Decimal("1E+100000000")`` is 13 characters, its plain form 100 MB).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pqpay.exceptions import CanonicalizationError, EncodingError, FloatNotAllowed

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer an IEEE-754 double (and so I-JSON, RFC 7493 §2.2) carries exactly."""

MAX_DECIMAL_DIGITS = 100
"""Most digits (integer and fraction together) in the plain form of a payment ``Decimal``:
far beyond any amount (a 256-bit integer has 78), small enough that a short exponent cannot
ask for megabytes."""

MAX_DEPTH = 64
"""Nesting limit for arrays and objects (deeper input raises, it is never recursed into)."""

# ECMAScript JSON.stringify string escaping is exactly what the json module writes with
# ensure_ascii=False: \" \\ \b \f \n \r \t, other C0 controls as lower-case \u00xx, rest literal.
_encode_string: Any = json.encoder.encode_basestring


class _PathError(Exception):
    """Carries a leaf error up the recursion so the message can name the JSON path."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.path: list[str | int] = []


def _path_text(path: list[str | int]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f"[{json.dumps(part)}]"
    return out


def format_number(value: float) -> str:
    """ECMAScript Number::toString (ECMA-262 §6.1.6.1.20) of a finite double, as RFC 8785
    §3.2.2.3 requires: the shortest digits that round-trip (Python's ``repr`` finds them),
    laid out in integer, fixed or exponent notation by the exponent."""
    if math.isnan(value) or math.isinf(value):
        raise CanonicalizationError(f"{value} is not allowed in I-JSON (RFC 8785 §3.2.2.3)")
    if value == 0:
        return "0"  # also -0
    sign = "-" if value < 0 else ""
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = whole + frac
    point = len(whole) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    s = stripped.rstrip("0")
    k, n = len(s), point  # value = s * 10**(n - k)
    if k <= n <= 21:
        return sign + s + "0" * (n - k)
    if 0 < n <= 21:
        return sign + s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + s
    e = n - 1
    exponent = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + (s if k == 1 else s[0] + "." + s[1:]) + exponent


def _string(value: str, check: bool) -> str:
    if check:
        _check_unicode(value)
    out: str = _encode_string(value)
    return out


def _check_unicode(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _PathError(
            CanonicalizationError(
                "string contains a lone surrogate; I-JSON requires valid Unicode (RFC 7493 §2.1)"
            )
        ) from None


def _sort_key(name: str) -> bytes:
    # UTF-16 code-unit order (RFC 8785 §3.2.3); big-endian bytes compare the same way.
    return name.encode("utf-16-be", "surrogatepass")


def _plain_digits(value: Decimal) -> int:
    """How many digits ``format(value, "f")`` writes, computed without writing them."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: checked by the caller
    digits = len(value.as_tuple().digits)
    if exponent >= 0:
        return 1 if value.is_zero() else digits + exponent
    return max(digits + exponent, 1) - exponent


def _serialize(value: Any, out: list[str], payment: bool, depth: int, check: bool) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value, check))
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise _PathError(
                CanonicalizationError(
                    f"integer {value} is outside +-(2**53 - 1): I-JSON cannot carry it exactly "
                    "(RFC 7493 §2.2); send it as a decimal string"
                )
            )
        out.append(str(int(value)))
    elif isinstance(value, float):
        if payment:
            raise _PathError(
                FloatNotAllowed(
                    f"float {value!r} in a payment message; use integer minor units "
                    '(1250 for 12.50) or a decimal string ("12.50") or decimal.Decimal'
                )
            )
        if math.isnan(value) or math.isinf(value):
            raise _PathError(
                CanonicalizationError(f"{value} is not allowed in I-JSON (RFC 8785 §3.2.2.3)")
            )
        out.append(format_number(value))
    elif isinstance(value, Decimal) and payment:
        if not value.is_finite():
            raise _PathError(CanonicalizationError(f"Decimal {value} is not a finite amount"))
        if _plain_digits(value) > MAX_DECIMAL_DIGITS:
            raise _PathError(
                CanonicalizationError(
                    f"Decimal {str(value)[:40]} has more than {MAX_DECIMAL_DIGITS} digits in "
                    "plain notation; amounts that large or that precise are refused"
                )
            )
        out.append(_string(format(value, "f"), False))
    elif isinstance(value, Mapping):
        if depth >= MAX_DEPTH:
            raise _PathError(CanonicalizationError(f"nesting deeper than {MAX_DEPTH} levels"))
        keys = list(value)
        for key in keys:
            if not isinstance(key, str):
                raise _PathError(TypeError(f"object keys must be str, not {type(key).__name__}"))
        if all(key.isascii() for key in keys):  # isascii is O(1): a flag CPython keeps
            keys.sort()  # for ASCII, code-point order is UTF-16 code-unit order
        else:
            keys.sort(key=_sort_key)
        out.append("{")
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            try:
                out.append(_string(key, check))
                out.append(":")
                _serialize(value[key], out, payment, depth + 1, check)
            except _PathError as e:
                e.path.insert(0, key)
                raise
        out.append("}")
    elif isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH:
            raise _PathError(CanonicalizationError(f"nesting deeper than {MAX_DEPTH} levels"))
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            try:
                _serialize(item, out, payment, depth + 1, check)
            except _PathError as e:
                e.path.insert(0, i)
                raise
        out.append("]")
    else:
        what = "payment message" if payment else "JSON value"
        raise _PathError(TypeError(f"cannot put {type(value).__name__} in a {what}"))


def canonicalize(value: Any, *, payment: bool = False) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (see the module docstring)."""
    out: list[str] = []
    try:
        _serialize(value, out, payment, 0, False)
        try:
            return "".join(out).encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate somewhere: walk again, checking each string, to name its path.
            _serialize(value, [], payment, 0, True)
            raise  # pragma: no cover - the checking walk always finds it
    except _PathError as e:
        exc = e.exc
        where = f"at {_path_text(e.path)}: " if e.path else ""
        raise type(exc)(f"{where}{exc}") from None


# -- strict I-JSON reader --------------------------------------------------------------------


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise CanonicalizationError(
                f"duplicate member name {json.dumps(key)}; I-JSON forbids them (RFC 7493 §2.3)"
            )
        obj[key] = value
    return obj


def _constant(name: str) -> Any:
    raise CanonicalizationError(f"{name} is not JSON (RFC 8259 §6)")


def _exact_int(text: str) -> int:
    # Length first: int() of thousands of digits is slow (and refused past 4300).
    value = int(text) if len(text.lstrip("-")) <= 16 else MAX_SAFE_INTEGER + 1
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise CanonicalizationError(
            f"integer {text[:40]} is outside +-(2**53 - 1): a payment message carries it "
            "exactly only as a decimal string"
        )
    return value


def _int(text: str) -> int | float:
    # Beyond 2**53 an I-JSON number is a double, as ECMAScript's JSON.parse reads it
    # (RFC 7493 §2.2): 9007199254740993 becomes 9007199254740992.
    if len(text.lstrip("-")) <= 15:
        return int(text)
    value = int(text) if len(text) <= 20 else None
    if value is not None and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    return _float(text)


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise CanonicalizationError(f"number {text[:40]} overflows an IEEE-754 double")
    return value


def _no_float(text: str) -> float:
    raise FloatNotAllowed(
        f"number {text} in a payment message has a fraction or exponent; use integer minor "
        "units or a decimal string"
    )


def _load(data: bytes | str, payment: bool) -> Any:
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as e:
            raise EncodingError(f"JSON text is not valid UTF-8 (RFC 8259 §8.1): {e}") from None
    elif isinstance(data, str):
        text = data
    else:
        raise TypeError(f"JSON text must be bytes or str, not {type(data).__name__}")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_int=_exact_int if payment else _int,
            parse_float=_no_float if payment else _float,
        )
    except json.JSONDecodeError as e:
        raise EncodingError(f"not JSON text: {e}") from None
    except RecursionError:
        raise CanonicalizationError(f"nesting deeper than {MAX_DEPTH} levels") from None
    return value


def parse(data: bytes | str, *, payment: bool = False) -> Any:
    """Parses JSON text under I-JSON rules (RFC 7493): UTF-8, no duplicate member names, no
    lone surrogates, no NaN/Infinity, numbers within a double, integers exact. In payment
    mode numbers with a fraction or exponent raise :class:`FloatNotAllowed`.

    :raises CanonicalizationError: the text is JSON but not I-JSON.
    :raises EncodingError: the text is not JSON (or not UTF-8).
    """
    value = _load(data, payment)
    # Lone surrogates (from \ud800-style escapes) and excess depth are caught by the
    # serializer, so every parsed value goes through it once.
    canonicalize(value, payment=payment)
    return value


def parse_canonical(data: bytes, *, payment: bool = False) -> Any:
    """:func:`parse`, also requiring ``data`` to be exactly its own canonical form.

    :raises EncodingError: ``data`` is valid I-JSON but not canonical.
    """
    try:
        # Fast path: the C decoder without the duplicate-name hook. Text with a duplicate
        # name can never equal the canonical form of what it parses to (one member is lost),
        # so the comparison below refuses it; the strict reader then names the reason.
        value = json.loads(
            data,
            parse_constant=_constant,
            parse_int=_exact_int if payment else _int,
            parse_float=_no_float if payment else _float,
        )
        canonical = canonicalize(value, payment=payment)
    except (ValueError, RecursionError):
        canonical = None
    if canonical != data:
        canonicalize(parse(data, payment=payment), payment=payment)  # raises the precise error
        raise EncodingError("the JSON text is not in RFC 8785 canonical form")
    return value


def canonicalize_json(data: bytes | str, *, payment: bool = False) -> bytes:
    """The canonical form of JSON text (:func:`parse`'s rules, then :func:`canonicalize`)."""
    return canonicalize(_load(data, payment), payment=payment)
