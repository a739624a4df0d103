"""Power-on self-tests: they pass here, and a failure makes every operation refuse."""

from __future__ import annotations

import os
import subprocess
import sys

import pqpay
from pqpay import _native
from pqpay.cli import main


def test_power_on_results_all_pass() -> None:
    results = pqpay.selftest_results()
    names = [name for name, _, _ in results]
    assert len(names) == len(set(names)) >= 10
    assert all(passed for _, passed, _ in results)
    assert any("ML-KEM-768" in n for n in names)
    assert any("MLKEM1024-P384" in n for n in names)


def test_selftest_command_prints_a_table(capsys: object) -> None:
    assert main(["selftest"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "X-Wing KAT" in out
    assert " 0 failed" in out


def test_a_failed_self_test_disables_every_operation() -> None:
    name = "X-Wing KAT"
    code = """
import pqpay
from pqpay import kem, hpke
from pqpay.exceptions import SelfTestFailure
checks = [
    lambda: kem.MLKEM768PrivateKey.generate(),
    lambda: kem.XWingPublicKey.from_public_bytes(bytes(1216)),
    lambda: hpke.Suite(hpke.KEM.MLKEM768, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_128_GCM),
]
for check in checks:
    try:
        check()
    except SelfTestFailure as e:
        assert "X-Wing KAT" in str(e), e
    else:
        raise SystemExit("operation ran after a failed self-test")
print("refused")
"""
    env = dict(os.environ, **{"PQPAY_SELFTEST_FORCE_FAIL": name})
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr + out.stdout
    assert out.stdout.strip() == "refused"
    assert _native.power_on_selftest()  # this process is unaffected
