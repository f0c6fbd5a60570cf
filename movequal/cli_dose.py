"""The session-dose options of ``movequal analyze``: ``--load-kg``, ``--sets`` … ``--rpe``.

They live beside :mod:`movequal.cli` to keep that module short: :func:`dose_options`
adds one option per :class:`~movequal.core.dose.SessionDose` field to a command
and hands the command one validated ``dose`` (``None`` when nothing was given).
The values are taken as text and checked by :func:`~movequal.core.dose.parse_dose`
alone, so a bad value (``11``, ``-5``, ``heavy``) fails with the dose's exit code
and one line naming the field, before any video is opened.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any

import typer

from movequal.core.dose import DoseError, SessionDose, parse_dose

DOSE_FLAGS: dict[str, str] = {
    "load_kg": "--load-kg",
    "sets_prescribed": "--sets",
    "reps_prescribed": "--reps",
    "sets_done": "--sets-done",
    "reps_done": "--reps-done",
    "pain_before": "--pain-before",
    "pain_after": "--pain-after",
    "rpe": "--rpe",
}
"""Command-line flag of each dose field."""

Command = Callable[..., None]


def _parameter(field: str, flag: str) -> inspect.Parameter:
    spec = SessionDose.model_fields[field]
    metavar = "KG" if field == "load_kg" else "0-10" if field in {"pain_before", "pain_after", "rpe"} else "N"
    option = typer.Option(flag, help=spec.description, metavar=metavar, rich_help_panel="Session dose (optional)")
    annotation = Annotated[str | None, option]
    return inspect.Parameter(field, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def dose_options(on_error: Callable[[BaseException], BaseException]) -> Callable[[Command], Command]:
    """Decorate a typer command taking ``dose: SessionDose | None`` so it takes the dose flags instead.

    ``on_error`` turns a :class:`DoseError` into the exception to raise (the CLI's
    one-line error with the exit code).
    """

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        kept = [p for p in signature.parameters.values() if p.name != "dose"]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            values = {field: kwargs.pop(field, None) for field in DOSE_FLAGS}
            try:
                dose = parse_dose(values)
            except DoseError as exc:
                raise on_error(DoseError(_with_flags(str(exc)))) from exc
            command(*args, **kwargs, dose=None if dose.is_empty else dose)

        extra = [_parameter(field, flag) for field, flag in DOSE_FLAGS.items()]
        wrapper.__signature__ = signature.replace(parameters=[*kept, *extra])  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _with_flags(message: str) -> str:
    """Name the flags the user typed (``--pain-after: …``) instead of the field names."""
    return re.sub(r"(^|; )(\w+):", lambda m: m[1] + DOSE_FLAGS.get(m[2], m[2]) + ":", message)


def dose_lines(dose: SessionDose | None) -> list[str]:
    """Return the summary's session line and, when pain rose by a clinically meaningful amount, a warning."""
    if dose is None:
        return []
    note = dose.pain_rise_note()
    return [f"Session: {dose.describe()}", *([note] if note else [])]
