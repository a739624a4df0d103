"""``pqpay groth16 verify VKEY PROOF PUBLIC``: verifies a snarkjs Groth16 proof.

Prints one line and exits 0 when the proof verifies, 1 otherwise (a proof that does not verify,
or a key, proof or public-input file that cannot be read or fails validation).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from pqpay import groth16
from pqpay.exceptions import InvalidProof, PqpayError


def _verify(args: argparse.Namespace) -> int:
    try:
        vk = groth16.VerifyingKey.from_snarkjs(args.vkey)
        proof = groth16.Proof.from_snarkjs(args.proof)
        public = groth16.public_inputs_from_snarkjs(args.public)
        groth16.verify(vk, proof, public)
    except InvalidProof:
        print("INVALID: the proof does not verify")
        return 1
    except (PqpayError, ValueError, OSError) as exc:
        print(f"INVALID: {type(exc).__name__}: {exc}")
        return 1
    n = len(public)
    print(f"OK: the proof verifies ({vk.curve.value}, {n} public input{'s' if n != 1 else ''})")
    return 0


# The demo's proof: vectors/groth16/bn128 (arkworks compressed bytes; made by
# vectors/groth16/generate.py). Private amount 12999 under the public limit 50000, order 424242.
_DEMO_VK = bytes.fromhex(
    "d4a5cbb5c9ed426a82604e76795db5d8c4c38ff4ed2eb372cb0420972f09411a9c5d7c36af04b943f1e03fd3"
    "9e2f2d929098e08461c57d8a221fb42a4654d5120b8877c6f26eb6048e48147bf030c942d6f2ff49d0e50170"
    "97f08301e71ea51f2b2cf0a5b9ce5c679c344e73a3bce60c1da9216b7e2e4cdd4f74f57fb6ccc6086783891c"
    "629812bb04732c189f4d2f16e0458b387bee7ea0a2aca0476e1ea99126acc54edcdcc77d99a5923f2c1079af"
    "f79ecacc9699cc0ff2ae1f7809cddc09d4de08bb39156ff80ccaecf48fc210e1ce63e33c0bf73ddf061254d4"
    "459c3b0d03000000000000008788abe0c9f493fe3c4dd4495ecbde84d7b80a7ddb570a265196441db48f2797"
    "e1ec311519e1b79800d999f5a8aac9ce69bd1fc0c277885c0d109851b846af26efd7382404b5481fdbe156c9"
    "a7401d0fef4fb9cfbfc706ac52491e18eb8ab59a"
)
_DEMO_PROOF = bytes.fromhex(
    "4b9ab3044b4ffc0437ff720804bf4f39eed4d0a4676950ccf0df813cd21f5181d32624fbe47dbc4281215b91"
    "88c197f43dcc5f93a4c675af0bce3a19e5bd13079182f35a6f8d155f4d510f1722f07894bbd74a5ab06b0b4a"
    "7af630968b15cd2a78bd999d527dee0b2fc2459c99aa5294339a2111b744b2bfab0b99ceeac04f2d"
)
_DEMO_PUBLIC = (50000, 424242)


def demo() -> None:
    """The ``pqpay demo`` part: verifies the bundled proof, then a batch with one forgery."""
    vk = groth16.VerifyingKey.from_bytes(_DEMO_VK, groth16.Curve.BN254)
    proof = groth16.Proof.from_bytes(_DEMO_PROOF, groth16.Curve.BN254)
    limit, order = _DEMO_PUBLIC
    print("\nGroth16 (BN254): a proof that a private amount is at most the public limit")
    start = time.perf_counter()
    groth16.verify(vk, proof, _DEMO_PUBLIC)
    elapsed = (time.perf_counter() - start) * 1e6
    print(f"limit {limit}, order {order}: the proof verifies ({elapsed:.0f} us)")
    try:
        groth16.verify(vk, proof, (limit - 1, order))
    except InvalidProof:
        print(f"limit {limit - 1}: rejected (InvalidProof), as it must be")
    else:
        raise SystemExit("a proof verified under the wrong limit")
    items = [(proof, _DEMO_PUBLIC)] * 32
    items[5] = (proof, (limit, order + 1))
    start = time.perf_counter()
    results = groth16.verify_many(vk, items)
    elapsed = (time.perf_counter() - start) * 1e6
    failed = [i for i, ok in enumerate(results) if not ok]
    print(
        f"batch of {len(items)} proofs: {elapsed:.0f} us ({elapsed / len(items):.0f} us each); "
        f"failed items: {failed}"
    )


def register(subparsers: Any) -> None:
    """Adds ``groth16 verify`` to the ``pqpay`` command."""
    g16 = subparsers.add_parser("groth16", help="verify Groth16 proofs (snarkjs JSON)")
    sub = g16.add_subparsers(dest="groth16_command", required=True)
    verify = sub.add_parser(
        "verify",
        help="verify a proof: exit 0 if it verifies, 1 if not",
        description=__doc__,
    )
    verify.add_argument("vkey", help="snarkjs verification_key.json")
    verify.add_argument("proof", help="snarkjs proof.json")
    verify.add_argument("public", help="snarkjs public.json")
    verify.set_defaults(func=_verify)
