"""The verdict: the score's band, capped by the worst consistent finding (movequal.core.verdict)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from movequal.batch.score import ItemResult
from movequal.batch.summary import write_summary_csv
from movequal.cli_summary import print_summary
from movequal.core.assessment import Finding, Rating, Report, Severity
from movequal.core.verdict import compute_rating, compute_rep_rating, from_assessment
from movequal.report.html import render_report_html
from tests.test_report import make_kinematics, make_report

HIP = "hip_avoidant_bending"


def _finding(severities: list[Severity | None], code: str = HIP, title: str = "Bending through the back") -> Finding:
    """A finding seen in the reps whose entry is a severity (1-based), absent where it is None."""
    reps = [i + 1 for i, s in enumerate(severities) if s is not None]
    rep_severity: list[Severity] = [s for s in severities if s is not None]
    worst = max(rep_severity, key=["mild", "moderate", "severe"].index)
    return Finding(
        code=code,
        title=title,
        severity=worst,
        confidence=1.0,
        evidence=[],
        cue="Hinge at the hips.",
        reps=reps,
        rep_severity=rep_severity,
        frames=[],
        points_lost=0.0,
    )


def _rated(score: float, findings: list[Finding], n_reps: int = 10) -> Rating:
    rating = compute_rating(score, findings, n_reps)
    assert rating is not None
    return rating


def test_severe_on_seven_of_ten_reps_is_not_good() -> None:
    """The tbyr1 pattern: severe hip-avoidant bending on 7 of 10 reps scores 86, yet is rated Needs work."""
    rating = _rated(86.0, [_finding(["severe"] * 7 + [None] * 3)])
    assert rating.label == "Needs work" and rating.score_band == "Good"
    assert rating.capped_by == HIP
    assert rating.reason is not None and "severe on 7 of 10 repetitions" in rating.reason
    assert "bending through the back" in rating.reason and "Rated at most Needs work" in rating.reason


def test_severe_on_half_the_reps_caps_but_on_one_rep_does_not() -> None:
    """Half or more is consistent; a single severe rep leaves the score band."""
    assert _rated(90.0, [_finding(["severe"] * 5 + [None] * 5)]).label == "Needs work"
    one = _rated(98.0, [_finding(["severe"] + [None] * 9)])
    assert one.label == "Good" and one.capped_by is None and one.reason is None
    assert one == _rated(98.0, [])


def test_moderate_on_most_reps_is_at_best_fair() -> None:
    """Moderate on 6 of 10 caps at Fair; on exactly half it is not 'most' and the band stands."""
    six = _rated(94.0, [_finding(["moderate"] * 6 + [None] * 4)])
    assert (six.label, six.score_band, six.capped_by) == ("Fair", "Good", HIP)
    assert six.reason is not None and "moderate on 6 of 10" in six.reason
    assert _rated(95.0, [_finding(["moderate"] * 5 + [None] * 5)]).label == "Good"


def test_severe_reps_count_towards_moderate_or_worse() -> None:
    """3 severe + 3 moderate of 10: not severe on half, but moderate or worse on most."""
    rating = _rated(91.0, [_finding(["severe"] * 3 + ["moderate"] * 3 + [None] * 4)])
    assert rating.label == "Fair"
    assert rating.reason is not None and "moderate or severe on 6 of 10" in rating.reason


def test_mild_findings_never_cap() -> None:
    """A mild finding on every rep leaves the score band."""
    assert _rated(95.0, [_finding(["mild"] * 10)]).label == "Good"


def test_strictest_cap_wins_and_a_worse_band_stands() -> None:
    """The severe cap beats the moderate one; a band already below the cap is not raised or re-labelled."""
    moderate = _finding(["moderate"] * 10, code="knee_valgus", title="Knees fall inwards")
    severe = _finding(["severe"] * 6 + [None] * 4)
    assert _rated(86.0, [moderate, severe]).capped_by == HIP
    poor = _rated(40.0, [severe])
    assert poor.label == "Poor" and poor.capped_by is None and poor.reason is None
    fair = _rated(75.0, [moderate])
    assert fair.label == "Fair" and fair.capped_by is None


def test_no_reps_no_rating() -> None:
    """Without reps (or score) there is no verdict."""
    assert compute_rating(None, [], 0) is None
    assert compute_rating(90.0, [], 0) is None


def test_one_rep_rating_counts_only_that_rep() -> None:
    """Live: a rep is capped by a finding severe in it, not by the finding's severity elsewhere."""
    report = make_report()  # trunk lean severe in reps 1 and 2; shallow depth mild in rep 2
    rep1 = report.assessment.reps[0].model_copy(update={"score": 90.0})
    assert compute_rep_rating(rep1, report.assessment.findings).label == "Needs work"
    clean = rep1.model_copy(update={"number": 3})
    assert compute_rep_rating(clean, report.assessment.findings).label == "Good"


def _capped_report() -> Report:
    report = make_report()
    a = report.assessment
    return report.model_copy(
        update={"assessment": a.model_copy(update={"score": 90.0, "rating": compute_rating(90.0, a.findings, 2)})}
    )


def test_report_html_shows_the_capped_label_and_why() -> None:
    """The page's band is the rating's label, with the sentence and the line saying why it was capped."""
    report = _capped_report()
    rating = report.assessment.rating
    assert rating is not None and rating.label == "Needs work" and rating.reason is not None
    page = render_report_html(report, make_kinematics(), None)
    assert '<div class="band">Needs work</div>' in page
    assert '<div class="band">Good</div>' not in page
    assert "Rated at most Needs work" in page and "severe on 2 of 2 repetitions" in page
    assert rating.sentence in page


def test_old_report_without_rating_renders_its_score_band() -> None:
    """A schema-1.2.0 report.json (no rating) still loads and shows the band of its score."""
    stored = make_report().model_dump(mode="json")
    stored["schema_version"] = "1.2.0"
    stored["assessment"].pop("rating")
    old = Report.model_validate_json(json.dumps(stored))
    assert old.assessment.rating is None
    rating = from_assessment(old.assessment)
    assert rating is not None and rating.label == "Fair" and rating.reason is None  # 77.5
    page = render_report_html(old, make_kinematics(), None)
    assert '<div class="band">Fair</div>' in page and "Rated at most" not in page


def test_cli_summary_prints_the_same_verdict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The CLI summary names the capped label and why, as the report page does."""
    print_summary(_capped_report(), tmp_path)
    text = " ".join(capsys.readouterr().out.split())
    assert "90 / 100 — Needs work" in text
    assert "Rated at most Needs work" in text and "the score alone would rate it Good" in text


def test_batch_summary_has_the_rating_column(tmp_path: Path) -> None:
    """``summary.csv`` carries the verdict beside the score; a result stored before it had none reads back empty."""
    stored = ItemResult("/a/clip.mov", "k1", None, None, "done", score=90.0, rating="Needs work").to_json()
    stored.pop("rating")
    old = ItemResult.from_json(stored)
    new = ItemResult("/b/clip.mov", "k2", None, None, "done", score=90.0, rating="Needs work")
    write_summary_csv([old, new], tmp_path / "summary.csv")
    with (tmp_path / "summary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["score"], r["rating"]) for r in rows] == [("90", ""), ("90", "Needs work")]
