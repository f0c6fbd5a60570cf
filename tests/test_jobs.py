"""The job queue on real SQLite and PostgreSQL: one claim per job, leases, retries, failure reasons."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update

from api.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from api.jobs import QueuePolicy, claim_next, finish, heartbeat, release_worker
from api.models import Analysis, utcnow
from api.security import get_or_create_clinic


def _queue(database_url: str, jobs: int, data_dir: Path) -> tuple[object, list[str]]:
    engine = make_engine(database_url)
    upgrade_database(engine)
    sessions = make_sessionmaker(engine)
    ids = []
    with session_scope(sessions) as session:
        clinic = get_or_create_clinic(session, "North")
        for i in range(jobs):
            source = data_dir / f"{i}.mp4"
            source.write_bytes(b"video")
            job = Analysis(
                clinic_id=clinic.id, source_name=f"{i}.mp4", source_path=source.name, session_date=date.today()
            )
            job.created_at = utcnow() + timedelta(milliseconds=i)
            session.add(job)
            session.flush()
            ids.append(job.id)
    return sessions, ids


def test_racing_workers_claim_each_job_exactly_once(database_url: str, tmp_path: Path) -> None:
    sessions, ids = _queue(database_url, 24, tmp_path)
    policy = QueuePolicy(lease_s=60)
    claimed: dict[str, list[str]] = {}
    lock = threading.Lock()
    start = threading.Barrier(4)

    def work(name: str) -> None:
        start.wait()
        with sessions() as session:  # type: ignore[operator]
            while (claim := claim_next(session, name, policy, tmp_path)) is not None:
                with lock:
                    claimed.setdefault(claim.id, []).append(name)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)
    assert all(len(names) == 1 for names in claimed.values()), claimed
    with sessions() as session:  # type: ignore[operator]
        assert {session.get(Analysis, i).status for i in ids} == {"running"}


def test_claims_go_oldest_first_and_expired_leases_are_retried(database_url: str, tmp_path: Path) -> None:
    sessions, ids = _queue(database_url, 2, tmp_path)
    policy = QueuePolicy(lease_s=60, max_attempts=2)
    with sessions() as session:  # type: ignore[operator]
        first = claim_next(session, "a", policy, tmp_path)
        assert first is not None and first.id == ids[0] and first.attempt == 1
        assert heartbeat(session, first.id, "a", policy, stage="pose", progress=40.0)
        assert not heartbeat(session, first.id, "b", policy, stage="pose", progress=40.0), "only the owner may beat"
        assert release_worker(session, "a") == 1  # its process died
        again = claim_next(session, "b", policy, tmp_path)
        assert again is not None and again.id == ids[0] and again.attempt == 2
        assert not heartbeat(session, first.id, "a", policy, stage="pose", progress=50.0), "the old owner lost it"
        session.execute(
            update(Analysis).where(Analysis.id == ids[0]).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()
        nxt = claim_next(session, "c", policy, tmp_path)
        assert nxt is not None and nxt.id == ids[1], "a job out of attempts is failed, not claimed a third time"
        dead = session.get(Analysis, ids[0])
        session.refresh(dead)
        assert dead.status == "failed" and "stopped unexpectedly" in (dead.error or "")
        assert "on all 2 attempts" in (dead.error or "")
        assert dead.source_path is None and not (tmp_path / "0.mp4").exists()


def test_finish_retries_transient_errors_then_fails_with_the_reason(database_url: str, tmp_path: Path) -> None:
    sessions, _ = _queue(database_url, 1, tmp_path)
    policy = QueuePolicy(lease_s=60, max_attempts=2, retry_delay_s=0.0)
    with sessions() as session:  # type: ignore[operator]
        claim = claim_next(session, "a", policy, tmp_path)
        assert claim is not None
        assert finish(session, claim.id, "a", error="disk hiccup", retry=True, policy=policy) == "queued"
        retry = claim_next(session, "a", policy, tmp_path)
        assert retry is not None and retry.attempt == 2
        assert finish(session, claim.id, "a", error="disk hiccup", retry=True, policy=policy) == "failed"
        assert session.get(Analysis, claim.id).error == "disk hiccup"
        assert finish(session, claim.id, "a", error=None, retry=False, policy=policy) == "lost"
        assert claim_next(session, "a", policy, tmp_path) is None


def test_clinics_take_turns_however_many_jobs_one_queued(database_url: str, tmp_path: Path) -> None:
    sessions, north = _queue(database_url, 6, tmp_path)  # North queued six videos first
    with session_scope(sessions) as session:  # type: ignore[arg-type]
        south = get_or_create_clinic(session, "South")
        (tmp_path / "s.mp4").write_bytes(b"video")
        late = Analysis(clinic_id=south.id, source_name="s.mp4", source_path="s.mp4", session_date=date.today())
        late.created_at = utcnow() + timedelta(seconds=5)
        session.add(late)
        session.flush()
        south_id = late.id
    policy = QueuePolicy(lease_s=60)
    order = []
    with sessions() as session:  # type: ignore[operator]
        while (claim := claim_next(session, "w", policy, tmp_path)) is not None:
            order.append(claim.id)
            assert finish(session, claim.id, "w", error=None, retry=False, policy=policy) == "done"
    assert order[0] == north[0], "the oldest job goes first"
    assert order[1] == south_id, "South's one upload waits for one of North's six, not for all of them"
    assert order[2:] == north[1:], "then North's, oldest first"
