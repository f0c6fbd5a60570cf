"""Scoring one batch item, the same way on every engine, and the key that makes a batch resumable.

A worker (a local process or a Ray actor) keeps one pose model and calls
:meth:`Scorer.score` per video. The result comes back as plain data: the
summary row and the report folder's files as bytes, so the driver writes every
result itself (atomically) whatever machine computed it.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from movequal.batch.inputs import BatchItem
from movequal.core.assessment import MovementChoice, Report, UnjudgedCheck
from movequal.core.dose import SessionDose
from movequal.errors import MovequalError
from movequal.pose.model_files import DEFAULT_VARIANT, ModelVariant

_HASH_CHUNK = 1 << 20
KEY_LENGTH = 20
_NEW_SETTINGS = frozenset({"height_m", "dose"})
"""Settings added after the first batches: left out of the key when not given, so older results keep their keys."""


@dataclass(frozen=True)
class BatchSettings:
    """Settings that change a result: part of every result's key."""

    model: ModelVariant = DEFAULT_VARIANT
    movement: MovementChoice = "auto"
    write_video: bool = True
    blur_faces: bool = True
    height_m: float | None = None
    dose: SessionDose | None = None
    """The session's dose from the manifest: not scored, but written into the report, so part of the key."""
    write_pdf: bool = False
    """Also write each item's ``report.pdf`` (``movequal batch --pdf``): part of the key only when on."""

    def for_item(self, item: BatchItem) -> BatchSettings:
        """Return the settings one item is scored with (a manifest's movement and height win over the batch's)."""
        movement = item.movement if item.movement != "auto" else self.movement
        height = item.height_m if item.height_m is not None else self.height_m
        dose = item.dose if item.dose is not None else self.dose
        return BatchSettings(self.model, movement, self.write_video, self.blur_faces, height, dose, self.write_pdf)


def content_key(path: Path, settings: BatchSettings) -> str:
    """SHA-256 of the file's bytes and the settings: the same video scored the same way has the same key."""
    fields: dict[str, Any] = {k: v for k, v in asdict(settings).items() if v is not None or k not in _NEW_SETTINGS}
    if not settings.write_pdf:  # added later still: keys without a PDF stay as they were
        del fields["write_pdf"]
    if settings.dose is not None:  # only the values given, so keys stay put if the dose gains a field
        fields["dose"] = settings.dose.model_dump(exclude_none=True)
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode())
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()[:KEY_LENGTH]


@dataclass
class ItemResult:
    """One row of ``summary.csv`` (and what a worker sends back)."""

    path: str
    key: str
    patient: str | None
    session_date: date | None
    status: str
    """done or failed."""
    error: str | None = None
    movement: str | None = None
    view: str | None = None
    reps: int | None = None
    score: float | None = None
    rating: str | None = None
    """The report's verdict label (score band capped by the worst consistent finding)."""
    tug_total_s: float | None = None
    """A timed up-and-go's total time (s); empty for other movements or when the test could not be timed."""
    best_hold_left_s: float | None = None
    """A balance test's longest hold on (single-leg) or with in front (tandem) the left foot (s)."""
    best_hold_right_s: float | None = None
    """The same for the right foot."""
    findings: dict[str, str] = field(default_factory=dict)
    """Finding code → severity."""
    cut_off: list[str] = field(default_factory=list)
    """Body parts outside the picture too often to score the video (``assessment.cut_off``): why it has no score."""
    not_judged: list[str] = field(default_factory=list)
    """Codes of the checks the video's view could not make on any rep (``assessment.not_judged`` without ``reps``)."""
    detected_fraction: float | None = None
    mean_visibility: float | None = None
    frames: int = 0
    seconds: float = 0.0
    dose: SessionDose | None = None
    """The session's dose from the manifest (``summary.csv``'s dose columns)."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (dates as ISO text)."""
        data = asdict(self)
        data["session_date"] = self.session_date.isoformat() if self.session_date else None
        data["dose"] = None if self.dose is None else self.dose.model_dump(mode="json")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        """Inverse of :meth:`to_json` (a result stored before doses has none)."""
        when, dose = data.get("session_date"), data.get("dose")
        return cls(
            **{
                **data,
                "session_date": date.fromisoformat(when) if when else None,
                "dose": None if dose is None else SessionDose.model_validate(dose),
            }
        )


def list_unmade_codes(checks: Sequence[UnjudgedCheck]) -> list[str]:
    """Codes of the checks made on no rep: a check made on some reps (``reps`` set) has judged the set."""
    return [c.code for c in checks if not c.reps]


def record_report(result: ItemResult, report: Report) -> None:
    """Copy what a batch keeps of a finished analysis's report into its ``result`` (status ``done``)."""
    a, tracking = report.assessment, report.tracking
    result.status, result.movement, result.view = "done", a.movement, a.view
    result.reps, result.score = a.full_reps, a.score
    result.rating = None if a.rating is None else a.rating.label
    result.tug_total_s = None if a.tug is None else a.tug.total_s
    if a.balance is not None:
        result.best_hold_left_s, result.best_hold_right_s = a.balance.best_left_s, a.balance.best_right_s
    result.findings = {f.code: f.severity for f in a.findings}
    result.not_judged = list_unmade_codes(a.not_judged)
    result.cut_off = list(a.cut_off)
    result.detected_fraction, result.mean_visibility = tracking.detected_fraction, tracking.mean_visibility
    result.frames = tracking.frames


@dataclass(frozen=True)
class Scored:
    """A worker's answer: the summary row and, when done, the report folder's files."""

    result: ItemResult
    files: dict[str, bytes]


class Scorer:
    """A worker's state: one loaded pose model, reused for every video it scores."""

    def __init__(self, model: ModelVariant) -> None:
        from movequal.pose.estimation import EstimatorConfig, PoseEstimator

        self.model = model
        self.estimator = PoseEstimator(EstimatorConfig(model=model))

    def score(self, item: BatchItem, key: str, settings: BatchSettings, video: bytes | None = None) -> Scored:
        """Analyse one video (from its path, or from ``video`` bytes shipped to another machine)."""
        from movequal.pipeline import analyze_video, job_options

        started = time.perf_counter()
        base = ItemResult(str(item.path), key, item.patient, item.session_date, "failed", dose=settings.dose)
        options = job_options(
            movement=settings.movement,
            model=self.model,
            blur_faces=settings.blur_faces,
            write_video=settings.write_video,
            display_name=item.path.name,
            height_m=settings.height_m,
            dose=settings.dose,
        )
        with tempfile.TemporaryDirectory(prefix="movequal-batch-") as tmp:
            source = item.path
            if video is not None:
                source = Path(tmp) / f"source{item.path.suffix}"
                source.write_bytes(video)
            out = Path(tmp) / "report"
            try:
                analysis = analyze_video(source, out, options, estimator=self.estimator)
                if settings.write_pdf:
                    from movequal.report.pdf import to_pdf

                    to_pdf(analysis.report, out / "report.pdf")
            except MovequalError as exc:
                base.error = str(exc).replace(str(source), item.path.name)
                base.seconds = time.perf_counter() - started
                return Scored(base, {})
            except Exception as exc:  # noqa: BLE001 (a bug on one video must not stop the batch; the reason is kept)
                base.error = f"internal error: {type(exc).__name__}: {exc}"
                base.seconds = time.perf_counter() - started
                return Scored(base, {})
            files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
        record_report(base, analysis.report)
        base.seconds = time.perf_counter() - started
        return Scored(base, files)

    def close(self) -> None:
        """Release the pose model."""
        self.estimator.close()
