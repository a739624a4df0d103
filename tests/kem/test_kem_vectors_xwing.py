"""X-Wing draft vectors: ``xwing/test-vectors.json`` (shared): seed -> sk, pk; eseed -> ct, ss."""

from __future__ import annotations

import pytest

from pqpay import hazmat, kem
from tests._support.vector_sources import XWING_FILE, Tally, h, load_shared_json, source_name

pytestmark = pytest.mark.vectors


def test_xwing_draft_vectors() -> None:
    doc = load_shared_json(XWING_FILE)
    tally = Tally(source_name("X-Wing draft", XWING_FILE))
    for i, v in enumerate(doc):
        with tally.case(f"vector #{i} seed={v['seed'][:16]}..."):
            sk = kem.XWingPrivateKey.from_seed_bytes(h(v["seed"]))
            assert sk.private_bytes_raw() == h(v["sk"]), "sk differs"
            assert sk.public_key().public_bytes_raw() == h(v["pk"]), "pk differs"
            pk = kem.XWingPublicKey.from_public_bytes(h(v["pk"]))
            ss, ct = hazmat.encapsulate_derand(pk, h(v["eseed"]))
            assert ct == h(v["ct"]), "ct differs"
            assert ss == h(v["ss"]), "ss differs"
            assert sk.decapsulate(h(v["ct"])) == h(v["ss"]), "Decapsulate differs"
    tally.finish(expected=3)
