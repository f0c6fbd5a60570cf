"""Pieces the patient page's server-rendered forms share: escaping, number fields, refusal messages.

Used by :mod:`api.programme_page` (the programme) and :mod:`api.psfs_page` (the PSFS).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from movequal.core.movement_registry import MOVEMENTS

FormName = Literal["task", "psfs"]


@dataclass(frozen=True)
class FormError:
    """A form post that was refused: which form, why, and the values entered (shown again)."""

    form: FormName
    message: str
    entered: Mapping[str, Any] = field(default_factory=dict)


def escape(value: object) -> str:
    """Return ``value`` as text safe inside HTML and attribute values."""
    return html.escape(str(value), quote=True)


def format_number(value: float) -> str:
    """Return a number without trailing zeros (``20``, ``2.5``)."""
    return f"{value:g}"


def movement_label(movement: str) -> str:
    """Return the movement's name as menus show it."""
    profile = MOVEMENTS.get(movement)  # type: ignore[call-overload]
    return profile.label if profile is not None else movement


def number_field(
    name: str, ident: str, label: str, value: object, *, lo: float, hi: float, step: str, hint: str, required: bool
) -> str:
    """Return a labelled number input with its range, step and hint."""
    mode = "numeric" if step == "1" else "decimal"
    shown = "" if value is None else escape(value)
    need = " required" if required else ""
    return (
        f'<div class="field"><label for="{ident}">{label}</label>'
        f'<input type="number" id="{ident}" name="{name}" min="{format_number(lo)}" max="{format_number(hi)}" '
        f'step="{step}" '
        f'inputmode="{mode}" value="{shown}" aria-describedby="{ident}-hint"{need}>'
        f'<span class="hint small muted" id="{ident}-hint">{escape(hint)}</span></div>'
    )


def refusal_alert(error: FormError | None, form: FormName, what: str) -> str:
    """Return the alert saying why ``form`` was not saved, or nothing when it was not the refused one."""
    if error is None or error.form != form:
        return ""
    return f'<p class="alert programme-error" role="alert">{what} not saved: {escape(error.message)}</p>'
