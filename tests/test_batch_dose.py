"""A batch manifest's dose columns: read and checked per line, carried to each report.json and summary.csv."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from movequal.batch.inputs import MANIFEST_COLUMNS, collect_inputs
from movequal.batch.runner import BatchOptions, run_batch
from movequal.batch.score import BatchSettings, ItemResult, content_key
from movequal.batch.summary import write_summary_csv
from movequal.core.dose import DOSE_FIELDS, DoseError, SessionDose
from movequal.errors import InputError
from tests.helpers import SAMPLE

HEADER = "path,patient,session_date,movement,load_kg,sets_prescribed,reps_prescribed,pain_before,pain_after,rpe"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_manifest_dose_columns_are_read_per_line(tmp_path: Path) -> None:
    assert set(DOSE_FIELDS) <= set(MANIFEST_COLUMNS)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"{HEADER}\na.mp4,P-1,2026-10-01,squat,20,3,10,2,4,6\nb.mp4,P-1,,,,,,,,\n", encoding="utf-8")
    first, second = collect_inputs([str(manifest)])
    assert first.dose == SessionDose(
        load_kg=20, sets_prescribed=3, reps_prescribed=10, pain_before=2, pain_after=4, rpe=6
    )
    assert second.dose is None, "a line with every dose cell empty has no dose"
    plain, dosed = BatchSettings().for_item(second), BatchSettings().for_item(first)
    assert dosed.dose == first.dose and plain.dose is None
    assert content_key(SAMPLE, dosed) != content_key(SAMPLE, plain), "the dose is in the report, so in the key"
    assert content_key(SAMPLE, plain) == content_key(SAMPLE, BatchSettings()), "keys without a dose are unchanged"


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("20,3,10,2,11,6", r"manifest.csv:3: pain_after: must be a whole number between 0 and 10 \(got '11'\)"),
        ("-5,3,10,2,4,6", r"manifest.csv:3: load_kg: must be a number between 0 and 500 \(got '-5'\)"),
        ("20,three,10,2,4,6", r"manifest.csv:3: sets_prescribed: must be a whole number between 1 and 20"),
        ("20,3,10,2.5,4,6", r"manifest.csv:3: pain_before: must be a whole number"),
    ],
)
def test_a_bad_dose_cell_names_the_line_and_column(tmp_path: Path, cells: str, message: str) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"{HEADER}\na.mp4,,,,20,3,10,2,4,6\nb.mp4,,,,{cells}\n", encoding="utf-8")
    with pytest.raises(DoseError, match=message) as caught:
        collect_inputs([str(manifest)])
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 18


def test_result_json_and_summary_csv_carry_the_dose(tmp_path: Path) -> None:
    dose = SessionDose(load_kg=0, sets_done=2, reps_done=12, pain_before=3, pain_after=3, rpe=4.5)
    dosed = ItemResult("/a/clip.mov", "k1", "P-1", None, "done", score=90.0, dose=dose)
    stored = json.loads(json.dumps(dosed.to_json()))
    assert ItemResult.from_json(stored) == dosed
    old = {k: v for k, v in ItemResult("/b/old.mov", "k2", None, None, "done").to_json().items() if k != "dose"}
    assert ItemResult.from_json(old).dose is None, "a result stored before doses reads back without one"
    write_summary_csv([dosed, ItemResult.from_json(old)], tmp_path / "summary.csv")
    rows = {Path(r["path"]).name: r for r in _rows(tmp_path / "summary.csv")}
    header = list(rows["clip.mov"])
    assert header[header.index("seconds") + 1 : header.index("seconds") + 1 + len(DOSE_FIELDS)] == list(DOSE_FIELDS)
    assert [rows["clip.mov"][f] for f in DOSE_FIELDS] == ["0", "", "", "2", "12", "3", "3", "4.5"]
    assert all(rows["old.mov"][f] == "" for f in DOSE_FIELDS)


@pytest.mark.slow
def test_a_manifest_dose_reaches_each_report_and_the_summary(tmp_path: Path) -> None:
    videos = tmp_path / "videos"
    videos.mkdir()
    shutil.copy(SAMPLE, videos / "first.mov")
    shutil.copy(SAMPLE, videos / "second.mov")
    manifest = videos / "manifest.csv"
    manifest.write_text(f"{HEADER}\nfirst.mov,P-1,2026-10-01,squat,12.5,3,10,1,3,7\nsecond.mov,P-1,,squat,,,,,,\n")
    out = tmp_path / "out"
    settings = BatchSettings(model="lite", write_video=False)
    outcome = run_batch(collect_inputs([str(manifest)]), BatchOptions(out, settings, workers=1))
    assert [r.status for r in outcome.results] == ["done", "done"], [r.error for r in outcome.results]
    reports = {
        Path(r.path).name: json.loads((outcome.folders[r.key] / "report.json").read_text()) for r in outcome.results
    }
    assert reports["first.mov"]["dose"] == {
        "load_kg": 12.5, "sets_prescribed": 3, "reps_prescribed": 10, "sets_done": None, "reps_done": None,
        "pain_before": 1, "pain_after": 3, "rpe": 7.0,
    }  # fmt: skip
    assert reports["second.mov"]["dose"] is None
    assert (
        "Pain rose 2 points"
        in next(outcome.folders[r.key] for r in outcome.results if r.dose).joinpath("report.html").read_text()
    )
    rows = {Path(r["path"]).name: r for r in _rows(out / "summary.csv")}
    assert [rows["first.mov"][f] for f in DOSE_FIELDS] == ["12.5", "3", "10", "", "", "1", "3", "7"]
    assert all(rows["second.mov"][f] == "" for f in DOSE_FIELDS)
    again = run_batch(collect_inputs([str(manifest)]), BatchOptions(out, settings, workers=1))
    assert again.scored_now == 0 and {r.key: r.dose for r in again.results} == {r.key: r.dose for r in outcome.results}
