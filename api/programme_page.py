"""The patient page's "Programme" and "What the patient can do (PSFS)" sections, rendered on the server.

The rest of the patient page is static (``api/web/static/patient.html`` and its script); these two sections
go where the page holds :data:`PROGRAMME_MARK`. Their forms post without any script to the routes of
:mod:`api.routes.programme_web`, which answer a bad value with this page again (422), the reason and the
values entered, and store nothing. Every range shown on a form is read from the schemas, never repeated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from api.models import Patient
from api.page_parts import FormError, escape, format_number, movement_label, number_field, refusal_alert
from api.pages import render_static_page
from api.programme import programme_public, psfs_public
from api.psfs_page import _session_texts, psfs_section
from api.schemas_programme import (
    DEFAULT_TARGET_SCORE,
    ProgrammePublic,
    ProgrammeTaskCreate,
    ProgrammeTaskPublic,
)
from movequal.core.dose import MAX_LOAD_KG, MAX_REPS, MAX_SETS
from movequal.core.movement_registry import MOVEMENTS

PROGRAMME_MARK = "<!--programme-->"
"""Where ``patient.html`` wants the programme and PSFS sections."""
HISTORY_SHOWN = 5
"""Sessions of a task listed on the page (the latest ones); the API gives them all."""


def _load(load_kg: float | None) -> str:
    if load_kg is None:
        return "load not recorded"
    return "body weight" if load_kg == 0 else f"{format_number(load_kg)} kg"


def _dose(task: ProgrammeTaskPublic) -> str:
    parts = [_load(task.load_kg)]
    if task.sets is not None or task.reps is not None:
        parts.append(f"{task.sets if task.sets is not None else '?'} × {task.reps if task.reps is not None else '?'}")
    parts.append(f"target score {format_number(task.target_score)}")
    return " · ".join(parts)


def _history(task: ProgrammeTaskPublic) -> str:
    if not task.history:
        return '<p class="programme-history muted small">No analysed session of this movement yet.</p>'
    shown = task.history[-HISTORY_SHOWN:]
    items = []
    for point in reversed(shown):
        score = "no score" if point.score is None else f"score {point.score:.0f}"
        met = "" if point.meets_target is None else (" (target met)" if point.meets_target else " (below target)")
        pain = ""
        if point.pain_before is not None or point.pain_after is not None:
            before = "?" if point.pain_before is None else point.pain_before
            after = "?" if point.pain_after is None else point.pain_after
            pain = f" · pain {before}→{after}"
        items.append(
            f'<li><a href="/analyses/{escape(point.analysis_id)}">{escape(point.session_date.isoformat())}</a>: '
            f"{score}{met} · {escape(_load(point.load_kg))}{pain}</li>"
        )
    earlier = len(task.history) - len(shown)
    more = f'<li class="muted">and {earlier} earlier</li>' if earlier else ""
    return f'<ul class="programme-history small" aria-label="History">{"".join(items)}{more}</ul>'


def _button_form(action: str, label: str, text: str, css: str, hidden: Mapping[str, str] | None = None) -> str:
    fields = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in (hidden or {}).items())
    return (
        f'<form method="post" action="{escape(action)}" class="programme-inline">{fields}'
        f'<button type="submit" class="btn {css} btn-compact" aria-label="{escape(label)}">{text}</button></form>'
    )


def _task_item(patient: Patient, task: ProgrammeTaskPublic, count: int) -> str:
    name = movement_label(task.movement)
    base = f"/patients/{patient.id}/programme/tasks/{task.id}"
    actions = []
    if task.position > 1:
        actions.append(_button_form(f"{base}/move", f"Move {name} up", "↑ Up", "btn-secondary", {"direction": "up"}))
    if task.position < count:
        actions.append(
            _button_form(f"{base}/move", f"Move {name} down", "↓ Down", "btn-secondary", {"direction": "down"})
        )
    actions.append(_button_form(f"{base}/remove", f"Remove {name} from the programme", "Remove", "btn-danger"))
    paused = "" if task.active else ' <span class="programme-paused">paused</span>'
    note = f'<p class="programme-note small">{escape(task.note)}</p>' if task.note else ""
    return (
        f'<li class="programme-task" id="task-{escape(task.id)}"><div class="programme-task-head">'
        f'<div><b>{escape(name)}</b>{paused}<div class="small">{escape(_dose(task))}</div></div>'
        f'<div class="programme-actions">{"".join(actions)}</div></div>{note}{_history(task)}</li>'
    )


def _add_task_form(patient: Patient, error: FormError | None) -> str:
    entered = error.entered if error is not None and error.form == "task" else {}
    chosen = entered.get("movement")
    options = "".join(
        f'<option value="{escape(name)}"{" selected" if name == chosen else ""}>{escape(profile.label)}</option>'
        for name, profile in MOVEMENTS.items()
    )
    target = entered.get("target_score", format_number(DEFAULT_TARGET_SCORE))
    return (
        f'<form method="post" action="/patients/{escape(patient.id)}/programme/tasks" class="programme-add">'
        '<fieldset><legend>Add a task</legend><div class="programme-fields">'
        f'<div class="field"><label for="task-movement">Movement</label>'
        f'<select id="task-movement" name="movement" required>{options}</select></div>'
        + number_field(
            "load_kg",
            "task-load",
            "Target load (kg)",
            entered.get("load_kg", "0"),
            lo=0,
            hi=MAX_LOAD_KG,
            step="0.5",
            hint=f"0–{format_number(MAX_LOAD_KG)}; 0 = body weight",
            required=True,
        )
        + number_field(
            "sets",
            "task-sets",
            "Sets",
            entered.get("sets"),
            lo=1,
            hi=MAX_SETS,
            step="1",
            hint=f"1–{MAX_SETS}",
            required=False,
        )
        + number_field(
            "reps",
            "task-reps",
            "Reps per set",
            entered.get("reps"),
            lo=1,
            hi=MAX_REPS,
            step="1",
            hint=f"1–{MAX_REPS}",
            required=False,
        )
        + number_field(
            "target_score",
            "task-target",
            "Target score",
            target,
            lo=0,
            hi=100,
            step="any",
            hint="0–100; movement quality aimed for",
            required=True,
        )
        + '<div class="field programme-note-field"><label for="task-note">Note <span class="optional">(optional)'
        f'</span></label><input type="text" id="task-note" name="note" maxlength="500" autocomplete="off" '
        f'value="{escape(entered.get("note") or "")}"></div>'
        '</div></fieldset><button type="submit" class="btn">Add task</button></form>'
    )


def programme_section(patient: Patient, programme: ProgrammePublic, error: FormError | None = None) -> str:
    """Return the "Programme" card: the tasks in order with their history, reorder/remove buttons and a form."""
    count = len(programme.tasks)
    tasks = (
        f'<ol class="programme-list">{"".join(_task_item(patient, t, count) for t in programme.tasks)}</ol>'
        if programme.tasks
        else '<p class="empty">No programme yet: add the first task below.</p>'
    )
    return (
        '<section class="card" id="programme" aria-labelledby="programme-heading">'
        '<div class="card-head"><h2 id="programme-heading">Programme</h2>'
        '<span class="muted small">The tasks the patient trains, in order, with each one\'s sessions</span></div>'
        f"{refusal_alert(error, 'task', 'The task was')}{tasks}{_add_task_form(patient, error)}</section>"
    )


def render_patient_page(session: Session, patient: Patient, error: FormError | None = None) -> str:
    """Return the patient page with the programme and PSFS sections in place."""
    programme = programme_public(session, patient)
    psfs = psfs_public(session, patient)
    sections = programme_section(patient, programme, error) + psfs_section(
        patient, psfs, programme, _session_texts(session, patient), error
    )
    return render_static_page("patient.html").replace(PROGRAMME_MARK, sections, 1)


def task_form_fields(form: Mapping[str, Any]) -> dict[str, Any]:
    """Return the add-task form's fields for :class:`ProgrammeTaskCreate` (an empty optional field is omitted)."""
    names = [n for n in ProgrammeTaskCreate.model_fields if n not in ("position", "active")]
    values = {n: str(form[n]).strip() for n in names if n in form}
    return {n: v for n, v in values.items() if v != ""}
