"""Throwaway SoftHSM2 tokens, for tests, benchmarks and ``pqpay demo``. Not for production keys.

A token lives in a directory the caller gives (a temporary one, normally); its configuration
file there is named by ``SOFTHSM2_CONF``, never the system configuration::

    with tempfile.TemporaryDirectory() as tmp, throwaway_token(tmp) as token:
        store = token.key_store()
        signer = store.create("payments", Algorithm.MLDSA65_ED25519)

SoftHSM reads ``SOFTHSM2_CONF`` when the PKCS#11 module is initialised; if python-pkcs11 has
already loaded the module in this process, :func:`create_token` re-initialises it so the new
token is seen (python-pkcs11 keeps one module instance per process, so a process works with one
configuration at a time).

This is the one module of pqpay that spawns a process (``softhsm2-util --init-token``); the
layer rules allow it because it is test support, never imported by the library itself.
"""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pqpay.exceptions import HSMUnavailable
from pqpay.hsm.keystore import KeyStore
from pqpay.hsm.pkcs11 import PKCS11Backend, find_softhsm_module

__all__ = ["CONF_ENV", "Token", "create_token", "softhsm_missing", "throwaway_token"]

#: The environment variable SoftHSM2 reads its configuration file from.
CONF_ENV = "SOFTHSM2_CONF"


@dataclass(frozen=True)
class Token:
    """A SoftHSM2 token made by :func:`create_token`."""

    module: str
    label: str
    pin: str
    conf: Path

    def __repr__(self) -> str:
        return f"Token(module={self.module!r}, label={self.label!r}, conf={str(self.conf)!r})"

    def backend(self) -> PKCS11Backend:
        """A :class:`~pqpay.hsm.PKCS11Backend` logged in to the token."""
        return PKCS11Backend(self.module, token_label=self.label, user_pin=self.pin)

    def key_store(self) -> KeyStore:
        """A :class:`~pqpay.hsm.KeyStore` over :meth:`backend`."""
        return KeyStore(self.backend())


def softhsm_missing() -> str | None:
    """Why no SoftHSM2 token can be made here (python-pkcs11, the module or ``softhsm2-util``
    missing), or None when one can."""
    try:
        importlib.import_module("pkcs11")
    except ImportError:
        return "python-pkcs11 is not installed: pip install pqpay[hsm]"
    module = find_softhsm_module()
    if module is None or not os.path.exists(module) or shutil.which("softhsm2-util") is None:
        return "SoftHSM2 is not installed: apt-get install softhsm2"
    return None


def create_token(
    directory: str | os.PathLike[str],
    *,
    label: str = "pqpay-test",
    user_pin: str | None = None,
    so_pin: str | None = None,
) -> Token:
    """Makes a token in ``directory`` (which must exist) and points ``SOFTHSM2_CONF`` of this
    process at it, for good: the caller restores the variable, or uses
    :func:`throwaway_token`. PINs default to random ones.

    :raises HSMUnavailable: SoftHSM2 or python-pkcs11 is missing, or ``softhsm2-util`` failed.
    """
    reason = softhsm_missing()
    if reason is not None:
        raise HSMUnavailable(reason)
    module, util = find_softhsm_module(), shutil.which("softhsm2-util")
    assert module is not None and util is not None
    root = Path(directory)
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    pin = user_pin if user_pin is not None else secrets.token_hex(8)
    so = so_pin if so_pin is not None else secrets.token_hex(8)
    os.environ[CONF_ENV] = str(conf)
    init = ["--init-token", "--free", "--label", label, "--so-pin", so]
    try:
        subprocess.run([util, *init, "--pin", pin], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        raise HSMUnavailable(f"softhsm2-util could not make the token: {exc}") from None
    pkcs11 = importlib.import_module("pkcs11")
    lib = pkcs11.lib(module)
    # Loaded before SOFTHSM2_CONF pointed here: make SoftHSM read the new configuration.
    if not any(t.label == label for t in lib.get_tokens()):
        lib.reinitialize()
    return Token(module, label, pin, conf)


@contextmanager
def throwaway_token(
    directory: str | os.PathLike[str], *, label: str = "pqpay-throwaway"
) -> Iterator[Token]:
    """:func:`create_token` with random PINs, restoring ``SOFTHSM2_CONF`` on exit. The token's
    files stay in ``directory`` (the caller's temporary directory removes them)."""
    before = os.environ.get(CONF_ENV)
    try:
        yield create_token(directory, label=label)
    finally:
        if before is None:
            os.environ.pop(CONF_ENV, None)
        else:
            os.environ[CONF_ENV] = before
