"""The KEM part of the HPKE vectors in ``cryptography-vectors``.

* ``HPKE/hpke-pq-test-vectors.json`` (draft-ietf-hpke-pq): for every KEM pqpay implements,
  skRm -> pkRm and Decap(enc) = shared_secret. This is the only known-answer source for
  MLKEM768-P256 (0x0050) and MLKEM1024-P384 (0x0051).
* ``HPKE/test-vectors.json`` (RFC 9180): DHKEM(X25519, HKDF-SHA256) in the modes without sender
  authentication (0 and 1): Encap with skEm -> enc, shared_secret; Decap(enc) = shared_secret.
"""

from __future__ import annotations

import pytest

from pqpay import hazmat, kem
from tests._support.vector_sources import (
    HPKE_PQ_FILE,
    HPKE_RFC9180_FILE,
    Tally,
    h,
    load_cryptography_json,
    source_name,
)

pytestmark = pytest.mark.vectors

HPKE_KEM_IDS = {
    0x0020: "X25519",
    0x0040: "ML-KEM-512",
    0x0041: "ML-KEM-768",
    0x0042: "ML-KEM-1024",
    0x0050: "MLKEM768-P256",
    0x0051: "MLKEM1024-P384",
    0x647A: "X-Wing",
}
# KEMs of the HPKE files that pqpay does not implement (P-256, P-384, X448 DHKEM, P-521).
HPKE_OTHER_KEM_IDS = {0x0010, 0x0011, 0x0012, 0x0021}


HPKE_PQ_COUNTS = {
    "X25519": 1,
    "ML-KEM-512": 1,
    "ML-KEM-768": 1,
    "ML-KEM-1024": 2,
    "MLKEM768-P256": 2,
    "MLKEM1024-P384": 1,
    "X-Wing": 2,
}


def test_hpke_pq_kem_ids_all_known() -> None:
    doc = load_cryptography_json(HPKE_PQ_FILE)
    unknown = {v["kem_id"] for v in doc} - set(HPKE_KEM_IDS) - HPKE_OTHER_KEM_IDS
    assert not unknown, f"KEM ids neither tested nor known to be out of scope: {unknown}"


@pytest.mark.parametrize("algorithm", list(HPKE_PQ_COUNTS))
def test_hpke_pq_kem_decap(algorithm: str) -> None:
    doc = load_cryptography_json(HPKE_PQ_FILE)
    tally = Tally(source_name("cryptography-vectors", f"{HPKE_PQ_FILE} [{algorithm}]"))
    for i, v in enumerate(doc):
        if HPKE_KEM_IDS.get(v["kem_id"]) != algorithm:
            continue
        with tally.case(f"#{i} kem_id=0x{v['kem_id']:04x} kdf={v['kdf_id']}"):
            sk = kem.PRIVATE_KEY_CLASSES[algorithm].from_seed_bytes(h(v["skRm"]))
            assert sk.public_key().public_bytes_raw() == h(v["pkRm"]), "pkRm differs"
            pk = kem.PUBLIC_KEY_CLASSES[algorithm].from_public_bytes(h(v["pkRm"]))
            assert pk == sk.public_key(), "parsed pkRm is not equal to the derived key"
            assert sk.decapsulate(h(v["enc"])) == h(v["shared_secret"]), "Decap differs"
    tally.finish(expected=HPKE_PQ_COUNTS[algorithm])


def test_rfc9180_dhkem_x25519() -> None:
    doc = load_cryptography_json(HPKE_RFC9180_FILE)
    tally = Tally(source_name("cryptography-vectors", HPKE_RFC9180_FILE + " (KEM 0x0020)"))
    for i, v in enumerate(doc):
        if v["kem_id"] != 0x0020 or v["mode"] not in (0, 1):
            continue
        with tally.case(f"#{i} mode={v['mode']} kdf={v['kdf_id']} aead={v['aead_id']}"):
            sk = kem.X25519PrivateKey.from_seed_bytes(h(v["skRm"]))
            assert sk.public_key().public_bytes_raw() == h(v["pkRm"]), "pkRm differs"
            pk = kem.X25519PublicKey.from_public_bytes(h(v["pkRm"]))
            ss, enc = hazmat.encapsulate_derand(pk, h(v["skEm"]))
            assert enc == h(v["enc"]) == h(v["pkEm"]), "enc differs"
            assert ss == h(v["shared_secret"]), "Encap: shared_secret differs"
            assert sk.decapsulate(enc) == ss, "Decap differs"
    tally.finish(expected=16)
