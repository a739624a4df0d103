"""Digital signatures: ML-DSA (FIPS 204), Ed25519 / Ed448 (RFC 8032), SLH-DSA (FIPS 205) and
composite ML-DSA (draft-ietf-lamps-pq-composite-sigs-19).

The API follows pyca/cryptography's shape::

    private_key = MLDSA65PrivateKey.generate()
    signature = private_key.sign(b"payment", context=b"gateway-v1")
    private_key.public_key().verify(signature, b"payment", context=b"gateway-v1")

Signing is hedged (fresh randomness) by default; :func:`pqpay.hazmat.sign_deterministic` gives
the deterministic variant for known-answer tests. ``context`` is at most 255 bytes (longer raises
``ValueError``); Ed25519 has no context, so it accepts only the empty one. Every verification
failure raises the same :class:`~pqpay.exceptions.InvalidSignature`, without detail.

Sizes in bytes (composite ECDSA signatures are DER and vary up to the size given):

==========================  ===========  ==========  =========
algorithm                   private key  public key  signature
==========================  ===========  ==========  =========
ML-DSA-44                   32 (seed)    1312        2420
ML-DSA-65                   32 (seed)    1952        3309
ML-DSA-87                   32 (seed)    2592        4627
Ed25519                     32           32          64
Ed448                       57           57          114
SLH-DSA-SHA2/SHAKE-128s     64           32          7856
SLH-DSA-SHA2/SHAKE-128f     64           32          17088
SLH-DSA-SHA2/SHAKE-192s     96           48          16224
SLH-DSA-SHA2/SHAKE-192f     96           48          35664
SLH-DSA-SHA2/SHAKE-256s     128          64          29792
SLH-DSA-SHA2/SHAKE-256f     128          64          49856
MLDSA44-Ed25519-SHA512      64           1344        2484
MLDSA65-Ed25519-SHA512      64           1984        3373
MLDSA87-Ed448-SHAKE256      89           2649        4741
MLDSA65-ECDSA-P256-SHA512   83           2017        <= 3381
MLDSA87-ECDSA-P384-SHA512   96           2689        <= 4731
==========================  ===========  ==========  =========
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, Self, TypeVar

from pqpay import _native, _serialization
from pqpay._bytes import as_bytes, context_bytes
from pqpay._keys import NativeKey, NativePublicKey
from pqpay._serialization import Encoding, MLDSAPrivateKeyForm, PrivateFormat, PublicFormat

__all__ = [
    "PRIVATE_KEY_CLASSES",
    "PUBLIC_KEY_CLASSES",
    "Ed448PrivateKey",
    "Ed448PublicKey",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "MLDSA44Ed25519PrivateKey",
    "MLDSA44Ed25519PublicKey",
    "MLDSA44PrivateKey",
    "MLDSA44PublicKey",
    "MLDSA65Ed25519PrivateKey",
    "MLDSA65Ed25519PublicKey",
    "MLDSA65P256PrivateKey",
    "MLDSA65P256PublicKey",
    "MLDSA65PrivateKey",
    "MLDSA65PublicKey",
    "MLDSA87Ed448PrivateKey",
    "MLDSA87Ed448PublicKey",
    "MLDSA87P384PrivateKey",
    "MLDSA87P384PublicKey",
    "MLDSA87PrivateKey",
    "MLDSA87PublicKey",
    "SLHDSASHA2_128fPrivateKey",
    "SLHDSASHA2_128fPublicKey",
    "SLHDSASHA2_128sPrivateKey",
    "SLHDSASHA2_128sPublicKey",
    "SLHDSASHA2_192fPrivateKey",
    "SLHDSASHA2_192fPublicKey",
    "SLHDSASHA2_192sPrivateKey",
    "SLHDSASHA2_192sPublicKey",
    "SLHDSASHA2_256fPrivateKey",
    "SLHDSASHA2_256fPublicKey",
    "SLHDSASHA2_256sPrivateKey",
    "SLHDSASHA2_256sPublicKey",
    "SLHDSASHAKE_128fPrivateKey",
    "SLHDSASHAKE_128fPublicKey",
    "SLHDSASHAKE_128sPrivateKey",
    "SLHDSASHAKE_128sPublicKey",
    "SLHDSASHAKE_192fPrivateKey",
    "SLHDSASHAKE_192fPublicKey",
    "SLHDSASHAKE_192sPrivateKey",
    "SLHDSASHAKE_192sPublicKey",
    "SLHDSASHAKE_256fPrivateKey",
    "SLHDSASHAKE_256fPublicKey",
    "SLHDSASHAKE_256sPrivateKey",
    "SLHDSASHAKE_256sPublicKey",
    "SignaturePrivateKey",
    "SignaturePublicKey",
    "verify_many",
]


class SignaturePublicKey(NativePublicKey):
    """A validated public key. Subclasses fix the algorithm."""

    __slots__ = ()
    ALGORITHM: ClassVar[str]
    PUBLIC_KEY_SIZE: ClassVar[int]
    SIGNATURE_SIZE: ClassVar[int]
    _key: _native.SigPublicKey

    @classmethod
    def from_public_bytes(cls, data: bytes) -> Self:
        """Parses and validates an encoded public key.

        :raises ValueError: wrong length.
        :raises InvalidKey: the bytes are not a valid key (e.g. not a curve point).
        """
        return cls._wrap(_native.SigPublicKey.from_bytes(cls.ALGORITHM, as_bytes(data, "data")))

    def public_bytes_raw(self) -> bytes:
        """The encoded public key."""
        return self._key.to_bytes()

    def public_bytes(self, encoding: Encoding, format: PublicFormat) -> bytes:
        """SubjectPublicKeyInfo in DER or PEM, or ``Raw``/``Raw`` (see pqpay.serialization)."""
        encoding = _serialization.public_output(encoding, format)
        if encoding is Encoding.Raw:
            return self.public_bytes_raw()
        return _native.sig_public_key_to_spki(self._key, encoding is Encoding.PEM)

    def verify(
        self, signature: bytes, data: bytes, context: bytes | None = b"", *, strict: bool = False
    ) -> None:
        """Verifies ``signature`` over ``data`` under ``context``.

        ECDSA is malleable: for the ECDSA composites, ``(r, n - s)`` verifies as well as
        ``(r, s)``, so anyone can make a second valid signature of a signed message. pqpay signs
        low-S only; ``strict=True`` refuses high-S as well (leave it off for signatures from
        other implementations, which the composite draft lets sign high-S). Every other
        algorithm here has one valid encoding per signature, and ``strict`` changes nothing.
        Deduplicate on the signed data, never on signature bytes, unless verifying strictly.

        :raises InvalidSignature: the signature does not verify (no detail is given why).
        :raises ValueError: ``context`` is longer than 255 bytes.
        """
        self._key.verify(
            as_bytes(signature, "signature"),
            as_bytes(data, "data"),
            context_bytes(context),
            strict,
        )


_Pub = TypeVar("_Pub", bound=SignaturePublicKey)


class SignaturePrivateKey(NativeKey, Generic[_Pub]):
    """A private signing key. Secret material never appears in ``repr``."""

    __slots__ = ()
    _MAKE_WITH = "generate() or .from_private_bytes() to make a private key"
    _PICKLE_HINT = "keys cannot be pickled; use private_bytes() with care"
    ALGORITHM: ClassVar[str]
    PRIVATE_KEY_SIZE: ClassVar[int]
    _PUBLIC: ClassVar[type[Any]]
    _key: _native.SigPrivateKey

    @classmethod
    def generate(cls) -> Self:
        """A fresh key pair from the operating system's generator."""
        return cls._wrap(_native.SigPrivateKey.generate(cls.ALGORITHM))

    @classmethod
    def from_private_bytes(cls, data: bytes) -> Self:
        """Reads the raw private key (the form :meth:`private_bytes_raw` writes).

        :raises ValueError: wrong length.
        :raises InvalidKey: the bytes are not a valid private key.
        """
        return cls._wrap(
            _native.SigPrivateKey.from_private_bytes(cls.ALGORITHM, as_bytes(data, "data"))
        )

    def private_bytes_raw(self) -> bytes:
        """The raw private key (ML-DSA: the 32-byte seed; see the table in this module)."""
        return self._key.private_bytes()

    def private_bytes(
        self,
        encoding: Encoding,
        format: PrivateFormat,
        encryption_algorithm: Any = None,
        *,
        mldsa_form: MLDSAPrivateKeyForm | None = None,
    ) -> bytes:
        """PKCS#8 in DER or PEM, or ``Raw``/``Raw`` (see pqpay.serialization).

        ``encryption_algorithm``: None or ``NoEncryption()`` (in the clear), or
        ``BestAvailableEncryption(password)`` for encrypted PKCS#8 (pqpay's or pyca's classes;
        pyca's ``Encoding``/``PrivateFormat`` enums work too). ``mldsa_form`` picks the ML-DSA
        private-key CHOICE (default: seed).
        """
        encoding, password = _serialization.private_output(encoding, format, encryption_algorithm)
        if encoding is Encoding.Raw:
            return self.private_bytes_raw()
        form = _serialization.mldsa_form_value(mldsa_form)
        if password is not None:
            return _native.encrypt_private_key(self._key, encoding is Encoding.PEM, form, password)
        return _native.sig_private_key_to_pkcs8(self._key, encoding is Encoding.PEM, form)

    def public_key(self) -> _Pub:
        """The matching public key."""
        pub: _Pub = self._PUBLIC._wrap(self._key.public_key())
        return pub

    def sign(self, data: bytes, context: bytes | None = b"") -> bytes:
        """Signs ``data`` under ``context`` (hedged: fresh randomness each call).

        :raises ValueError: ``context`` is longer than 255 bytes (or non-empty for Ed25519).
        """
        return self._key.sign(as_bytes(data, "data"), context_bytes(context))

    def sign_many(self, messages: Iterable[bytes], context: bytes | None = b"") -> list[bytes]:
        """Signs every message under ``context``, spread over all cores, GIL released."""
        msgs = [as_bytes(m, "message") for m in messages]
        return self._key.sign_many(msgs, context_bytes(context))


def verify_many(
    items: Sequence[
        tuple[SignaturePublicKey, bytes, bytes] | tuple[SignaturePublicKey, bytes, bytes, bytes]
    ],
) -> list[bool]:
    """Verifies many ``(public_key, signature, data[, context])`` items in one call.

    The work is spread over every core with the GIL released. Each item is verified on its
    own, exactly as its key's ``verify`` would (Ed25519 strictly, with no batch equation), so
    the answers are those of single verification. Returns one ``bool`` per item, in order, so
    a caller sees *which* items failed. A context over 255 bytes raises ``ValueError`` for the
    whole call.
    """
    native_items = []
    for i, item in enumerate(items):
        if len(item) not in (3, 4):
            raise ValueError(f"item {i} must be (public_key, signature, data[, context])")
        key = item[0]
        if not isinstance(key, SignaturePublicKey):
            raise TypeError(f"item {i}: expected a signature public key, not {type(key).__name__}")
        context = as_bytes(item[3], "context") if len(item) == 4 else b""
        native_items.append(
            (key._key, as_bytes(item[1], "signature"), as_bytes(item[2], "data"), context)
        )
    return _native.verify_many(native_items)


class _MLDSAPublicKey(SignaturePublicKey):
    """ML-DSA public keys: adds FIPS 204 "external mu" (the message representative)."""

    __slots__ = ()

    def compute_mu(self, data: bytes, context: bytes | None = b"") -> bytes:
        """The 64-byte message representative
        ``mu = SHAKE256(SHAKE256(pk, 64) || 0 || len(context) || context || data, 64)``.

        Lets a party without the private key hash a large message once; ``sign_mu`` then signs
        it, and the signature verifies with ``verify`` over ``data`` as usual.

        :raises ValueError: ``context`` is longer than 255 bytes.
        """
        return _native.mldsa_compute_mu(self._key, as_bytes(data, "data"), context_bytes(context))

    def verify_mu(self, signature: bytes, mu: bytes) -> None:
        """Verifies ``signature`` over a message representative from :meth:`compute_mu`.

        :raises InvalidSignature: the signature does not verify.
        :raises ValueError: ``mu`` is not 64 bytes.
        """
        _native.mldsa_verify_mu(self._key, as_bytes(mu, "mu"), as_bytes(signature, "signature"))


class _MLDSAPrivateKey(SignaturePrivateKey[_Pub]):
    __slots__ = ()

    def sign_mu(self, mu: bytes) -> bytes:
        """Signs a 64-byte message representative from ``compute_mu`` (hedged).

        :raises ValueError: ``mu`` is not 64 bytes.
        """
        return _native.mldsa_sign_mu(self._key, as_bytes(mu, "mu"))

    @classmethod
    def from_seed_bytes(cls, seed: bytes) -> Self:
        """Derives the key pair from its 32-byte seed (FIPS 204 ``KeyGen_internal``).

        :raises ValueError: the seed is not 32 bytes.
        """
        return cls.from_private_bytes(seed)


class MLDSA44PublicKey(_MLDSAPublicKey):
    """An ML-DSA-44 public key (FIPS 204)."""

    __slots__ = ()
    ALGORITHM = "ML-DSA-44"
    PUBLIC_KEY_SIZE = 1312
    SIGNATURE_SIZE = 2420


class MLDSA44PrivateKey(_MLDSAPrivateKey[MLDSA44PublicKey]):
    """An ML-DSA-44 private key; its raw form is the 32-byte seed."""

    __slots__ = ()
    ALGORITHM = "ML-DSA-44"
    PRIVATE_KEY_SIZE = 32
    _PUBLIC = MLDSA44PublicKey


class MLDSA65PublicKey(_MLDSAPublicKey):
    """An ML-DSA-65 public key (FIPS 204)."""

    __slots__ = ()
    ALGORITHM = "ML-DSA-65"
    PUBLIC_KEY_SIZE = 1952
    SIGNATURE_SIZE = 3309


class MLDSA65PrivateKey(_MLDSAPrivateKey[MLDSA65PublicKey]):
    """An ML-DSA-65 private key; its raw form is the 32-byte seed."""

    __slots__ = ()
    ALGORITHM = "ML-DSA-65"
    PRIVATE_KEY_SIZE = 32
    _PUBLIC = MLDSA65PublicKey


class MLDSA87PublicKey(_MLDSAPublicKey):
    """An ML-DSA-87 public key (FIPS 204)."""

    __slots__ = ()
    ALGORITHM = "ML-DSA-87"
    PUBLIC_KEY_SIZE = 2592
    SIGNATURE_SIZE = 4627


class MLDSA87PrivateKey(_MLDSAPrivateKey[MLDSA87PublicKey]):
    """An ML-DSA-87 private key; its raw form is the 32-byte seed."""

    __slots__ = ()
    ALGORITHM = "ML-DSA-87"
    PRIVATE_KEY_SIZE = 32
    _PUBLIC = MLDSA87PublicKey


class Ed25519PublicKey(SignaturePublicKey):
    """An Ed25519 public key; verification is strict (canonical encodings, no small order)."""

    __slots__ = ()
    ALGORITHM = "Ed25519"
    PUBLIC_KEY_SIZE = 32
    SIGNATURE_SIZE = 64


class Ed25519PrivateKey(SignaturePrivateKey[Ed25519PublicKey]):
    """An Ed25519 private key (RFC 8032); signatures take no context."""

    __slots__ = ()
    ALGORITHM = "Ed25519"
    PRIVATE_KEY_SIZE = 32
    _PUBLIC = Ed25519PublicKey


class Ed448PublicKey(SignaturePublicKey):
    """An Ed448 public key (RFC 8032)."""

    __slots__ = ()
    ALGORITHM = "Ed448"
    PUBLIC_KEY_SIZE = 57
    SIGNATURE_SIZE = 114


class Ed448PrivateKey(SignaturePrivateKey[Ed448PublicKey]):
    """An Ed448 private key (RFC 8032); ``context`` is Ed448's context string."""

    __slots__ = ()
    ALGORITHM = "Ed448"
    PRIVATE_KEY_SIZE = 57
    _PUBLIC = Ed448PublicKey


# --- composite split signing ----------------------------------------------------------------
# For a signer that holds the two halves of a composite key apart (an HSM signs the traditional
# half in the token, the ML-DSA half from a sealed seed): the Label, M' and the byte layouts come
# from the core and the component classes, so no caller rebuilds the composite by hand.


class _CompositePublicKey(SignaturePublicKey):
    """Composite ML-DSA public keys (``mldsa_pk || traditional_pk``), with the split-signing API.

    Split signing, byte-compatible with :meth:`verify`::

        m_prime = cls.message_representative(data, context)
        signature = cls.combine(mldsa_key.sign(m_prime, context=cls.LABEL),
                                traditional_key.sign(m_prime))
    """

    __slots__ = ()
    #: The ML-DSA component's public-key class.
    MLDSA: ClassVar[type[_MLDSAPublicKey]]
    #: The composite Label: the FIPS 204 context the ML-DSA half signs M' under (from the core).
    LABEL: ClassVar[bytes]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.LABEL = _native.composite_label(cls.ALGORITHM)

    @classmethod
    def message_representative(cls, data: bytes, context: bytes | None = b"") -> bytes:
        """``M' = Prefix || Label || len(ctx) || ctx || PH(data)``, what both halves sign.

        :raises ValueError: ``context`` is longer than 255 bytes.
        """
        return _native.composite_message_representative(
            cls.ALGORITHM, as_bytes(data, "data"), context_bytes(context)
        )

    @classmethod
    def split_public_key(cls, data: bytes) -> tuple[bytes, bytes]:
        """``(mldsa_public_key, traditional_public_key)`` of an encoded composite public key.

        :raises ValueError: wrong length.
        """
        data = as_bytes(data, "data")
        if len(data) != cls.PUBLIC_KEY_SIZE:
            raise ValueError(
                f"{cls.ALGORITHM} public key must be {cls.PUBLIC_KEY_SIZE} bytes, got {len(data)}"
            )
        cut = cls.MLDSA.PUBLIC_KEY_SIZE
        return data[:cut], data[cut:]

    @classmethod
    def join_public_key(cls, mldsa_public_key: bytes, traditional_public_key: bytes) -> bytes:
        """The encoded composite public key of its two components (lengths checked only).

        :raises ValueError: a component has the wrong length.
        """
        mldsa = as_bytes(mldsa_public_key, "mldsa_public_key")
        trad = as_bytes(traditional_public_key, "traditional_public_key")
        want = cls.MLDSA.PUBLIC_KEY_SIZE
        if len(mldsa) != want or len(mldsa) + len(trad) != cls.PUBLIC_KEY_SIZE:
            raise ValueError(
                f"{cls.ALGORITHM} components must be {want} + {cls.PUBLIC_KEY_SIZE - want} bytes,"
                f" got {len(mldsa)} + {len(trad)}"
            )
        return mldsa + trad

    @classmethod
    def combine(cls, mldsa_signature: bytes, traditional_signature: bytes) -> bytes:
        """The composite signature ``mldsa_sig || traditional_sig`` (lengths checked only; the
        result is checked by :meth:`verify`).

        :raises ValueError: a component has an impossible length.
        """
        mldsa = as_bytes(mldsa_signature, "mldsa_signature")
        trad = as_bytes(traditional_signature, "traditional_signature")
        want = cls.MLDSA.SIGNATURE_SIZE
        if len(mldsa) != want or not trad or len(mldsa) + len(trad) > cls.SIGNATURE_SIZE:
            raise ValueError(
                f"{cls.ALGORITHM} signature halves must be {want} + at most "
                f"{cls.SIGNATURE_SIZE - want} bytes, got {len(mldsa)} + {len(trad)}"
            )
        return mldsa + trad


# --- end of composite split signing ---------------------------------------------------------


class MLDSA44Ed25519PublicKey(_CompositePublicKey):
    """An id-MLDSA44-Ed25519-SHA512 composite public key (ML-DSA-44 key || Ed25519 key)."""

    __slots__ = ()
    ALGORITHM = "MLDSA44-Ed25519-SHA512"
    MLDSA = MLDSA44PublicKey
    PUBLIC_KEY_SIZE = 1344
    SIGNATURE_SIZE = 2484


class MLDSA44Ed25519PrivateKey(SignaturePrivateKey[MLDSA44Ed25519PublicKey]):
    """An id-MLDSA44-Ed25519-SHA512 composite private key (ML-DSA seed || Ed25519 key)."""

    __slots__ = ()
    ALGORITHM = "MLDSA44-Ed25519-SHA512"
    PRIVATE_KEY_SIZE = 64
    _PUBLIC = MLDSA44Ed25519PublicKey


class MLDSA65Ed25519PublicKey(_CompositePublicKey):
    """An id-MLDSA65-Ed25519-SHA512 composite public key."""

    __slots__ = ()
    ALGORITHM = "MLDSA65-Ed25519-SHA512"
    MLDSA = MLDSA65PublicKey
    PUBLIC_KEY_SIZE = 1984
    SIGNATURE_SIZE = 3373


class MLDSA65Ed25519PrivateKey(SignaturePrivateKey[MLDSA65Ed25519PublicKey]):
    """An id-MLDSA65-Ed25519-SHA512 composite private key."""

    __slots__ = ()
    ALGORITHM = "MLDSA65-Ed25519-SHA512"
    PRIVATE_KEY_SIZE = 64
    _PUBLIC = MLDSA65Ed25519PublicKey


class MLDSA87Ed448PublicKey(_CompositePublicKey):
    """An id-MLDSA87-Ed448-SHAKE256 composite public key."""

    __slots__ = ()
    ALGORITHM = "MLDSA87-Ed448-SHAKE256"
    MLDSA = MLDSA87PublicKey
    PUBLIC_KEY_SIZE = 2649
    SIGNATURE_SIZE = 4741


class MLDSA87Ed448PrivateKey(SignaturePrivateKey[MLDSA87Ed448PublicKey]):
    """An id-MLDSA87-Ed448-SHAKE256 composite private key."""

    __slots__ = ()
    ALGORITHM = "MLDSA87-Ed448-SHAKE256"
    PRIVATE_KEY_SIZE = 89
    _PUBLIC = MLDSA87Ed448PublicKey


class MLDSA65P256PublicKey(_CompositePublicKey):
    """An id-MLDSA65-ECDSA-P256-SHA512 composite public key (ECDSA point uncompressed)."""

    __slots__ = ()
    ALGORITHM = "MLDSA65-ECDSA-P256-SHA512"
    MLDSA = MLDSA65PublicKey
    PUBLIC_KEY_SIZE = 2017
    SIGNATURE_SIZE = 3381  # the maximum: the ECDSA part is DER


class MLDSA65P256PrivateKey(SignaturePrivateKey[MLDSA65P256PublicKey]):
    """An id-MLDSA65-ECDSA-P256-SHA512 composite private key (seed || ECPrivateKey DER)."""

    __slots__ = ()
    ALGORITHM = "MLDSA65-ECDSA-P256-SHA512"
    PRIVATE_KEY_SIZE = 83
    _PUBLIC = MLDSA65P256PublicKey


class MLDSA87P384PublicKey(_CompositePublicKey):
    """An id-MLDSA87-ECDSA-P384-SHA512 composite public key."""

    __slots__ = ()
    ALGORITHM = "MLDSA87-ECDSA-P384-SHA512"
    MLDSA = MLDSA87PublicKey
    PUBLIC_KEY_SIZE = 2689
    SIGNATURE_SIZE = 4731  # the maximum: the ECDSA part is DER


class MLDSA87P384PrivateKey(SignaturePrivateKey[MLDSA87P384PublicKey]):
    """An id-MLDSA87-ECDSA-P384-SHA512 composite private key."""

    __slots__ = ()
    ALGORITHM = "MLDSA87-ECDSA-P384-SHA512"
    PRIVATE_KEY_SIZE = 96
    _PUBLIC = MLDSA87P384PublicKey


class SLHDSASHA2_128sPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHA2-128s public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-128s"
    PUBLIC_KEY_SIZE = 32
    SIGNATURE_SIZE = 7856


class SLHDSASHA2_128sPrivateKey(SignaturePrivateKey[SLHDSASHA2_128sPublicKey]):
    """An SLH-DSA-SHA2-128s private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-128s"
    PRIVATE_KEY_SIZE = 64
    _PUBLIC = SLHDSASHA2_128sPublicKey


class SLHDSASHA2_128fPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHA2-128f public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-128f"
    PUBLIC_KEY_SIZE = 32
    SIGNATURE_SIZE = 17088


class SLHDSASHA2_128fPrivateKey(SignaturePrivateKey[SLHDSASHA2_128fPublicKey]):
    """An SLH-DSA-SHA2-128f private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-128f"
    PRIVATE_KEY_SIZE = 64
    _PUBLIC = SLHDSASHA2_128fPublicKey


class SLHDSASHA2_192sPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHA2-192s public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-192s"
    PUBLIC_KEY_SIZE = 48
    SIGNATURE_SIZE = 16224


class SLHDSASHA2_192sPrivateKey(SignaturePrivateKey[SLHDSASHA2_192sPublicKey]):
    """An SLH-DSA-SHA2-192s private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-192s"
    PRIVATE_KEY_SIZE = 96
    _PUBLIC = SLHDSASHA2_192sPublicKey


class SLHDSASHA2_192fPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHA2-192f public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-192f"
    PUBLIC_KEY_SIZE = 48
    SIGNATURE_SIZE = 35664


class SLHDSASHA2_192fPrivateKey(SignaturePrivateKey[SLHDSASHA2_192fPublicKey]):
    """An SLH-DSA-SHA2-192f private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-192f"
    PRIVATE_KEY_SIZE = 96
    _PUBLIC = SLHDSASHA2_192fPublicKey


class SLHDSASHA2_256sPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHA2-256s public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-256s"
    PUBLIC_KEY_SIZE = 64
    SIGNATURE_SIZE = 29792


class SLHDSASHA2_256sPrivateKey(SignaturePrivateKey[SLHDSASHA2_256sPublicKey]):
    """An SLH-DSA-SHA2-256s private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-256s"
    PRIVATE_KEY_SIZE = 128
    _PUBLIC = SLHDSASHA2_256sPublicKey


class SLHDSASHA2_256fPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHA2-256f public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-256f"
    PUBLIC_KEY_SIZE = 64
    SIGNATURE_SIZE = 49856


class SLHDSASHA2_256fPrivateKey(SignaturePrivateKey[SLHDSASHA2_256fPublicKey]):
    """An SLH-DSA-SHA2-256f private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHA2-256f"
    PRIVATE_KEY_SIZE = 128
    _PUBLIC = SLHDSASHA2_256fPublicKey


class SLHDSASHAKE_128sPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHAKE-128s public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-128s"
    PUBLIC_KEY_SIZE = 32
    SIGNATURE_SIZE = 7856


class SLHDSASHAKE_128sPrivateKey(SignaturePrivateKey[SLHDSASHAKE_128sPublicKey]):
    """An SLH-DSA-SHAKE-128s private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-128s"
    PRIVATE_KEY_SIZE = 64
    _PUBLIC = SLHDSASHAKE_128sPublicKey


class SLHDSASHAKE_128fPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHAKE-128f public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-128f"
    PUBLIC_KEY_SIZE = 32
    SIGNATURE_SIZE = 17088


class SLHDSASHAKE_128fPrivateKey(SignaturePrivateKey[SLHDSASHAKE_128fPublicKey]):
    """An SLH-DSA-SHAKE-128f private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-128f"
    PRIVATE_KEY_SIZE = 64
    _PUBLIC = SLHDSASHAKE_128fPublicKey


class SLHDSASHAKE_192sPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHAKE-192s public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-192s"
    PUBLIC_KEY_SIZE = 48
    SIGNATURE_SIZE = 16224


class SLHDSASHAKE_192sPrivateKey(SignaturePrivateKey[SLHDSASHAKE_192sPublicKey]):
    """An SLH-DSA-SHAKE-192s private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-192s"
    PRIVATE_KEY_SIZE = 96
    _PUBLIC = SLHDSASHAKE_192sPublicKey


class SLHDSASHAKE_192fPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHAKE-192f public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-192f"
    PUBLIC_KEY_SIZE = 48
    SIGNATURE_SIZE = 35664


class SLHDSASHAKE_192fPrivateKey(SignaturePrivateKey[SLHDSASHAKE_192fPublicKey]):
    """An SLH-DSA-SHAKE-192f private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-192f"
    PRIVATE_KEY_SIZE = 96
    _PUBLIC = SLHDSASHAKE_192fPublicKey


class SLHDSASHAKE_256sPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHAKE-256s public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-256s"
    PUBLIC_KEY_SIZE = 64
    SIGNATURE_SIZE = 29792


class SLHDSASHAKE_256sPrivateKey(SignaturePrivateKey[SLHDSASHAKE_256sPublicKey]):
    """An SLH-DSA-SHAKE-256s private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-256s"
    PRIVATE_KEY_SIZE = 128
    _PUBLIC = SLHDSASHAKE_256sPublicKey


class SLHDSASHAKE_256fPublicKey(SignaturePublicKey):
    """An SLH-DSA-SHAKE-256f public key (FIPS 205): PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-256f"
    PUBLIC_KEY_SIZE = 64
    SIGNATURE_SIZE = 49856


class SLHDSASHAKE_256fPrivateKey(SignaturePrivateKey[SLHDSASHAKE_256fPublicKey]):
    """An SLH-DSA-SHAKE-256f private key: SK.seed || SK.prf || PK.seed || PK.root."""

    __slots__ = ()
    ALGORITHM = "SLH-DSA-SHAKE-256f"
    PRIVATE_KEY_SIZE = 128
    _PUBLIC = SLHDSASHAKE_256fPublicKey


PRIVATE_KEY_CLASSES: dict[str, type[SignaturePrivateKey[Any]]] = {
    c.ALGORITHM: c
    for c in (
        MLDSA44PrivateKey,
        MLDSA65PrivateKey,
        MLDSA87PrivateKey,
        Ed25519PrivateKey,
        Ed448PrivateKey,
        MLDSA44Ed25519PrivateKey,
        MLDSA65Ed25519PrivateKey,
        MLDSA87Ed448PrivateKey,
        MLDSA65P256PrivateKey,
        MLDSA87P384PrivateKey,
        SLHDSASHA2_128sPrivateKey,
        SLHDSASHA2_128fPrivateKey,
        SLHDSASHA2_192sPrivateKey,
        SLHDSASHA2_192fPrivateKey,
        SLHDSASHA2_256sPrivateKey,
        SLHDSASHA2_256fPrivateKey,
        SLHDSASHAKE_128sPrivateKey,
        SLHDSASHAKE_128fPrivateKey,
        SLHDSASHAKE_192sPrivateKey,
        SLHDSASHAKE_192fPrivateKey,
        SLHDSASHAKE_256sPrivateKey,
        SLHDSASHAKE_256fPrivateKey,
    )
}
"""Every private-key class, by algorithm name."""

PUBLIC_KEY_CLASSES: dict[str, type[SignaturePublicKey]] = {
    c.ALGORITHM: c._PUBLIC for c in PRIVATE_KEY_CLASSES.values()
}
"""Every public-key class, by algorithm name."""
