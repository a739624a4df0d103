"""pqpay.ledger on SQLite and PostgreSQL (the same suite on both): proofs and roots against
pqpay.merkle's in-memory functions (hypothesis), signed checkpoints and offline verification,
bad input, tamper evidence (audit names the first bad index), refusal to sign inconsistent
checkpoints, crash safety (writers SIGKILLed at random points) and concurrent writers.

PostgreSQL: a throwaway cluster is started from Debian's ``postgresql`` package (initdb and
pg_ctl in /usr/lib/postgresql/*/bin) in a temporary directory, listening on a unix socket only.
Without PostgreSQL these tests skip, unless CI=true (then they fail).
"""

from __future__ import annotations

import base64
import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pqpay import checkpoint, ledger, merkle, signatures
from pqpay.exceptions import InvalidProof, InvalidSignature, LedgerCorrupted
from tests._support import ledger_writer, postgres_cluster, vector_sources

WRITER = Path(ledger_writer.__file__)  # also run as a script, in the child processes

ORIGIN = ledger_writer.ORIGIN
ED_SEED = bytes(range(32)).hex()
ML_SEED = bytes(range(32, 64)).hex()
SIGNERS = ledger_writer.note_signers(ED_SEED, ML_SEED)
VKEYS = [s.vkey for s in SIGNERS]


# --- PostgreSQL: a throwaway cluster for the session -----------------------------------------


def _unavailable(what: str) -> Any:
    if vector_sources.vectors_required():
        pytest.fail(f"{what} is unavailable and CI=true requires it", pytrace=False)
    pytest.skip(f"{what} is unavailable (apt-get install postgresql to run these tests)")


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A libpq DSN of a fresh cluster on a unix socket in a temp dir; stopped at session end."""
    with contextlib.ExitStack() as stack:
        try:
            dsn = stack.enter_context(postgres_cluster.throwaway_cluster())
        except postgres_cluster.ClusterUnavailable as exc:
            _unavailable(str(exc))
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield dsn


# --- one backend = a place a ledger lives, reopenable, with raw SQL access for tampering -------


@dataclass
class Backend:
    kind: str
    location: str
    schema: str | None = None
    opened: list[ledger.Storage] = field(default_factory=list)

    def storage(self) -> ledger.Storage:
        store: ledger.Storage
        if self.kind == "sqlite":
            store = ledger.SQLiteStorage(self.location)
        else:
            store = ledger.PostgresStorage(self.location, schema=self.schema)
        self.opened.append(store)
        return store

    def open(self, signers: Any = SIGNERS, origin: str = ORIGIN) -> ledger.Ledger:
        return ledger.Ledger(self.storage(), origin, signers)

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        """Runs raw SQL behind the ledger's back (``?`` placeholders)."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.location)
            with conn:
                conn.execute(statement, params)
            conn.close()
        else:
            import psycopg
            from psycopg import sql

            with psycopg.connect(self.location, autocommit=True) as conn:
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
                conn.execute(statement.replace("?", "%s"), params)

    def child_args(self) -> list[str]:
        return [self.location, self.schema or "-"]

    def close(self) -> None:
        for store in self.opened:
            store.close()


def _make_backend(kind: str, request: pytest.FixtureRequest) -> Backend:
    if kind == "sqlite":
        directory = tempfile.mkdtemp(prefix="pqpay-ledger-")
        request.addfinalizer(lambda: shutil.rmtree(directory, ignore_errors=True))
        return Backend("sqlite", os.path.join(directory, "ledger.db"))
    dsn = request.getfixturevalue("postgres_dsn")
    return Backend("postgres", dsn, schema=f"t_{uuid.uuid4().hex}")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    b = _make_backend(request.param, request)
    yield b
    b.close()


@pytest.fixture(params=["sqlite", "postgres"])
def new_backend(request: pytest.FixtureRequest) -> Iterator[Callable[[], Backend]]:
    """A factory of fresh backends of one kind (for hypothesis: one per example)."""
    made: list[Backend] = []

    def make() -> Backend:
        made.append(_make_backend(request.param, request))
        return made[-1]

    yield make
    for b in made:
        b.close()


def _entries(n: int, tag: str = "e") -> list[bytes]:
    return [f"{tag}{i}".encode() * (i % 5) for i in range(n)]


# --- proofs and roots against pqpay.merkle's in-memory functions ---------------------------


# The factory fixture is meant to outlive the examples: each example makes its own backend.
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=6))
def test_matches_in_memory_merkle(new_backend: Callable[[], Backend], batches: list[int]) -> None:
    b = new_backend()
    log = b.open()
    entries = _entries(sum(batches))
    pos = 0
    for n in batches:
        if n == 1:
            assert log.append(entries[pos]) == pos
        else:
            assert log.append_many(entries[pos : pos + n]) == range(pos, pos + n)
        pos += n
    size = len(entries)
    assert log.size == size
    lh = merkle.leaf_hashes(entries)
    rng = random.Random(size)
    for n in sorted({0, 1, size, *rng.sample(range(1, size + 1), min(size, 4))}):
        prefix = lh[: 32 * n]
        assert log.root(n) == merkle.root(prefix)
        for i in {0, n // 2, n - 1} if n else set():
            assert log.inclusion_proof(i, n) == merkle.inclusion_proof(prefix, i)
        if 0 < n < size:
            assert log.consistency_proof(n, size) == merkle.consistency_proof(lh, n)
    assert log.root() == merkle.root(lh)
    assert [log.entry(i) for i in range(size)] == entries
    log.audit()


def test_empty_ledger(backend: Backend) -> None:
    log = backend.open()
    assert log.size == 0
    assert log.root() == merkle.root(b"")
    assert log.append_many([]) == range(0, 0)
    note = log.checkpoint()
    cp = checkpoint.verify_checkpoint(note, [checkpoint.NoteVerifier.from_vkey(k) for k in VKEYS])
    assert (cp.origin, cp.size, cp.root) == (ORIGIN, 0, merkle.root(b""))
    log.append(b"first")
    new = log.checkpoint()
    ledger.verify_consistency(note, new, log.consistency_proof(0), VKEYS, origin=ORIGIN)
    log.audit()


def test_reopen_keeps_everything(backend: Backend) -> None:
    log = backend.open()
    log.append_many(_entries(100))
    note = log.checkpoint()
    log.close()
    again = backend.open()
    assert again.size == 100
    assert again.checkpoints() == [note]
    assert again.append(b"more") == 100
    ledger.verify_consistency(
        note, again.checkpoint(), again.consistency_proof(100), VKEYS, origin=ORIGIN
    )
    with pytest.raises(ValueError, match="holds the log"):
        backend.open(origin="another.example/log")


# --- checkpoints and offline verification ---------------------------------------------------


def test_checkpoint_and_offline_verification(backend: Backend) -> None:
    log = backend.open()
    entries = _entries(77)
    log.append_many(entries[:50])
    old = log.checkpoint()
    log.append_many(entries[50:])
    new = log.checkpoint()
    assert log.checkpoints() == [old, new]
    for i in (0, 13, 49):
        cp = ledger.verify_inclusion(
            entries[i], i, log.inclusion_proof(i, 50), old, VKEYS, origin=ORIGIN
        )
        assert (cp.size, cp.root) == (50, log.root(50))
    for i in (0, 50, 76):
        ledger.verify_inclusion(entries[i], i, log.inclusion_proof(i), new, VKEYS, origin=ORIGIN)
    # One verifier key is enough; a NoteVerifier works as well as its string.
    ledger.verify_inclusion(entries[3], 3, log.inclusion_proof(3), new, VKEYS[1], origin=ORIGIN)
    ledger.verify_inclusion(
        entries[3],
        3,
        log.inclusion_proof(3),
        new,
        [checkpoint.NoteVerifier.from_vkey(VKEYS[0])],
        origin=ORIGIN,
    )
    old_cp, new_cp = ledger.verify_consistency(
        old, new, log.consistency_proof(50), VKEYS, origin=ORIGIN
    )
    assert (old_cp.size, new_cp.size) == (50, 77)
    ledger.verify_consistency(new, new, [], VKEYS, origin=ORIGIN)


def test_offline_verification_failures(backend: Backend) -> None:
    log = backend.open()
    entries = _entries(40)
    log.append_many(entries[:21])
    old = log.checkpoint()
    log.append_many(entries[21:])
    note = log.checkpoint()
    proof = log.inclusion_proof(7)
    cproof = log.consistency_proof(21)
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(b"forged", 7, proof, note, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(entries[7], 8, proof, note, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(entries[7], 40, proof, note, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(entries[7], 7, proof[:-1], note, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(entries[7], 7, [*proof[:-1], bytes(32)], note, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_inclusion(entries[7], 7, proof, note, VKEYS, origin="other.example/log")
    with pytest.raises(ValueError, match="32 bytes"):
        ledger.verify_inclusion(entries[7], 7, [proof[0][:31]], note, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_consistency(old, note, cproof[:-1], VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        # reversed: old is larger
        ledger.verify_consistency(note, old, cproof, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidProof):
        ledger.verify_consistency(old, note, [bytes(32), *cproof[1:]], VKEYS, origin=ORIGIN)
    # A checkpoint signed by another key, or altered after signing.
    stranger = checkpoint.Ed25519NoteSigner(ORIGIN, signatures.Ed25519PrivateKey.generate())
    with pytest.raises(InvalidSignature):
        ledger.verify_inclusion(
            entries[7], 7, proof, note, [stranger.vkey, *VKEYS][:1], origin=ORIGIN
        )
    lines = note.split(b"\n")
    forged = b"\n".join([lines[0], b"41", *lines[2:]])
    with pytest.raises(InvalidSignature):
        ledger.verify_inclusion(entries[7], 7, proof, forged, VKEYS, origin=ORIGIN)
    # Security review S-2: the ML-DSA-44 cosignature stripped, both keys given: refused by
    # default, accepted only when the caller asks for any one key.
    ed_only = checkpoint.sign_checkpoint(
        checkpoint.Checkpoint.parse(checkpoint.parse_note(note)[0]), SIGNERS[:1]
    )
    with pytest.raises(InvalidSignature):
        ledger.verify_inclusion(entries[7], 7, proof, ed_only, VKEYS, origin=ORIGIN)
    with pytest.raises(InvalidSignature):
        ledger.verify_consistency(old, ed_only, cproof, VKEYS, origin=ORIGIN)
    ledger.verify_inclusion(entries[7], 7, proof, ed_only, VKEYS, require="any", origin=ORIGIN)
    ledger.verify_consistency(old, ed_only, cproof, VKEYS, require="any", origin=ORIGIN)
    ledger.verify_inclusion(entries[7], 7, proof, ed_only, VKEYS[:1], origin=ORIGIN)
    # A checkpoint of another log with the same keys is not consistent with this one.
    other_note = checkpoint.sign_checkpoint(
        checkpoint.Checkpoint("other.example/log", 40, log.root()), SIGNERS
    )
    with pytest.raises(InvalidProof):
        ledger.verify_consistency(old, other_note, cproof, VKEYS, origin=ORIGIN)


def test_bad_input(backend: Backend) -> None:
    log = backend.open()
    log.append_many(_entries(10))
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        log.entry(10)
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        log.inclusion_proof(-1)
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        log.inclusion_proof(5, 5)
    with pytest.raises(ValueError, match=r"\[0, 10\]"):
        log.root(11)
    with pytest.raises(ValueError, match=r"\[0, 10\]"):
        log.inclusion_proof(0, 11)
    with pytest.raises(ValueError, match=r"\[0, 4\]"):
        log.consistency_proof(5, 4)
    with pytest.raises(TypeError):
        log.inclusion_proof("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        log.append("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        log.append_many([b"ok", 5])  # type: ignore[list-item]
    assert log.size == 10  # the failed batch left nothing behind
    assert log.consistency_proof(0) == [] and log.consistency_proof(10) == []
    with pytest.raises(ValueError, match="no signers"):
        backend.open(signers=()).checkpoint()
    for origin in ("", "two\nlines", " padded"):
        with pytest.raises(ValueError, match="origin"):
            ledger.Ledger(backend.storage(), origin)


# --- tamper evidence ------------------------------------------------------------------------


def _corrupted(log: ledger.Ledger) -> LedgerCorrupted:
    with pytest.raises(LedgerCorrupted) as info:
        log.audit(chunk=64)
    return info.value


def test_audit_names_the_first_bad_index(backend: Backend) -> None:
    log = backend.open()
    entries = _entries(300)
    log.append_many(entries[:100])
    log.checkpoint()
    log.append_many(entries[100:])
    progress: list[tuple[int, int]] = []
    log.audit(progress=lambda done, total: progress.append((done, total)), chunk=64)
    assert progress[-1] == (300, 300)

    backend.sql("UPDATE entries SET data = ? WHERE idx = 200", (b"rewritten",))
    backend.sql("UPDATE entries SET data = ? WHERE idx = 137", (b"rewritten",))
    err = _corrupted(log)
    assert err.index == 137 and "entry 137" in str(err)
    backend.sql("UPDATE entries SET data = ? WHERE idx = 137", (entries[137],))
    assert _corrupted(log).index == 200
    backend.sql("UPDATE entries SET data = ? WHERE idx = 200", (entries[200],))
    log.audit()

    # A node (level 3, index 20) covers entries 160..167.
    backend.sql("UPDATE nodes SET hash = ? WHERE level = 3 AND idx = 20", (bytes(32),))
    err = _corrupted(log)
    assert err.index == 160 and "level 3, index 20" in str(err)
    with pytest.raises(ledger.InvalidProof):
        # Proofs served from the bad node no longer verify.
        ledger.verify_inclusion(
            entries[170], 170, log.inclusion_proof(170), log.checkpoint(), VKEYS, origin=ORIGIN
        )
    backend.sql("UPDATE nodes SET hash = ? WHERE level = 3 AND idx = 20", (log_node(log, 3, 20),))
    log.audit()

    # A leaf hash, a deleted entry, an extra row beyond the head.
    backend.sql("UPDATE nodes SET hash = ? WHERE level = 0 AND idx = 42", (bytes(32),))
    assert _corrupted(log).index == 42
    backend.sql(
        "UPDATE nodes SET hash = ? WHERE level = 0 AND idx = 42", (merkle.leaf_hash(entries[42]),)
    )
    backend.sql("DELETE FROM entries WHERE idx = 250")
    assert _corrupted(log).index == 250
    backend.sql("INSERT INTO entries (idx, data) VALUES (250, ?)", (entries[250],))
    backend.sql("INSERT INTO entries (idx, data) VALUES (300, ?)", (b"smuggled",))
    assert _corrupted(log).index == 300
    backend.sql("DELETE FROM entries WHERE idx = 300")
    log.audit()


def log_node(log: ledger.Ledger, level: int, idx: int) -> bytes:
    """The true hash of node (level, idx), recomputed from the stored entries."""
    first = idx << level
    return merkle.root(
        merkle.leaf_hashes([log.entry(i) for i in range(first, first + (1 << level))])
    )


def test_coherent_rewrite_is_caught_by_checkpoints(backend: Backend) -> None:
    """An attacker who rewrites an entry and every hash above it still contradicts the signed
    checkpoints; the audit then names the first index no matching checkpoint vouches for."""
    log = backend.open()
    entries = _entries(64)
    log.append_many(entries[:16])
    log.checkpoint()
    log.append_many(entries[16:])
    log.checkpoint()
    forged = list(entries)
    forged[40] = b"rewritten"
    lh = merkle.leaf_hashes(forged)
    tree = merkle.MerkleTree()
    backend.sql("UPDATE entries SET data = ? WHERE idx = 40", (forged[40],))
    backend.sql("UPDATE nodes SET hash = ? WHERE level = 0 AND idx = 40", (lh[40 * 32 : 41 * 32],))
    for level, idx, digest in tree.extend(lh):
        backend.sql("UPDATE nodes SET hash = ? WHERE level = ? AND idx = ?", (digest, level, idx))
    peaks = b"".join(tree.peaks)
    backend.sql("UPDATE head SET peaks = ? WHERE id = 0", (peaks,))
    err = _corrupted(log)
    assert err.index == 16 and "size 64" in str(err)
    # ... and the ledger refuses to sign a checkpoint contradicting the issued ones.
    with pytest.raises(LedgerCorrupted):
        log.checkpoint()


def test_never_signs_inconsistent_checkpoints(backend: Backend) -> None:
    log = backend.open()
    log.append_many(_entries(40))
    log.checkpoint()
    log.append_many(_entries(10, "f"))
    # A node on the consistency path from 40 to 50 altered: no proof, no signature.
    backend.sql("UPDATE nodes SET hash = ? WHERE level = 3 AND idx = 4", (bytes(32),))
    with pytest.raises(LedgerCorrupted, match="refusing to sign"):
        log.checkpoint()
    assert len(log.checkpoints()) == 1
    # A head rolled back below an issued checkpoint.
    backend.sql("UPDATE head SET size = 32, peaks = ? WHERE id = 0", (log_node(log, 5, 0),))
    with pytest.raises(LedgerCorrupted, match="checkpoint of size 40"):
        log.checkpoint()


# --- crash safety ---------------------------------------------------------------------------


@dataclass
class Observed:
    """What the killed writers reported: entries whose append returned, and issued notes."""

    entries: dict[int, bytes] = field(default_factory=dict)
    notes: list[bytes] = field(default_factory=list)

    def read(self, writer: int, text: str) -> None:
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # cut by the kill: that call had not returned
            kind, *fields = line.split()
            if kind == "A":
                first, counter, count = map(int, fields)
                for i in range(count):
                    self.entries[first + i] = ledger_writer.entry(writer, counter + i)
            elif kind == "C":
                self.notes.append(base64.b64decode(fields[0]))


def _writer(backend: Backend, writer: int, seed: int, batches: int) -> subprocess.Popen[str]:
    args = [str(writer), str(seed), str(batches), ED_SEED, ML_SEED]
    return subprocess.Popen(
        [sys.executable, str(WRITER), *backend.child_args(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_after_crash(backend: Backend, seen: Observed, full_audit: bool) -> None:
    log = backend.open()
    try:
        size = log.size
        assert size >= (max(seen.entries) + 1 if seen.entries else 0)
        for index, data in seen.entries.items():
            assert log.entry(index) == data, f"returned append {index} lost or altered"
        stored = log.checkpoints()
        assert set(seen.notes) <= set(stored)
        now = log.checkpoint()
        for note in stored:
            cp = checkpoint.Checkpoint.parse(note.partition(b"\n\n")[0] + b"\n")
            ledger.verify_consistency(
                note, now, log.consistency_proof(cp.size, size), VKEYS, origin=ORIGIN
            )
        if full_audit:
            log.audit()
    finally:
        log.close()


def _crash_runs(backend: Backend, runs: int, seed: int) -> tuple[int, int, int]:
    rng = random.Random(seed)
    seen = Observed()
    kills = 0
    for run in range(runs):
        child = _writer(backend, 0, rng.randrange(1 << 30), 0)
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready == "R\n", child.stderr.read() if child.stderr else ready
        time.sleep(rng.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        kills += 1
        run_seen = Observed()
        run_seen.read(0, out)
        # Entries of different runs share writer id 0 and counters: keep them by index.
        seen.entries.update(run_seen.entries)
        seen.notes.extend(run_seen.notes)
        _check_after_crash(backend, seen, full_audit=run % 5 == 4 or run == runs - 1)
    return kills, len(seen.entries), len(seen.notes)


CRASH_COUNTS: dict[str, tuple[int, int, int]] = {}


@pytest.mark.parametrize(("kind", "runs"), [("sqlite", 45), ("postgres", 20)])
def test_crash_safety_sigkill(kind: str, runs: int, request: pytest.FixtureRequest) -> None:
    backend = _make_backend(kind, request)
    backend.open().close()  # create the schema before the first writer races to
    try:
        kills, appended, notes = _crash_runs(backend, runs, seed=runs)
    finally:
        backend.close()
    CRASH_COUNTS[kind] = (kills, appended, notes)
    print(f"crash test {kind}: {kills} SIGKILLs, {appended} acknowledged entries, {notes} notes")
    assert kills == runs and appended > 0


# --- concurrency ----------------------------------------------------------------------------


def test_concurrent_writers_postgres(request: pytest.FixtureRequest) -> None:
    backend = _make_backend("postgres", request)
    backend.open().close()
    writers, batches = 4, 25
    children = [_writer(backend, w, 1000 + w, batches) for w in range(writers)]
    expected: dict[bytes, int] = {}
    seen = Observed()
    for w, child in enumerate(children):
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        one = Observed()
        one.read(w, out)
        for index, data in one.entries.items():
            assert index not in seen.entries, f"index {index} handed out twice"
            seen.entries[index] = data
            expected[data] = index
        seen.notes.extend(one.notes)
    log = backend.open()
    try:
        size = log.size
        assert sorted(seen.entries) == list(range(size)), "gaps or extra entries in the log"
        assert len(expected) == size  # every entry exactly once
        for index, data in seen.entries.items():
            assert log.entry(index) == data
        log.audit()  # also checks every issued checkpoint against the tree
        assert set(seen.notes) == set(log.checkpoints())
    finally:
        log.close()
        backend.close()
