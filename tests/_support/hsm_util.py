"""A throwaway SoftHSM2 token for the pqpay.hsm tests and benchmarks.

The token lives in a temporary directory named by ``SOFTHSM2_CONF`` (never the system
configuration). SoftHSM reads that file when python-pkcs11 first initialises the module, so one
token serves the whole process: :func:`softhsm_token` makes it on first call and returns the
same one afterwards. Without python-pkcs11 or SoftHSM the callers skip, except under
``CI=true``, where they fail (the rule of ``tests/_support/vector_sources.py``).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import NoReturn

import pytest

from pqpay.hsm import KeyStore, PKCS11Backend, SoftwareBackend, testing
from pqpay.hsm.testing import Token
from tests._support import vector_sources as vectors

TOKEN_LABEL = "pqpay-test"
USER_PIN = "4321-pqpay"
SO_PIN = "87654321"
BACKENDS = ["softhsm", "software"]


_TOKEN: Token | None = None


def hsm_missing(why: str) -> NoReturn:
    """Skips (locally) or fails (under CI=true) because of ``why`` (what is missing)."""
    if vectors.vectors_required():
        pytest.fail(f"{why}, and CI=true requires the SoftHSM tests", pytrace=False)
    pytest.skip(why)


def softhsm_token() -> Token:
    """The process's SoftHSM test token, made on first use."""
    global _TOKEN
    if _TOKEN is not None:
        return _TOKEN
    reason = testing.softhsm_missing()
    if reason is not None:
        hsm_missing(reason)
    root = Path(tempfile.mkdtemp(prefix="pqpay-softhsm-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    _TOKEN = testing.create_token(root, label=TOKEN_LABEL, user_pin=USER_PIN, so_pin=SO_PIN)
    return _TOKEN


def softhsm_backend() -> PKCS11Backend:
    token = softhsm_token()
    return PKCS11Backend(token.module, token_label=token.label, user_pin=token.pin)


def make_store(kind: str) -> KeyStore:
    """A key store on the SoftHSM token ("softhsm") or in memory ("software")."""
    if kind == "software":
        return KeyStore(SoftwareBackend())
    return KeyStore(softhsm_backend())
