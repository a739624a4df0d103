"""Writes the fuzz targets' seed corpora from the test vectors (never committed).

Sources: the repository's own key, certificate and Groth16 files under vectors/, and the shared
vectors (PQPAY_SHARED_VECTORS, default ../shared/vectors: Wycheproof, X-Wing, composite,
Merkle). Each seed is framed as its target reads its input (see rust/fuzz/fuzz_targets/*.rs):
a mode byte, length-prefixed fields, then the bytes under test. Output: one directory per
target under the given folder (rust/fuzz/corpus, git-ignored), files named by their SHA-1 as
libFuzzer names them, so re-running adds nothing twice. Standard library only.

    python3 rust/fuzz/seed_corpus.py rust/fuzz/corpus
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "vectors"
SHARED = Path(os.environ.get("PQPAY_SHARED_VECTORS", ROOT.parent / "shared" / "vectors"))

# The algorithm orders of KemAlgorithm::ALL and SigAlgorithm::ALL in pqpay-core.
KEMS = [
    "ML-KEM-512",
    "ML-KEM-768",
    "ML-KEM-1024",
    "X25519",
    "X-Wing",
    "X25519MLKEM768",
    "MLKEM768-P256",
    "MLKEM1024-P384",
]
ENCAPS_RANDOMNESS = [32, 32, 32, 32, 64, 64, 128, 80]
SIGS = [
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "Ed25519",
    "Ed448",
    "SLH-DSA-SHA2-128s",
    "SLH-DSA-SHA2-128f",
    "SLH-DSA-SHA2-192s",
    "SLH-DSA-SHA2-192f",
    "SLH-DSA-SHA2-256s",
    "SLH-DSA-SHA2-256f",
    "SLH-DSA-SHAKE-128s",
    "SLH-DSA-SHAKE-128f",
    "SLH-DSA-SHAKE-192s",
    "SLH-DSA-SHAKE-192f",
    "SLH-DSA-SHAKE-256s",
    "SLH-DSA-SHAKE-256f",
    "MLDSA44-Ed25519-SHA512",
    "MLDSA65-Ed25519-SHA512",
    "MLDSA87-Ed448-SHAKE256",
    "MLDSA65-ECDSA-P256-SHA512",
    "MLDSA87-ECDSA-P384-SHA512",
]
COMPOSITE_IDS = {f"id-{name}": name for name in SIGS[17:]}
COMPOSITE_IDS["id-MLDSA87-Ed448-SHAKE256"] = "MLDSA87-Ed448-SHAKE256"
# A seed larger than this is cut (libFuzzer's -max_len in the Makefile is 16 KiB).
MAX_SEED = 16384


def short(data: bytes, limit: int) -> bytes:
    """A field read by Input::short(limit): one length byte, then the bytes."""
    data = data[:limit]
    return bytes([len(data)]) + data


def long(data: bytes) -> bytes:
    """A field read by Input::long(): a little-endian u16 length, then the bytes."""
    data = data[:0xFFFF]
    return struct.pack("<H", len(data)) + data


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.append(0x80 | (p & 0x7F))
            p >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, body)


def spki(dotted: str, key: bytes) -> bytes:
    return tlv(0x30, tlv(0x30, oid(dotted)) + tlv(0x03, b"\x00" + key))


def pkcs8(dotted: str, private_key: bytes) -> bytes:
    return tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, oid(dotted)) + tlv(0x04, private_key))


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def hexb(s: str | None) -> bytes:
    return bytes.fromhex(s or "")


def files(folder: Path, pattern: str) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(folder.glob(pattern))


def wycheproof(name: str) -> Any | None:
    path = SHARED / "wycheproof" / "testvectors_v1" / name
    return load(path) if path.is_file() else None


class Corpus:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.counts: dict[str, int] = {}

    def add(self, target: str, data: bytes) -> None:
        data = data[:MAX_SEED]
        folder = self.out / target
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            self.counts[target] = self.counts.get(target, 0) + 1


def key_files(c: Corpus) -> None:
    for folder in ("kem_keys", "sig_keys"):
        for path in files(VECTORS / folder, "*.der"):
            target = "der_private_key" if ".priv." in path.name else "der_public_key"
            c.add(target, path.read_bytes())
        for path in files(VECTORS / folder, "*.pem"):
            c.add("pem_keys", path.read_bytes())
            if ".priv." in path.name:
                for mode in (1, 3):  # PEM reader; PEM reader and the writer's round trip
                    c.add("encrypted_pkcs8", bytes([mode]) + short(b"pw", 32) + path.read_bytes())
    for path in files(VECTORS / "kem_keys", "*.priv.der"):
        c.add("encrypted_pkcs8", bytes([2]) + short(b"", 32) + path.read_bytes())
    for path in files(VECTORS / "webhook_certs", "*"):
        if path.suffix in (".der", ".pem"):
            mode = 0 if path.suffix == ".der" else 1
            c.add("x509_cert", bytes([mode]) + short(b"", 64) + long(b"") + path.read_bytes())
            c.add(
                "x509_cert", bytes([2]) + short(b"msg", 64) + long(bytes(256)) + path.read_bytes()
            )


def groth16(c: Corpus) -> None:
    public = [(50000).to_bytes(3, "big"), (424242).to_bytes(3, "big")]
    for bit, curve in ((0, "bn128"), (1, "bls12381")):
        folder = VECTORS / "groth16" / curve
        if not folder.is_dir():
            continue
        vk = (folder / "verification_key.json").read_bytes()
        proof = (folder / "proof.json").read_bytes()
        inputs = short(public[0], 40) + short(public[1], 40)
        c.add("groth16_snarkjs", bytes([bit]) + inputs + vk)
        for named in (0, 4):
            c.add("groth16_snarkjs", bytes([bit | 2 | named]) + inputs + proof)
        c.add("groth16_arkworks", bytes([bit]) + (folder / "verification_key.bin").read_bytes())
        for batch in (0, 4, 12):
            c.add(
                "groth16_arkworks", bytes([bit | 2 | batch]) + (folder / "proof.bin").read_bytes()
            )
        for path in files(SHARED / "groth16" / curve, "*/*.json"):
            text = path.read_bytes()
            mode = bit | (0 if "verification_key" in path.name else 2)
            c.add("groth16_snarkjs", bytes([mode]) + short(b"", 40) + short(b"", 40) + text)


def kem_vectors(c: Corpus) -> None:
    for index, bits in ((0, 512), (1, 768), (2, 1024)):
        dotted = f"2.16.840.1.101.3.4.4.{index + 1}"
        data = wycheproof(f"mlkem_{bits}_keygen_seed_test.json")
        for group in (data or {}).get("testGroups", [])[:1]:
            for test in group["tests"][:4]:
                seed, ek = hexb(test.get("seed")), hexb(test.get("ek"))
                c.add("kem_keys", bytes([index, 1]) + bytes(32) + seed)
                c.add("kem_keys", bytes([index, 0]) + bytes(32) + ek)
                c.add("der_public_key", spki(dotted, ek))
                if len(seed) == 64:
                    c.add("der_private_key", pkcs8(dotted, tlv(0x80, seed)))
        data = wycheproof(f"mlkem_{bits}_encaps_test.json")
        for group in (data or {}).get("testGroups", [])[:1]:
            for test in group["tests"][:6]:
                c.add(
                    "kem_keys",
                    bytes([index, 0])
                    + hexb(test.get("m"))[:32].ljust(32, b"\0")
                    + hexb(test.get("ek")),
                )
        data = wycheproof(f"mlkem_{bits}_test.json")
        for group in (data or {}).get("testGroups", [])[:1]:
            for test in group["tests"][:6]:
                c.add("kem_decapsulate", bytes([index]) + bytes(32) + hexb(test.get("c")))
    data = wycheproof("x25519_test.json")
    for group in (data or {}).get("testGroups", [])[:1]:
        for test in group["tests"][:24]:
            public = hexb(test.get("public"))
            c.add(
                "kem_keys", bytes([3, 0]) + hexb(test.get("private"))[:32].ljust(32, b"\0") + public
            )
            c.add("kem_decapsulate", bytes([3]) + bytes(32) + public)
    path = SHARED / "xwing" / "test-vectors.json"
    if path.is_file():
        for test in load(path)[:3]:
            seed, pk, eseed, ct = (hexb(test.get(k)) for k in ("seed", "pk", "eseed", "ct"))
            c.add("kem_keys", bytes([4, 1]) + eseed[:64].ljust(64, b"\0") + seed)
            c.add("kem_keys", bytes([4, 0]) + eseed[:64].ljust(64, b"\0") + pk)
            c.add("kem_decapsulate", bytes([4]) + eseed[:64].ljust(64, b"\0") + ct)
            c.add("der_public_key", spki("1.3.6.1.4.1.62253.25722", pk))
            c.add("der_private_key", pkcs8("1.3.6.1.4.1.62253.25722", seed))
    # Shapes for the algorithms without vectors here: the right lengths, all zero.
    sizes = [
        (64, 800, 768),
        (64, 1184, 1088),
        (64, 1568, 1568),
        (32, 32, 32),
        (32, 1216, 1120),
        (96, 1216, 1120),
        (32, 1249, 1153),
        (32, 1665, 1665),
    ]
    for index, (seed_len, _pk_len, ct_len) in enumerate(sizes):
        rnd = bytes(ENCAPS_RANDOMNESS[index])
        c.add("kem_keys", bytes([index, 1]) + rnd + bytes(range(seed_len)))
        c.add("kem_decapsulate", bytes([index]) + rnd + bytes(ct_len))
        # (suite choices, info, aad, sealed length): one default suite, one with other choices.
        choices = (((0, 0, 0), b"info", b"aad", 32), ((7, 3, 2), b"", b"", 48))
        for head, info, aad, sealed in choices:
            c.add(
                "hpke_open",
                bytes([head[0], index, head[1], head[2]])
                + short(info, 64)
                + short(aad, 64)
                + rnd
                + long(bytes(ct_len))
                + bytes(sealed),
            )
    c.add("hpke_open", bytes([0xFF]) + struct.pack("<HHH", 0x0020, 0x0001, 0x0001))
    c.add("hpke_open", bytes([0xFF]) + struct.pack("<HHH", 0x647A, 0x0011, 0xFFFF))


def sig_vectors(c: Corpus) -> None:
    for index, level in ((0, 44), (1, 65), (2, 87)):
        data = wycheproof(f"mldsa_{level}_verify_test.json")
        for group in (data or {}).get("testGroups", [])[:2]:
            pk = hexb(group.get("publicKey"))
            if group.get("publicKeyDer"):
                c.add("der_public_key", hexb(group["publicKeyDer"]))
            for test in group["tests"][:12]:
                msg, sig, ctx = hexb(test.get("msg")), hexb(test.get("sig")), hexb(test.get("ctx"))
                c.add(
                    "sig_keys",
                    bytes([index, 0]) + short(msg, 64) + short(ctx, 255) + long(sig) + pk,
                )
                c.add("sig_verify", bytes([0, index]) + short(msg, 64) + short(ctx, 255) + sig)
        data = wycheproof(f"mldsa_{level}_sign_seed_test.json")
        for group in (data or {}).get("testGroups", [])[:1]:
            seed = hexb(group.get("privateSeed"))
            if group.get("privateKeyPkcs8"):
                c.add("der_private_key", hexb(group["privateKeyPkcs8"]))
            if len(seed) == 32:
                c.add(
                    "sig_keys",
                    bytes([index, 1]) + short(b"m", 64) + short(b"", 255) + long(b"") + seed,
                )
                c.add(
                    "der_private_key", pkcs8(f"2.16.840.1.101.3.4.3.{17 + index}", tlv(0x80, seed))
                )
    data = wycheproof("ed25519_test.json")
    for group in (data or {}).get("testGroups", [])[:1]:
        pk = hexb(group["publicKey"]["pk"])
        if group.get("publicKeyDer"):
            c.add("der_public_key", hexb(group["publicKeyDer"]))
        if group.get("publicKeyPem"):
            c.add("pem_keys", group["publicKeyPem"].encode())
        for test in group["tests"][:40]:
            msg, sig = hexb(test.get("msg")), hexb(test.get("sig"))
            c.add("sig_keys", bytes([3, 0]) + short(msg, 64) + short(b"", 255) + long(sig) + pk)
            c.add("sig_verify", bytes([0, 3]) + short(msg, 64) + sig)
    path = SHARED / "composite" / "testvectors.json"
    if path.is_file():
        data = load(path)
        msg = base64.b64decode(data["m"])
        for test in data["tests"]:
            name = COMPOSITE_IDS.get(test["tcId"])
            if test.get("x5c"):
                cert = base64.b64decode(test["x5c"])
                c.add("x509_cert", bytes([0]) + short(b"", 64) + long(b"") + cert)
            if name is None:
                continue
            index = SIGS.index(name)
            pk, sk = base64.b64decode(test["pk"]), base64.b64decode(test["sk"])
            sig = base64.b64decode(test["s"])
            c.add("sig_keys", bytes([index, 0]) + short(msg, 64) + short(b"", 255) + long(sig) + pk)
            c.add("sig_keys", bytes([index, 1]) + short(msg, 64) + short(b"", 255) + long(b"") + sk)
            if test.get("sk_pkcs8"):
                c.add("der_private_key", base64.b64decode(test["sk_pkcs8"]))
            c.add("der_public_key", spki(SIG_OIDS[name], pk))
            c.add(
                "sig_verify",
                bytes([0, SIG_VERIFY.index(name)]) + short(msg, 64) + short(b"", 255) + sig,
            )
    # The own-signature mutation mode of sig_verify, for every algorithm, and the SLH-DSA modes.
    for index in range(len(SIG_VERIFY)):
        c.add(
            "sig_verify",
            bytes([1, index]) + short(b"message", 64) + short(b"ctx", 255) + bytes([0, 0, 0, 0, 0]),
        )
    for mode in range(3):
        c.add(
            "sig_verify_slhdsa",
            bytes([mode])
            + bytes([0, 0, 0, 0])
            + short(b"fuzz message", 64)
            + short(b"fuzz", 255)
            + bytes(7856),
        )
    for index, name in enumerate(SIGS):
        if name.startswith("SLH-DSA"):
            n = 16 if "128" in name else 24 if "192" in name else 32
            c.add(
                "sig_keys",
                bytes([index, 0]) + short(b"", 64) + short(b"", 255) + long(b"") + bytes(2 * n),
            )


SIG_VERIFY = [
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
    "Ed25519",
    "Ed448",
    "MLDSA44-Ed25519-SHA512",
    "MLDSA65-Ed25519-SHA512",
    "MLDSA87-Ed448-SHAKE256",
    "MLDSA65-ECDSA-P256-SHA512",
    "MLDSA87-ECDSA-P384-SHA512",
]
SIG_OIDS = {
    "MLDSA44-Ed25519-SHA512": "1.3.6.1.5.5.7.6.39",
    "MLDSA65-Ed25519-SHA512": "1.3.6.1.5.5.7.6.48",
    "MLDSA87-Ed448-SHAKE256": "1.3.6.1.5.5.7.6.51",
    "MLDSA65-ECDSA-P256-SHA512": "1.3.6.1.5.5.7.6.45",
    "MLDSA87-ECDSA-P384-SHA512": "1.3.6.1.5.5.7.6.49",
}


def merkle(c: Corpus) -> None:
    for path in files(SHARED / "merkle", "*/*/*.json"):
        v = load(path)
        if not isinstance(v, dict):
            continue

        def h(key: str, v: dict[str, Any] = v) -> bytes:
            return base64.b64decode(v.get(key) or "")[:32].ljust(32, b"\0")

        proof = [base64.b64decode(p)[:32].ljust(32, b"\0") for p in (v.get("proof") or [])][:69]
        if "leafIdx" in v:
            a, b, h1, h2 = v["leafIdx"], v["treeSize"], h("leafHash"), h("root")
        else:
            a, b = v.get("size1", 0), v.get("size2", 0)
            h1, h2 = h("root1"), h("root2")
        a, b = a % 2**64, b % 2**64
        c.add(
            "merkle_proofs",
            bytes([0]) + struct.pack("<QQ", a, b) + h1 + h2 + bytes([len(proof)]) + b"".join(proof),
        )
    c.add(
        "merkle_proofs",
        bytes([1, 7]) + b"".join(short(bytes([i]), 16) for i in range(8)) + bytes(8),
    )


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "rust" / "fuzz" / "corpus"
    if os.environ.get("CI") == "true" and not SHARED.is_dir():
        print(f"seed_corpus: shared vectors not found at {SHARED}", file=sys.stderr)
        return 1
    c = Corpus(out)
    key_files(c)
    groth16(c)
    kem_vectors(c)
    sig_vectors(c)
    merkle(c)
    total = sum(c.counts.values())
    print(
        f"seed_corpus: {total} new seeds in {out} "
        + ", ".join(f"{k} {n}" for k, n in sorted(c.counts.items()))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
