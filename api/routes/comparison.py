"""``/v1/analyses/{id}/comparison``: a session against a chosen baseline session of the same patient."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from api import crud
from api.deps import ClinicDep, SessionDep
from api.errors import COMMON_ERRORS, not_found
from api.models import Analysis
from api.schemas_progression import ComparisonPublic, CurvePairPublic, CurvePublic, MetricChangePublic
from movequal.core.comparison import SessionFacts, compare_to_baseline, describe_differences

router = APIRouter(prefix="/v1/analyses", tags=["analyses"], responses=COMMON_ERRORS)


def _report(job: Analysis) -> dict[str, Any]:
    if job.result is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"analysis {job.id} has no result yet")
    return job.result.report


def pair_curves(baseline: dict[str, Any], current: dict[str, Any]) -> list[CurvePairPublic]:
    """Pair the two reports' rep curves by angle (an angle only one session has keeps the other side empty)."""
    before = {c["angle"]: c for c in baseline.get("rep_curves") or []}
    after = {c["angle"]: c for c in current.get("rep_curves") or []}
    pairs = []
    for angle in list(before) + [a for a in after if a not in before]:
        b, a = before.get(angle), after.get(angle)
        first = b or a
        assert first is not None
        pairs.append(
            CurvePairPublic(
                angle=angle,
                label=first["label"],
                unit=first["unit"],
                baseline=None if b is None else CurvePublic.model_validate(b, from_attributes=False),
                current=None if a is None else CurvePublic.model_validate(a, from_attributes=False),
                comparable=b is not None and a is not None and b["method"] == a["method"],
            )
        )
    return pairs


@router.get("/{analysis_id}/comparison", response_model=ComparisonPublic, responses=not_found("analysis"))
def read_comparison(
    analysis_id: str,
    baseline: Annotated[str, Query(description="The baseline session's analysis id (same patient).")],
    clinic: ClinicDep,
    session: SessionDep,
) -> ComparisonPublic:
    """Compare a session with a baseline: each metric's change against its MDC95 and both sessions' rep curves.

    A metric the two sessions measured differently (a side view's image angle against an oblique view's 3D
    angle) is "not comparable"; a change of movement, camera view or pose model is named in ``differences``.
    """
    job = crud.get_analysis(session, clinic.id, analysis_id)
    base = crud.get_analysis(session, clinic.id, baseline)
    if job.patient_id is None or job.patient_id != base.patient_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the baseline must be a session of the same patient")
    current, before = _report(job), _report(base)
    facts = SessionFacts.from_report(before), SessionFacts.from_report(current)
    metrics = [
        MetricChangePublic.model_validate(change, from_attributes=True)
        for change in compare_to_baseline(before, current)
    ]
    return ComparisonPublic(
        analysis_id=job.id,
        baseline_id=base.id,
        movement=facts[1].movement,
        baseline_date=base.session_date,
        session_date=job.session_date,
        differences=describe_differences(*facts),
        metrics=metrics,
        curves=pair_curves(before, current) if facts[0].movement == facts[1].movement else [],
    )
