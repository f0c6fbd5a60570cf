"""Revoking keys: one key at a time, with ``%`` and ``_`` taken literally (the real CLI, a real database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from api.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from api.models import ApiKey, Clinic
from api.security import hash_key, revoke_key
from tests.helpers.service import create_key, revoke_key_cli


def _active(data: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{(data / 'movequal.db').resolve()}")
    with make_sessionmaker(engine)() as session:
        return set(session.scalars(select(ApiKey.prefix).where(ApiKey.revoked_at.is_(None))))


@pytest.mark.slow  # the real CLI, one process per command
def test_sql_wildcards_in_a_prefix_revoke_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    keys = [create_key(data, clinic) for clinic in ("North", "South", "East")]
    everyone = {key[:10] for key in keys}
    for pattern in ("%%%%%%", "mq____", "mq_%%%"):  # as LIKE patterns these matched every key
        done = revoke_key_cli(data, pattern)
        assert done.returncode == 1 and "no active key starts with" in done.stderr, (pattern, done.stderr)
        assert _active(data) == everyone
    done = revoke_key_cli(data, keys[1][:10])
    assert done.returncode == 0, done.stderr
    assert _active(data) == everyone - {keys[1][:10]}


def test_an_ambiguous_prefix_revokes_nothing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    upgrade_database(engine)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        clinic = Clinic(name="North")
        session.add(clinic)
        session.flush()
        for secret in ("mq_abcdef_1", "mq_abcdef_2", "mq_abcxyz_3"):
            session.add(ApiKey(clinic_id=clinic.id, prefix=secret[:10], key_hash=hash_key(secret)))
    with session_scope(sessions) as session:
        assert revoke_key(session, "mq_abcdef") == 2
    with session_scope(sessions) as session:
        assert revoke_key(session, "mq_abcxyz") == 1
    with sessions() as session:
        revoked = set(session.scalars(select(ApiKey.prefix).where(ApiKey.revoked_at.is_not(None))))
    assert revoked == {"mq_abcxyz_"}
