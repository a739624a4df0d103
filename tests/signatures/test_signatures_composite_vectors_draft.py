"""Composite ML-DSA draft vectors: ``composite/testvectors.json`` (pq-composite-sigs draft).

For each of the five composites pqpay offers: ``pk`` loads, ``sk`` loads, reproduces ``pk`` and
is written back byte for byte, ``s`` verifies over ``m`` with the empty context and
``sWithContext`` with ``ctx``, the vector's signature halves verify with pyca/cryptography over
an M' built here independently, and fresh signatures (hedged and deterministic) verify with pqpay
and pyca. The three pure ML-DSA entries (seed -> pk, ``s``/``sWithContext``) are counted under the
same source. Entries for combinations pqpay does not offer are listed in
:data:`NOT_OFFERED`, so a new entry cannot be dropped silently.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pqpay import exceptions, hazmat, signatures
from tests._support.composite_util import COMPOSITES, Composite, pyca_verify_components
from tests._support.vector_sources import Tally, load_shared_json, source_name

pytestmark = pytest.mark.vectors

VECTOR_FILE = "composite/testvectors.json"
SOURCE = source_name("composite draft", VECTOR_FILE)

PURE_MLDSA: dict[str, type[signatures.SignaturePrivateKey[Any]]] = {
    "id-ML-DSA-44": signatures.MLDSA44PrivateKey,
    "id-ML-DSA-65": signatures.MLDSA65PrivateKey,
    "id-ML-DSA-87": signatures.MLDSA87PrivateKey,
}

# Not offered by pqpay (RSA, brainpool, P-521, and two ECDSA pairings outside the chosen set).
NOT_OFFERED = {
    "id-MLDSA44-RSA2048-PSS-SHA256",
    "id-MLDSA44-RSA2048-PKCS15-SHA256",
    "id-MLDSA44-ECDSA-P256-SHA256",
    "id-MLDSA65-RSA3072-PSS-SHA512",
    "id-MLDSA65-RSA3072-PKCS15-SHA512",
    "id-MLDSA65-RSA4096-PSS-SHA512",
    "id-MLDSA65-RSA4096-PKCS15-SHA512",
    "id-MLDSA65-ECDSA-P384-SHA512",
    "id-MLDSA65-ECDSA-brainpoolP256r1-SHA512",
    "id-MLDSA87-ECDSA-brainpoolP384r1-SHA512",
    "id-MLDSA87-RSA3072-PSS-SHA512",
    "id-MLDSA87-RSA4096-PSS-SHA512",
    "id-MLDSA87-ECDSA-P521-SHA512",
}


def b64(s: str) -> bytes:
    return base64.b64decode(s, validate=True)


def test_every_entry_is_tested_or_listed_as_not_offered() -> None:
    doc = load_shared_json(VECTOR_FILE)
    ids = [t["tcId"] for t in doc["tests"]]
    assert len(ids) == len(set(ids)) == 21
    offered = {c.tc_id for c in COMPOSITES} | set(PURE_MLDSA)
    assert set(ids) == offered | NOT_OFFERED, "an entry is neither tested nor listed"
    assert not offered & NOT_OFFERED


def _check_composite(c: Composite, t: dict[str, Any], m: bytes, ctx: bytes) -> None:
    pk_bytes, sk_bytes = b64(t["pk"]), b64(t["sk"])
    pk = c.public_cls.from_public_bytes(pk_bytes)
    assert pk.public_bytes_raw() == pk_bytes, "pk round trip"
    sk = c.private_cls.from_private_bytes(sk_bytes)
    assert sk.public_key() == pk, "sk does not reproduce pk"
    assert sk.private_bytes_raw() == sk_bytes, "sk round trip"
    pk.verify(b64(t["s"]), m)
    pk.verify(b64(t["sWithContext"]), m, context=ctx)
    with pytest.raises(exceptions.InvalidSignature):
        pk.verify(b64(t["s"]), m, context=ctx)
    pyca_verify_components(c, pk_bytes, b64(t["s"]), m, b"")
    pyca_verify_components(c, pk_bytes, b64(t["sWithContext"]), m, ctx)
    for sig in (sk.sign(m, context=ctx), hazmat.sign_deterministic(sk, m, context=ctx)):
        pk.verify(sig, m, context=ctx)
        pyca_verify_components(c, pk_bytes, sig, m, ctx)
    assert hazmat.sign_deterministic(sk, m) == hazmat.sign_deterministic(sk, m)


def _check_pure_mldsa(
    cls: type[signatures.SignaturePrivateKey[Any]], t: dict[str, Any], m: bytes, ctx: bytes
) -> None:
    sk = cls.from_private_bytes(b64(t["sk"]))
    assert sk.private_bytes_raw() == b64(t["sk"])
    pk = sk.public_key()
    assert pk.public_bytes_raw() == b64(t["pk"]), "seed does not reproduce pk"
    pk.verify(b64(t["s"]), m)
    pk.verify(b64(t["sWithContext"]), m, context=ctx)


def test_composite_draft_vectors() -> None:
    doc = load_shared_json(VECTOR_FILE)
    m, ctx = b64(doc["m"]), b64(doc["ctx"])
    by_id = {c.tc_id: c for c in COMPOSITES}
    tally = Tally(SOURCE)
    for t in doc["tests"]:
        tc_id = t["tcId"]
        if tc_id in NOT_OFFERED:
            continue
        with tally.case(tc_id):
            if tc_id in PURE_MLDSA:
                _check_pure_mldsa(PURE_MLDSA[tc_id], t, m, ctx)
            else:
                _check_composite(by_id[tc_id], t, m, ctx)
    tally.finish(expected=len(COMPOSITES) + len(PURE_MLDSA))
