"""``pqpay groth16 verify VKEY PROOF PUBLIC``: verifies a snarkjs Groth16 proof.

Prints one line and exits 0 when the proof verifies, 1 otherwise (a proof that does not verify,
or a key, proof or public-input file that cannot be read or fails validation).
"""

from __future__ import annotations

import argparse
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
