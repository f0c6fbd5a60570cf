"""ORM rows to public schemas."""

from __future__ import annotations

from pathlib import Path

from api.dose import dose_of, with_stored_dose
from api.models import Analysis
from api.schemas import AnalysisLinks, AnalysisPublic, AnalysisSummary
from movequal.core.assessment import Report


def analysis_links(analysis_id: str) -> AnalysisLinks:
    """URLs of an analysis's outputs."""
    base = f"/v1/analyses/{analysis_id}"
    return AnalysisLinks(
        self=base,
        page=f"/analyses/{analysis_id}",
        video=f"{base}/video",
        report=f"{base}/report",
        angles_csv=f"{base}/angles.csv",
        landmarks_trc=f"{base}/landmarks.trc",
    )


def _summary_fields(job: Analysis) -> dict[str, object]:
    result = job.result if job.status == "done" else None
    return {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
        "patient_id": job.patient_id,
        "movement": result.movement if result else job.movement_requested,
        "view": result.view if result else None,
        "score": result.score if result else None,
        "reps": result.reps if result else None,
        "session_date": job.session_date,
        "created_at": job.created_at,
        "source_name": job.source_name,
        "dose": dose_of(job),
        "links": analysis_links(job.id),
    }


def analysis_summary(job: Analysis) -> AnalysisSummary:
    """Convert an analysis to its list form."""
    return AnalysisSummary.model_validate(_summary_fields(job))


def analysis_public(job: Analysis, data_dir: Path) -> AnalysisPublic:
    """Convert an analysis to its full form, with the report when done (showing the stored dose)."""
    result = job.result if job.status == "done" else None
    return AnalysisPublic.model_validate(
        {
            **_summary_fields(job),
            "movement_requested": job.movement_requested,
            "model": job.model,
            "blur_faces": job.blur_faces,
            "retain_source": job.retain_source,
            "height_m": job.height_m,
            "source_retained": bool(job.source_path and (data_dir / job.source_path).is_file()),
            "attempts": job.attempts,
            "started_at": job.started_at,
            "finished_at": job.finished_at,
            "result": with_stored_dose(Report.model_validate(result.report), job) if result else None,
        }
    )
