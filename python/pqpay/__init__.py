"""pqpay: a native-accelerated post-quantum cryptography core for payment gateways.

Importing pqpay runs the power-on self-tests (a few milliseconds); if one fails, every later
operation raises :class:`pqpay.exceptions.SelfTestFailure` naming it.
"""

from __future__ import annotations

from pqpay import _native

__version__: str = _native.__version__

__all__ = ["__version__", "run_selftests", "selftest_results"]


def selftest_results() -> list[tuple[str, bool, float]]:
    """The power-on self-test results: ``[(name, passed, microseconds), ...]``."""
    return _native.power_on_selftest()


def run_selftests() -> list[tuple[str, bool, float]]:
    """Runs the known-answer self-tests again (``pqpay selftest``): ``[(name, passed,
    microseconds), ...]``."""
    return _native.run_selftests()
