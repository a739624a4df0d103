"""Key handles: signing and decapsulation keys kept in a PKCS#11 token (an HSM), or in a software
backend with the same interface.

A :class:`KeyStore` over a backend creates, lists, looks up and rotates key *handles*::

    store = KeyStore(PKCS11Backend("/usr/lib/softhsm/libsofthsm2.so",
                                   token_label="gateway", user_pin=pin))
    signer = store.create("payments", Algorithm.MLDSA65_ED25519)
    signature = signer.sign(message, context=b"gateway-v1")
    signer.public_key().verify(signature, message, context=b"gateway-v1")

    store.rotate("payments")                  # version 2 signs from now on
    store.verify("payments", signature, message, context=b"gateway-v1")   # v1 still verifies

A :class:`SigningHandle` is a *signer* (``public_key()`` and ``sign(data, context)``) and a
:class:`DecapsulationHandle` a *decapsulation key* (``public_key()`` and
``decapsulate(ciphertext)``), so they go wherever pqpay takes one, e.g.
:meth:`pqpay.hpke.Suite.open`.

Where the keys live (``PKCS11Backend``):

- **Ed25519** (alone, or the classical half of MLDSA65-Ed25519): generated inside the token,
  ``SENSITIVE``, non-``EXTRACTABLE``, ``SIGN`` only; the token signs with ``CKM_EDDSA`` and the
  public key is read from ``CKA_EC_POINT``.
- **ML-DSA-65** (the post-quantum half of the composite), **X-Wing** and **ML-KEM**: the token
  offers no such mechanism (SoftHSM 2.6.1 has none), so the key's seed is sealed with
  AES-256-GCM under a non-extractable token AES key (``ENCRYPT``/``DECRYPT`` only). The additional
  data binds the handle id, algorithm, version and label (record format 2; records of format 1,
  written before the label was bound, still open), so a sealed seed cannot be moved to another
  handle, version or label. Each use checks the derived public key against the record's, and
  the first signature of a handle checks the record's Ed25519 key against the token's. Each
  use decrypts the seed in the token, derives the key, signs or decapsulates, and drops the
  seed (see "Wiping, honestly" below). The guarantee for this half is "encrypted at rest under a
  token key, usable only through a logged-in token session", not "never in host memory".
- The handle's record (label, version, public key, sealed seed) is a private ``CKO_DATA``
  object in the token, so every process logged in to the token sees the same handles.

:class:`SoftwareBackend` keeps the Ed25519 keys in memory and seals the seeds under a random
in-memory AES-256 key; nothing persists. It exists so code (and tests, and the demo) runs the
same way without a token.

Composite signatures are byte-compatible with
:meth:`pqpay.signatures.MLDSA65Ed25519PublicKey.verify` (draft-ietf-lamps-pq-composite-sigs-19):
both halves sign ``M' = Prefix || Label || len(ctx) || ctx || SHA-512(M)``, ML-DSA-65 with the
Label as its context, and the signature is ``mldsa_sig || ed25519_sig``.

**Rotation.** Versions count from 1 per label. :meth:`KeyStore.rotate` adds a version; only the
newest version of a label signs (older handles of this store raise :class:`KeyRetired`), while
every version keeps verifying (:meth:`KeyStore.verify`, :meth:`KeyStore.public_keys`) and KEM
versions keep decapsulating. A handle another process fetched before the rotation keeps
signing until that process fetches the label again. Stores in several processes may create and
rotate at once: a version claim in the backend gives each rotation its own version (a number may
be skipped under contention), and a label holding two records of one version is refused
(:mod:`~pqpay.hsm.keystore`).

**Threads.** python-pkcs11 initialises the library with ``C_Initialize(NULL)``, so SoftHSM runs
without its mutexes, and releases the GIL around every call: concurrent calls into the module
crash it. Every call into a PKCS#11 module therefore holds one process-wide lock for that
module, and a token is logged in to once per process (one shared session); the ML-DSA and
ML-KEM work runs outside the lock with the GIL released, so threads still overlap there.
A session lost under the process (failover, daemon restart, timeout) is re-established once and
the operation retried; :meth:`PKCS11Backend.reconnect` does it on request.

**Wiping, honestly.** The native keys derived from a seed wipe themselves when dropped, and
pqpay makes no copy of a seed it could avoid; what remains is one immutable, unwipeable Python
``bytes`` copy per use, which the allocator may keep until the memory is reused:

- *PKCS#11, each use:* python-pkcs11 returns the decrypted seed as ``bytes`` (and frees its C
  buffer unwiped); those very bytes go to the native key, uncopied.
- *Software backend, each use:* the seed opens into a ``bytearray`` (the native copy is wiped),
  is copied once into ``bytes`` for the native key (whose entry points take ``bytes`` only), and
  the ``bytearray`` is zeroed.
- *Creation:* the native key hands its new seed out as ``bytes``; those are sealed as they are.

Going further needs native entry points that read a seed from, and write one into, a caller's
``bytearray`` (not offered by ``pqpay._native`` yet).

Where a token advertises ``CKM_ML_DSA`` / ``CKM_ML_KEM`` (PKCS#11 3.2), the backend reports it in
:attr:`PKCS11Backend.pq_mechanisms`, but keys still take the sealed-seed route: keeping the
post-quantum key inside such a token is not implemented, because no token at hand offers it to
test against.

Modules: :mod:`~pqpay.hsm.record` (the stored record and its sealing AAD),
:mod:`~pqpay.hsm.backend` (the :class:`Backend` interface), :mod:`~pqpay.hsm.software`,
:mod:`~pqpay.hsm.pkcs11`, :mod:`~pqpay.hsm.handles`, :mod:`~pqpay.hsm.keystore`, and
:mod:`~pqpay.hsm.testing` (throwaway SoftHSM2 tokens for tests and the demo; not imported here).
"""

from __future__ import annotations

# Besides the package's own names: the exceptions and key classes hsm.py had imported stay
# importable from pqpay.hsm, as before the split.
from pqpay.exceptions import HSMError as HSMError
from pqpay.exceptions import HSMUnavailable as HSMUnavailable
from pqpay.exceptions import InvalidSignature as InvalidSignature
from pqpay.exceptions import InvalidTag as InvalidTag
from pqpay.exceptions import KeyNotFound as KeyNotFound
from pqpay.exceptions import KeyRetired as KeyRetired
from pqpay.exceptions import SealedKeyError as SealedKeyError
from pqpay.hsm.backend import Backend
from pqpay.hsm.handles import DecapsulationHandle, KeyHandle, SigningHandle
from pqpay.hsm.keystore import KeyStore
from pqpay.hsm.pkcs11 import MODULE_ENV as MODULE_ENV
from pqpay.hsm.pkcs11 import SOFTHSM_MODULE_PATHS as SOFTHSM_MODULE_PATHS
from pqpay.hsm.pkcs11 import PKCS11Backend, find_softhsm_module
from pqpay.hsm.record import Algorithm
from pqpay.hsm.software import SoftwareBackend
from pqpay.kem import KEMPublicKey as KEMPublicKey
from pqpay.kem import MLKEM512PrivateKey as MLKEM512PrivateKey
from pqpay.kem import MLKEM768PrivateKey as MLKEM768PrivateKey
from pqpay.kem import MLKEM1024PrivateKey as MLKEM1024PrivateKey
from pqpay.kem import XWingPrivateKey as XWingPrivateKey
from pqpay.signatures import Ed25519PrivateKey as Ed25519PrivateKey
from pqpay.signatures import Ed25519PublicKey as Ed25519PublicKey
from pqpay.signatures import MLDSA65Ed25519PublicKey as MLDSA65Ed25519PublicKey
from pqpay.signatures import MLDSA65PrivateKey as MLDSA65PrivateKey
from pqpay.signatures import SignaturePublicKey as SignaturePublicKey

__all__ = [
    "Algorithm",
    "Backend",
    "DecapsulationHandle",
    "KeyHandle",
    "KeyStore",
    "PKCS11Backend",
    "SigningHandle",
    "SoftwareBackend",
    "find_softhsm_module",
]
