"""Service commands of the ``movequal`` CLI: ``serve``, ``worker`` and ``keys``.

The core CLI does not import this module: :func:`register` is declared as a
``movequal.commands`` entry point in ``pyproject.toml``, and ``movequal`` loads
it when it runs (see :mod:`movequal.plugins`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.config import Settings

keys_app = typer.Typer(help="Create, list and revoke clinic API keys.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def _settings(**overrides: object) -> Settings:
    given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}  # checked by Settings
    settings = Settings(**given)
    settings = settings.model_copy(update={"data_dir": settings.data_dir.resolve()})
    keep_private(settings.data_dir)  # every command that touches the data dir (serve, worker, keys)
    return settings


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``worker`` and ``keys`` to the ``movequal`` command line (the plugin hook)."""
    app.command()(serve)
    app.command()(worker)
    app.add_typer(keys_app, name="keys")


def keep_private(data_dir: Path) -> None:
    """Make everything this process (and the workers it starts) creates owner-only: folders 0700, files 0600.

    Notes
    -----
    Patient video, reports and the database live under the data dir; other
    accounts on the server have no business reading them. The umask is
    inherited by worker processes; the data dir and what is directly in it
    (the database, the uploads and results folders) are tightened too, in
    case they were made earlier with the usual 0755/0644.
    """
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for entry in data_dir.iterdir():  # the database and folders made by an earlier version, before this rule
        entry.chmod(0o700 if entry.is_dir() else 0o600)


def keep_uploads_in(data_dir: Path) -> None:
    """Spool request bodies under the data dir, so patient video never lands in the system's /tmp.

    Notes
    -----
    Starlette buffers an upload in an anonymous temporary file before the route
    copies it to ``uploads/``; anonymous files vanish when closed or when the
    process dies, but they should still sit on the volume chosen for patient data.
    """
    spool = data_dir / "tmp"
    spool.mkdir(parents=True, exist_ok=True)
    tempfile.tempdir = str(spool)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind (local mode: loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int | None, typer.Option(min=0, help="Analysis worker processes [default: MOVEQUAL_WORKERS or 1]; 0 = none.")
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Single-user mode: no API key, answers on loopback only.")
    ] = False,
) -> None:
    """Run the web service with uvicorn, plus its analysis worker processes."""
    import uvicorn

    from api.db import make_engine, make_sessionmaker, upgrade_database
    from api.jobs import sweep_staging
    from api.main import create_app
    from api.worker import WorkerPool

    settings = _settings(auth="local" if local else None, workers=workers)
    if settings.auth == "local" and host not in LOOPBACK_HOSTS:
        err.print(f"[bold red]error:[/] local mode serves loopback only; expected 127.0.0.1 or ::1, got {host}")
        raise typer.Exit(2)
    keep_uploads_in(settings.data_dir)
    engine = make_engine(settings.url)
    upgrade_database(engine)
    with make_sessionmaker(engine)() as session:
        swept = sweep_staging(session, settings.results_dir)
    if swept:
        err.print(f"removed {swept} half-written result folder(s) left by a stopped server")
    # uvicorn re-raises the SIGTERM it handled once it has shut down; as SystemExit it reaches the
    # `finally` below, which stops the workers (the default action would kill this process first).
    signal.signal(signal.SIGTERM, _exit_on_signal)
    pool = WorkerPool(settings, settings.workers)
    pool.start()
    mode = "local mode (no key, loopback only)" if settings.auth == "local" else "API keys required"
    err.print(
        f"movequal service on http://{host}:{port} · {mode} · {pool.count} worker(s) · data in {settings.data_dir}"
    )
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        pool.stop()


def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Worker processes to run.")] = 1,
) -> None:
    """Run analysis workers only (for a service whose web process runs elsewhere on the same database)."""
    from api.db import make_engine, upgrade_database
    from api.worker import WorkerPool

    settings = _settings()
    upgrade_database(make_engine(settings.url))
    pool = WorkerPool(settings, concurrency)
    pool.start()
    logging.getLogger(__name__).warning("%d worker(s) running; Ctrl-C stops them after their current job", concurrency)
    stop = signal.sigwait if hasattr(signal, "sigwait") else None
    try:
        if stop is not None:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            stop({signal.SIGINT, signal.SIGTERM})
    finally:
        pool.stop()


@keys_app.command("create")
def keys_create(
    clinic: Annotated[str, typer.Option(help="Clinic name (created if new).")],
    label: Annotated[str | None, typer.Option(help="What the key is for, e.g. 'front desk PC'.")] = None,
) -> None:
    """Create an API key for a clinic; the key is printed once and only its hash is stored."""
    from api.db import make_engine, make_sessionmaker, session_scope, upgrade_database
    from api.security import create_key

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    upgrade_database(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        key = create_key(session, clinic.strip(), label)
    err.print(f"API key for clinic {key.clinic!r} (shown once; store it safely):")
    sys.stdout.write(key.secret + "\n")


@keys_app.command("list")
def keys_list() -> None:
    """List keys (prefix, clinic, dates), never the keys themselves."""
    from sqlalchemy import select

    from api.db import make_engine, make_sessionmaker, upgrade_database
    from api.models import ApiKey

    settings = _settings()
    engine = make_engine(settings.url)
    upgrade_database(engine)
    table = Table("prefix", "clinic", "label", "created", "last used", "revoked")
    with make_sessionmaker(engine)() as session:
        for key in session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
            dates = [key.created_at, key.last_used_at, key.revoked_at]
            table.add_row(
                key.prefix,
                key.clinic.name,
                key.label or "",
                *(d.strftime("%Y-%m-%d %H:%M") if d else "" for d in dates),
            )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key's prefix as `keys list` shows it.")]) -> None:
    """Revoke one key at once: requests and open live sessions with it answer 401 from now on."""
    from api.db import make_engine, make_sessionmaker, session_scope, upgrade_database
    from api.security import revoke_key

    settings = _settings()
    engine = make_engine(settings.url)
    upgrade_database(engine)
    if len(prefix) < 6:
        err.print("[bold red]error:[/] expected a prefix of at least 6 characters")
        raise typer.Exit(2)
    with session_scope(make_sessionmaker(engine)) as session:
        count = revoke_key(session, prefix)
    if not count:
        err.print(f"[bold red]error:[/] no active key starts with {prefix!r}")
        raise typer.Exit(1)
    if count > 1:
        err.print(f"[bold red]error:[/] {count} active keys start with {prefix!r}; give more of the prefix")
        raise typer.Exit(1)
    out.print(f"revoked the key {prefix}…")
