"""A throwaway PostgreSQL server (Debian's postgresql package) for tests, run as the postgres user."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.service import free_port


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, "PostgreSQL server is not installed (scripts/setup.sh --dev installs Debian's postgresql)"
    return found[-1]


def _run(*cmd: str) -> None:
    subprocess.run(_as_postgres(*cmd), check=True, capture_output=True, timeout=120)


def _as_postgres(*cmd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a private PostgreSQL cluster on a free loopback port; yield its SQLAlchemy URL."""
    root = Path(tempfile.mkdtemp(prefix="movequal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", free_port()
    _run(_bin("initdb"), "-D", str(data), "-U", "movequal", "--auth=trust")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
    _run(_bin("pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start")
    try:
        _run(_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "movequal", "movequal")
        yield f"postgresql+psycopg://movequal@127.0.0.1:{port}/movequal"
    finally:
        subprocess.run(
            _as_postgres(_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"), check=False, capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """Create (or re-create) database ``name`` on the server; return its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
