"""A throwaway PostgreSQL cluster (Debian's ``postgresql``: initdb and pg_ctl from
/usr/lib/postgresql/*/bin) in a temporary directory, on a unix socket only.

Used by the ledger tests' ``postgres_dsn`` fixture and by the stress run (tests/stress).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ClusterUnavailable(Exception):
    """psycopg, PostgreSQL or the postgres system user is missing (the message says which)."""


def pg_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(candidate, "initdb"), os.X_OK):
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def throwaway_cluster(max_connections: int = 50) -> Iterator[str]:
    """Starts a fresh cluster and yields its libpq DSN; stops and removes it afterwards.

    :raises ClusterUnavailable: before starting, when something it needs is missing.
    :raises RuntimeError: the cluster did not start (with PostgreSQL's log).
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ClusterUnavailable("psycopg (pip install 'pqpay[postgres]')") from None
    bindir = pg_bindir()
    if bindir is None:
        raise ClusterUnavailable("PostgreSQL (initdb / pg_ctl)")
    base = Path(tempfile.mkdtemp(prefix="pqpay-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: the cluster belongs to the postgres system user.
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base)
            raise ClusterUnavailable("the postgres system user") from None
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = base / "data"

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60",
            "-o", f"-k {base} -c listen_addresses='' -c max_connections={max_connections}",
            "start")  # fmt: skip
    except subprocess.CalledProcessError as exc:
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr!r} {log}") from None
    try:
        yield f"host={base} dbname=postgres user=postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(base, ignore_errors=True)
