"""Hazardous materials: deterministic operations for known-answer tests, and raw key forms.

Nothing here is needed for normal use. Derandomized encapsulation with reused or predictable
randomness destroys security.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pqpay import _native
from pqpay._bytes import as_bytes, context_bytes
from pqpay.hpke import SenderContext, Suite
from pqpay.kem import (
    KEMPrivateKey,
    KEMPublicKey,
    MLKEM512PrivateKey,
    MLKEM768PrivateKey,
    MLKEM1024PrivateKey,
)
from pqpay.signatures import (
    MLDSA44PrivateKey,
    MLDSA44PublicKey,
    MLDSA65PrivateKey,
    MLDSA65PublicKey,
    MLDSA87PrivateKey,
    MLDSA87PublicKey,
    SignaturePrivateKey,
    SignaturePublicKey,
)

__all__ = [
    "MLDSA_PREHASH_ALGORITHMS",
    "aes256gcm_open",
    "aes256gcm_seal",
    "encapsulate_derand",
    "hpke_setup_sender_derand",
    "mldsa_expanded_bytes",
    "mldsa_from_expanded_bytes",
    "mldsa_sign_internal",
    "mldsa_sign_mu_with_rnd",
    "mldsa_sign_prehash",
    "mldsa_sign_with_rnd",
    "mldsa_verify_internal",
    "mldsa_verify_prehash",
    "mlkem_expanded_bytes",
    "mlkem_from_expanded_bytes",
    "sign_deterministic",
    "slhdsa_keygen_from_seeds",
    "slhdsa_sign_internal",
    "slhdsa_sign_prehash",
    "slhdsa_sign_pure",
    "slhdsa_verify_internal",
    "slhdsa_verify_prehash",
]

_MLDSA = TypeVar("_MLDSA", MLDSA44PrivateKey, MLDSA65PrivateKey, MLDSA87PrivateKey)
_MLDSA_PRIVATE = (MLDSA44PrivateKey, MLDSA65PrivateKey, MLDSA87PrivateKey)
_MLDSA_PUBLIC = (MLDSA44PublicKey, MLDSA65PublicKey, MLDSA87PublicKey)

_SigKey = TypeVar("_SigKey", bound=SignaturePrivateKey[Any])

_MLKEM = TypeVar("_MLKEM", MLKEM512PrivateKey, MLKEM768PrivateKey, MLKEM1024PrivateKey)


def encapsulate_derand(public_key: KEMPublicKey, randomness: bytes) -> tuple[bytes, bytes]:
    """Encapsulates with caller-chosen randomness: ``(shared_secret, ciphertext)``.

    ``randomness`` is ML-KEM's 32-byte ``m``; X-Wing's 64-byte ``eseed``; for X25519 (DHKEM)
    the 32-byte ephemeral private key; for X25519MLKEM768 ``m || x25519_scalar`` (64 bytes).
    """
    if not isinstance(public_key, KEMPublicKey):
        raise TypeError(f"expected a KEM public key, got {type(public_key).__name__}")
    return public_key._key.encapsulate_derand(as_bytes(randomness, "randomness"))


def mlkem_from_expanded_bytes(cls: type[_MLKEM], expanded: bytes) -> _MLKEM:
    """Imports an expanded ML-KEM decapsulation key (after the FIPS 203 §7.3 checks).

    The key has no seed, so ``private_bytes_raw()`` raises on it.
    """
    return cls._wrap(
        _native.KemPrivateKey.from_mlkem_expanded(cls.ALGORITHM, as_bytes(expanded, "expanded"))
    )


def mlkem_expanded_bytes(private_key: KEMPrivateKey[KEMPublicKey]) -> bytes:
    """The expanded FIPS 203 decapsulation key of an ML-KEM private key."""
    out = private_key._key.mlkem_expanded()
    if out is None:
        raise TypeError(f"{private_key.ALGORITHM} has no expanded ML-KEM form")
    return out


def hpke_setup_sender_derand(
    suite: Suite, public_key: KEMPublicKey, ikm_e: bytes, *, info: bytes = b""
) -> tuple[bytes, SenderContext]:
    """HPKE ``SetupBaseS`` with the ephemeral randomness ``ikmE`` of the test vectors.

    ``ikmE`` is ML-KEM's ``m``, X-Wing's ``eseed``, DHKEM's ``DeriveKeyPair`` input, and for
    MLKEM768-P256 / MLKEM1024-P384 ``m`` followed by the EC scalar seed (128 / 80 bytes).
    """
    if not isinstance(public_key, KEMPublicKey):
        raise TypeError(f"expected a KEM public key, got {type(public_key).__name__}")
    enc, ctx = suite._suite.setup_sender(
        public_key._key, as_bytes(info, "info"), as_bytes(ikm_e, "ikm_e")
    )
    return enc, SenderContext(ctx)


def sign_deterministic(
    private_key: SignaturePrivateKey[Any], data: bytes, context: bytes | None = b""
) -> bytes:
    """Signs without fresh randomness (FIPS 204 rnd = 0^32; FIPS 205 opt_rand = PK.seed).

    For known-answer tests only: hedged signing (the default) resists fault and side-channel
    attacks that deterministic signing does not. Ed25519/Ed448 are deterministic anyway.
    """
    if not isinstance(private_key, SignaturePrivateKey):
        raise TypeError(f"expected a signature private key, not {type(private_key).__name__}")
    return private_key._key.sign(as_bytes(data, "data"), context_bytes(context), deterministic=True)


# --- ML-DSA (FIPS 204) ----------------------------------------------------------------------

MLDSA_PREHASH_ALGORITHMS = (
    "SHA2-224",
    "SHA2-256",
    "SHA2-384",
    "SHA2-512",
    "SHA2-512/224",
    "SHA2-512/256",
    "SHA3-224",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "SHAKE-128",
    "SHAKE-256",
)
"""The HashML-DSA pre-hash functions, by their ACVP names."""


def _mldsa_private(private_key: Any) -> Any:
    if not isinstance(private_key, _MLDSA_PRIVATE):
        raise TypeError(f"expected an ML-DSA private key, not {type(private_key).__name__}")
    return private_key._key


def _mldsa_public(public_key: Any) -> Any:
    if not isinstance(public_key, _MLDSA_PUBLIC):
        raise TypeError(f"expected an ML-DSA public key, not {type(public_key).__name__}")
    return public_key._key


def mldsa_from_expanded_bytes(cls: type[_MLDSA], expanded: bytes) -> _MLDSA:
    """Imports a FIPS 204 expanded ML-DSA private key (2560 / 4032 / 4896 bytes).

    The s1/s2 coefficients must be in range and ``tr`` must match the key's public key
    (``InvalidKey`` otherwise). The key has no seed, so ``private_bytes_raw()`` raises on it;
    prefer seeds wherever you can.
    """
    return cls._wrap(_native.mldsa_from_expanded(cls.ALGORITHM, as_bytes(expanded, "expanded")))


def mldsa_expanded_bytes(private_key: SignaturePrivateKey[Any]) -> bytes:
    """The FIPS 204 expanded private key of an ML-DSA key."""
    return _native.mldsa_expanded(_mldsa_private(private_key))


def mldsa_sign_with_rnd(
    private_key: SignaturePrivateKey[Any], data: bytes, context: bytes | None, rnd: bytes
) -> bytes:
    """HAZMAT: ML-DSA.Sign with a caller-chosen 32-byte ``rnd`` (for test vectors only;
    a repeated or predictable ``rnd`` forfeits hedging)."""
    return _native.mldsa_hazmat_sign_with_rnd(
        _mldsa_private(private_key),
        as_bytes(data, "data"),
        context_bytes(context),
        as_bytes(rnd, "rnd"),
    )


def mldsa_sign_internal(private_key: SignaturePrivateKey[Any], m_prime: bytes, rnd: bytes) -> bytes:
    """HAZMAT: FIPS 204 ML-DSA.Sign_internal over ``M'`` as given (no domain separation, no
    context). For the ACVP "internal" interface only: such signatures verify under ``verify``
    only when ``M'`` happens to be a well-formed pure encoding."""
    return _native.mldsa_hazmat_sign_internal(
        _mldsa_private(private_key), as_bytes(m_prime, "m_prime"), as_bytes(rnd, "rnd")
    )


def mldsa_verify_internal(public_key: SignaturePublicKey, signature: bytes, m_prime: bytes) -> None:
    """HAZMAT: FIPS 204 ML-DSA.Verify_internal over ``M'`` as given.

    :raises InvalidSignature: the signature does not verify.
    """
    _native.mldsa_hazmat_verify_internal(
        _mldsa_public(public_key), as_bytes(m_prime, "m_prime"), as_bytes(signature, "signature")
    )


def mldsa_sign_mu_with_rnd(private_key: SignaturePrivateKey[Any], mu: bytes, rnd: bytes) -> bytes:
    """HAZMAT: signs a 64-byte ``mu`` with a caller-chosen 32-byte ``rnd`` (test vectors)."""
    return _native.mldsa_hazmat_sign_mu_with_rnd(
        _mldsa_private(private_key), as_bytes(mu, "mu"), as_bytes(rnd, "rnd")
    )


def mldsa_sign_prehash(
    private_key: SignaturePrivateKey[Any],
    hash_algorithm: str,
    data: bytes,
    context: bytes | None = b"",
    rnd: bytes = bytes(32),
) -> bytes:
    """HAZMAT: HashML-DSA.Sign (FIPS 204 Algorithm 4), ``hash_algorithm`` one of
    :data:`MLDSA_PREHASH_ALGORITHMS`. Test vectors only: pqpay's API signs pure ML-DSA.

    The default ``rnd`` (zeros) is the deterministic variant.
    """
    return _native.mldsa_hazmat_sign_prehash(
        _mldsa_private(private_key),
        hash_algorithm,
        as_bytes(data, "data"),
        context_bytes(context),
        as_bytes(rnd, "rnd"),
    )


def mldsa_verify_prehash(
    public_key: SignaturePublicKey,
    hash_algorithm: str,
    signature: bytes,
    data: bytes,
    context: bytes | None = b"",
) -> None:
    """HAZMAT: HashML-DSA.Verify (FIPS 204 Algorithm 5).

    :raises InvalidSignature: the signature does not verify.
    """
    _native.mldsa_hazmat_verify_prehash(
        _mldsa_public(public_key),
        hash_algorithm,
        as_bytes(data, "data"),
        context_bytes(context),
        as_bytes(signature, "signature"),
    )


# --- SLH-DSA (FIPS 205) known-answer-test interfaces ------------------------------------------
# ``randomness`` is opt_rand (n bytes: 16, 24 or 32); None gives the deterministic variant
# (opt_rand = PK.seed). ``hash_alg`` takes the ACVP names: "SHA2-224", "SHA2-256", "SHA2-384",
# "SHA2-512", "SHA2-512/224", "SHA2-512/256", "SHA3-224" ... "SHA3-512", "SHAKE-128", "SHAKE-256".


def slhdsa_keygen_from_seeds(
    cls: type[_SigKey], sk_seed: bytes, sk_prf: bytes, pk_seed: bytes
) -> _SigKey:
    """``slh_keygen_internal(SK.seed, SK.prf, PK.seed)`` for an SLH-DSA class (n bytes each)."""
    native = _native.slhdsa_keygen_internal(
        cls.ALGORITHM,
        as_bytes(sk_seed, "sk_seed"),
        as_bytes(sk_prf, "sk_prf"),
        as_bytes(pk_seed, "pk_seed"),
    )
    return cls._wrap(native)


def slhdsa_sign_internal(
    private_key: SignaturePrivateKey[Any], message: bytes, randomness: bytes | None = None
) -> bytes:
    """``slh_sign_internal``: no domain separation and no context (ACVP "internal" groups)."""
    return _native.slhdsa_sign_internal(
        private_key._key, as_bytes(message, "message"), _opt_bytes(randomness)
    )


def slhdsa_sign_pure(
    private_key: SignaturePrivateKey[Any],
    message: bytes,
    context: bytes | None = b"",
    randomness: bytes | None = None,
) -> bytes:
    """Pure SLH-DSA (FIPS 205 Algorithm 22) with an explicit opt_rand."""
    return _native.slhdsa_sign_pure(
        private_key._key,
        as_bytes(message, "message"),
        context_bytes(context),
        _opt_bytes(randomness),
    )


def slhdsa_sign_prehash(
    private_key: SignaturePrivateKey[Any],
    message: bytes,
    hash_alg: str,
    context: bytes | None = b"",
    randomness: bytes | None = None,
) -> bytes:
    """HashSLH-DSA (Algorithm 23). Test-only: pqpay's API signs pure SLH-DSA."""
    return _native.slhdsa_sign_prehash(
        private_key._key,
        as_bytes(message, "message"),
        context_bytes(context),
        hash_alg,
        _opt_bytes(randomness),
    )


def slhdsa_verify_internal(
    public_key: SignaturePublicKey, signature: bytes, message: bytes
) -> None:
    """``slh_verify_internal``. :raises InvalidSignature: on any failure."""
    _native.slhdsa_verify_internal(
        public_key._key, as_bytes(message, "message"), as_bytes(signature, "signature")
    )


def slhdsa_verify_prehash(
    public_key: SignaturePublicKey,
    signature: bytes,
    message: bytes,
    hash_alg: str,
    context: bytes | None = b"",
) -> None:
    """HashSLH-DSA verification (Algorithm 25). :raises InvalidSignature: on any failure."""
    _native.slhdsa_verify_prehash(
        public_key._key,
        as_bytes(message, "message"),
        context_bytes(context),
        hash_alg,
        as_bytes(signature, "signature"),
    )


def _opt_bytes(randomness: bytes | None) -> bytes | None:
    return None if randomness is None else as_bytes(randomness, "randomness")


# --- bare AES-256-GCM -----------------------------------------------------------------------
# What pqpay.hsm's software backend seals key seeds with (the core's AEAD, no HPKE around it).


def aes256gcm_seal(key: bytes, nonce: bytes, aad: bytes, plaintext: bytes) -> bytes:
    """AES-256-GCM encryption: the ciphertext with its 16-byte tag appended.

    A nonce must never repeat under one key. :raises ValueError: key not 32 or nonce not 12 bytes.
    """
    return _native.aes256gcm_seal(
        as_bytes(key, "key"),
        as_bytes(nonce, "nonce"),
        as_bytes(aad, "aad"),
        as_bytes(plaintext, "plaintext"),
    )


def aes256gcm_open(key: bytes, nonce: bytes, aad: bytes, ciphertext: bytes) -> bytearray:
    """AES-256-GCM decryption, into a ``bytearray`` the caller can wipe.

    :raises InvalidTag: the ciphertext, nonce or additional data was altered, or the key differs.
    :raises ValueError: key not 32 or nonce not 12 bytes.
    """
    return _native.aes256gcm_open(
        as_bytes(key, "key"),
        as_bytes(nonce, "nonce"),
        as_bytes(aad, "aad"),
        as_bytes(ciphertext, "ciphertext"),
    )
