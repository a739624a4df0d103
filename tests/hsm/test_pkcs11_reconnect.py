"""A lost PKCS#11 session is re-established once and the operation retried (issue 12, S-5): the
cached login session closed under the key store (the session's own close, or
C_CloseAllSessions on the slot, as an HSM daemon restart or failover does) no longer makes every
later call fail until the process restarts. On SoftHSM2."""

from __future__ import annotations

import ctypes
from typing import Any

import pytest

from pqpay.exceptions import HSMError
from pqpay.hsm import Algorithm, DecapsulationHandle, KeyStore, PKCS11Backend, SigningHandle
from tests._support.hsm_util import softhsm_backend

pkcs11 = pytest.importorskip("pkcs11")
# python-pkcs11 finalizes a find operation of the dead session in a __del__, which fails.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _close_all_sessions(backend: PKCS11Backend) -> None:
    """C_CloseAllSessions on the token's slot, behind python-pkcs11's back (its Session objects
    still think they are open), through the same loaded module."""
    with backend._module.lock:
        slot_id = backend._session.token.slot.slot_id
        lib = ctypes.CDLL(backend._module.lib.so)
        lib.C_CloseAllSessions.argtypes = [ctypes.c_ulong]
        assert lib.C_CloseAllSessions(slot_id) == 0  # CKR_OK


def _close_session(backend: PKCS11Backend) -> None:
    with backend._module.lock:
        backend._session.close()


def _signs_and_decapsulates(
    store: KeyStore, signer: SigningHandle, kem: DecapsulationHandle
) -> None:
    sig = signer.sign(b"after", context=b"ctx")
    signer.public_key().verify(sig, b"after", context=b"ctx")
    shared, ct = kem.public_key().encapsulate()
    assert kem.decapsulate(ct) == shared
    assert store.current(signer.label) == signer


@pytest.mark.parametrize("lose", [_close_session, _close_all_sessions], ids=["close", "close-all"])
def test_next_sign_after_session_loss_succeeds(lose: Any) -> None:
    backend = softhsm_backend()
    store = KeyStore(backend)
    signer = store.create("reconnect-sign-" + lose.__name__, Algorithm.MLDSA65_ED25519)
    kem = store.create("reconnect-kem-" + lose.__name__, Algorithm.XWING)
    assert isinstance(signer, SigningHandle) and isinstance(kem, DecapsulationHandle)
    signer.sign(b"before")  # caches the private key and KEK handles of this session
    before = backend._session
    lose(backend)
    _signs_and_decapsulates(store, signer, kem)
    assert backend._session is not before
    # A second backend on the token (it shares the process's session) follows the new session.
    other = KeyStore(softhsm_backend())
    other_signer = other.signer(signer.label)
    assert isinstance(other_signer, SigningHandle)
    other_signer.public_key().verify(other_signer.sign(b"m"), b"m")
    store.destroy(signer.handle_id)
    store.destroy(kem.handle_id)


def test_session_loss_before_first_ed25519_sign() -> None:
    backend = softhsm_backend()
    store = KeyStore(backend)
    signer = store.create("reconnect-ed", Algorithm.ED25519)
    assert isinstance(signer, SigningHandle)
    _close_all_sessions(backend)
    signer.public_key().verify(signer.sign(b"m"), b"m")
    _close_session(backend)
    assert signer in store.handles()  # the record listing reconnects too
    store.destroy(signer.handle_id)


def test_reconnect_is_public_and_refreshes_handles() -> None:
    backend = softhsm_backend()
    store = KeyStore(backend)
    signer = store.create("reconnect-explicit", Algorithm.ED25519)
    assert isinstance(signer, SigningHandle)
    signer.sign(b"m")
    before = backend._session
    backend.reconnect()
    assert backend._session is not before and not backend._keys
    signer.public_key().verify(signer.sign(b"m"), b"m")
    store.destroy(signer.handle_id)


def test_a_second_loss_in_a_row_is_an_hsm_error() -> None:
    backend = softhsm_backend()
    calls = []

    def always_lost(session: Any) -> None:
        calls.append(session)
        raise pkcs11.SessionHandleInvalid()

    with pytest.raises(HSMError, match="after reconnecting"):
        backend._run("test operation", always_lost)
    assert len(calls) == 2 and calls[0] is not calls[1]  # retried once, on a new session
    backend.records()  # and the backend still works


def test_other_errors_are_not_retried() -> None:
    backend = softhsm_backend()
    calls = []

    def fails(session: Any) -> None:
        calls.append(session)
        raise pkcs11.MechanismInvalid()

    with pytest.raises(HSMError, match="MechanismInvalid"):
        backend._run("test operation", fails)
    assert len(calls) == 1
