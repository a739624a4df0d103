"""Known-answer conformance: every vector source pqpay is checked against, and the runner that
checks them (``pqpay conformance`` and the test suite use it alike).

Sources: the ``cryptography-vectors`` package when installed (NIST ML-KEM / ML-DSA KATs, RFC 7748,
RFC 8032, SUPERCOP Ed25519, HPKE RFC 9180 and draft-ietf-hpke-pq, key files), and folders: NIST
ACVP sets (``internalProjection.json``, or ``prompt.json`` + ``expectedResults.json``, answered
by :mod:`pqpay.acvp`), C2SP Wycheproof files, the X-Wing and composite ML-DSA draft vectors,
transparency-dev Merkle vectors and snarkjs Groth16 proof folders (``MANIFEST.json``).

A :class:`Suite` is one file or set; :func:`discover` finds the suites of a folder,
:func:`cryptography_vectors_suites` those of the package; :func:`run` checks them into a
:class:`Report`, counted per source and algorithm (ran / passed / failed / skipped)::

    from pathlib import Path
    from pqpay import conformance

    suites = conformance.cryptography_vectors_suites()
    suites += conformance.discover(Path("vectors"))
    report = conformance.run(suites)
    print("\\n".join(report.table()))
"""

from __future__ import annotations

from pqpay.conformance._core import (
    Case,
    Cases,
    Count,
    Failure,
    Mismatch,
    Report,
    SourceMissing,
    Suite,
    SuiteResult,
    list_suite,
    run,
    run_suite,
)
from pqpay.conformance._discover import SOURCES, cryptography_vectors_suites, discover
from pqpay.conformance._files import (
    cryptography_vectors_available,
    cryptography_vectors_version,
    load_json,
    open_cryptography_vector,
    parse_blocks,
    parse_rsp,
)

__all__ = [
    "SOURCES",
    "Case",
    "Cases",
    "Count",
    "Failure",
    "Mismatch",
    "Report",
    "SourceMissing",
    "Suite",
    "SuiteResult",
    "cryptography_vectors_available",
    "cryptography_vectors_suites",
    "cryptography_vectors_version",
    "discover",
    "list_suite",
    "load_json",
    "open_cryptography_vector",
    "parse_blocks",
    "parse_rsp",
    "run",
    "run_suite",
]
