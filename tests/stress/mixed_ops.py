"""Threads doing mixed operations on shared key objects; every result checked.

Operations (round robin from a per-thread random start, so every thread does all of them):
ML-KEM-768 and X-Wing encapsulate/decapsulate (the decapsulated secret equals the encapsulated
one), HPKE seal/open (the plaintext comes back), ML-DSA-65 / composite / Ed25519 sign and
verify, ``signatures.verify_many`` over good and bad items (the answer is exactly the list of
good ones), Groth16 verify and ``verify_many`` (the repository's vectors; a tampered public
input is refused), Merkle inclusion and consistency proofs (verify against the root, a tampered
one is refused), and, with a SoftHSM2 token, sign and decapsulate through HSM handles.
"""

from __future__ import annotations

import collections
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pqpay import groth16, hpke, kem, merkle, signatures
from pqpay.exceptions import InvalidProof, InvalidSignature

ROOT = Path(__file__).resolve().parents[2]


class WrongResult(AssertionError):
    """An operation returned, but not what it must."""


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise WrongResult(what)


def refused(call: Callable[[], object], exc: type[BaseException], what: str) -> None:
    try:
        call()
    except exc:
        return
    raise WrongResult(f"{what} was accepted")


@dataclass
class Shared:
    """The key objects every thread uses at once."""

    mlkem: kem.MLKEM768PrivateKey
    xwing: kem.XWingPrivateKey
    suite: hpke.Suite
    signers: list[Any]
    groth: list[tuple[groth16.VerifyingKey, groth16.Proof, list[int]]]
    leaves: bytes
    hsm_signer: Any = None
    hsm_kem: Any = None
    ops: list[tuple[str, Callable[[random.Random], None]]] = field(default_factory=list)


def make_shared(hsm_store: Any = None) -> Shared:
    groth = []
    for d in sorted((ROOT / "vectors" / "groth16").iterdir()):
        if d.is_dir():
            groth.append(
                (
                    groth16.VerifyingKey.from_snarkjs_path(d / "verification_key.json"),
                    groth16.Proof.from_snarkjs_path(d / "proof.json"),
                    groth16.public_inputs_from_snarkjs_path(d / "public.json"),
                )
            )
    shared = Shared(
        mlkem=kem.MLKEM768PrivateKey.generate(),
        xwing=kem.XWingPrivateKey.generate(),
        suite=hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM),
        signers=[
            signatures.MLDSA65PrivateKey.generate(),
            signatures.MLDSA44Ed25519PrivateKey.generate(),
            signatures.Ed25519PrivateKey.generate(),
        ],
        groth=groth,
        leaves=merkle.leaf_hashes([f"entry-{i}".encode() for i in range(1000)]),
    )
    if hsm_store is not None:
        from pqpay.hsm import Algorithm

        shared.hsm_signer = hsm_store.create("stress-sign", Algorithm.MLDSA65_ED25519)
        shared.hsm_kem = hsm_store.create("stress-kem", Algorithm.MLKEM768)
    shared.ops = _ops(shared)
    return shared


def _ops(s: Shared) -> list[tuple[str, Callable[[random.Random], None]]]:
    def kem_roundtrip(key: Any) -> Callable[[random.Random], None]:
        public = key.public_key()

        def op(rng: random.Random) -> None:
            secret, ct = public.encapsulate()
            expect(key.decapsulate(ct) == secret, "decapsulated secret differs")

        return op

    def hpke_op(rng: random.Random) -> None:
        plaintext = rng.randbytes(rng.randrange(0, 2048))
        enc, ct = s.suite.seal(s.xwing.public_key(), plaintext, info=b"stress", aad=b"a")
        expect(s.suite.open(s.xwing, enc, ct, info=b"stress", aad=b"a") == plaintext, "HPKE")

    def sign_op(rng: random.Random) -> None:
        key = rng.choice(s.signers)
        data = rng.randbytes(rng.randrange(1, 512))
        sig = key.sign(data)
        key.public_key().verify(sig, data)
        refused(lambda: key.public_key().verify(sig, data + b"x"), InvalidSignature, "bad sig")

    def batch_op(rng: random.Random) -> None:
        items, want = [], []
        for i in range(8):
            key = s.signers[i % len(s.signers)]
            data = rng.randbytes(64)
            sig = key.sign(data)
            good = rng.random() < 0.7
            items.append((key.public_key(), sig, data if good else data + b"!"))
            want.append(good)
        expect(signatures.verify_many(items) == want, "verify_many answer")

    def groth_op(rng: random.Random) -> None:
        vk, proof, inputs = rng.choice(s.groth)
        groth16.verify(vk, proof, inputs)
        bad = [inputs[0] + 1, *inputs[1:]]
        expect(vk.verify_many([(proof, inputs), (proof, bad)]) == [True, False], "Groth16 batch")

    def merkle_op(rng: random.Random) -> None:
        n = rng.randrange(1, 1000)
        leaves = s.leaves[: 32 * n]
        root = merkle.root(leaves)
        i = rng.randrange(n)
        proof = merkle.inclusion_proof(leaves, i)
        leaf = leaves[32 * i : 32 * i + 32]
        merkle.verify_inclusion(leaf, i, n, proof, root)
        refused(lambda: merkle.verify_inclusion(bytes(32), i, n, proof, root), InvalidProof, "leaf")
        old = rng.randrange(1, n + 1)
        merkle.verify_consistency(
            old, n, merkle.root(leaves[: 32 * old]), root, merkle.consistency_proof(leaves, old)
        )

    ops: list[tuple[str, Callable[[random.Random], None]]] = [
        ("mlkem768", kem_roundtrip(s.mlkem)),
        ("xwing", kem_roundtrip(s.xwing)),
        ("hpke", hpke_op),
        ("sign", sign_op),
        ("verify_many", batch_op),
        ("groth16", groth_op),
        ("merkle", merkle_op),
    ]
    if s.hsm_signer is not None:
        hsm_public = s.hsm_signer.public_key()

        def hsm_sign(rng: random.Random) -> None:
            data = rng.randbytes(100)
            hsm_public.verify(s.hsm_signer.sign(data), data)

        ops += [("hsm_sign", hsm_sign), ("hsm_decaps", kem_roundtrip(s.hsm_kem))]
    return ops


@dataclass
class Figures:
    threads: int
    ops: int = 0
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    per_op: collections.Counter[str] = field(default_factory=collections.Counter)
    seconds: float = 0.0
    first_errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = self.ops / self.seconds if self.seconds else 0.0
        errs = sum(self.errors.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.per_op.items()))
        return (
            f"mixed ops: {self.threads} threads, {self.ops} ops, {errs} errors, "
            f"{self.seconds:.1f} s, {rate:.0f} ops/s ({detail})"
        )


def run_threads(
    shared: Shared,
    threads: int,
    ops_per_thread: int,
    deadline: float,
    started: Callable[[], None] | None = None,
) -> Figures:
    """Runs ``threads`` x ``ops_per_thread`` operations (stopping early at ``deadline``);
    ``started`` runs once every thread exists, before any operation (the memory cap)."""
    figures = Figures(threads)
    lock = threading.Lock()
    start_gate = threading.Barrier(threads + 1)

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        done: collections.Counter[str] = collections.Counter()
        errors: collections.Counter[str] = collections.Counter()
        first: list[str] = []
        try:
            start_gate.wait()
        except threading.BrokenBarrierError:
            return  # another thread could not start: the run is called off
        k = rng.randrange(len(shared.ops))
        for n in range(ops_per_thread):
            if n % 64 == 0 and time.monotonic() > deadline:
                errors["deadline"] += 1
                break
            name, op = shared.ops[(k + n) % len(shared.ops)]
            try:
                op(rng)
                done[name] += 1
            except BaseException as exc:  # every exception is unexpected here, even Panic
                errors[f"{name}: {type(exc).__name__}"] += 1
                if len(first) < 3:
                    first.append(f"{name}: {type(exc).__name__}: {exc}")
        with lock:
            figures.per_op.update(done)
            figures.ops += sum(done.values())
            figures.errors.update(errors)
            figures.first_errors.extend(first)

    start = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i + os.getpid(),)) for i in range(threads)]
    try:
        for t in pool:
            t.start()
        if started is not None:
            started()
        start_gate.wait()
    except BaseException:
        start_gate.abort()  # release the threads already waiting, then report
        for t in pool:
            if t.ident is not None:
                t.join()
        raise
    for t in pool:
        t.join()
    figures.seconds = time.monotonic() - start
    return figures
