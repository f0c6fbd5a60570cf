"""The progression gate for a patient's tasks, from the stored sessions (rows → gate → public models).

Each movement the patient has scored sessions of is a task. Its sessions (score,
findings, stored dose) go through :func:`movequal.core.progression.recommend_progression`
with the service's settings and the programme task's own target score; a
clinician's override recorded after the latest session is shown beside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import Settings
from api.dose import dose_of
from api.models import Analysis, Clinic, Patient, ProgrammeTask, ProgressionOverride, Result
from api.schemas_progression import (
    LoadPointPublic,
    OverrideCreate,
    OverridePublic,
    ProgressionPublic,
    TaskProgressionPublic,
)
from movequal.core.progression import (
    GateDecision,
    GateSession,
    compute_threshold_loads,
    from_assessment,
    recommend_progression,
)


@dataclass(frozen=True)
class TaskHistory:
    """One movement's scored sessions of a patient, oldest first, and the gate's decision on them."""

    movement: str
    sessions: list[GateSession]
    decision: GateDecision


def _target_scores(session: Session, patient: Patient) -> dict[str, float]:
    """Return each movement's target score in the patient's active programme (its first task wins)."""
    tasks = session.scalars(
        select(ProgrammeTask)
        .where(ProgrammeTask.patient_id == patient.id, ProgrammeTask.active.is_(True))
        .order_by(ProgrammeTask.position)
    )
    targets: dict[str, float] = {}
    for task in tasks:
        targets.setdefault(task.movement, task.target_score)
    return targets


def task_histories(session: Session, patient: Patient, settings: Settings) -> list[TaskHistory]:
    """Return every movement with a scored session, in the order of its first session."""
    rows = session.execute(
        select(Analysis, Result.report)
        .join(Result, Result.analysis_id == Analysis.id)
        .where(Analysis.patient_id == patient.id, Analysis.status == "done")
        .order_by(Analysis.session_date, Analysis.created_at)
    ).all()
    targets = _target_scores(session, patient)
    clinic = session.get(Clinic, patient.clinic_id)
    own = clinic.gate_rules if clinic is not None else None
    grouped: dict[str, list[GateSession]] = defaultdict(list)
    for job, report in rows:
        assessment: dict[str, Any] = report["assessment"]
        movement = str(assessment["movement"])
        rules = settings.gate_rules(targets.get(movement), own)
        gate = from_assessment(job.id, job.session_date, assessment, dose_of(job), rules)
        if gate is not None:
            grouped[movement].append(gate)
    return [
        TaskHistory(
            movement, sessions, recommend_progression(sessions, settings.gate_rules(targets.get(movement), own))
        )
        for movement, sessions in grouped.items()
    ]


def find_history(session: Session, patient: Patient, settings: Settings, movement: str) -> TaskHistory | None:
    """Return the history of one movement, or None when the patient has no scored session of it."""
    return next((h for h in task_histories(session, patient, settings) if h.movement == movement), None)


def _current_override(session: Session, patient: Patient, history: TaskHistory) -> ProgressionOverride | None:
    """Return the newest override of the task made after its latest session (an older one no longer applies)."""
    latest = history.sessions[-1].analysis_id
    return session.scalars(
        select(ProgressionOverride)
        .where(
            ProgressionOverride.patient_id == patient.id,
            ProgressionOverride.movement == history.movement,
            ProgressionOverride.after_analysis_id == latest,
        )
        .order_by(ProgressionOverride.created_at.desc())
        .limit(1)
    ).first()


def task_public(session: Session, patient: Patient, history: TaskHistory) -> TaskProgressionPublic:
    """Return one task's recommendation, evidence and current override."""
    decision = history.decision
    thresholds = compute_threshold_loads(history.sessions)
    points = [
        LoadPointPublic(
            analysis_id=s.analysis_id,
            session_date=s.session_date,
            load_kg=s.load_kg,
            score=s.score,
            compensation=s.compensation,
            pain_before=s.dose.pain_before,
            pain_after=s.dose.pain_after,
            threshold_kg=t.threshold_kg,
        )
        for s, t in zip(history.sessions, thresholds, strict=True)
    ]
    override = _current_override(session, patient, history)
    return TaskProgressionPublic(
        movement=history.movement,
        recommendation=decision.recommendation,
        reasons=list(decision.reasons),
        load_kg=decision.load_kg,
        suggested_load_kg=decision.suggested_load_kg,
        target_score=float(decision.rules["target_score"]),
        rules=decision.rules,
        points=points,
        override=None if override is None else OverridePublic.model_validate(override),
    )


def progression_public(session: Session, patient: Patient, settings: Settings) -> ProgressionPublic:
    """Return the gate's answer for every task of the patient."""
    histories = task_histories(session, patient, settings)
    return ProgressionPublic(patient_id=patient.id, tasks=[task_public(session, patient, h) for h in histories])


def record_override(session: Session, patient: Patient, history: TaskHistory, body: OverrideCreate) -> OverridePublic:
    """Store a clinician's decision beside the gate's recommendation, and commit."""
    row = ProgressionOverride(
        clinic_id=patient.clinic_id,
        patient_id=patient.id,
        movement=history.movement,
        decision=body.decision,
        recommended=history.decision.recommendation,
        reason=body.reason.strip(),
        after_analysis_id=history.sessions[-1].analysis_id,
    )
    session.add(row)
    session.commit()
    return OverridePublic.model_validate(row)


def list_overrides(session: Session, patient: Patient) -> list[OverridePublic]:
    """Return every override of the patient, newest first."""
    rows = session.scalars(
        select(ProgressionOverride)
        .where(ProgressionOverride.patient_id == patient.id)
        .order_by(ProgressionOverride.created_at.desc())
    )
    return [OverridePublic.model_validate(row) for row in rows]
