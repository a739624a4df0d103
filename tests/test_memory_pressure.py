"""Allocation failure in the native core is ``MemoryError``, never an abort of the interpreter.

Each case runs in a child process whose address space is capped just above what it has mapped
(RLIMIT_AS), then asks the core for a buffer the size of a large input. Before the core's
fallible buffers (``pqpay_core::error::try_vec``) these children died with SIGABRT. The batch
pool is checked the same way: a pool that could not start (no thread can be created under the
cap) is retried by the next call instead of failing the process's batch calls for good.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import pqpay

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS, /proc")

PRELUDE = """
import resource
def cap(headroom):
    with open("/proc/self/status") as f:
        size = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (size + headroom, hard))
    return soft, hard
"""

CASES = {
    "aes256gcm_seal": """
from pqpay import hazmat
pt = bytes(256 << 20)
cap(64 << 20)
hazmat.aes256gcm_seal(bytes(32), bytes(12), b"", pt)
""",
    "hpke_open": """
from pqpay import hpke, kem
suite = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
private = kem.XWingPrivateKey.generate()
enc, ct = suite.seal(private.public_key(), bytes(256 << 20))
cap(64 << 20)
suite.open(private, enc, ct)
""",
    "merkle_leaf_hashes": """
from pqpay import merkle
entries = [b"e"] * (8 << 20)
cap(64 << 20)
merkle.leaf_hashes(entries)
""",
    # The batch calls below aborted the interpreter before they worked in chunks
    # (rust/python/src/error.rs `batched`) and borrowed their inputs instead of copying them.
    "decapsulate_many": """
from pqpay import kem
private = kem.MLKEM768PrivateKey.generate()
_, ct = private.public_key().encapsulate()
cts = [ct] * (1 << 20)
cap(16 << 20)
private.decapsulate_many(cts)
""",
    "sign_many": """
from pqpay import signatures
key = signatures.Ed25519PrivateKey.generate()
messages = [b"m"] * (1 << 20)
cap(16 << 20)
key.sign_many(messages)
""",
    # The PEM decoder's buffer follows the document's size (it aborted on 64 MiB).
    "load_pem_public_key": """
from pqpay import serialization
nl = bytes([10])
pem = b"-----BEGIN PUBLIC KEY-----" + nl + b"A" * (64 << 20) + nl + b"-----END PUBLIC KEY-----"
cap(16 << 20)
serialization.load_pem_public_key(pem)
""",
}


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(pqpay.__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failed_allocation_is_memory_error(case: str) -> None:
    done = run_child(CASES[case])
    assert done.returncode != -6, f"{case} aborted the interpreter: {done.stderr[-400:]}"
    assert done.returncode == 1, done.stderr[-400:]
    assert "MemoryError" in done.stderr.splitlines()[-1], done.stderr[-400:]


def test_the_batch_pool_recovers_after_it_could_not_start() -> None:
    done = run_child("""
from pqpay import signatures
key = signatures.Ed25519PrivateKey.generate()
items = [(key.public_key(), key.sign(b"x"), b"x")] * 64
soft, hard = cap(2 << 20)
try:
    signatures.verify_many(items)
    print("capped: ok")
except Exception as exc:
    print("capped:", type(exc).__name__)
resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
print("lifted:", all(signatures.verify_many(items)))
""")
    assert done.returncode == 0, done.stderr[-400:]
    # Under the cap the call may succeed on the calling thread or fail for memory; after the
    # cap is lifted it must work (rayon's global pool stayed broken for the process's life).
    assert done.stdout.splitlines()[-1] == "lifted: True", done.stdout + done.stderr[-400:]
