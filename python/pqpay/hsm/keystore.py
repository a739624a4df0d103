""":class:`KeyStore`: creates, lists, looks up and rotates key handles in a backend.

**Versions across processes.** Several processes (each with its own store) may share one token,
and a backend offers no compare-and-set, so a version is allocated by a claim: the store writes
a :class:`~pqpay.hsm.record.Claim` of (label, version) for the new handle id, lists the
backend again, and keeps the version only if no other claim or record holds it; otherwise it
deletes its claim, waits a random moment and tries the next free version. Of two claims of one
version at most one is kept (the later writer always sees the earlier one), so two processes
never get one label and version, provided the token shows every process an object once its
creation returned; under contention both may give way, so a version number can be skipped.
SoftHSM 2.6.1 does not always show that across processes, so the claim runs under the backend's
:meth:`~pqpay.hsm.Backend.allocation_lock` (for PKCS#11, a ``flock`` shared by the processes of
one host). Records of one label and version left by older pqpay releases are refused
(:class:`~pqpay.exceptions.HSMError`) by every call that looks the label up.
"""

from __future__ import annotations

import itertools
import random
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn

from pqpay._bytes import as_bytes
from pqpay.exceptions import HSMError, InvalidSignature, KeyNotFound, KeySetError
from pqpay.hsm.backend import Backend
from pqpay.hsm.handles import DecapsulationHandle, KeyHandle, SigningHandle
from pqpay.hsm.record import (
    ID_LEN,
    MAX_VERSION,
    NONCE_LEN,
    Algorithm,
    Claim,
    Record,
    check_label,
    parse_handle_id,
    parse_stored,
    sealing_aad,
)
from pqpay.kem import PRIVATE_KEY_CLASSES as KEM_PRIVATE_KEY_CLASSES
from pqpay.kem import KEMPublicKey
from pqpay.keyset import KeySet, KeySetEntry, KeyStatus, key_id
from pqpay.signatures import MLDSA65Ed25519PublicKey, MLDSA65PrivateKey, SignaturePublicKey

__all__ = ["KeyStore"]

# Tries to claim a version before giving up, and the longest random wait between two (seconds).
_CLAIM_ATTEMPTS = 64
_CLAIM_BACKOFF = 0.02


class KeyStore:
    """Creates, lists, looks up and rotates key handles in a :class:`Backend`.

    Handles are cached per store, so ``get`` returns the same object each time and a rotation
    retires this store's older handles at once.
    """

    __slots__ = ("_backend", "_handles", "_lock")

    def __init__(self, backend: Backend) -> None:
        if not isinstance(backend, Backend):
            raise TypeError(f"backend must be a pqpay.hsm.Backend, not {type(backend).__name__}")
        self._backend = backend
        self._handles: dict[bytes, KeyHandle] = {}
        self._lock = threading.RLock()

    @property
    def backend(self) -> Backend:
        """The backend the keys live in."""
        return self._backend

    def _scan(self) -> tuple[list[Record], list[Claim]]:
        """Every stored record and version claim."""
        records: list[Record] = []
        claims: list[Claim] = []
        for raw in self._backend.records():
            item = parse_stored(raw)
            if isinstance(item, Claim):
                claims.append(item)
            else:
                records.append(item)
        return records, claims

    def _load(self) -> list[KeyHandle]:
        """Every handle, oldest version first within a label; updates the cache and retirement."""
        records, _ = self._scan()
        newest: dict[str, int] = {}
        for r in records:
            newest[r.label] = max(newest.get(r.label, 0), r.version)
        handles = []
        with self._lock:
            for r in sorted(records, key=lambda r: (r.label, r.version, r.handle_id)):
                h = self._handles.get(r.handle_id)
                if h is None:
                    h = self._handles[r.handle_id] = KeyHandle._make(self, r)
                h._retired = r.version < newest[r.label]
                handles.append(h)
        return handles

    def handles(self) -> list[KeyHandle]:
        """Every handle in the backend, by label, then version (duplicates included, so they
        can be found and destroyed)."""
        return self._load()

    def versions(self, label: str) -> list[KeyHandle]:
        """Every version of ``label``, oldest first.

        :raises KeyNotFound: no such label.
        :raises HSMError: two records hold one version of the label (left by concurrent
            rotations of an older pqpay); destroy the one verifiers were not given.
        """
        label = check_label(label)
        found = [h for h in self._load() if h.label == label]
        if not found:
            raise KeyNotFound(f"no key labelled {label!r} in {self._backend.description}")
        for older, newer in itertools.pairwise(found):
            if older.version == newer.version:
                raise HSMError(
                    f"{self._backend.description} holds two records of {label!r} "
                    f"v{older.version} (handles {older.handle_id} and {newer.handle_id}); "
                    "refusing to guess which one verifiers trust: destroy the other one "
                    "(KeyStore.destroy)"
                )
        return found

    def current(self, label: str) -> KeyHandle:
        """The newest version of ``label``. :raises KeyNotFound: no such label."""
        return self.versions(label)[-1]

    def signer(self, label: str) -> SigningHandle:
        """The newest version of a signing label.

        :raises KeyNotFound: no such label. :raises TypeError: the label holds a KEM key.
        """
        h = self.current(label)
        if not isinstance(h, SigningHandle):
            raise TypeError(f"{label!r} holds a {h.algorithm.value} key, not a signing key")
        return h

    def decapsulation_key(self, label: str, version: int | None = None) -> DecapsulationHandle:
        """A version of a KEM label (default: the newest).

        :raises KeyNotFound: no such label or version. :raises TypeError: not a KEM label.
        """
        versions = self.versions(label)
        if version is None:
            h = versions[-1]
        else:
            match = [v for v in versions if v.version == version]
            if not match:
                raise KeyNotFound(f"{label!r} has no version {version}")
            h = match[0]
        if not isinstance(h, DecapsulationHandle):
            raise TypeError(f"{label!r} holds a {h.algorithm.value} key, not a KEM key")
        return h

    def get(self, handle_id: str | bytes) -> KeyHandle:
        """The handle with this id (32 hex digits or 16 bytes). :raises KeyNotFound: none."""
        raw = parse_handle_id(handle_id)
        for h in self._load():
            if h._record.handle_id == raw:
                return h
        raise KeyNotFound(f"no key handle {raw.hex()} in {self._backend.description}")

    def public_keys(self, label: str) -> dict[int, SignaturePublicKey | KEMPublicKey]:
        """Every version's public key, by version: what verifiers of ``label`` should accept."""
        out: dict[int, SignaturePublicKey | KEMPublicKey] = {}
        for h in self.versions(label):
            assert isinstance(h, (SigningHandle, DecapsulationHandle))
            out[h.version] = h.public_key()
        return out

    def key_set(self, label: str, *, retired_below: int = 0) -> KeySet:
        """Every version of ``label`` as a :class:`pqpay.keyset.KeySet` of handles: the newest
        primary, versions below ``retired_below`` retired (their signatures refused), the rest
        enabled. Key ids are :func:`pqpay.keyset.key_id` of each public key, the same as a file
        key set's; ``key_set(label).public_keyset()`` is what verifiers are given.

        :raises KeyNotFound: no such label. :raises KeySetError: ``retired_below`` would
            retire the newest version.
        """
        versions = self.versions(label)
        entries = []
        for h in versions:
            assert isinstance(h, (SigningHandle, DecapsulationHandle))
            public = h.public_key()
            if h is versions[-1]:
                status = KeyStatus.PRIMARY
            elif h.version < retired_below:
                status = KeyStatus.RETIRED
            else:
                status = KeyStatus.ENABLED
            entries.append(KeySetEntry(key_id(public), h.version, status, public, h.created, h))
        if versions[-1].version < retired_below:
            raise KeySetError(
                f"retired_below={retired_below} would retire {label!r} v{versions[-1].version}, "
                "the newest version (rotate first)"
            )
        return KeySet(entries)

    def verify(self, label: str, signature: bytes, data: bytes, context: bytes = b"") -> int:
        """Verifies against every version of ``label``, newest first; returns the version whose
        key verified.

        :raises InvalidSignature: no version's key verifies it.
        :raises ValueError: ``context`` is longer than 255 bytes.
        :raises KeyNotFound: no such label. :raises TypeError: the label holds a KEM key.
        """
        context = as_bytes(context, "context")
        if len(context) > 255:
            raise ValueError(f"context must be at most 255 bytes long, got {len(context)}")
        for h in reversed(self.versions(label)):
            if not isinstance(h, SigningHandle):
                raise TypeError(f"{label!r} holds a {h.algorithm.value} key, not a signing key")
            if context and h.algorithm is Algorithm.ED25519:
                continue  # Ed25519 signs without a context: it cannot have made this signature
            try:
                h.public_key().verify(signature, data, context)
            except InvalidSignature:
                continue
            return h.version
        raise InvalidSignature()

    def create(self, label: str, algorithm: Algorithm | str) -> KeyHandle:
        """Makes version 1 of a new label.

        :raises HSMError: the label exists already (use :meth:`rotate`).
        :raises ValueError: unknown algorithm or bad label.
        """
        label = check_label(label)
        alg = Algorithm(algorithm)

        def first(records: list[Record], claims: list[Claim]) -> int:
            if records:
                raise HSMError(f"a key labelled {label!r} exists; rotate() adds a version")
            return 1

        with self._lock:
            return self._new(self._claim(label, first), alg)

    def rotate(self, label: str, algorithm: Algorithm | str | None = None) -> KeyHandle:
        """Adds the next version of ``label`` (same algorithm unless one is given); from now on
        it is the one that signs, and this store's older handles of the label are retired.
        Concurrent rotations (in this or other processes) each get their own version.

        :raises KeyNotFound: no such label.
        """
        with self._lock:
            latest = self.versions(label)[-1]
            alg = latest.algorithm if algorithm is None else Algorithm(algorithm)

            def following(records: list[Record], claims: list[Claim]) -> int:
                top = max([r.version for r in records] + [c.version for c in claims], default=0)
                if top >= MAX_VERSION:
                    raise HSMError(f"{label!r} has used up its versions")
                return top + 1

            handle = self._new(self._claim(latest.label, following), alg)
            for h in self._handles.values():
                if h.label == handle.label and h.version < handle.version:
                    h._retired = True
            return handle

    def destroy(self, handle_id: str | bytes) -> None:
        """Deletes a handle: its record, its token key objects and its version claim.
        Irreversible.

        :raises KeyNotFound: no such handle.
        """
        with self._lock:
            h = self.get(handle_id)
            raw = h._record.handle_id
            self._backend.destroy(raw, h._record.has_token_ed25519)
            self._handles.pop(raw, None)
            for claim in self._scan()[1]:
                if claim.handle_id == raw:
                    self._backend.destroy(claim.claim_id, False)

    def _claim(self, label: str, pick: Callable[[list[Record], list[Claim]], int]) -> Claim:
        """Reserves a version of ``label`` for a new handle id (the module doc's protocol);
        ``pick`` chooses it from the label's records and claims (or raises)."""
        backend = self._backend
        for attempt in range(_CLAIM_ATTEMPTS):
            with backend.allocation_lock():
                records, claims = self._scan()
                version = pick(
                    [r for r in records if r.label == label],
                    [c for c in claims if c.label == label],
                )
                claim = Claim(
                    secrets.token_bytes(ID_LEN), label, version, secrets.token_bytes(ID_LEN)
                )
                backend.store_record(claim.claim_id, claim.to_bytes())
                try:
                    records, claims = self._scan()
                except BaseException:
                    backend.destroy(claim.claim_id, False)
                    raise
                taken = any(r.label == label and r.version == version for r in records) or any(
                    c.label == label and c.version == version and c.claim_id != claim.claim_id
                    for c in claims
                )
                if not taken:
                    return claim
                backend.destroy(claim.claim_id, False)
            # Not a secret: only spreads out contenders that gave way to each other.
            time.sleep(random.uniform(0, min(_CLAIM_BACKOFF, 0.0005 * 2**attempt)))
        raise HSMError(
            f"could not reserve a version of {label!r} in {backend.description} after "
            f"{_CLAIM_ATTEMPTS} tries: other stores keep claiming it (or a crashed process "
            "left a claim of version 1)"
        )

    def _new(self, claim: Claim, alg: Algorithm) -> KeyHandle:
        """Makes the keys and the record of the handle ``claim`` reserved; on failure leaves
        neither keys nor the claim behind."""
        try:
            return self._make_handle(claim.label, alg, claim.version, claim.handle_id)
        except BaseException:
            self._backend.destroy(claim.claim_id, False)
            raise

    def _make_handle(self, label: str, alg: Algorithm, version: int, handle_id: bytes) -> KeyHandle:
        backend = self._backend
        kek_id = nonce = sealed = None
        if alg is Algorithm.ED25519:
            public = backend.ed25519_generate(handle_id, label)
        else:
            key: Any = (
                MLDSA65PrivateKey.generate()
                if alg is Algorithm.MLDSA65_ED25519
                else KEM_PRIVATE_KEY_CLASSES[alg.value].generate()
            )
            # The native key hands its seed out as bytes (unwipeable); sealing those very bytes
            # adds no copy (a wiped bytearray copy would add one, not remove this one).
            seed = key.private_bytes_raw()
            try:
                public = key.public_key().public_bytes_raw()
                del key
                kek_id, nonce = backend.kek_id(), secrets.token_bytes(NONCE_LEN)
                aad = sealing_aad(handle_id, alg, version, label)
                sealed = backend.seal(kek_id, nonce, aad, seed)
            finally:
                del seed
            if alg is Algorithm.MLDSA65_ED25519:
                # The Ed25519 half is made in the token; the record holds the composite key.
                public = MLDSA65Ed25519PublicKey.join_public_key(
                    public, backend.ed25519_generate(handle_id, label)
                )
        record = Record(
            handle_id=handle_id,
            label=label,
            algorithm=alg,
            version=version,
            created=int(time.time()),
            public_key=public,
            kek_id=kek_id,
            nonce=nonce,
            sealed_seed=sealed,
        )
        try:
            backend.store_record(handle_id, record.to_bytes())
        except BaseException:
            # No record, no handle: do not leave an unreachable key pair behind in the token.
            backend.destroy(handle_id, record.has_token_ed25519)
            raise
        handle = KeyHandle._make(self, record)
        with self._lock:
            self._handles[handle_id] = handle
        return handle

    def __repr__(self) -> str:
        return f"<KeyStore {self._backend.description}>"

    def __reduce__(self) -> NoReturn:
        raise TypeError("key stores cannot be pickled")
