"""What a batch is asked to score: folders, globs and CSV manifests, turned into a list of items."""

from __future__ import annotations

import csv
import glob
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from movequal.core.assessment import MovementChoice, to_movement_choice
from movequal.core.dose import DOSE_FIELDS, DoseError, SessionDose, parse_dose
from movequal.core.movement_registry import MOVEMENT_CHOICES
from movequal.errors import InputError

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".mts", ".ts", ".3gp"})
MANIFEST_COLUMNS = ("path", "patient", "session_date", "movement", "height_m", *DOSE_FIELDS)
HEIGHT_RANGE_M = (0.5, 2.5)
"""Heights a manifest may give, in metres (as the service accepts)."""


@dataclass(frozen=True)
class BatchItem:
    """One video to score, with what the manifest says about it."""

    path: Path
    patient: str | None = None
    session_date: date | None = None
    movement: MovementChoice = "auto"
    height_m: float | None = None
    """The patient's height: walking distances and speed in metres."""
    dose: SessionDose | None = None
    """Load, sets × reps, pain and effort the manifest gives for the session (stored in its report)."""


def _height(manifest: Path, line: int, text: str) -> float | None:
    """Read a manifest's ``height_m`` cell in metres (empty: none); raise an InputError naming the line otherwise."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    low, high = HEIGHT_RANGE_M
    if not low <= value <= high:  # NaN fails too
        raise InputError(f"{manifest}:{line}: expected height_m in metres between {low} and {high}, got {text!r}")
    return value


def _dose(manifest: Path, line: int, row: dict[str, str | None]) -> SessionDose | None:
    """Read a manifest row's dose columns (all optional); raise a DoseError naming the line and field otherwise."""
    try:
        dose = parse_dose({field: row.get(field) for field in DOSE_FIELDS})
    except DoseError as exc:
        raise DoseError(f"{manifest}:{line}: {exc}") from None
    return None if dose.is_empty else dose


def _from_manifest(manifest: Path) -> list[BatchItem]:
    """Read a CSV with a ``path`` column (relative to the CSV) and optional columns of :data:`MANIFEST_COLUMNS`."""
    with manifest.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "path" not in reader.fieldnames:
            raise InputError(f"{manifest}: expected a CSV with a 'path' column, got {reader.fieldnames}")
        items = []
        for line, row in enumerate(reader, start=2):
            movement = (row.get("movement") or "auto").strip().lower()
            try:
                choice = to_movement_choice(movement)
            except ValueError:
                raise InputError(
                    f"{manifest}:{line}: expected a movement in {MOVEMENT_CHOICES}, got {movement!r}"
                ) from None
            when = (row.get("session_date") or "").strip()
            try:
                session_date = date.fromisoformat(when) if when else None
            except ValueError as exc:
                raise InputError(f"{manifest}:{line}: expected session_date as YYYY-MM-DD, got {when!r}") from exc
            path = Path(row["path"].strip())
            items.append(
                BatchItem(
                    path if path.is_absolute() else manifest.parent / path,
                    (row.get("patient") or "").strip() or None,
                    session_date,
                    choice,
                    _height(manifest, line, (row.get("height_m") or "").strip()),
                    _dose(manifest, line, row),
                )
            )
    return items


def _videos_in(folder: Path) -> list[BatchItem]:
    return [BatchItem(p) for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES]


def collect_inputs(inputs: list[str]) -> list[BatchItem]:
    """Expand folders (recursively, video files only), globs and ``.csv`` manifests; first mention wins.

    Raises
    ------
    InputError
        When an input matches nothing, or a manifest is malformed.
    """
    items: dict[Path, BatchItem] = {}
    for text in inputs:
        path = Path(text)
        if path.is_dir():
            found = _videos_in(path)
        elif path.suffix.lower() == ".csv" and path.is_file():
            found = _from_manifest(path)
        elif path.is_file():
            found = [BatchItem(path)]
        else:
            found = [BatchItem(Path(p)) for p in sorted(glob.glob(text, recursive=True)) if Path(p).is_file()]
        if not found:
            raise InputError(f"{text}: no video found (expected a folder, a glob, a video or a .csv manifest)")
        for item in found:
            items.setdefault(item.path.resolve(), item)
    return list(items.values())
