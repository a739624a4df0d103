"""``pqpay bench``: times pqpay against whichever peers are installed, in one run, with ratios.

Families: KEMs (hybrids included), HPKE seal/open, signatures (ML-DSA, Ed25519, Ed448, the
composites, two SLH-DSA sets), Merkle root and proof verification, Groth16 verification of the
CLI's bundled demo proof, and the payment flow (sign, SQLite ledger append, receipt issue,
offline receipt verification), and the batch calls (``sign_many``, ``verify_many``,
``encapsulate_many``, ``decapsulate_many``, Groth16 ``verify_many``) against the same items one
call at a time. Peers: pyca/cryptography, liboqs-python (only when
``OQS_INSTALL_PATH`` names a built liboqs: without one, importing it tries to download and build
liboqs), pqcrypto, and a plain hashlib loop for Merkle trees. Each is optional; an absent one is
reported as absent with the reason.

Method: each operation's implementations are timed round-robin (round ``r`` starts at a
different implementation), so machine noise hits all alike; every sample is a loop of calls
sized to a fixed time; the table gives the median and the best per call and ``ratio = pqpay
median / fastest peer median`` (below 1: pqpay is faster). Then pqpay alone is called from 1
thread and from one thread per available core, interleaved the same way: calls per second and
the scaling ratio (pqpay releases the GIL around its native work). A batch row gives the batch
call's time per item, then items per second one call at a time on one thread and in the batch
call (on the native pool, one thread per core), and their ratio as its scaling.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import importlib.metadata
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO, TypeVar

import pqpay
from pqpay import checkpoint, groth16, hpke, kem, ledger, merkle, payments, signatures
from pqpay.cli._common import CliError
from pqpay.cli.demo import groth16_demo_data

FAMILIES = ("kem", "hpke", "sig", "merkle", "groth16", "payment", "batch")
JSON_SCHEMA = "pqpay-bench/1"
PEER_NAMES = ("pyca", "liboqs", "pqcrypto", "hashlib")
OQS_ENV = "OQS_INSTALL_PATH"

# A payment message as a gateway signs it (about 100 bytes): signed, sealed and logged below.
MESSAGE = b'{"id":"pay_000000000042","amount":{"minor_units":12999,"currency":"EUR"},"m":"mch_42"}'
PAYMENT = {
    "id": "pay_000000000042",
    "type": "payment.authorized",
    "amount": {"minor_units": 12999, "currency": "EUR"},
    "merchant": "mch_0042",
}

Op = Callable[[], object]
_T = TypeVar("_T")


# --- settings, peers, cases --------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """How long to time: ``rounds`` interleaved samples per implementation, each a loop of calls
    lasting about ``sample_s`` (``calibrate=False``: one call per sample, for tests)."""

    rounds: int
    sample_s: float
    thread_rounds: int
    calibrate: bool = True


QUICK = Settings(rounds=9, sample_s=0.012, thread_rounds=5)
FULL = Settings(rounds=21, sample_s=0.04, thread_rounds=9)


@dataclass
class Peer:
    """One peer library: its module(s) when present, else why it is absent."""

    name: str
    label: str
    modules: dict[str, ModuleType] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    absent: str | None = None

    @property
    def present(self) -> bool:
        return self.absent is None


@dataclass
class Case:
    """One operation: zero-argument callables per implementation, ``"pqpay"`` first."""

    family: str
    op: str
    impls: dict[str, Op]
    notes: dict[str, str] = field(default_factory=dict)
    threads: bool = True
    # Batch cases: items per call (the timings are per item) and the same items one call at a
    # time, the single-thread reference of the batch call's scaling.
    items: int = 1
    serial: Op | None = None


@dataclass
class Stats:
    median_us: float
    best_us: float
    samples: int
    calls_per_sample: int


@dataclass
class Result:
    case: Case
    stats: dict[str, Stats]
    threads: dict[str, float] | None = None

    @property
    def fastest_peer(self) -> str | None:
        peers = {k: v.median_us for k, v in self.stats.items() if k != "pqpay"}
        return min(peers, key=peers.__getitem__) if peers else None

    @property
    def ratio(self) -> float | None:
        peer = self.fastest_peer
        if peer is None:
            return None
        return self.stats["pqpay"].median_us / self.stats[peer].median_us


def _import(name: str) -> ModuleType:
    return importlib.import_module(name)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _load_pyca() -> Peer:
    peer = Peer("pyca", "pyca/cryptography")
    try:
        peer.modules["cryptography"] = _import("cryptography")
    except ImportError as exc:
        peer.absent = f"not installed ({exc})"
        return peer
    peer.versions["cryptography"] = str(peer.modules["cryptography"].__version__)
    return peer


def _liboqs_library(install: str) -> Path | None:
    for lib in ("lib", "lib64"):
        found = sorted((Path(install) / lib).glob("liboqs.*"))
        if found:
            return found[0]
    return None


def _load_liboqs() -> Peer:
    peer = Peer("liboqs", "liboqs (liboqs-python)")
    install = os.environ.get(OQS_ENV, "")
    if not install:
        peer.absent = f"{OQS_ENV} is not set (liboqs-python is only used with a built liboqs)"
        return peer
    if _liboqs_library(install) is None:
        peer.absent = f"{OQS_ENV}={install} holds no lib/liboqs.*"
        return peer
    try:
        # liboqs-python logs a line to stdout as it is imported; keep it out of the table.
        with contextlib.redirect_stdout(io.StringIO()):
            oqs = _import("oqs")
    except ImportError as exc:
        peer.absent = f"liboqs-python is not installed ({exc})"
        return peer
    peer.modules["oqs"] = oqs
    peer.versions["liboqs"] = str(oqs.oqs_version())
    peer.versions["liboqs-python"] = str(oqs.oqs_python_version())
    return peer


def _load_pqcrypto() -> Peer:
    peer = Peer("pqcrypto", "pqcrypto")
    try:
        peer.modules["sign"] = _import("pqcrypto.sign")
        peer.modules["kem"] = _import("pqcrypto.kem")
    except ImportError as exc:
        peer.absent = f"not installed ({exc})"
        return peer
    peer.versions["pqcrypto"] = _version("pqcrypto")
    return peer


def _load_hashlib() -> Peer:
    peer = Peer("hashlib", "Python loop over hashlib (Merkle only)")
    peer.versions["python"] = platform.python_version()
    return peer


def load_peers() -> dict[str, Peer]:
    """Every peer, present or not (an absent one says why)."""
    return {p.name: p for p in (_load_pyca(), _load_liboqs(), _load_pqcrypto(), _load_hashlib())}


def _submodule(peer: Peer, package: str, name: str) -> ModuleType | None:
    if not peer.present:
        return None
    try:
        return _import(f"{package}.{name}")
    except ImportError:
        return None


# --- the cases -----------------------------------------------------------------------------------

_PARTS = "its parts timed separately (no combiner): the bar the hybrid must beat"
_PYCA_MLKEM = {"ML-KEM-512": "MLKEM512", "ML-KEM-768": "MLKEM768", "ML-KEM-1024": "MLKEM1024"}
# pqpay hybrid KEM -> (its ML-KEM part, its classical part) as pyca's pieces.
_KEM_PARTS = {
    "X-Wing": ("ML-KEM-768", "x25519"),
    "X25519MLKEM768": ("ML-KEM-768", "x25519"),
    "MLKEM768-P256": ("ML-KEM-768", "p256"),
    "MLKEM1024-P384": ("ML-KEM-1024", "p384"),
}


def _kem_ops(keygen: Callable[[], Any], encaps: Op, decaps: Op) -> dict[str, Op]:
    return {"keygen": keygen, "encaps": encaps, "decaps": decaps}


def _pqpay_kem(cls: type[kem.KEMPrivateKey[Any]]) -> dict[str, Op]:
    sk = cls.generate()
    pk = sk.public_key()
    _, ct = pk.encapsulate()
    return _kem_ops(cls.generate, pk.encapsulate, partial(sk.decapsulate, ct))


def _pyca_mlkem(name: str) -> dict[str, Op] | None:
    mlkem = _import("cryptography.hazmat.primitives.asymmetric.mlkem")
    cls = getattr(mlkem, f"{_PYCA_MLKEM[name]}PrivateKey", None)
    if cls is None:
        return None
    sk = cls.generate()
    pk = sk.public_key()
    _, ct = pk.encapsulate()
    return _kem_ops(cls.generate, pk.encapsulate, partial(sk.decapsulate, ct))


def _pyca_classical(kind: str) -> dict[str, Op]:
    """ECDH as a KEM: keygen, encaps = ephemeral keygen + exchange, decaps = exchange."""
    if kind == "x25519":
        x25519 = _import("cryptography.hazmat.primitives.asymmetric.x25519")
        gen: Callable[[], Any] = x25519.X25519PrivateKey.generate

        def exchange(sk: Any, pk: Any) -> bytes:
            return bytes(sk.exchange(pk))
    else:
        ec = _import("cryptography.hazmat.primitives.asymmetric.ec")
        curve = ec.SECP256R1() if kind == "p256" else ec.SECP384R1()
        gen = partial(ec.generate_private_key, curve)
        ecdh = ec.ECDH()

        def exchange(sk: Any, pk: Any) -> bytes:
            return bytes(sk.exchange(ecdh, pk))

    sk = gen()
    pk = sk.public_key()

    def encaps() -> object:
        eph = gen()
        return eph.public_key(), exchange(eph, pk)

    return _kem_ops(gen, encaps, partial(exchange, sk, pk))


def _pyca_kem(name: str) -> tuple[dict[str, Op] | None, str | None]:
    if name in _PYCA_MLKEM:
        return _pyca_mlkem(name), None
    if name == "X25519":
        return _pyca_classical("x25519"), "X25519 exchange only (no DHKEM key schedule)"
    mlkem_name, classical = _KEM_PARTS[name]
    mlkem_ops = _pyca_mlkem(mlkem_name)
    if mlkem_ops is None:
        return None, None
    ecdh_ops = _pyca_classical(classical)

    def both(op: str) -> Op:
        first, second = mlkem_ops[op], ecdh_ops[op]
        return lambda: (first(), second())

    return {op: both(op) for op in mlkem_ops}, f"{mlkem_name} + {classical.upper()}: {_PARTS}"


def _oqs_kem(oqs: ModuleType, name: str) -> dict[str, Op]:
    client = oqs.KeyEncapsulation(name)
    pk = client.generate_keypair()
    ct, _ = client.encap_secret(pk)
    keygen = oqs.KeyEncapsulation(name)
    return _kem_ops(
        keygen.generate_keypair, partial(client.encap_secret, pk), partial(client.decap_secret, ct)
    )


def _pqcrypto_kem(mod: ModuleType) -> dict[str, Op]:
    pk, sk = mod.keygen()
    ct, _ = mod.encaps(pk)
    return _kem_ops(mod.keygen, partial(mod.encaps, pk), partial(mod.decaps, sk, ct))


def _ops_cases(
    family: str,
    name: str,
    ops: tuple[str, ...],
    impls: dict[str, dict[str, Op] | None],
    notes: dict[str, str],
) -> list[Case]:
    present = {k: v for k, v in impls.items() if v is not None}
    return [
        Case(
            family,
            f"{name} {op}",
            {k: v[op] for k, v in present.items()},
            {k: n for k, n in notes.items() if k in present},
        )
        for op in ops
    ]


def kem_cases(peers: dict[str, Peer]) -> list[Case]:
    cases: list[Case] = []
    for name, cls in kem.PRIVATE_KEY_CLASSES.items():
        impls: dict[str, dict[str, Op] | None] = {"pqpay": _pqpay_kem(cls)}
        notes: dict[str, str] = {}
        if peers["pyca"].present:
            impls["pyca"], note = _pyca_kem(name)
            if note:
                notes["pyca"] = note
        if name in _PYCA_MLKEM and peers["liboqs"].present:
            impls["liboqs"] = _oqs_kem(peers["liboqs"].modules["oqs"], name)
        mod = _submodule(peers["pqcrypto"], "pqcrypto.kem", name.lower().replace("-", "_"))
        if name in _PYCA_MLKEM and mod is not None:
            impls["pqcrypto"] = _pqcrypto_kem(mod)
        cases += _ops_cases("kem", name, ("keygen", "encaps", "decaps"), impls, notes)
    return cases


_HPKE_SUITES = (
    (hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM),
    (hpke.KEM.MLKEM1024_P384, hpke.KDF.SHAKE256, hpke.AEAD.AES_256_GCM),
    (hpke.KEM.MLKEM768, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305),
    (hpke.KEM.DHKEM_X25519_HKDF_SHA256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM),
)
_HPKE_KEM_LABEL = {
    hpke.KEM.MLKEM768_X25519: "X-Wing",
    hpke.KEM.MLKEM1024_P384: "MLKEM1024-P384",
    hpke.KEM.MLKEM768: "ML-KEM-768",
    hpke.KEM.DHKEM_X25519_HKDF_SHA256: "DHKEM(X25519)",
}
_PYCA_HPKE_KEM = {
    hpke.KEM.MLKEM768_X25519: "MLKEM768_X25519",
    hpke.KEM.MLKEM1024_P384: "MLKEM1024_P384",
    hpke.KEM.MLKEM768: "MLKEM768",
    hpke.KEM.DHKEM_X25519_HKDF_SHA256: "X25519",
}


def _pyca_hpke_key(kem_id: hpke.KEM) -> Any:
    asym = "cryptography.hazmat.primitives.asymmetric"
    pyca_hpke = _import("cryptography.hazmat.primitives.hpke")
    mlkem, x25519, ec = (_import(f"{asym}.{m}") for m in ("mlkem", "x25519", "ec"))
    if kem_id is hpke.KEM.MLKEM768_X25519:
        return pyca_hpke.MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.generate(), x25519.X25519PrivateKey.generate()
        )
    if kem_id is hpke.KEM.MLKEM1024_P384:
        return pyca_hpke.MLKEM1024P384PrivateKey(
            mlkem.MLKEM1024PrivateKey.generate(), ec.generate_private_key(ec.SECP384R1())
        )
    if kem_id is hpke.KEM.MLKEM768:
        return mlkem.MLKEM768PrivateKey.generate()
    return x25519.X25519PrivateKey.generate()


def _pyca_hpke(kem_id: hpke.KEM, kdf: hpke.KDF, aead: hpke.AEAD) -> dict[str, Op] | None:
    pyca_hpke = _import("cryptography.hazmat.primitives.hpke")
    parts = (
        getattr(pyca_hpke.KEM, _PYCA_HPKE_KEM[kem_id], None),
        getattr(pyca_hpke.KDF, kdf.name, None),
        getattr(pyca_hpke.AEAD, aead.name, None),
    )
    if None in parts:
        return None
    suite = pyca_hpke.Suite(*parts)
    sk = _pyca_hpke_key(kem_id)
    blob = suite.encrypt(MESSAGE, sk.public_key(), info=b"pqpay bench")
    if suite.decrypt(blob, sk, info=b"pqpay bench") != MESSAGE:
        raise RuntimeError("pyca HPKE round trip failed")
    return {
        "seal": partial(suite.encrypt, MESSAGE, sk.public_key(), info=b"pqpay bench"),
        "open": partial(suite.decrypt, blob, sk, info=b"pqpay bench"),
    }


def hpke_cases(peers: dict[str, Peer]) -> list[Case]:
    cases: list[Case] = []
    for kem_id, kdf, aead in _HPKE_SUITES:
        suite = hpke.Suite(kem_id, kdf, aead)
        sk = suite.kem_private_key_class.generate()
        enc, ct = suite.seal(sk.public_key(), MESSAGE, info=b"pqpay bench")
        if suite.open(sk, enc, ct, info=b"pqpay bench") != MESSAGE:
            raise RuntimeError(f"{suite!r}: round trip failed")
        ours: dict[str, Op] = {
            "seal": partial(suite.seal, sk.public_key(), MESSAGE, info=b"pqpay bench"),
            "open": partial(suite.open, sk, enc, ct, info=b"pqpay bench"),
        }
        impls: dict[str, dict[str, Op] | None] = {"pqpay": ours}
        if peers["pyca"].present:
            impls["pyca"] = _pyca_hpke(kem_id, kdf, aead)
        name = f"HPKE {_HPKE_KEM_LABEL[kem_id]}/{kdf.name}/{aead.name}"
        cases += _ops_cases("hpke", name, ("seal", "open"), impls, {})
    return cases


_SLHDSA_SETS = ("SLH-DSA-SHA2-128f", "SLH-DSA-SHAKE-128f")
_PYCA_SIG_PARTS = {
    "MLDSA44-Ed25519-SHA512": ("ML-DSA-44", "Ed25519"),
    "MLDSA65-Ed25519-SHA512": ("ML-DSA-65", "Ed25519"),
    "MLDSA87-Ed448-SHAKE256": ("ML-DSA-87", "Ed448"),
    "MLDSA65-ECDSA-P256-SHA512": ("ML-DSA-65", "P-256"),
    "MLDSA87-ECDSA-P384-SHA512": ("ML-DSA-87", "P-384"),
}


def _sig_ops(keygen: Callable[[], Any], sign: Op, verify: Op) -> dict[str, Op]:
    return {"keygen": keygen, "sign": sign, "verify": verify}


def _pqpay_sig(name: str) -> dict[str, Op]:
    cls = signatures.PRIVATE_KEY_CLASSES[name]
    sk = cls.generate()
    pk = sk.public_key()
    sig = sk.sign(MESSAGE)
    pk.verify(sig, MESSAGE)
    return _sig_ops(cls.generate, partial(sk.sign, MESSAGE), partial(pk.verify, sig, MESSAGE))


def _pyca_single(name: str) -> dict[str, Op] | None:
    asym = "cryptography.hazmat.primitives.asymmetric"
    if name.startswith("ML-DSA-"):
        mldsa = _import(f"{asym}.mldsa")
        cls = getattr(mldsa, f"MLDSA{name.removeprefix('ML-DSA-')}PrivateKey", None)
        gen: Callable[[], Any] | None = None if cls is None else cls.generate
        sign_args: tuple[Any, ...] = ()
    elif name in ("Ed25519", "Ed448"):
        gen = getattr(_import(f"{asym}.{name.lower()}"), f"{name}PrivateKey").generate
        sign_args = ()
    elif name in ("P-256", "P-384"):
        ec = _import(f"{asym}.ec")
        hashes = _import("cryptography.hazmat.primitives.hashes")
        curve = ec.SECP256R1() if name == "P-256" else ec.SECP384R1()
        gen = partial(ec.generate_private_key, curve)
        sign_args = (ec.ECDSA(hashes.SHA512() if name == "P-256" else hashes.SHA384()),)
    else:
        return None
    if gen is None:
        return None
    sk = gen()
    pk = sk.public_key()
    sig = sk.sign(MESSAGE, *sign_args)
    return _sig_ops(
        gen, partial(sk.sign, MESSAGE, *sign_args), partial(pk.verify, sig, MESSAGE, *sign_args)
    )


def _pyca_sig(name: str) -> tuple[dict[str, Op] | None, str | None]:
    if name not in _PYCA_SIG_PARTS:
        return _pyca_single(name), None
    first, second = (_pyca_single(part) for part in _PYCA_SIG_PARTS[name])
    if first is None or second is None:
        return None, None

    def both(op: str) -> Op:
        a, b = first[op], second[op]
        return lambda: (a(), b())

    parts = " + ".join(_PYCA_SIG_PARTS[name])
    return {op: both(op) for op in first}, f"{parts}: {_PARTS}"


def _oqs_name(name: str) -> str:
    if name.startswith("SLH-DSA-"):
        return "SLH_DSA_PURE_" + name.removeprefix("SLH-DSA-").replace("-", "_").upper()
    return name


def _oqs_sig(oqs: ModuleType, name: str) -> dict[str, Op]:
    signer = oqs.Signature(_oqs_name(name))
    pk = signer.generate_keypair()
    sig = signer.sign(MESSAGE)
    verifier = oqs.Signature(_oqs_name(name))
    if not verifier.verify(MESSAGE, sig, pk):
        raise RuntimeError(f"liboqs {name}: its own signature does not verify")
    keygen = oqs.Signature(_oqs_name(name))
    return _sig_ops(
        keygen.generate_keypair,
        partial(signer.sign, MESSAGE),
        partial(verifier.verify, MESSAGE, sig, pk),
    )


def _pqcrypto_sig(mod: ModuleType) -> dict[str, Op]:
    pk, sk = mod.keygen()
    sig = mod.sign(sk, MESSAGE)
    mod.verify(pk, MESSAGE, sig)
    return _sig_ops(
        mod.keygen, partial(mod.sign, sk, MESSAGE), partial(mod.verify, pk, MESSAGE, sig)
    )


def sig_cases(peers: dict[str, Peer]) -> list[Case]:
    cases: list[Case] = []
    names = [n for n in signatures.PRIVATE_KEY_CLASSES if not n.startswith("SLH-DSA-")]
    for name in [*names, *_SLHDSA_SETS]:
        impls: dict[str, dict[str, Op] | None] = {"pqpay": _pqpay_sig(name)}
        notes: dict[str, str] = {}
        if peers["pyca"].present:
            impls["pyca"], note = _pyca_sig(name)
            if note:
                notes["pyca"] = note
        pq = name.startswith(("ML-DSA-", "SLH-DSA-"))
        if pq and peers["liboqs"].present:
            impls["liboqs"] = _oqs_sig(peers["liboqs"].modules["oqs"], name)
        mod = _submodule(peers["pqcrypto"], "pqcrypto.sign", name.lower().replace("-", "_"))
        if pq and mod is not None:
            impls["pqcrypto"] = _pqcrypto_sig(mod)
        # SLH-DSA keygen is not what a gateway waits for; its sign and verify are.
        ops = ("sign", "verify") if name.startswith("SLH-DSA-") else ("keygen", "sign", "verify")
        cases += _ops_cases("sig", name, ops, impls, notes)
    return cases


MERKLE_LEAVES = 10_000


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def py_merkle_root(hashes: list[bytes]) -> bytes:
    """RFC 9162 tree head, bottom-up: an odd last node moves up a level unpaired."""
    level = hashes
    while len(level) > 1:
        paired = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = paired + level[len(paired) * 2 :]
    return level[0]


def py_verify_inclusion(
    leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def merkle_cases(peers: dict[str, Peer]) -> list[Case]:
    n = MERKLE_LEAVES
    buffer = merkle.leaf_hashes([b"entry %d" % i for i in range(n)])
    hashes = [buffer[i : i + 32] for i in range(0, len(buffer), 32)]
    root = merkle.root(buffer)
    index = n - 3
    proof = merkle.inclusion_proof(buffer, index)
    if py_merkle_root(hashes) != root or not py_verify_inclusion(
        hashes[index], index, n, proof, root
    ):
        raise RuntimeError("the hashlib Merkle loop disagrees with pqpay.merkle")
    return [
        Case(
            "merkle",
            f"Merkle root of {n:,} leaf hashes",
            {"pqpay": partial(merkle.root, buffer), "hashlib": partial(py_merkle_root, hashes)},
        ),
        Case(
            "merkle",
            f"Merkle inclusion verify ({n:,} leaves)",
            {
                "pqpay": partial(merkle.verify_inclusion, hashes[index], index, n, proof, root),
                "hashlib": partial(py_verify_inclusion, hashes[index], index, n, proof, root),
            },
        ),
    ]


def groth16_cases(peers: dict[str, Peer]) -> list[Case]:
    # The demo proof the CLI bundles (pqpay demo, package data): BN254, two public inputs.
    vk_bytes, proof_bytes, public = groth16_demo_data()
    vk = groth16.VerifyingKey.from_bytes(vk_bytes, groth16.Curve.BN254)
    proof = groth16.Proof.from_bytes(proof_bytes, groth16.Curve.BN254)
    groth16.verify(vk, proof, public)
    return [
        Case(
            "groth16",
            "Groth16 verify (BN254, demo proof)",
            {"pqpay": partial(groth16.verify, vk, proof, public)},
        )
    ]


def payment_cases(peers: dict[str, Peer], workdir: Path) -> list[Case]:
    origin = "bench.pqpay/payments"
    key = signatures.MLDSA65Ed25519PrivateKey.generate()
    note_signers = [
        checkpoint.Ed25519NoteSigner(origin, signatures.Ed25519PrivateKey.generate()),
        checkpoint.MLDSA44Cosigner(origin, signatures.MLDSA44PrivateKey.generate()),
    ]
    vkeys = [s.vkey for s in note_signers]
    log = ledger.Ledger(workdir / "bench-ledger.db", origin, note_signers)
    envelope = payments.sign_payment_cose(key, PAYMENT)
    receipt_json = payments.issue_receipt(log, key, PAYMENT).to_json()
    public = key.public_key()
    payments.verify_receipt(receipt_json, public, vkeys, origin=origin)

    def flow() -> object:
        receipt = payments.issue_receipt(log, key, PAYMENT)
        return payments.verify_receipt(receipt.to_json(), public, vkeys, origin=origin)

    return [
        Case(
            "payment",
            "payment sign (COSE_Sign1, MLDSA65-Ed25519)",
            {"pqpay": partial(payments.sign_payment_cose, key, PAYMENT)},
        ),
        Case(
            "payment",
            "ledger append (SQLite, 1 entry)",
            {"pqpay": partial(log.append, envelope)},
            threads=False,
        ),
        Case(
            "payment",
            "receipt issue (sign + append + checkpoint + proof)",
            {"pqpay": partial(payments.issue_receipt, log, key, PAYMENT)},
            threads=False,
        ),
        Case(
            "payment",
            "receipt verify (offline, from JSON)",
            {"pqpay": partial(payments.verify_receipt, receipt_json, public, vkeys, origin=origin)},
        ),
        Case("payment", "payment flow (issue + offline verify)", {"pqpay": flow}, threads=False),
    ]


BATCH_NOTE = (
    "batch call, us per item; then items/s one call at a time on 1 thread and in the batch "
    "call on the native pool (all cores)"
)


def batch_cases(peers: dict[str, Peer], items: int = 256) -> list[Case]:
    """The batch entry points on ``items`` items each, against the same items one at a time."""
    mldsa = signatures.MLDSA65PrivateKey.generate()
    ed = signatures.Ed25519PrivateKey.generate()
    messages = [MESSAGE + i.to_bytes(4, "big") for i in range(items)]
    mldsa_items = [(mldsa.public_key(), mldsa.sign(m), m) for m in messages]
    ed_items = [(ed.public_key(), ed.sign(m), m) for m in messages]
    mlkem = kem.MLKEM768PrivateKey.generate()
    publics = [mlkem.public_key()] * items
    ciphertexts = [ct for _, ct in kem.encapsulate_many(publics)]
    vk_bytes, proof_bytes, public = groth16_demo_data()
    vk = groth16.VerifyingKey.from_bytes(vk_bytes, groth16.Curve.BN254)
    proof = groth16.Proof.from_bytes(proof_bytes, groth16.Curve.BN254)
    proofs = [(proof, public)] * (items // 16)

    def serial(fn: Callable[..., object], args: list[Any]) -> Op:
        def run() -> None:
            for a in args:
                fn(*a)

        return run

    def case(op: str, n: int, batch: Op, one_by_one: Op) -> Case:
        return Case(
            "batch",
            f"{op} ({n} items)",
            {"pqpay": batch},
            notes={"pqpay": BATCH_NOTE},
            threads=False,
            items=n,
            serial=one_by_one,
        )

    def verify_one(key: Any, sig: bytes, data: bytes) -> None:
        key.verify(sig, data)

    return [
        case(
            "ML-DSA-65 sign_many",
            items,
            partial(mldsa.sign_many, messages),
            serial(mldsa.sign, [(m,) for m in messages]),
        ),
        case(
            "ML-DSA-65 verify_many",
            items,
            partial(signatures.verify_many, mldsa_items),
            serial(verify_one, mldsa_items),
        ),
        case(
            "Ed25519 verify_many",
            items,
            partial(signatures.verify_many, ed_items),
            serial(verify_one, ed_items),
        ),
        case(
            "ML-KEM-768 encapsulate_many",
            items,
            partial(kem.encapsulate_many, publics),
            serial(kem.MLKEM768PublicKey.encapsulate, [(k,) for k in publics]),
        ),
        case(
            "ML-KEM-768 decapsulate_many",
            items,
            partial(mlkem.decapsulate_many, ciphertexts),
            serial(mlkem.decapsulate, [(c,) for c in ciphertexts]),
        ),
        case(
            "Groth16 verify_many (BN254)",
            len(proofs),
            partial(vk.verify_many, proofs),
            serial(partial(groth16.verify, vk), proofs),
        ),
    ]


# --- timing --------------------------------------------------------------------------------------


def _loop(fn: Op, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return time.perf_counter() - start


def _calls_per_sample(fn: Op, settings: Settings) -> int:
    """Calls that take about ``settings.sample_s`` (1 without calibration)."""
    if not settings.calibrate:
        return 1
    calls, elapsed = 1, _loop(fn, 1)
    while elapsed < settings.sample_s / 8 and calls < 1 << 22:
        calls *= 4
        elapsed = _loop(fn, calls)
    return max(1, round(calls * settings.sample_s / max(elapsed, 1e-9)))


def _rotations(names: list[_T], rounds: int) -> Iterator[list[_T]]:
    """Round ``r`` starts at implementation ``r mod n``: none always runs first or last."""
    for r in range(rounds):
        k = r % len(names)
        yield names[k:] + names[:k]


def time_case(case: Case, settings: Settings) -> dict[str, Stats]:
    """Per-call median and best of each implementation, sampled round-robin."""
    names = list(case.impls)
    for fn in case.impls.values():
        fn()  # warm-up (and a failure here stops the run before any timing)
    calls = {n: _calls_per_sample(case.impls[n], settings) for n in names}
    samples: dict[str, list[float]] = {n: [] for n in names}
    for order in _rotations(names, settings.rounds):
        for n in order:
            samples[n].append(_loop(case.impls[n], calls[n]) / calls[n])
    per_item = 1e6 / case.items
    return {
        n: Stats(statistics.median(s) * per_item, min(s) * per_item, len(s), calls[n])
        for n, s in samples.items()
    }


def _throughput(fn: Op, threads: int, calls: int) -> float:
    """Calls per second with ``threads`` threads each making ``calls`` calls at once."""
    start_line = threading.Barrier(threads + 1)

    def work() -> None:
        start_line.wait()
        for _ in range(calls):
            fn()

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    start_line.wait()
    start = time.perf_counter()
    for w in workers:
        w.join()
    return threads * calls / max(time.perf_counter() - start, 1e-9)


def time_threads(fn: Op, calls: int, threads: int, settings: Settings) -> dict[str, float]:
    """Median calls/s at 1 thread and at ``threads``, interleaved, and their ratio."""
    rates: dict[int, list[float]] = {1: [], threads: []}
    for order in _rotations(list(rates), settings.thread_rounds):
        for n in order:
            rates[n].append(_throughput(fn, n, calls))
    one, many = statistics.median(rates[1]), statistics.median(rates[threads])
    return {
        "threads": threads,
        "one_thread_per_s": one,
        "all_threads_per_s": many,
        "scaling": many / one,
    }


def time_batch(case: Case, settings: Settings) -> dict[str, float]:
    """Items per second one call at a time (``case.serial``, one thread) and in the batch call
    (the native pool), interleaved, and their ratio."""
    assert case.serial is not None
    impls = {"serial": case.serial, "batch": case.impls["pqpay"]}
    calls = {n: _calls_per_sample(fn, settings) for n, fn in impls.items()}
    rates: dict[str, list[float]] = {n: [] for n in impls}
    for order in _rotations(list(impls), settings.rounds):
        for n in order:
            rates[n].append(case.items * calls[n] / max(_loop(impls[n], calls[n]), 1e-9))
    one, many = statistics.median(rates["serial"]), statistics.median(rates["batch"])
    return {
        "threads": available_cores(),
        "one_thread_per_s": one,
        "all_threads_per_s": many,
        "scaling": many / one,
    }


# --- machine, progress, output -------------------------------------------------------------------


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def machine_info() -> dict[str, Any]:
    model, flags = platform.processor() or platform.machine(), set[str]()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
            if flags and model:
                break
    return {
        "cpu_model": model,
        "machine": platform.machine(),
        "avx2": "avx2" in flags,
        "avx512f": "avx512f" in flags,
        "cores": available_cores(),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


class Progress:
    """A live line on stderr when it is a terminal; else a plain count per family."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.live = stream.isatty()

    def start(self, op: str) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[K[{self.done + 1}/{self.total}] {op}")
            self.stream.flush()

    def finish_one(self) -> None:
        self.done += 1

    def family_done(self, family: str) -> None:
        if not self.live:
            print(f"pqpay bench: {family} done, {self.done}/{self.total}", file=self.stream)

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _fmt(us: float) -> str:
    if us >= 1000:
        return f"{us:,.0f}"
    return f"{us:.2f}" if us < 10 else f"{us:.1f}"


def render_table(results: list[Result], peers: dict[str, Peer], report: dict[str, Any]) -> str:
    columns = ["pqpay"] + [p for p in PEER_NAMES if any(p in r.stats for r in results)]
    threads = report["settings"]["threads"]
    head = [
        "operation",
        *columns,
        "fastest peer",
        "ratio",
        "1 thr/s",
        f"{threads} thr/s",
        "scaling",
    ]
    rows: list[list[str]] = []
    marks: dict[str, str] = {}
    for r in results:
        cells = [r.case.op]
        for c in columns:
            s = r.stats.get(c)
            mark = ""
            if c in r.case.notes:
                note = r.case.notes[c]
                mark = marks.setdefault(note, f"[{len(marks) + 1}]")
            cells.append(f"{_fmt(s.median_us)} ({_fmt(s.best_us)}){mark}" if s else "-")
        ratio = r.ratio
        cells += [r.fastest_peer or "-", f"{ratio:.2f}" if ratio is not None else "-"]
        if r.threads:
            cells += [
                f"{r.threads['one_thread_per_s']:,.0f}",
                f"{r.threads['all_threads_per_s']:,.0f}",
                f"{r.threads['scaling']:.2f}",
            ]
        else:
            cells += ["-", "-", "-"]
        rows.append(cells)
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    m = report["machine"]
    simd = [f for f in ("avx2", "avx512f") if m[f]]
    out = [
        f"pqpay bench{' --quick' if report['settings']['quick'] else ''}: pqpay "
        f"{report['versions']['pqpay']}, Python {m['python']}, {m['cpu_model']} "
        f"({', '.join(simd) or 'no avx2'}), {m['cores']} core(s)",
        "peers: " + "; ".join(_peer_line(p) for p in peers.values()),
        f"us per call: median (best) of {report['settings']['rounds']} interleaved rounds; "
        "ratio = pqpay median / fastest peer median (below 1: pqpay faster); "
        f"calls/s of pqpay at 1 and {threads} threads",
        "",
        line(head),
        line(["-" * w for w in widths]),
        *(line(row) for row in rows),
    ]
    out += [f"{mark} {note}" for note, mark in marks.items()]
    return "\n".join(out)


def _peer_line(peer: Peer) -> str:
    if not peer.present:
        return f"{peer.name}: absent ({peer.absent})"
    return f"{peer.name}: " + ", ".join(f"{k} {v}" for k, v in peer.versions.items())


def build_report(
    results: list[Result], peers: dict[str, Peer], settings: Settings, quick: bool, threads: int
) -> dict[str, Any]:
    return {
        "schema": JSON_SCHEMA,
        "machine": machine_info(),
        "versions": {
            "pqpay": pqpay.__version__,
            **{k: v for p in peers.values() for k, v in p.versions.items()},
        },
        "peers": {
            p.name: {
                "present": p.present,
                "label": p.label,
                "versions": p.versions,
                "absent_reason": p.absent,
            }
            for p in peers.values()
        },
        "settings": {
            "quick": quick,
            "rounds": settings.rounds,
            "sample_s": settings.sample_s,
            "thread_rounds": settings.thread_rounds,
            "calibrated": settings.calibrate,
            "threads": threads,
        },
        "results": [
            {
                "family": r.case.family,
                "op": r.case.op,
                "unit": "us per call",
                "impls": {k: vars(v) for k, v in r.stats.items()},
                "notes": r.case.notes,
                "fastest_peer": r.fastest_peer,
                "ratio": r.ratio,
                "threads": r.threads,
            }
            for r in results
        ],
    }


def write_plot(results: list[Result], path: str, title: str) -> None:
    """A horizontal bar per operation with a peer: pqpay / fastest peer, 1.0 marked."""
    matplotlib = _import("matplotlib")
    matplotlib.use("Agg")
    plt = _import("matplotlib.pyplot")
    rated = [r for r in results if r.ratio is not None]
    labels = [f"{r.case.op} (vs {r.fastest_peer})" for r in rated]
    ratios = [r.ratio for r in rated]
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(rated) + 1.5))
    colors = ["tab:green" if x is not None and x <= 1 else "tab:red" for x in ratios]
    ax.barh(range(len(rated)), ratios, color=colors)
    ax.set_yticks(range(len(rated)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")  # 0.5x and 2x sit equally far from 1
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("pqpay median / fastest peer median, log scale (below 1: pqpay faster)")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --- the command ---------------------------------------------------------------------------------


def _settings(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else FULL
    if args.rounds is None:
        return base
    # Hidden, for tests: a fixed number of one-call rounds (shape, not speed).
    return Settings(args.rounds, base.sample_s, args.rounds, calibrate=False)


def _build_cases(
    families: list[str], peers: dict[str, Peer], workdir: Path
) -> dict[str, list[Case]]:
    builders: dict[str, Callable[[], list[Case]]] = {
        "kem": partial(kem_cases, peers),
        "hpke": partial(hpke_cases, peers),
        "sig": partial(sig_cases, peers),
        "merkle": partial(merkle_cases, peers),
        "groth16": partial(groth16_cases, peers),
        "payment": partial(payment_cases, peers, workdir),
        "batch": partial(batch_cases, peers),
    }
    return {family: builders[family]() for family in families}


def bench(
    families: list[str], settings: Settings, threads: int, stderr: TextIO
) -> tuple[list[Result], dict[str, Peer]]:
    """Runs the selected families; returns the results and the peers (present or absent)."""
    peers = load_peers()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="pqpay-bench-") as tmp:
        by_family = _build_cases(families, peers, Path(tmp))
        progress = Progress(sum(len(c) for c in by_family.values()), stderr)
        try:
            for family, cases in by_family.items():
                for case in cases:
                    progress.start(case.op)
                    stats = time_case(case, settings)
                    result = Result(case, stats)
                    if case.serial is not None:
                        result.threads = time_batch(case, settings)
                    elif case.threads:
                        calls = stats["pqpay"].calls_per_sample
                        result.threads = time_threads(case.impls["pqpay"], calls, threads, settings)
                    results.append(result)
                    progress.finish_one()
                progress.family_done(family)
        finally:
            progress.close()
    return results, peers


def run(args: argparse.Namespace) -> int:
    """``pqpay bench``: prints the table; exit 0. Errors go through the command line's one
    wrapper (``pqpay: error: <cause>; <fix>``, exit 2 for input errors)."""
    families = args.family or list(FAMILIES)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise CliError(f"unknown family {unknown[0]!r}", f"choose from {', '.join(FAMILIES)}")
    families = [f for f in FAMILIES if f in families]
    if args.plot:
        try:
            _import("matplotlib")
        except ImportError:
            raise CliError("--plot needs matplotlib", "pip install 'pqpay[bench]'") from None
    settings = _settings(args)
    threads = args.threads or available_cores()
    results, peers = bench(families, settings, threads, sys.stderr)
    report = build_report(results, peers, settings, args.quick, threads)
    print(render_table(results, peers, report))
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(report, indent=2) + "\n")
    if args.plot:
        m = report["machine"]
        title = f"pqpay {report['versions']['pqpay']} on {m['cpu_model']}"
        write_plot(results, args.plot, title)
    return 0


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def register(subparsers: Any) -> None:
    """Adds ``pqpay bench`` to the ``pqpay`` command's subparsers."""
    p = subparsers.add_parser(
        "bench",
        help="time pqpay against the installed peers (pyca/cryptography, liboqs-python with "
        f"{OQS_ENV}, pqcrypto), interleaved, at 1 and all threads, with ratios",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    p.add_argument("--quick", action="store_true", help="a run of about one minute")
    p.add_argument(
        "--family",
        action="append",
        metavar="NAME",
        help=f"only this family (repeatable): {', '.join(FAMILIES)}",
    )
    p.add_argument(
        "--json", dest="json_file", metavar="FILE", help="also write the figures as JSON"
    )
    p.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw the ratios as a bar chart (needs pqpay[bench])",
    )
    p.add_argument(
        "--threads",
        type=_count,
        metavar="N",
        help="threads of the scaling run (default: the available cores)",
    )
    p.add_argument("--rounds", type=_count, help=argparse.SUPPRESS)
    p.set_defaults(func=run)
