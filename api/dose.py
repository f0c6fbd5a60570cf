"""The session dose on an analysis row: read it, write it, change part of it, show it in its report.

The dose (:class:`movequal.core.dose.SessionDose`: load, sets × reps, pain and
effort) is stored as one nullable column per field on ``analyses``, named as
the fields are. Every value reaching a row has passed
:func:`~movequal.core.dose.parse_dose` or the ``SessionDose`` model, so the
ranges live in one place. The stored values are the truth: pain after is often
entered once the report exists, so a report read through the service shows the
row's dose, not the one its ``report.json`` was written with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.models import Analysis
from movequal.core.assessment import Report
from movequal.core.dose import DOSE_FIELDS, SessionDose, parse_dose


def dose_of(job: Analysis) -> SessionDose | None:
    """Return the analysis's stored dose, or ``None`` when nothing was recorded."""
    dose = SessionDose.model_validate({name: getattr(job, name) for name in DOSE_FIELDS})
    return None if dose.is_empty else dose


def dose_columns(dose: SessionDose | None) -> dict[str, Any]:
    """Return the row's dose columns for ``dose`` (all ``None`` for no dose), for ``Analysis(**…)``."""
    values = dose.model_dump() if dose is not None else {}
    return {name: values.get(name) for name in DOSE_FIELDS}


def changed_dose(job: Analysis, changes: Mapping[str, Any]) -> SessionDose:
    """Return the row's dose with ``changes`` applied (``None`` or ``""`` clears a field), checked as a whole.

    Raises
    ------
    DoseError
        When a changed value is out of range or not a number, naming the field.
    """
    current = {name: getattr(job, name) for name in DOSE_FIELDS}
    return parse_dose(current | dict(changes))


def store_dose(job: Analysis, dose: SessionDose | None) -> None:
    """Write ``dose`` into the row's columns (``None`` clears them all); the caller commits."""
    for name, value in dose_columns(dose).items():
        setattr(job, name, value)


def with_stored_dose(report: Report, job: Analysis) -> Report:
    """Return ``report`` showing the row's current dose (the stored values win over the file's)."""
    return report.model_copy(update={"dose": dose_of(job)})


def form_dose(form: Mapping[str, Any]) -> dict[str, Any]:
    """Pick the dose fields a submitted form carries (text, possibly empty), ignoring every other field."""
    return {name: form[name] for name in DOSE_FIELDS if name in form}
