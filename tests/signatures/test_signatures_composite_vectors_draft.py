"""Composite ML-DSA draft vectors (``composite/testvectors.json``) cross-checked with
pyca/cryptography.

The runner's suite ``composite draft: testvectors.json`` checks each entry with pqpay (keys load,
round-trip and match, ``s`` / ``sWithContext`` verify, fresh signatures verify); here the
vector's signature halves, and fresh pqpay signatures, verify with pyca/cryptography over an M'
built independently (tests/_support/composite_util.py).
"""

from __future__ import annotations

import base64

import pytest

from pqpay import hazmat
from pqpay.conformance import _drafts
from tests._support.composite_util import COMPOSITES, Composite, pyca_verify_components
from tests._support.vector_sources import load_shared_json

pytestmark = pytest.mark.vectors

VECTOR_FILE = "composite/testvectors.json"


def b64(s: str) -> bytes:
    return base64.b64decode(s, validate=True)


def test_offered_composites_agree_with_the_runner() -> None:
    assert {c.tc_id for c in COMPOSITES} == set(_drafts.COMPOSITES)


@pytest.mark.parametrize("composite", COMPOSITES, ids=lambda c: c.tc_id)
def test_pyca_verifies_vector_and_fresh_signatures(composite: Composite) -> None:
    c = composite
    doc = load_shared_json(VECTOR_FILE)
    m, ctx = b64(doc["m"]), b64(doc["ctx"])
    (t,) = [t for t in doc["tests"] if t["tcId"] == c.tc_id]
    pk_bytes = b64(t["pk"])
    pyca_verify_components(c, pk_bytes, b64(t["s"]), m, b"")
    pyca_verify_components(c, pk_bytes, b64(t["sWithContext"]), m, ctx)
    sk = c.private_cls.from_private_bytes(b64(t["sk"]))
    for sig in (sk.sign(m, context=ctx), hazmat.sign_deterministic(sk, m, context=ctx)):
        pyca_verify_components(c, pk_bytes, sig, m, ctx)
