"""``pqpay groth16 verify VKEY PROOF PUBLIC``: verifies a snarkjs Groth16 proof.

The arguments are in pqpay's order: key, proof, public inputs (snarkjs's own ``snarkjs groth16
verify`` takes vk, public, proof; the two files are told apart and a swap is reported). ``OK:``
and exit 0 when the proof verifies; ``FAILED:`` and exit 1 when it does not, or when the proof
or the public inputs are malformed (a point off the curve or outside the subgroup, an input not
below r, the wrong number of inputs); exit 2 when a file cannot be read or the verifying key
itself is unusable.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pqpay import groth16
from pqpay.cli._common import CliError, command, command_group, verdict
from pqpay.exceptions import InvalidProof, PqpayError


def _json_kind(data: bytes) -> str:
    """``object``, ``array`` or ``other``: enough to tell a proof from public inputs."""
    try:
        value = json.loads(data)
    except ValueError:
        return "other"
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "other"


def _verify(args: argparse.Namespace) -> int:
    vk_data = Path(args.vkey).read_bytes()
    proof_data = Path(args.proof).read_bytes()
    public_data = Path(args.public).read_bytes()
    if _json_kind(proof_data) == "array" and _json_kind(public_data) == "object":
        raise CliError(
            f"{args.proof} holds a JSON array (public inputs) and {args.public} an object "
            "(a proof): the two look swapped",
            "pass VKEY PROOF PUBLIC (snarkjs's own order is vk public proof)",
        )
    try:
        vk = groth16.VerifyingKey.from_snarkjs(vk_data)
    except (PqpayError, ValueError) as exc:
        raise CliError(f"{args.vkey}: unusable verifying key: {exc}", "check the key") from None
    details: dict[str, Any] = {"curve": vk.curve.value}
    try:
        proof = groth16.Proof.from_snarkjs(proof_data)
        public = groth16.public_inputs_from_snarkjs(public_data)
        groth16.verify(vk, proof, public)
    except InvalidProof:
        return verdict(args, False, "the proof does not verify", **details)
    except (PqpayError, ValueError) as exc:
        return verdict(args, False, f"rejected: {exc}", reason=str(exc), **details)
    n = len(public)
    details["public_inputs"] = n
    message = f"the proof verifies ({vk.curve.value}, {n} public input{'s' if n != 1 else ''})"
    return verdict(args, True, message, **details)


def register(subparsers: Any) -> None:
    """Adds ``groth16 verify`` to the ``pqpay`` command."""
    sub = command_group(subparsers, "groth16", "verify Groth16 proofs (snarkjs JSON)")
    verify = command(
        sub,
        "verify",
        _verify,
        help="verify a proof: exit 0 if it verifies, 1 if not",
        description=__doc__,
        verifies=True,
        full_name="groth16 verify",
    )
    verify.add_argument("vkey", help="snarkjs verification_key.json")
    verify.add_argument("proof", help="snarkjs proof.json")
    verify.add_argument("public", help="snarkjs public.json")
