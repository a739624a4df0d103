"""Key encapsulation: ML-KEM (FIPS 203), X25519, X-Wing, X25519MLKEM768 and the HPKE-PQ hybrids.

The API follows pyca/cryptography's shape::

    private_key = MLKEM768PrivateKey.generate()
    shared_secret, ciphertext = private_key.public_key().encapsulate()
    assert private_key.decapsulate(ciphertext) == shared_secret

Sizes in bytes:

================  =====  ==========  ==========  =============
algorithm         seed   public key  ciphertext  shared secret
================  =====  ==========  ==========  =============
ML-KEM-512        64     800         768         32
ML-KEM-768        64     1184        1088        32
ML-KEM-1024       64     1568        1568        32
X25519 (DHKEM)    32     32          32          32
X-Wing            32     1216        1120        32
X25519MLKEM768    96     1216        1120        64
MLKEM768-P256     32     1249        1153        32
MLKEM1024-P384    32     1665        1665        32
================  =====  ==========  ==========  =============

Decapsulating a wrong ciphertext of the right length returns the implicit-rejection secret
(ML-KEM, X-Wing) and raises nothing; a ciphertext of the wrong length raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, Self, TypeVar

from pqpay import _native, _serialization
from pqpay._bytes import as_bytes
from pqpay._keys import NativeKey, NativePublicKey
from pqpay._serialization import Encoding, MLKEMPrivateKeyForm, PrivateFormat, PublicFormat
from pqpay.exceptions import InvalidKey

__all__ = [
    "KEMPrivateKey",
    "KEMPublicKey",
    "MLKEM512PrivateKey",
    "MLKEM512PublicKey",
    "MLKEM768P256PrivateKey",
    "MLKEM768P256PublicKey",
    "MLKEM768PrivateKey",
    "MLKEM768PublicKey",
    "MLKEM1024P384PrivateKey",
    "MLKEM1024P384PublicKey",
    "MLKEM1024PrivateKey",
    "MLKEM1024PublicKey",
    "X25519MLKEM768PrivateKey",
    "X25519MLKEM768PublicKey",
    "X25519PrivateKey",
    "X25519PublicKey",
    "XWingPrivateKey",
    "XWingPublicKey",
    "encapsulate_many",
]


class KEMPublicKey(NativePublicKey):
    """A validated public (encapsulation) key. Subclasses fix the algorithm."""

    __slots__ = ()
    ALGORITHM: ClassVar[str]
    PUBLIC_KEY_SIZE: ClassVar[int]
    CIPHERTEXT_SIZE: ClassVar[int]
    SHARED_SECRET_SIZE: ClassVar[int]
    _key: _native.KemPublicKey

    @classmethod
    def from_public_bytes(cls, data: bytes) -> Self:
        """Parses and validates an encoded public key (the FIPS 203 §7.2 check for ML-KEM).

        :raises ValueError: wrong length.
        :raises InvalidKey: a coefficient >= q or another failed check.
        """
        return cls._wrap(_native.KemPublicKey.from_bytes(cls.ALGORITHM, as_bytes(data, "data")))

    def public_bytes_raw(self) -> bytes:
        """The encoded public key."""
        return self._key.to_bytes()

    def public_bytes(self, encoding: Encoding, format: PublicFormat) -> bytes:
        """SubjectPublicKeyInfo in DER or PEM, or ``Raw``/``Raw`` (see pqpay.serialization)."""
        encoding = _serialization.public_output(encoding, format)
        if encoding is Encoding.Raw:
            return self.public_bytes_raw()
        return _native.public_key_to_spki(self._key, encoding is Encoding.PEM)

    def encapsulate(self) -> tuple[bytes, bytes]:
        """Returns ``(shared_secret, ciphertext)`` with fresh randomness (pyca's order)."""
        return self._key.encapsulate()


_Pub = TypeVar("_Pub", bound=KEMPublicKey)


class KEMPrivateKey(NativeKey, Generic[_Pub]):
    """A private (decapsulation) key. Secret material never appears in ``repr``."""

    __slots__ = ()
    _MAKE_WITH = "generate() or .from_seed_bytes() to make a private key"
    _PICKLE_HINT = "private keys cannot be pickled; use private_bytes_raw() explicitly"
    ALGORITHM: ClassVar[str]
    SEED_SIZE: ClassVar[int]
    _PUBLIC: ClassVar[type[Any]]
    _key: _native.KemPrivateKey

    @classmethod
    def generate(cls) -> Self:
        """A fresh key pair from the operating system's generator."""
        return cls._wrap(_native.KemPrivateKey.generate(cls.ALGORITHM))

    @classmethod
    def from_seed_bytes(cls, seed: bytes) -> Self:
        """Derives the key pair from its seed (see the size table in this module).

        :raises ValueError: wrong seed length.
        """
        return cls._wrap(_native.KemPrivateKey.from_seed(cls.ALGORITHM, as_bytes(seed, "seed")))

    def private_bytes_raw(self) -> bytes:
        """The seed: the canonical private key.

        :raises InvalidKey: the key was imported in expanded form and has no seed.
        """
        seed = self._key.seed()
        if seed is None:
            raise InvalidKey(
                f"this {self.ALGORITHM} key was loaded from its expanded form and has no seed"
            )
        return seed

    def private_bytes(
        self,
        encoding: Encoding,
        format: PrivateFormat,
        encryption_algorithm: object = None,
        *,
        mlkem_form: MLKEMPrivateKeyForm | None = None,
    ) -> bytes:
        """PKCS#8 in DER or PEM, or ``Raw``/``Raw`` (the seed); see pqpay.serialization.

        ``encryption_algorithm``: None or ``NoEncryption()`` (in the clear), or
        ``BestAvailableEncryption(password)`` for encrypted PKCS#8 (pqpay's or pyca's classes;
        pyca's ``Encoding``/``PrivateFormat`` enums work too). ``mlkem_form`` picks the ML-KEM
        private-key CHOICE (default: seed).
        """
        encoding, password = _serialization.private_output(encoding, format, encryption_algorithm)
        if encoding is Encoding.Raw:
            return self.private_bytes_raw()
        form = _serialization.mlkem_form_value(mlkem_form)
        if password is not None:
            return _native.encrypt_private_key(self._key, encoding is Encoding.PEM, form, password)
        return _native.private_key_to_pkcs8(self._key, encoding is Encoding.PEM, form)

    def public_key(self) -> _Pub:
        """The matching public key."""
        pub: _Pub = self._PUBLIC._wrap(self._key.public_key())
        return pub

    def decapsulate(self, ciphertext: bytes) -> bytes:
        """Recovers the shared secret; a tampered ciphertext gives the implicit-rejection secret.

        :raises ValueError: wrong ciphertext length.
        """
        return self._key.decapsulate(as_bytes(ciphertext, "ciphertext"))

    def decapsulate_many(self, ciphertexts: Iterable[bytes]) -> list[bytes]:
        """Decapsulates many ciphertexts in one call, on every core, without the GIL."""
        return self._key.decapsulate_many([as_bytes(c, "ciphertext") for c in ciphertexts])


def encapsulate_many(public_keys: Sequence[KEMPublicKey]) -> list[tuple[bytes, bytes]]:
    """Encapsulates to every public key in one call: ``[(shared_secret, ciphertext), ...]``."""
    natives = []
    for k in public_keys:
        if not isinstance(k, KEMPublicKey):
            raise TypeError(f"expected KEM public keys, got {type(k).__name__}")
        natives.append(k._key)
    return _native.encapsulate_many(natives)


# --- concrete algorithms -------------------------------------------------------------------


class MLKEM512PublicKey(KEMPublicKey):
    """ML-KEM-512 encapsulation key (800 bytes)."""

    __slots__ = ()
    ALGORITHM = "ML-KEM-512"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 800, 768, 32


class MLKEM512PrivateKey(KEMPrivateKey[MLKEM512PublicKey]):
    """ML-KEM-512 decapsulation key; seed is ``d || z`` (64 bytes)."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "ML-KEM-512", 64, MLKEM512PublicKey


class MLKEM768PublicKey(KEMPublicKey):
    """ML-KEM-768 encapsulation key (1184 bytes)."""

    __slots__ = ()
    ALGORITHM = "ML-KEM-768"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 1184, 1088, 32


class MLKEM768PrivateKey(KEMPrivateKey[MLKEM768PublicKey]):
    """ML-KEM-768 decapsulation key; seed is ``d || z`` (64 bytes)."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "ML-KEM-768", 64, MLKEM768PublicKey


class MLKEM1024PublicKey(KEMPublicKey):
    """ML-KEM-1024 encapsulation key (1568 bytes)."""

    __slots__ = ()
    ALGORITHM = "ML-KEM-1024"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 1568, 1568, 32


class MLKEM1024PrivateKey(KEMPrivateKey[MLKEM1024PublicKey]):
    """ML-KEM-1024 decapsulation key; seed is ``d || z`` (64 bytes)."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "ML-KEM-1024", 64, MLKEM1024PublicKey


class X25519PublicKey(KEMPublicKey):
    """X25519 public key (32 bytes). As a KEM it is DHKEM(X25519, HKDF-SHA256) of RFC 9180."""

    __slots__ = ()
    ALGORITHM = "X25519"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 32, 32, 32


class X25519PrivateKey(KEMPrivateKey[X25519PublicKey]):
    """X25519 private key; the seed is the 32-byte private scalar."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "X25519", 32, X25519PublicKey

    @classmethod
    def from_private_bytes(cls, data: bytes) -> Self:
        """Alias of :meth:`from_seed_bytes`, as in pyca/cryptography."""
        return cls.from_seed_bytes(data)

    def exchange(self, peer_public_key: X25519PublicKey | bytes) -> bytes:
        """Raw X25519 (RFC 7748).

        :raises InvalidKey: the result is all zeros (a low-order peer key).
        """
        peer = (
            peer_public_key.public_bytes_raw()
            if isinstance(peer_public_key, X25519PublicKey)
            else as_bytes(peer_public_key, "peer_public_key")
        )
        return _native.x25519_exchange(self._key, peer)


class XWingPublicKey(KEMPublicKey):
    """X-Wing public key ``pk_M || pk_X`` (1216 bytes)."""

    __slots__ = ()
    ALGORITHM = "X-Wing"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 1216, 1120, 32


class XWingPrivateKey(KEMPrivateKey[XWingPublicKey]):
    """X-Wing private key: a 32-byte seed, expanded with SHAKE256."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "X-Wing", 32, XWingPublicKey


class X25519MLKEM768PublicKey(KEMPublicKey):
    """TLS X25519MLKEM768 client share ``ek || x25519`` (1216 bytes)."""

    __slots__ = ()
    ALGORITHM = "X25519MLKEM768"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 1216, 1120, 64


class X25519MLKEM768PrivateKey(KEMPrivateKey[X25519MLKEM768PublicKey]):
    """TLS X25519MLKEM768 private key; seed is ``d || z || x25519_scalar`` (96 bytes).

    The 64-byte secret ``ss_M || ss_X`` is the TLS 1.3 key-schedule input and relies on the TLS
    transcript for binding: do not use it outside TLS.
    """

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "X25519MLKEM768", 96, X25519MLKEM768PublicKey


class MLKEM768P256PublicKey(KEMPublicKey):
    """MLKEM768-P256 (draft-ietf-hpke-pq) public key (1249 bytes)."""

    __slots__ = ()
    ALGORITHM = "MLKEM768-P256"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 1249, 1153, 32


class MLKEM768P256PrivateKey(KEMPrivateKey[MLKEM768P256PublicKey]):
    """MLKEM768-P256 private key (32-byte seed)."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "MLKEM768-P256", 32, MLKEM768P256PublicKey


class MLKEM1024P384PublicKey(KEMPublicKey):
    """MLKEM1024-P384 (draft-ietf-hpke-pq) public key (1665 bytes)."""

    __slots__ = ()
    ALGORITHM = "MLKEM1024-P384"
    PUBLIC_KEY_SIZE, CIPHERTEXT_SIZE, SHARED_SECRET_SIZE = 1665, 1665, 32


class MLKEM1024P384PrivateKey(KEMPrivateKey[MLKEM1024P384PublicKey]):
    """MLKEM1024-P384 private key (32-byte seed)."""

    __slots__ = ()
    ALGORITHM, SEED_SIZE, _PUBLIC = "MLKEM1024-P384", 32, MLKEM1024P384PublicKey


PRIVATE_KEY_CLASSES: dict[str, type[KEMPrivateKey[Any]]] = {
    c.ALGORITHM: c
    for c in (
        MLKEM512PrivateKey,
        MLKEM768PrivateKey,
        MLKEM1024PrivateKey,
        X25519PrivateKey,
        XWingPrivateKey,
        X25519MLKEM768PrivateKey,
        MLKEM768P256PrivateKey,
        MLKEM1024P384PrivateKey,
    )
}
PUBLIC_KEY_CLASSES: dict[str, type[KEMPublicKey]] = {
    c.ALGORITHM: c._PUBLIC for c in PRIVATE_KEY_CLASSES.values()
}
