"""The patient page's "What the patient can do (PSFS)" section, rendered on the server.

Its form posts without any script to :mod:`api.routes.programme_web`; see :mod:`api.programme_page`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from api import crud_programme
from api.models import Patient
from api.page_parts import FormError, escape, format_number, movement_label, number_field, refusal_alert
from api.schemas_programme import ProgrammePublic, PsfsPublic
from movequal.core.movement_registry import MOVEMENT_NAMES
from movequal.core.psfs import ACTIVITY_MAX_CHARS, MAX_ACTIVITIES, PSFS_MAX, PSFS_MIN


def _columns(psfs: PsfsPublic) -> list[str]:
    """Return every activity rated on any date, in the order first named (case-insensitive match)."""
    seen: dict[str, str] = {}
    for entry in psfs.entries:
        for item in entry.activities:
            seen.setdefault(item.activity.casefold(), item.activity)
    return list(seen.values())


def _psfs_summary(psfs: PsfsPublic) -> str:
    if not psfs.entries:
        return '<p class="muted">No ratings yet.</p>'
    if psfs.change is None:
        return (
            f'<p class="psfs-summary">Score {psfs.entries[0].mean:.1f} / 10 on '
            f"{psfs.entries[0].rated_on.isoformat()}; a change can be judged from the second date.</p>"
        )
    first, last = psfs.entries[0], psfs.entries[-1]
    mcid = f"{format_number(psfs.mcid)} points, the minimal clinically important difference"
    judged = (
        f"<b>real change ({escape(psfs.verdict)})</b>: at least {mcid}"
        if psfs.change_is_real
        else f"<b>no real change</b>: under {mcid}"
    )
    return (
        f'<p class="psfs-summary">Score {first.mean:.1f} → {last.mean:.1f} / 10 ({psfs.change:+.1f} since '
        f"{first.rated_on.isoformat()}): {judged}.</p>"
    )


def _psfs_table(psfs: PsfsPublic, task_names: Mapping[str, str], sessions: list[tuple[date, str]]) -> str:
    if not psfs.entries:
        return ""
    columns = _columns(psfs)
    trains: dict[str, list[str]] = {}
    for entry in psfs.entries:
        for item in entry.activities:
            names = trains.setdefault(item.activity.casefold(), [])
            names.extend(n for n in (task_names.get(t) for t in item.task_ids) if n and n not in names)
    head = "".join(
        f'<th scope="col" class="r">{escape(name)}'
        + (
            f'<span class="psfs-trains small muted">trained by {escape(", ".join(trains[name.casefold()]))}</span>'
            if trains.get(name.casefold())
            else ""
        )
        + "</th>"
        for name in columns
    )
    rows = []
    for entry in psfs.entries:
        ratings = {item.activity.casefold(): item.rating for item in entry.activities}
        cells = "".join(f'<td class="r num">{ratings.get(name.casefold(), "—")}</td>' for name in columns)
        change = "—" if entry.change is None else f"{entry.change:+.1f}"
        real = entry.change is not None and abs(entry.change) >= psfs.mcid
        mark = ' <span class="psfs-real">real change</span>' if real else ""
        session = next((text for day, text in reversed(sessions) if day <= entry.rated_on), "—")
        rows.append(
            f'<tr><th scope="row">{escape(entry.rated_on.isoformat())}</th>{cells}'
            f'<td class="r num"><b>{entry.mean:.1f}</b></td><td class="r num">{change}{mark}</td>'
            f"<td>{escape(session)}</td></tr>"
        )
    return (
        '<div class="table-scroll"><table class="table psfs-table" id="psfs-table">'
        '<caption class="sr-only">PSFS ratings by date, 0 = unable to perform, 10 = as before the problem</caption>'
        f'<thead><tr><th scope="col">Date</th>{head}<th scope="col" class="r">Mean</th>'
        '<th scope="col" class="r">Change from first</th>'
        '<th scope="col">Last session by then (score · pain)</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _psfs_form(patient: Patient, psfs: PsfsPublic, programme: ProgrammePublic, error: FormError | None) -> str:
    entered = error.entered if error is not None and error.form == "psfs" else None
    if entered is not None:
        rows = [
            (str(entered.get(f"activity_{n}", "")), str(entered.get(f"rating_{n}", "")), entered.get(f"tasks_{n}", []))
            for n in range(1, MAX_ACTIVITIES + 1)
        ]
        day = str(entered.get("rated_on") or date.today().isoformat())
    else:  # the patient re-rates the activities named last time
        latest = psfs.entries[-1].activities if psfs.entries else []
        rows = [(a.activity, "", a.task_ids) for a in latest]
        rows += [("", "", [])] * (MAX_ACTIVITIES - len(rows))
        day = date.today().isoformat()
    fields = []
    for number, (activity, rating, linked) in enumerate(rows, start=1):
        options = "".join(
            f'<option value="{escape(t.id)}"{" selected" if t.id in linked else ""}>'
            f"{t.position}. {escape(movement_label(t.movement))}</option>"
            for t in programme.tasks
        )
        link = (
            f'<div class="field"><label for="psfs-tasks-{number}">Trained by</label>'
            f'<select id="psfs-tasks-{number}" name="tasks_{number}" multiple size="2" '
            f'aria-describedby="psfs-tasks-{number}-hint">{options}</select>'
            f'<span class="hint small muted" id="psfs-tasks-{number}-hint">'
            "Optional; Ctrl/⌘-click for several</span></div>"
            if programme.tasks
            else ""
        )
        fields.append(
            f'<fieldset class="psfs-row"><legend>Activity {number}</legend>'
            f'<div class="field psfs-activity"><label for="psfs-activity-{number}">Activity, in the patient\'s words'
            f'</label><input type="text" id="psfs-activity-{number}" name="activity_{number}" '
            f'maxlength="{ACTIVITY_MAX_CHARS}" autocomplete="off" value="{escape(activity)}"></div>'
            + number_field(
                f"rating_{number}",
                f"psfs-rating-{number}",
                "Rating",
                rating or None,
                lo=PSFS_MIN,
                hi=PSFS_MAX,
                step="1",
                hint=f"{PSFS_MIN} = unable, {PSFS_MAX} = as before",
                required=False,
            )
            + f"{link}</fieldset>"
        )
    return (
        f'<form method="post" action="/patients/{escape(patient.id)}/psfs" class="psfs-form">'
        "<h3>Record ratings</h3>"
        '<p class="small muted">Up to five daily activities the patient finds hard, each rated '
        f"{PSFS_MIN} (unable to perform) to {PSFS_MAX} (able to perform at the level before the problem). "
        "Saving again on the same date replaces that date's ratings.</p>"
        f'<div class="field"><label for="psfs-date">Date</label><input type="date" id="psfs-date" name="rated_on" '
        f'value="{escape(day)}" required></div>{"".join(fields)}'
        '<button type="submit" class="btn">Save ratings</button></form>'
    )


def _session_texts(session: Session, patient: Patient) -> list[tuple[date, str]]:
    """Return every finished session of the patient as (date, "Squat 82 · pain 2→3"), oldest first."""
    texts = []
    for movement, rows in crud_programme.task_history(session, patient, MOVEMENT_NAMES).items():
        for job, score in rows:
            pain = ""
            if job.pain_before is not None or job.pain_after is not None:
                before = "?" if job.pain_before is None else job.pain_before
                after = "?" if job.pain_after is None else job.pain_after
                pain = f" · pain {before}→{after}"
            shown = "no score" if score is None else f"{score:.0f}"
            texts.append(
                (job.session_date, f"{job.session_date.isoformat()}: {movement_label(movement)} {shown}{pain}")
            )
    return sorted(texts)


def psfs_section(
    patient: Patient,
    psfs: PsfsPublic,
    programme: ProgrammePublic,
    sessions: list[tuple[date, str]],
    error: FormError | None = None,
) -> str:
    """Return the "What the patient can do (PSFS)" card: the summary, the dates × activities table and a form."""
    task_names = {t.id: movement_label(t.movement) for t in programme.tasks}
    return (
        '<section class="card" id="psfs" aria-labelledby="psfs-heading">'
        '<div class="card-head"><h2 id="psfs-heading">What the patient can do (PSFS)</h2>'
        '<span class="muted small">Patient-Specific Functional Scale; a change of the mean counts at '
        f"{format_number(psfs.mcid)} points or more</span></div>"
        f"{refusal_alert(error, 'psfs', 'The ratings were')}{_psfs_summary(psfs)}"
        f"{_psfs_table(psfs, task_names, sessions)}"
        f"{_psfs_form(patient, psfs, programme, error)}</section>"
    )
