"""``summary.csv`` (one row per video) and ``summary.html`` (distribution, per movement, per patient)."""

from __future__ import annotations

import csv
import html
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from movequal.batch.score import ItemResult
from movequal.core.compensations import FINDING_CODES
from movequal.core.compensations.gait import GAIT_FINDING_CODES
from movequal.core.dose import DOSE_FIELDS
from movequal.core.static_hold import BALANCE_FINDING_CODES
from movequal.core.timed_test import TUG_FINDING_CODES
from movequal.io.atomic import atomic_text

BASE_COLUMNS = (
    "path", "patient", "session_date", "movement", "view", "reps", "score", "rating", "tug_total_s",
    "best_hold_left_s", "best_hold_right_s",
    "detected_fraction", "mean_visibility", "status", "error", "key", "frames", "seconds",
)  # fmt: skip
ALL_FINDING_CODES = tuple(
    dict.fromkeys((*FINDING_CODES, *GAIT_FINDING_CODES, *TUG_FINDING_CODES, *BALANCE_FINDING_CODES))
)
"""One column per finding code, repetition rules first, then walking, the timed up-and-go and balance (a code two
task families share, such as ``lateral_trunk_lean`` of a reach and of walking, has one column)."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def write_summary_csv(results: Sequence[ItemResult], path: Path) -> None:
    """One row per video: the base columns, the dose's, then one column per finding code.

    The dose columns are :data:`~movequal.core.dose.DOSE_FIELDS` (empty when not given); a finding
    code's column holds its severity (empty when not seen).
    """
    with atomic_text(path) as fh:
        writer = csv.writer(fh)
        writer.writerow([*BASE_COLUMNS, *DOSE_FIELDS, *ALL_FINDING_CODES])
        for r in sorted(
            results, key=lambda r: (r.patient or "", r.session_date.isoformat() if r.session_date else "", r.path)
        ):
            row = [_cell(getattr(r, c)) for c in BASE_COLUMNS]
            dose = [_cell(None if r.dose is None else getattr(r.dose, f)) for f in DOSE_FIELDS]
            writer.writerow([*row, *dose, *(r.findings.get(code, "") for code in ALL_FINDING_CODES)])


_W, _H, _PAD = 560, 220, 36


def _histogram(scores: list[float]) -> str:
    bins = [0] * 10
    for s in scores:
        bins[min(int(s // 10), 9)] += 1
    top = max(bins) or 1
    bar = (_W - 2 * _PAD) / 10
    parts = []
    for i, n in enumerate(bins):
        h = (_H - 2 * _PAD) * n / top
        x, y = _PAD + i * bar, _H - _PAD - h
        tip = f"<title>{i * 10}-{i * 10 + 10}: {n}</title>"
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" fill="#1d4e89">{tip}</rect>'
        )
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{_H - _PAD + 14}" text-anchor="middle">{i * 10}</text>')
        if n:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{n}</text>')
    return _svg("Score distribution (videos per 10 points)", "".join(parts))


def _svg(label: str, body: str) -> str:
    return (
        f'<figure><figcaption>{html.escape(label)}</figcaption><svg viewBox="0 0 {_W} {_H}" width="100%" '
        f'role="img" aria-label="{html.escape(label)}">{body}</svg></figure>'
    )


def _trend(points: list[tuple[str, float]], label: str) -> str:
    if len(points) < 2:
        return ""
    dates = sorted({d for d, _ in points})
    x = {d: _PAD + (_W - 2 * _PAD) * i / max(len(dates) - 1, 1) for i, d in enumerate(dates)}

    def y(v: float) -> float:
        return _H - _PAD - (_H - 2 * _PAD) * v / 100

    path = " ".join(f"{'M' if i == 0 else 'L'}{x[d]:.1f} {y(v):.1f}" for i, (d, v) in enumerate(sorted(points)))
    dots = "".join(
        f'<circle cx="{x[d]:.1f}" cy="{y(v):.1f}" r="4" fill="#1d4e89"><title>{d}: {v:.0f}</title></circle>'
        for d, v in points
    )
    ticks = "".join(
        f'<text x="{x[d]:.1f}" y="{_H - _PAD + 14}" text-anchor="middle">{html.escape(d)}</text>' for d in dates
    )
    axis = "".join(f'<text x="{_PAD - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>' for v in (0, 50, 100))
    return _svg(label, f'<path d="{path}" fill="none" stroke="#1d4e89" stroke-width="2"/>{dots}{ticks}{axis}')


def _table(rows: list[list[str]], head: list[str]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        "<table><thead><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{cells}</tbody></table>"
    )


def _movement_rows(done: list[ItemResult]) -> list[list[str]]:
    by_movement: dict[str, list[ItemResult]] = defaultdict(list)
    for r in done:
        by_movement[r.movement or "?"].append(r)
    rows = []
    for movement, group in sorted(by_movement.items()):
        scores = [r.score for r in group if r.score is not None]
        codes: defaultdict[str, int] = defaultdict(int)
        for r in group:
            for code in r.findings:
                codes[code] += 1
        common = ", ".join(f"{c} ({n})" for c, n in sorted(codes.items(), key=lambda kv: -kv[1])[:3]) or "none"
        mean = f"{sum(scores) / len(scores):.0f}" if scores else "–"
        rows.append([movement, str(len(group)), mean, common])
    return rows


def write_summary_html(results: Sequence[ItemResult], path: Path) -> None:
    """Write a self-contained page: counts, score distribution, per-movement table, per-patient trends, failures."""
    done = [r for r in results if r.status == "done"]
    failed = [r for r in results if r.status != "done"]
    scores = [r.score for r in done if r.score is not None]
    unrecognised = sum(r.movement == "unrecognised" for r in done)
    trends = defaultdict(list)
    for r in done:
        if r.patient and r.score is not None and r.session_date:
            trends[(r.patient, r.movement)].append((r.session_date.isoformat(), r.score))
    charts = "".join(
        _trend(points, f"{patient} · {movement}: score by session")
        for (patient, movement), points in sorted(trends.items())
    )
    failures = (
        _table([[Path(r.path).name, r.error or ""] for r in failed], ["video", "reason"]) if failed else "<p>None.</p>"
    )
    body = (
        f"<h1>Batch summary</h1><p>{len(results)} videos: {len(done) - unrecognised} scored, "
        f"{unrecognised} movement not recognised (no score), {len(failed)} not scored.</p>"
        f"<h2>Scores</h2>{_histogram(scores) if scores else '<p>No scores.</p>'}"
        f"<h2>By movement</h2>{_table(_movement_rows(done), ['movement', 'videos', 'mean score', 'common findings'])}"
        f"<h2>Patients over time</h2>{charts or '<p>No patient has two dated sessions yet.</p>'}"
        f"<h2>Not scored</h2>{failures}"
    )
    style = (
        "body{font-family:system-ui,sans-serif;margin:24px auto;max-width:960px;padding:0 16px;color:#1c2733}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde3ea;padding:6px;text-align:left}"
        "figure{margin:12px 0}figcaption{font-weight:600}svg text{font-size:11px;fill:#5a6878}"
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>movequal batch summary</title>'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<style>{style}</style></head><body>{body}</body></html>"
    )
    with atomic_text(path) as fh:
        fh.write(page)
