"""Known-answer vectors shipped in the ``cryptography-vectors`` package.

* ``asymmetric/MLKEM/kat_MLKEM_{512,768,1024}.rsp``: 1000 records each (KeyGen from d, z;
  Encaps with m; Decaps of the honest ciphertext and of a non-honest one, which must give the
  implicit-rejection key ``ss_n``).
* ``asymmetric/X25519/rfc7748.txt``: RFC 7748 section 5.2.
"""

from __future__ import annotations

import pytest

from pqpay import hazmat, kem
from tests._support.vector_sources import (
    KAT_FILES,
    RFC7748_FILE,
    Tally,
    h,
    open_cryptography_vector,
    parse_blocks,
    parse_rsp,
    source_name,
)

pytestmark = pytest.mark.vectors

KAT_RECORDS_PER_FILE = 1000
X25519_BASE_POINT = bytes([9]) + bytes(31)


@pytest.mark.parametrize(("relpath", "algorithm"), KAT_FILES)
def test_mlkem_kat(relpath: str, algorithm: str) -> None:
    private_cls = kem.PRIVATE_KEY_CLASSES[algorithm]
    public_cls = kem.PUBLIC_KEY_CLASSES[algorithm]
    with open_cryptography_vector(relpath) as f:
        records = list(parse_rsp(f))
    tally = Tally(source_name("cryptography-vectors", relpath))
    for r in records:
        with tally.case(f"count={r.get('count')}"):
            sk = private_cls.from_seed_bytes(h(r["d"]) + h(r["z"]))
            assert sk.public_key().public_bytes_raw() == h(r["pk"]), "KeyGen: pk differs"
            assert hazmat.mlkem_expanded_bytes(sk) == h(r["sk"]), "KeyGen: expanded sk differs"
            pk = public_cls.from_public_bytes(h(r["pk"]))
            ss, ct = hazmat.encapsulate_derand(pk, h(r["msg"]))
            assert ct == h(r["ct"]), "Encaps: ct differs"
            assert ss == h(r["ss"]), "Encaps: ss differs"
            assert sk.decapsulate(h(r["ct"])) == h(r["ss"]), "Decaps: ss differs"
            assert sk.decapsulate(h(r["ct_n"])) == h(r["ss_n"]), "Decaps: implicit rejection"
    tally.finish(expected=KAT_RECORDS_PER_FILE)


def test_x25519_rfc7748() -> None:
    with open_cryptography_vector(RFC7748_FILE) as f:
        blocks = list(parse_blocks(f))
    tally = Tally(source_name("cryptography-vectors", RFC7748_FILE))
    for b in blocks:
        with tally.case(f"COUNT={b.get('COUNT')}"):
            sk = kem.X25519PrivateKey.from_private_bytes(h(b["INPUT_SCALAR"]))
            assert sk.exchange(h(b["INPUT_U"])) == h(b["OUTPUT_U"]), "X25519 output differs"
            if h(b["INPUT_U"]) == X25519_BASE_POINT:
                assert sk.public_key().public_bytes_raw() == h(b["OUTPUT_U"]), "public key"
    tally.finish(expected=3)
