"""Groth16 zero-knowledge proof verification over BN254 and BLS12-381, snarkjs-compatible.

Proofs made by circom/snarkjs (``bn128`` or ``bls12381``) or arkworks verify here::

    vk = VerifyingKey.from_snarkjs("verification_key.json")
    proof = Proof.from_snarkjs("proof.json")
    public = public_inputs_from_snarkjs("public.json")
    verify(vk, proof, public)               # raises InvalidProof if it does not verify

``from_snarkjs`` takes a path (``str`` or ``os.PathLike``), JSON text (a ``str`` starting with
``{`` or ``[``, or ``bytes``) or the parsed object (``dict`` / ``list``): any other ``str`` is
read as a file path, so text from outside must go through ``from_snarkjs_text`` (never a
path) and paths through ``from_snarkjs_path``; ``public_inputs_from_snarkjs_text`` / ``_path``
likewise. JSON nested too deeply for the parser raises :class:`EncodingError`. ``from_bytes`` reads
arkworks' ``CanonicalSerialize`` encoding, compressed or uncompressed (told apart by length).

Validation is strict, when a key or proof is read: every coordinate below the field modulus p
(``x + p`` is refused, not reduced), points on the curve and in the prime-order subgroup (G1 and
G2; BN254's G1 has cofactor 1). A bad point in a key raises :class:`~pqpay.exceptions.InvalidKey`;
a malformed proof or document :class:`EncodingError`. Public inputs must be integers in
``[0, r)``, as many as the key's ``nPublic``, and the proof and key on the same curve, else
``ValueError``. A proof that does not verify (including one with a point at infinity) raises the
opaque :class:`~pqpay.exceptions.InvalidProof`.

A :class:`VerifyingKey` is prepared once (``e(alpha, beta)`` and the negated, prepared
``gamma`` and ``delta``) and reused by every call; the public inputs are combined with one
multi-scalar multiplication.
:func:`verify_many` checks many proofs under one key by a random linear combination with fresh
coefficients from the operating system's generator, one chunk per core, and reports which
proofs are invalid. The GIL is released while parsing (subgroup checks) and verifying.
"""

from __future__ import annotations

import enum
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from pqpay import _native
from pqpay._bytes import as_bytes
from pqpay.exceptions import EncodingError

__all__ = [
    "Curve",
    "JsonSource",
    "PathSource",
    "Proof",
    "TextSource",
    "VerifyingKey",
    "public_inputs_from_snarkjs",
    "public_inputs_from_snarkjs_path",
    "public_inputs_from_snarkjs_text",
    "verify",
    "verify_many",
]

JsonSource = str | bytes | bytearray | os.PathLike[str] | Mapping[str, Any] | Sequence[Any]
"""A path, JSON text (``str`` starting with ``{`` / ``[``, or ``bytes``) or a parsed object."""


class Curve(enum.Enum):
    """The pairing-friendly curves supported."""

    BN254 = "BN254"
    """BN254 / alt_bn128 (snarkjs ``bn128``), as on Ethereum."""
    BLS12_381 = "BLS12-381"
    """BLS12-381 (snarkjs ``bls12381``)."""

    @property
    def scalar_field_order(self) -> int:
        """The order r of the scalar field (public inputs lie in ``[0, r)``)."""
        return int(_native.groth16_scalar_field_order(self.value))


def _curve_name(curve: Curve | str) -> str:
    if isinstance(curve, Curve):
        return curve.value
    if isinstance(curve, str):
        return curve
    raise TypeError(f"curve must be a Curve or a curve name, not {type(curve).__name__}")


TextSource = str | bytes | bytearray | memoryview
"""JSON text: a ``str``, or UTF-8 ``bytes`` (never read as a path)."""
PathSource = str | os.PathLike[str]
"""A file path (its content is read)."""


def _text_of(source: TextSource, what: str) -> str:
    """``source`` as JSON text, never a path: untrusted text cannot name a local file."""
    if isinstance(source, str):
        return source
    if isinstance(source, (bytes, bytearray, memoryview)):
        try:
            return bytes(source).decode("utf-8")
        except UnicodeDecodeError:
            raise EncodingError(f"{what}: not UTF-8 text") from None
    raise TypeError(f"{what} must be JSON text (str or bytes), not {type(source).__name__}")


def _path_text(source: PathSource, what: str) -> str:
    """The text of the file at ``source``."""
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"{what} must be a path (str or os.PathLike), not {type(source).__name__}")
    return _text_of(Path(source).read_bytes(), what)


def _object_text(source: Mapping[str, Any] | Sequence[Any], what: str) -> str:
    try:
        return json.dumps(source)
    except (TypeError, ValueError) as exc:
        raise EncodingError(f"{what}: the object is not JSON ({exc})") from None
    except RecursionError:
        raise EncodingError(f"{what}: the object is nested too deeply") from None


def _read_text(source: JsonSource, what: str) -> str:
    """The JSON text of ``source`` (see :data:`JsonSource`): the ``from_snarkjs`` guess."""
    if isinstance(source, (Mapping, list, tuple)):
        return _object_text(source, what)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _text_of(source, what)
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        return source
    if isinstance(source, (str, os.PathLike)):
        return _path_text(source, what)
    raise TypeError(
        f"{what} must be a path, JSON text or a parsed object, not {type(source).__name__}"
    )


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EncodingError(f"{what}: not valid JSON ({exc})") from None
    except RecursionError:
        raise EncodingError(f"{what}: JSON nested too deeply") from None


def _read_value(source: JsonSource, what: str) -> Any:
    if isinstance(source, (Mapping, list, tuple)):
        return source
    return _loads(_read_text(source, what), what)


class VerifyingKey:
    """A validated, prepared Groth16 verifying key; reuse it across verifications."""

    __slots__ = ("_key",)
    _key: _native.Groth16VerifyingKey

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use VerifyingKey.from_snarkjs() or VerifyingKey.from_bytes()")

    @classmethod
    def _wrap(cls, native: _native.Groth16VerifyingKey) -> Self:
        obj = object.__new__(cls)
        obj._key = native
        return obj

    @classmethod
    def from_snarkjs(cls, source: JsonSource) -> Self:
        """Reads a snarkjs ``verification_key.json``.

        ``protocol`` must be ``groth16``; ``curve`` and ``nPublic`` are required and ``IC`` must
        hold ``nPublic + 1`` points; ``vk_alphabeta_12`` is ignored (it is recomputed).

        :raises EncodingError: malformed JSON, coordinate not below p, wrong shape.
        :raises InvalidKey: a point off the curve, outside the subgroup, or alpha, beta, gamma
            or delta at infinity.
        :raises UnsupportedAlgorithm: another protocol or curve.
        """
        text = _read_text(source, "verification key")
        return cls._wrap(_native.Groth16VerifyingKey.from_snarkjs_json(text))

    @classmethod
    def from_snarkjs_text(cls, text: TextSource) -> Self:
        """:meth:`from_snarkjs` for JSON text (``str`` or UTF-8 ``bytes``) only: never read as
        a path, so use it for text that came from outside. Raises as :meth:`from_snarkjs`."""
        json_text = _text_of(text, "verification key")
        return cls._wrap(_native.Groth16VerifyingKey.from_snarkjs_json(json_text))

    @classmethod
    def from_snarkjs_path(cls, path: PathSource) -> Self:
        """:meth:`from_snarkjs` for a file path only (``OSError`` if it cannot be read)."""
        json_text = _path_text(path, "verification key")
        return cls._wrap(_native.Groth16VerifyingKey.from_snarkjs_json(json_text))

    @classmethod
    def from_bytes(cls, data: bytes, curve: Curve | str) -> Self:
        """Reads ark-groth16's ``VerifyingKey`` serialization (compressed or uncompressed).

        :raises EncodingError: the length matches no encoding, or a coordinate is malformed.
        :raises InvalidKey: a point off the curve or outside the prime-order subgroup.
        """
        native = _native.Groth16VerifyingKey.from_arkworks_bytes(
            _curve_name(curve), as_bytes(data, "data")
        )
        return cls._wrap(native)

    def to_snarkjs(self) -> dict[str, Any]:
        """The key as a snarkjs ``verification_key.json`` object (no ``vk_alphabeta_12``)."""
        value: dict[str, Any] = json.loads(self._key.to_snarkjs_json())
        return value

    def to_bytes(self, compressed: bool = True) -> bytes:
        """ark-groth16's ``VerifyingKey`` serialization."""
        return self._key.to_arkworks_bytes(compressed)

    @property
    def curve(self) -> Curve:
        """The key's curve."""
        return Curve(self._key.curve)

    @property
    def num_public_inputs(self) -> int:
        """How many public inputs a proof under this key has (snarkjs ``nPublic``)."""
        return self._key.num_public_inputs

    def verify(self, proof: Proof, public_inputs: Sequence[int]) -> None:
        """Same as :func:`verify` ``(self, proof, public_inputs)``."""
        verify(self, proof, public_inputs)

    def verify_many(self, items: Sequence[tuple[Proof, Sequence[int]]]) -> list[bool]:
        """Same as :func:`verify_many` ``(self, items)``."""
        return verify_many(self, items)

    def __repr__(self) -> str:
        return f"<Groth16 VerifyingKey {self.curve.value}, {self.num_public_inputs} public inputs>"


class Proof:
    """A Groth16 proof whose points passed the curve and subgroup checks."""

    __slots__ = ("_proof",)
    _proof: _native.Groth16Proof

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use Proof.from_snarkjs() or Proof.from_bytes()")

    @classmethod
    def _wrap(cls, native: _native.Groth16Proof) -> Self:
        obj = object.__new__(cls)
        obj._proof = native
        return obj

    @classmethod
    def from_snarkjs(cls, source: JsonSource, curve: Curve | str | None = None) -> Self:
        """Reads a snarkjs ``proof.json``.

        The document's ``curve`` names the curve; ``curve`` is needed only when it has none,
        and must agree with it otherwise. ``protocol``, when present, must be ``groth16``.

        :raises EncodingError: malformed JSON, no curve known, coordinate not below p, a point
            off the curve or outside the prime-order subgroup.
        :raises ValueError: ``curve`` disagrees with the document.
        """
        text = _read_text(source, "proof")
        name = None if curve is None else _curve_name(curve)
        return cls._wrap(_native.Groth16Proof.from_snarkjs_json(text, name))

    @classmethod
    def from_snarkjs_text(cls, text: TextSource, curve: Curve | str | None = None) -> Self:
        """:meth:`from_snarkjs` for JSON text (``str`` or UTF-8 ``bytes``) only: never read as
        a path, so use it for text that came from outside. Raises as :meth:`from_snarkjs`."""
        json_text = _text_of(text, "proof")
        name = None if curve is None else _curve_name(curve)
        return cls._wrap(_native.Groth16Proof.from_snarkjs_json(json_text, name))

    @classmethod
    def from_snarkjs_path(cls, path: PathSource, curve: Curve | str | None = None) -> Self:
        """:meth:`from_snarkjs` for a file path only (``OSError`` if it cannot be read)."""
        json_text = _path_text(path, "proof")
        name = None if curve is None else _curve_name(curve)
        return cls._wrap(_native.Groth16Proof.from_snarkjs_json(json_text, name))

    @classmethod
    def from_bytes(cls, data: bytes, curve: Curve | str) -> Self:
        """Reads ark-groth16's ``Proof`` serialization ``A ‖ B ‖ C``: 128 (compressed) or 256
        bytes on BN254, 192 or 384 on BLS12-381.

        :raises ValueError: another length.
        :raises EncodingError: a point malformed, off the curve or outside the subgroup.
        """
        native = _native.Groth16Proof.from_arkworks_bytes(
            _curve_name(curve), as_bytes(data, "data")
        )
        return cls._wrap(native)

    def to_snarkjs(self) -> dict[str, Any]:
        """The proof as a snarkjs ``proof.json`` object."""
        value: dict[str, Any] = json.loads(self._proof.to_snarkjs_json())
        return value

    def to_bytes(self, compressed: bool = True) -> bytes:
        """ark-groth16's ``Proof`` serialization."""
        return self._proof.to_arkworks_bytes(compressed)

    @property
    def curve(self) -> Curve:
        """The proof's curve."""
        return Curve(self._proof.curve)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Proof):
            return NotImplemented
        return self._proof == other._proof

    def __hash__(self) -> int:
        return hash(self._proof)

    def __repr__(self) -> str:
        return f"<Groth16 Proof {self.curve.value}>"


_DECIMAL = re.compile(r"0|[1-9][0-9]{0,159}")


def public_inputs_from_snarkjs(source: JsonSource) -> list[int]:
    """Reads a snarkjs ``public.json``: a list of decimal strings (public signals in circuit
    order, outputs first). Integers are accepted in a parsed list too.

    Range and count are checked against a key by :func:`verify`.

    :raises EncodingError: not a list of decimal strings (no sign, spaces or leading zeros).
    """
    return _public_inputs(_read_value(source, "public inputs"))


def public_inputs_from_snarkjs_text(text: TextSource) -> list[int]:
    """:func:`public_inputs_from_snarkjs` for JSON text (``str`` or UTF-8 ``bytes``) only,
    never read as a path."""
    return _public_inputs(_loads(_text_of(text, "public inputs"), "public inputs"))


def public_inputs_from_snarkjs_path(path: PathSource) -> list[int]:
    """:func:`public_inputs_from_snarkjs` for a file path only."""
    return _public_inputs(_loads(_path_text(path, "public inputs"), "public inputs"))


def _public_inputs(value: Any) -> list[int]:
    if not isinstance(value, (list, tuple)):
        raise EncodingError("public inputs: expected a JSON list of decimal strings")
    out: list[int] = []
    for i, item in enumerate(value):
        if isinstance(item, str) and _DECIMAL.fullmatch(item):
            out.append(int(item))
        elif type(item) is int and item >= 0:
            out.append(item)
        else:
            raise EncodingError(
                f"public inputs: item {i} must be a decimal string without sign, spaces or "
                "leading zeros"
            )
    return out


def _encode_inputs(public_inputs: Sequence[int], where: str = "") -> list[bytes]:
    if isinstance(public_inputs, (str, bytes)):
        raise TypeError(f"{where}public inputs must be a sequence of integers")
    out = []
    for i, x in enumerate(public_inputs):
        if type(x) is not int:
            if isinstance(x, int) and not isinstance(x, bool):
                x = int(x)
            else:
                raise TypeError(f"{where}public input {i} must be an int, not {type(x).__name__}")
        if x < 0:
            raise ValueError(f"{where}public input {i} must be non-negative (below r)")
        out.append(x.to_bytes((x.bit_length() + 7) // 8, "big"))
    return out


def _check_types(vk: object, proof: object, where: str = "") -> None:
    if not isinstance(vk, VerifyingKey):
        raise TypeError(f"expected a groth16.VerifyingKey, not {type(vk).__name__}")
    if not isinstance(proof, Proof):
        raise TypeError(f"{where}expected a groth16.Proof, not {type(proof).__name__}")


def verify(vk: VerifyingKey, proof: Proof, public_inputs: Sequence[int]) -> None:
    """Verifies one Groth16 proof under ``vk`` for ``public_inputs`` (integers in ``[0, r)``).

    :raises InvalidProof: the proof does not verify (no detail, on purpose).
    :raises ValueError: wrong number of public inputs, an input not below r, or the proof and
        key on different curves.
    """
    _check_types(vk, proof)
    vk._key.verify(proof._proof, _encode_inputs(public_inputs))


def verify_many(vk: VerifyingKey, items: Sequence[tuple[Proof, Sequence[int]]]) -> list[bool]:
    """Verifies many ``(proof, public_inputs)`` items under one key; one ``bool`` per item.

    The proofs are checked together by a random linear combination (128-bit coefficients from
    the OS generator), one chunk per core; a chunk that fails is re-checked proof by proof, so
    the result names the invalid proofs. A malformed item (other curve, wrong input count, input
    not below r) raises ``ValueError`` for the whole call, naming the item.
    """
    native = []
    for i, item in enumerate(items):
        if not isinstance(item, tuple) or len(item) != 2:
            raise ValueError(f"item {i} must be a (proof, public_inputs) tuple")
        proof, inputs = item
        _check_types(vk, proof, f"item {i}: ")
        native.append((proof._proof, _encode_inputs(inputs, f"item {i}: ")))
    return vk._key.verify_many(native)
