"""A throwaway SoftHSM2 token for the pqpay.hsm tests and benchmarks.

The token lives in a temporary directory named by ``SOFTHSM2_CONF`` (never the system
configuration). SoftHSM reads that file when python-pkcs11 first initialises the module, so one
token serves the whole process: :func:`softhsm_token` makes it on first call and returns the
same one afterwards. Without python-pkcs11 or SoftHSM the callers skip, except under
``CI=true``, where they fail (the rule of ``tests/_support/vector_sources.py``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from pqpay.hsm import KeyStore, PKCS11Backend, SoftwareBackend, find_softhsm_module
from tests._support import vector_sources

TOKEN_LABEL = "pqpay-test"
USER_PIN = "4321-pqpay"
SO_PIN = "87654321"
BACKENDS = ["softhsm", "software"]


@dataclass(frozen=True)
class Token:
    module: str
    label: str
    pin: str
    conf: Path


_TOKEN: Token | None = None


def hsm_missing(what: str) -> NoReturn:
    """Skips (locally) or fails (under CI=true) because ``what`` is missing."""
    if vector_sources.vectors_required():
        pytest.fail(f"{what} is missing and CI=true requires the SoftHSM tests", pytrace=False)
    pytest.skip(f"{what} is missing (apt-get install softhsm2; pip install pqpay[hsm])")


def softhsm_token() -> Token:
    """The process's SoftHSM test token, made on first use."""
    global _TOKEN
    if _TOKEN is not None:
        return _TOKEN
    try:
        import pkcs11
    except ImportError:
        hsm_missing("python-pkcs11")
    module = find_softhsm_module()
    util = shutil.which("softhsm2-util")
    if module is None or not os.path.exists(module) or util is None:
        hsm_missing("SoftHSM2 (libsofthsm2.so and softhsm2-util)")
    root = Path(tempfile.mkdtemp(prefix="pqpay-softhsm-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    init = ["--init-token", "--free", "--label", TOKEN_LABEL, "--so-pin", SO_PIN]
    subprocess.run(
        [util, *init, "--pin", USER_PIN],
        check=True,
        capture_output=True,
        env=os.environ,
    )
    lib = pkcs11.lib(module)
    # Loaded before this function set SOFTHSM2_CONF: make SoftHSM read the new configuration.
    if not any(t.label == TOKEN_LABEL for t in lib.get_tokens()):
        lib.reinitialize()
    _TOKEN = Token(module, TOKEN_LABEL, USER_PIN, conf)
    return _TOKEN


def softhsm_backend() -> PKCS11Backend:
    token = softhsm_token()
    return PKCS11Backend(token.module, token_label=token.label, user_pin=token.pin)


def make_store(kind: str) -> KeyStore:
    """A key store on the SoftHSM token ("softhsm") or in memory ("software")."""
    if kind == "software":
        return KeyStore(SoftwareBackend())
    return KeyStore(softhsm_backend())
