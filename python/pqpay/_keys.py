"""The wrapper shape every pqpay key class shares (foundation layer; used by :mod:`pqpay.kem`
and :mod:`pqpay.signatures`).

A key object holds one native handle in ``_key`` and is made only by its class's constructors
(``generate``, ``from_*_bytes``, the loaders), never by ``__init__``. Keys are immutable, so a
copy is the key itself; they are never pickled (a secret must leave only through an explicit
``private_bytes*`` call) and never show key material in ``repr``. Public keys compare and hash
by value.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn, Self

__all__ = ["NativeKey", "NativePublicKey"]


class NativeKey:
    """Base of every pqpay key class."""

    __slots__ = ("_key",)
    _key: Any
    _MAKE_WITH: ClassVar[str]  # what ``__init__``'s error points to
    _PICKLE_HINT: ClassVar[str]  # what ``__reduce__``'s error points to

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(f"use {type(self).__name__}.{self._MAKE_WITH}")

    @classmethod
    def _wrap(cls, native: Any) -> Self:
        obj = object.__new__(cls)
        obj._key = native
        return obj

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError(self._PICKLE_HINT)


class NativePublicKey(NativeKey):
    """Base of the public-key classes: equal and hashable by the encoded key."""

    __slots__ = ()
    _MAKE_WITH = "from_public_bytes() to make a public key"
    _PICKLE_HINT = "keys cannot be pickled; use public_bytes_raw() or public_bytes()"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NativePublicKey):
            return NotImplemented
        return bool(self._key == other._key)

    def __hash__(self) -> int:
        return hash(self._key)
