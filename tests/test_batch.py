"""``movequal batch`` on real clips: inputs, every dev clip, resuming after a kill, Ray = local, patients."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eval.clip_labels import TIMED_UP_AND_GO, read_clip_info
from movequal.batch.inputs import collect_inputs
from movequal.batch.runner import BatchOptions, run_batch
from movequal.batch.score import BatchSettings, content_key
from movequal.errors import InputError
from tests.helpers import REPO, SHARED_VIDEOS, shared_clip
from tests.helpers.api_helpers import app_client
from tests.helpers.service import service_env

SHORT = [
    "squat_side_bad-heelrise_kaia002.mp4",
    "squat_front_bad-valgus_kaia004.mp4",
    "deadlift_side_bad-roundedback_jeff.mp4",
    "rdl_side_unknown_jeff.mp4",
    "squat_side_good_lnewco7053.mov",
]


def _batch(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "movequal", "batch", *args],
        env=service_env(data),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _summary_page(path: Path) -> tuple[str, dict]:
    """Read ``summary.html``: its text and the JSON its charts are drawn from, after checking it is self-contained."""
    page = path.read_text(encoding="utf-8")
    csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    assert f'<meta http-equiv="Content-Security-Policy" content="{csp}">' in page
    assert not re.search(r"<(?:script|link|img|iframe|source|video)\b[^>]*\s(?:src|href)\s*=", page, re.IGNORECASE)
    assert "window.MQCharts" in page and "uPlot" in page, "the charting layer is inline"
    blobs = re.findall(r'<script type="application/json" id="mq-summary-data">(.*?)</script>', page, re.DOTALL)
    assert len(blobs) == 1
    assert not re.search(r"[<>&]", blobs[0]), "the JSON escapes what could close its <script>"
    return page, json.loads(blobs[0])


def _bins(scores: list[float]) -> list[int]:
    counts = [0] * 10
    for score in scores:
        counts[min(int(score // 10), 9)] += 1
    return counts


def test_inputs_from_folders_globs_and_manifests(tmp_path: Path) -> None:
    folder = tmp_path / "clinic" / "week1"
    folder.mkdir(parents=True)
    for name in SHORT[:2]:
        (folder / name).symlink_to(shared_clip(name))
    (folder / "notes.txt").write_text("not a video")
    manifest = tmp_path / "clinic" / "manifest.csv"
    manifest.write_text(f"path,patient,session_date,movement,height_m\nweek1/{SHORT[0]},P-7,2026-10-01,Squat,1.72\n")
    items = collect_inputs([str(manifest), str(tmp_path / "clinic"), str(tmp_path / "clinic" / "*" / "*.mp4")])
    assert [i.path.name for i in items] == SHORT[:2], "manifest first, then the folder's other video; no duplicates"
    assert (items[0].patient, str(items[0].session_date), items[0].movement) == ("P-7", "2026-10-01", "squat")
    assert items[1].patient is None and items[1].movement == "auto"
    assert (items[0].height_m, items[1].height_m) == (1.72, None)
    plain, tall = BatchSettings(), BatchSettings().for_item(items[0])
    assert tall.height_m == 1.72 and content_key(items[0].path, tall) != content_key(items[0].path, plain)
    for height in ("3", "tall", "nan"):
        odd = tmp_path / "odd.csv"
        odd.write_text(f"path,height_m\n{shared_clip(SHORT[0])},{height}\n")
        with pytest.raises(InputError, match=r"odd.csv:2: expected height_m in metres"):
            collect_inputs([str(odd)])
    bad = tmp_path / "bad.csv"
    bad.write_text(f"path,movement\n{shared_clip(SHORT[0])},cartwheel\n")
    with pytest.raises(InputError, match=r"bad.csv:2: expected a movement"):
        collect_inputs([str(bad)])
    with pytest.raises(InputError, match="no video found"):
        collect_inputs([str(tmp_path / "nothing*.mp4")])


@pytest.mark.slow
def test_every_dev_clip_is_scored_or_explained_and_a_rerun_does_nothing(tmp_path: Path) -> None:
    out, data = tmp_path / "results", tmp_path / "data"
    first = _batch(str(SHARED_VIDEOS), "--out", str(out), "--workers", "2", "--no-video", data=data)
    assert first.returncode == 0, first.stderr[-3000:]
    clips = sorted(p.name for p in SHARED_VIDEOS.iterdir() if p.suffix in (".mp4", ".mov"))
    rows = _rows(out)
    assert sorted(Path(r["path"]).name for r in rows) == clips
    for row in rows:
        assert row["status"] == "done" or len(row["error"]) > 10, row
        if row["status"] == "done":
            folder = out / f"{Path(row['path']).stem}-{row['key']}"
            assessment = json.loads((folder / "report.json").read_text())["assessment"]
            assert assessment["view"] == row["view"]
            unjudged = {c["code"] for c in assessment["not_judged"]}
            assert {code for code, cell in row.items() if cell == "not judged"} == unjudged, row["path"]
    assert sum(r["status"] == "done" for r in rows) >= 20
    timed = [r for r in rows if read_clip_info(SHARED_VIDEOS)[Path(r["path"]).name].task == TIMED_UP_AND_GO]
    assert len(timed) == 2 and all(r["movement"] == "tug" and 8.0 < float(r["tug_total_s"]) < 16.0 for r in timed)
    assert all(r["tug_total_s"] == "" for r in rows if r["movement"] != "tug")
    assert any(r["step_asymmetry"] for r in rows), "walking findings have their columns too"
    side_lifts = [r for r in rows if r["movement"] == "lift" and r["view"].startswith("sagittal") and r["score"]]
    assert side_lifts and all(r["knee_valgus"] == "not judged" for r in side_lifts), "a side view cannot see valgus"
    unscored = [r for r in rows if r["status"] == "done" and not r["score"]]
    assert unscored and not any(cell == "not judged" for r in unscored for cell in r.values()), "no verdict to qualify"
    assert {"best_hold_left_s", "short_single_leg_stance", "short_tandem_stance"} <= set(rows[0])
    assert all(r["best_hold_left_s"] == r["best_hold_right_s"] == "" for r in rows), "no clip is a balance hold"
    html, charts = _summary_page(out / "summary.html")
    assert "Score distribution" in html and "By movement" in html and 'id="score-histogram"' in html
    scores = [float(r["score"]) for r in rows if r["score"]]
    assert charts["histogram"]["counts"] == _bins(scores) and sum(charts["histogram"]["counts"]) == len(scores)
    assert charts["histogram"]["centres"] == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]
    assert charts["trends"] == [] and "No patient has two dated sessions yet." in html
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*/result.json")}
    again = _batch(str(SHARED_VIDEOS), "--out", str(out), "--workers", "2", "--no-video", data=data)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"0 scored now, {len(clips)} already done" in again.stdout.replace("\n", " ")
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/result.json")} == stamps
    assert "0 new session(s) recorded" in again.stdout.replace("\n", " ")


@pytest.mark.slow
def test_a_killed_batch_resumes_with_the_rest_only(tmp_path: Path) -> None:
    out, data = tmp_path / "results", tmp_path / "data"
    clips = [str(shared_clip(name)) for name in SHORT]
    command = [sys.executable, "-m", "movequal", "batch", *clips, "--out", str(out), "--workers", "1", "--no-record"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    process = subprocess.Popen(command, env=service_env(data), cwd=REPO, start_new_session=True, **quiet)  # type: ignore[call-overload]
    deadline = time.monotonic() + 300
    while len(list(out.glob("*/result.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    finished = {p.parent: p.stat().st_mtime_ns for p in out.glob("*/result.json")}
    assert 2 <= len(finished) < len(SHORT), "the kill came too late to test resuming"
    assert all((folder / "report.json").is_file() for folder in finished), "a folder that looks done is incomplete"
    rerun = _batch(*clips, "--out", str(out), "--workers", "1", "--no-record", data=data)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    text = rerun.stdout.replace("\n", " ")
    assert f"{len(SHORT) - len(finished)} scored now, {len(finished)} already done" in text, text
    assert {f: (f / "result.json").stat().st_mtime_ns for f in finished} == finished, "finished videos were redone"
    assert not list(out.glob(".staging-*"))
    assert len(_rows(out)) == len(SHORT)


@pytest.mark.slow
def test_ray_engine_gives_the_same_results_as_the_local_engine(tmp_path: Path) -> None:
    items = collect_inputs([str(shared_clip(name)) for name in SHORT[:3]])
    settings = BatchSettings(write_video=False)
    local = run_batch(items, BatchOptions(tmp_path / "local", settings, engine="local", workers=2))
    ray = run_batch(items, BatchOptions(tmp_path / "ray", settings, engine="ray", workers=2, ship_bytes=True))
    assert ray.scored_now == local.scored_now == 3

    def by_key(outcome) -> dict:
        return {r.key: (r.status, r.movement, r.view, r.reps, r.score, r.findings) for r in outcome.results}

    assert by_key(ray) == by_key(local)
    for result in local.results:
        ray_report = json.loads((ray.folders[result.key] / "report.json").read_text())["assessment"]
        local_report = json.loads((local.folders[result.key] / "report.json").read_text())["assessment"]
        assert ray_report["reps"] == local_report["reps"]


@pytest.mark.slow
def test_batch_results_show_up_under_their_patients(tmp_path: Path) -> None:
    out, data = tmp_path / "results", tmp_path / "data"
    manifest = tmp_path / "sessions.csv"
    manifest.write_text(
        "path,patient,session_date,movement\n"
        f"{shared_clip(SHORT[0])},P-100,2026-10-01,squat\n"
        f"{shared_clip(SHORT[4])},P-100,2026-11-01,squat\n"
        f"{shared_clip(SHORT[1])},P-200,2026-10-03,squat\n"
    )
    run = _batch(str(manifest), "--out", str(out), "--workers", "2", data=data)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "3 new session(s) recorded" in run.stdout.replace("\n", " ")
    html, charts = _summary_page(out / "summary.html")
    by_path = {Path(r["path"]).name: r for r in _rows(out)}
    trend = [(t["patient"], t["dates"], t["scores"]) for t in charts["trends"]]
    want = [round(float(by_path[name]["score"]), 2) for name in (SHORT[0], SHORT[4])]
    assert trend == [("P-100", ["2026-10-01", "2026-11-01"], pytest.approx(want, abs=0.01))], trend
    assert charts["trends"][0]["days"][1] - charts["trends"][0]["days"][0] == 31, "x is the date, in days"
    assert html.count("data-trend=") == 1 and "P-100 · squat: score by session" in html
    with app_client(data, auth="local") as client:
        patients = {p["reference"]: p for p in client.get("/v1/patients").json()["items"]}
        assert patients["P-100"]["sessions"] == 2 and patients["P-200"]["sessions"] == 1
        pid = patients["P-100"]["id"]
        progress = client.get(f"/v1/patients/{pid}/progress").json()
        score = next(s for s in progress["series"] if s["metric"] == "score")
        assert [p["session_date"] for p in score["points"]] == ["2026-10-01", "2026-11-01"]
        analyses = client.get("/v1/analyses", params={"patient_id": pid}).json()["items"]
        page = client.get(analyses[0]["links"]["page"])
        assert page.status_code == 200 and "Movement quality report" in page.text
        assert client.get(analyses[0]["links"]["video"]).status_code == 200


@pytest.mark.slow
def test_summaries_cope_with_mixed_dates_and_a_video_listed_twice(
    tmp_path: Path, sample_report_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from api.batch_store import record_batch
    from movequal.batch.runner import BatchOutcome
    from movequal.batch.score import ItemResult
    from movequal.batch.summary import write_summary_csv, write_summary_html

    report = json.loads((sample_report_dir / "report.json").read_text())["assessment"]
    done = {"status": "done", "movement": report["movement"], "view": report["view"], "reps": len(report["reps"])}
    results = [
        ItemResult("/a/copy1.mov", "k1", None, date(2026, 10, 1), score=report["score"], **done),
        ItemResult("/b/copy2.mov", "k1", None, None, score=report["score"], **done),
        ItemResult("/c/other.mov", "k2", "P-1", None, "failed", error="no person found in view"),
    ]
    write_summary_csv(results, tmp_path / "summary.csv")
    write_summary_html(results, tmp_path / "summary.html")
    assert len(_rows(tmp_path)) == 3
    page, charts = _summary_page(tmp_path / "summary.html")
    assert "no person found in view" in page and "3 videos: 2 scored" in page
    assert charts["histogram"]["counts"] == _bins([report["score"]] * 2)
    assert charts["trends"] == [], "the one patient's video failed; the dated video has no patient"
    monkeypatch.setenv("MOVEQUAL_DATA_DIR", str(tmp_path / "data"))
    outcome = BatchOutcome(results, folders={"k1": sample_report_dir, "k2": tmp_path})
    assert record_batch(outcome) == 1, "the same video twice in a batch is one session"
    assert record_batch(outcome) == 0
