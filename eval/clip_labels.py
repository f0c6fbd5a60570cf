"""What the clip evaluation knows about each clip before scoring it: label, source, task, hand count.

Read from the clip folder's ``MANIFEST.md`` (label, source repository, movement description) and
``REPS.md`` (hand-counted full reps). Which clips are repetition tasks, timed up-and-go or walking is read
from the manifest's movement description, never from file names, so a new clip set is classified the same
way. The mapping from fault labels to finding codes lives here too, with the labels that no finding can
score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# Finding code(s) that count as catching each MANIFEST fault label. A label names what a coach saw; the
# code is the rule of movequal.core.compensations that describes the same fault:
# - rounded back: the spine bends instead of the hips, which is what hip_avoidant_bending measures (the hip
#   share of trunk flexion and the back outline);
# - knee dominant, and hips too low at a deadlift's set-up (a lift done as a squat): the knees lead the
#   hips, knee_dominant;
# - valgus: knees drifting inward, knee_valgus; asymmetry: one side loaded or bent more, asymmetry;
# - heel rise: the heels leave the floor, heel_lift.
FAULT_CODES: dict[str, frozenset[str]] = {
    "bad-roundedback": frozenset({"hip_avoidant_bending"}),
    "bad-kneedominant": frozenset({"knee_dominant"}),
    "bad-hipstoolow": frozenset({"knee_dominant"}),
    "bad-valgus": frozenset({"knee_valgus"}),
    "bad-asymmetry": frozenset({"asymmetry"}),
    "bad-heelrise": frozenset({"heel_lift"}),
}

# Fault labels the repetition summary does not score, with the reason. They still count as "bad" wherever a clip
# with such a label is a repetition task (κ), but have no recall of their own here.
NOT_SCORABLE: dict[str, str] = {
    "bad-slouch": "a walking fault: judged by eval/evaluate_gait.py, not by the repetition summary",
    "bad-limp": "a walking fault: judged by eval/evaluate_gait.py, not by the repetition summary",
    "bad-circumduction": "a walking fault: judged by eval/evaluate_gait.py, not by the repetition summary",
}

NO_FAULT_LABELS = frozenset({"good", "unknown"})

# Task classes of the repetition tasks, by a word of the manifest's movement description.
REPETITION_TASKS: dict[str, str] = {
    "squat": "squat",
    "deadlift": "lift",
    "lunge": "lunge",
    "sit-to-stand": "sit-to-stand",
}
TIMED_UP_AND_GO = "timed up-and-go"
WALKING = "walking"
OTHER = "other"

# REPS.md counts only complete down-and-up cycles as full reps ("half reps, only the lift or only the
# lowering, are not counted here"); a cell that describes a half rep is therefore 0 full reps.
HALF_REP_MARKERS = ("concentric only", "eccentric only")


@dataclass(frozen=True)
class ClipInfo:
    """A clip's label, source group, task class and hand count."""

    name: str
    label: str
    source: str
    task: str
    movement: str
    view: str
    hand_count: int | None


def parse_table(path: Path, columns: dict[str, int]) -> dict[str, dict[str, str]]:
    """Rows of a markdown table keyed by the backticked file name in ``columns['file']``."""
    rows: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) <= max(columns.values()) or not cells[columns["file"]].startswith("`"):
            continue
        rows[cells[columns["file"]].strip("`")] = {k: cells[i] for k, i in columns.items()}
    return rows


def parse_hand_count(cell: str) -> int | None:
    """Full reps from a REPS.md "full reps" cell: its leading number, 0 for a half rep, ``None`` if none."""
    match = re.match(r"(\d+)", cell.strip())
    if match is None:
        return None
    if any(marker in cell.lower() for marker in HALF_REP_MARKERS):
        return 0
    return int(match.group(1))


def classify_task(movement: str) -> str:
    """Task class from a manifest movement description.

    ``timed up-and-go`` and ``walking`` are excluded from the repetition summary; otherwise the repetition
    task whose keyword appears first (``squat``, ``lift``, ``lunge``, ``sit-to-stand``), or ``other``.
    """
    text = movement.lower()
    if TIMED_UP_AND_GO in text:
        return TIMED_UP_AND_GO
    if text.startswith(WALKING):
        return WALKING
    found = [(text.find(word), task) for word, task in REPETITION_TASKS.items() if word in text]
    return min(found)[1] if found else OTHER


def is_repetition_task(task: str) -> bool:
    """Whether a task class is one the repetition summary covers."""
    return task in REPETITION_TASKS.values()


def find_unmapped_labels(labels: Iterable[str]) -> list[str]:
    """Labels that are neither a no-fault label, nor mapped to a finding code, nor listed as not scorable."""
    return sorted(
        {lab for lab in labels if lab not in NO_FAULT_LABELS and lab not in FAULT_CODES and lab not in NOT_SCORABLE}
    )


def read_clip_info(videos: Path) -> dict[str, ClipInfo]:
    """Every clip of ``videos/MANIFEST.md`` with its hand count from ``videos/REPS.md``."""
    manifest = parse_table(videos / "MANIFEST.md", {"file": 2, "source": 3, "movement": 7, "view": 8, "label": 9})
    reps = parse_table(videos / "REPS.md", {"file": 1, "reps": 4})
    return {
        name: ClipInfo(
            name=name,
            label=row["label"].strip("*"),
            source=row["source"],
            task=classify_task(row["movement"]),
            movement=row["movement"],
            view=row["view"],
            hand_count=parse_hand_count(reps[name]["reps"]) if name in reps else None,
        )
        for name, row in manifest.items()
    }
