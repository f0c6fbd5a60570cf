"""Record batch results as patient sessions in the service's database, so the web app shows them.

Each finished video becomes a ``done`` analysis of its patient (created by
reference when new) with its report; its report folder is linked (or copied)
into the service's data dir so the result page can show it. A result is
recorded once per clinic: its batch key is unique, so rerunning a batch adds
nothing twice.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from api.config import Settings
from api.crud import batch_keys, get_or_add_patient, record_result
from api.db import make_engine, make_sessionmaker, upgrade_database
from api.dose import dose_columns
from api.models import Analysis
from api.security import get_or_create_clinic
from movequal.batch.runner import BatchOutcome, BatchRecorder
from movequal.batch.score import ItemResult
from movequal.core.dose import SessionDose
from movequal.io.atomic import atomic_folder


def _link_folder(source: Path, target: Path) -> None:
    """Hard-link every file (same filesystem) or copy it, into a folder renamed into place at the end."""
    with atomic_folder(target, staging=target.with_name(f".{target.name}.batch")) as staging:
        for path in source.iterdir():
            if path.is_file():
                try:
                    os.link(path, staging / path.name)
                except OSError:
                    shutil.copy2(path, staging / path.name)


def record_batch(outcome: BatchOutcome, *, db_url: str | None = None, clinic: str | None = None) -> int:
    """Record every finished result not yet recorded; return how many were added."""
    settings = Settings()
    settings.results_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_url or settings.url)
    upgrade_database(engine)
    sessions = make_sessionmaker(engine)
    added = 0
    with sessions() as session:
        owner = get_or_create_clinic(session, clinic or settings.local_clinic)
        known = batch_keys(session, owner.id)
        for result in outcome.results:
            if result.status != "done" or result.key in known:
                continue
            folder = outcome.folders[result.key]
            analysis = _analysis(
                session, owner.id, result, json.loads((folder / "report.json").read_text(encoding="utf-8"))
            )
            _link_folder(folder, settings.results_dir / analysis.id)
            session.commit()
            known.add(result.key)  # the same video twice in one batch has one key: record it once
            added += 1
    engine.dispose()
    return added


def make_recorder(db_url: str | None, clinic: str | None) -> BatchRecorder:
    """Return the hook ``movequal batch`` calls to record its outcome (a ``movequal.batch_recorders`` plugin).

    Parameters
    ----------
    db_url : str or None
        Database to record into [default: the service's].
    clinic : str or None
        Clinic the sessions belong to [default: the local clinic].
    """

    def record(outcome: BatchOutcome) -> int:
        return record_batch(outcome, db_url=db_url, clinic=clinic)

    return record


def _analysis(session: Session, clinic_id: int, result: ItemResult, report: dict[str, Any]) -> Analysis:
    """Add the analysis row (and the patient, when new) for one finished result, with its report's dose."""
    patient_id = get_or_add_patient(session, clinic_id, result.patient).id if result.patient else None
    analysis = Analysis(
        clinic_id=clinic_id,
        patient_id=patient_id,
        origin="batch",
        status="done",
        progress=100.0,
        movement_requested=result.movement or "auto",
        model=report["source"]["model"],
        source_name=Path(result.path).name,
        session_date=result.session_date or date.today(),
        attempts=1,
        batch_key=result.key,
        **dose_columns(SessionDose.model_validate(report["dose"]) if report.get("dose") else None),
    )
    session.add(analysis)
    session.flush()
    record_result(session, analysis.id, report)
    return analysis
