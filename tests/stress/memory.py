"""Allocation failure under an address-space limit (``ulimit -v``, RLIMIT_AS), one probe per
child process, so an abort in one is seen and the others still run.

Each probe first builds its (large) input, then caps the address space at what the process
maps now plus ``headroom`` MiB, then calls one pqpay entry point whose work needs more than
that. The outcome is what the caller of that entry point sees: ``ok`` (it fit after all), a
``MemoryError`` or another typed exception, or the process killed by a signal (``SIGABRT``: a
Rust allocation failure, which aborts the process by default, or the interpreter's abort).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

MiB = 1 << 20


def mapped_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def cap(headroom_mib: int) -> None:
    limit = mapped_bytes() + headroom_mib * MiB
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file behind
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _big(n_mib: int) -> bytes:
    return bytes(n_mib * MiB)


def _probes() -> dict[str, tuple[str, Callable[[int], Callable[[], object]]]]:
    """name -> (what it calls, make(size_mib) -> call). make() builds the input uncapped."""
    from pqpay import _jcs, hpke, kem, merkle, signatures

    def sign(key: object) -> Callable[[int], Callable[[], object]]:
        def make(n: int) -> Callable[[], object]:
            data = _big(n)
            return lambda: key.sign(data)  # type: ignore[attr-defined]

        return make

    def hpke_seal(n: int) -> Callable[[], object]:
        suite = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
        public = kem.XWingPrivateKey.generate().public_key()
        data = _big(n)
        return lambda: suite.seal(public, data)

    def hpke_open(n: int) -> Callable[[], object]:
        suite = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
        private = kem.XWingPrivateKey.generate()
        enc, ct = suite.seal(private.public_key(), _big(n))
        return lambda: suite.open(private, enc, ct)

    def merkle_root(n: int) -> Callable[[], object]:
        leaves = _big(n)  # n MiB of leaf hashes (n * 32768 leaves)
        return lambda: merkle.root(leaves)

    def merkle_leaf_hashes(n: int) -> Callable[[], object]:
        entries = [b"e"] * (n * MiB // 32)  # output n MiB of hashes
        return lambda: merkle.leaf_hashes(entries)

    def verify_many(n: int) -> Callable[[], object]:
        key = signatures.Ed25519PrivateKey.generate()
        data = b"x"
        sig = key.sign(data)
        items = [(key.public_key(), sig, data)] * (n * 4096)
        return lambda: signatures.verify_many(items)

    def jcs(n: int) -> Callable[[], object]:
        text = b'"' + b"a" * (n * MiB) + b'"'
        return lambda: _jcs.canonicalize_json(text)

    def pem_public(n: int) -> Callable[[], object]:
        from pqpay import serialization

        body = b"A" * (n * MiB)
        pem = b"-----BEGIN PUBLIC KEY-----\n" + body + b"\n-----END PUBLIC KEY-----\n"
        return lambda: serialization.load_pem_public_key(pem)

    def encapsulate_many(n: int) -> Callable[[], object]:
        public = kem.MLKEM768PrivateKey.generate().public_key()
        keys = [public] * (n * MiB // 1120)  # output about n MiB of (secret, ciphertext)
        return lambda: kem.encapsulate_many(keys)

    def decapsulate_many(n: int) -> Callable[[], object]:
        private = kem.MLKEM768PrivateKey.generate()
        _, ct = private.public_key().encapsulate()
        cts = [ct] * (n * MiB // 1088)
        return lambda: private.decapsulate_many(cts)

    def sign_many(n: int) -> Callable[[], object]:
        key = signatures.MLDSA65PrivateKey.generate()
        messages = [b"m"] * (n * MiB // 3309)  # output about n MiB of signatures
        return lambda: key.sign_many(messages)

    def snarkjs(n: int) -> Callable[[], object]:
        from pqpay import groth16

        text = b'["' + b"1" * (n * MiB) + b'"]'
        return lambda: groth16.public_inputs_from_snarkjs_text(text)

    def stripe(n: int) -> Callable[[], object]:
        from pqpay.webhooks import verify_stripe

        body = _big(n)
        return lambda: verify_stripe(body, "t=1,v1=" + "0" * 64, "whsec_x", now=1)

    def cose(n: int) -> Callable[[], object]:
        from pqpay import payments

        key = signatures.Ed25519PrivateKey.generate()
        message = {"id": "x" * (n * MiB)}
        return lambda: payments.sign_payment_cose(key, message)

    return {
        "mldsa65_sign": (
            "MLDSA65PrivateKey.sign(n MiB)",
            sign(signatures.MLDSA65PrivateKey.generate()),
        ),
        "ed25519_sign": (
            "Ed25519PrivateKey.sign(n MiB)",
            sign(signatures.Ed25519PrivateKey.generate()),
        ),
        "composite_sign": (
            "MLDSA65Ed25519PrivateKey.sign(n MiB)",
            sign(signatures.MLDSA65Ed25519PrivateKey.generate()),
        ),
        "hpke_seal": ("hpke.Suite.seal(n MiB)", hpke_seal),
        "hpke_open": ("hpke.Suite.open(n MiB)", hpke_open),
        "merkle_root": ("merkle.root(n MiB of leaves)", merkle_root),
        "merkle_leaf_hashes": ("merkle.leaf_hashes(-> n MiB)", merkle_leaf_hashes),
        "verify_many": ("signatures.verify_many(n*4096 items)", verify_many),
        "jcs": ("payments canonical JSON of an n MiB string", jcs),
        "pem_public": ("serialization.load_pem_public_key(n MiB)", pem_public),
        "encapsulate_many": ("kem.encapsulate_many(-> n MiB)", encapsulate_many),
        "decapsulate_many": ("decapsulate_many(n MiB of ciphertexts)", decapsulate_many),
        "sign_many": ("MLDSA65PrivateKey.sign_many(-> n MiB)", sign_many),
        "snarkjs": ("groth16.public_inputs_from_snarkjs_text(n MiB)", snarkjs),
        "stripe": ("webhooks.verify_stripe(n MiB body)", stripe),
        "cose_sign": ("payments.sign_payment_cose(n MiB message)", cose),
    }


# The probe child's answers, encoded before the cap: reporting a caught MemoryError must not need
# memory (a print() can fail then, and the outcome would be lost as "exit 1").
_OK_LINE = b"ok\n"
_MEMORY_ERROR_LINE = b"MemoryError\n"
_UNFORMATTABLE_LINE = b"an exception whose message could not be formatted (out of memory)\n"


def probe_child(name: str, size_mib: int, headroom_mib: int) -> int:
    """Runs in the child: writes one outcome line; a signal shows in the exit status.

    The line is written with ``os.write`` and the child then leaves with ``os._exit``: after a
    caught ``MemoryError`` the interpreter's own teardown may fail for want of memory, which is
    not the outcome of the entry point probed. An abort inside the call still kills the child
    by its signal before any of this runs."""
    make = _probes()[name][1]
    call = make(size_mib)
    cap(headroom_mib)
    try:
        call()
    except MemoryError:
        line = _MEMORY_ERROR_LINE
    except BaseException as exc:
        try:
            line = f"{type(exc).__module__}.{type(exc).__name__}: {str(exc)[:120]}\n".encode()
        except MemoryError:
            line = _UNFORMATTABLE_LINE
    else:
        line = _OK_LINE
    os.write(1, line)
    os._exit(0)


def mixed_child(headroom_mib: int, threads: int, ops: int) -> int:
    """The mixed operations (no HSM) with the address space capped once the keys exist."""
    from tests.stress import mixed_ops

    shared = mixed_ops.make_shared()
    try:  # the threads (their stacks) exist before the cap: it presses on the operations
        figures = mixed_ops.run_threads(
            shared, threads, ops, time.monotonic() + 300, started=lambda: cap(headroom_mib)
        )
    except BaseException as exc:  # a thread that could not start, for example
        print(f"run: {type(exc).__name__}: {exc}", flush=True)
        return 0
    print(figures.line(), flush=True)
    for kind, count in sorted(figures.errors.items()):
        print(f"  {kind}: {count}", flush=True)
    return 0


def recovery_child() -> int:
    """A batch call while thread creation fails (soft RLIMIT_AS), then the same call after the
    limit is lifted: does the process recover, or is the batch path broken for good?"""
    from pqpay import signatures

    key = signatures.Ed25519PrivateKey.generate()
    items = [(key.public_key(), key.sign(b"x"), b"x")] * 64
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (mapped_bytes() + 2 * MiB, hard))
    results = []
    for phase in ("capped", "lifted", "lifted again"):
        if phase == "lifted":
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        try:
            results.append(f"{phase}: {'ok' if all(signatures.verify_many(items)) else 'wrong'}")
        except BaseException as exc:
            results.append(f"{phase}: {type(exc).__name__}")
    print("; ".join(results), flush=True)
    return 0


def run_recovery() -> str:
    return _child(["memrecovery"], timeout=300)


@dataclass
class Outcome:
    name: str
    what: str
    size_mib: int
    headroom_mib: int
    result: str

    def line(self) -> str:
        return (
            f"  {self.name:<20} {self.what:<42} input {self.size_mib} MiB, "
            f"headroom {self.headroom_mib} MiB: {self.result}"
        )


def _child(args: list[str], timeout: float) -> str:
    # A backtrace names the Rust function whose allocation failed.
    env = dict(os.environ, RUST_BACKTRACE="1")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.stress.run", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    out = proc.stdout.strip()
    if proc.returncode < 0:
        lines = proc.stderr.splitlines()
        why = next((x.strip() for x in lines if "allocation of" in x), lines[-1:] or "")
        frame = next((x.split(": ", 1)[-1] for x in lines if "pqpay_core::" in x), None)
        where = f" in {frame.strip()}" if frame else ""
        return f"ABORTED by {signal.Signals(-proc.returncode).name}: {why}{where}"
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    return out


def run_probes(size_mib: int, headroom_mib: int, names: list[str] | None = None) -> list[Outcome]:
    outcomes = []
    for name, (what, _) in _probes().items():
        if names and name not in names:
            continue
        result = _child(["memprobe", name, str(size_mib), str(headroom_mib)], timeout=300)
        outcomes.append(Outcome(name, what, size_mib, headroom_mib, result))
    return outcomes


def run_mixed(headroom_mib: int, threads: int, ops: int) -> str:
    return _child(["memmixed", str(headroom_mib), str(threads), str(ops)], timeout=600)
