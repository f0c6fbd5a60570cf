"""What a session asked of the patient and how they felt: load, sets × reps, pain and effort.

Movement quality is judged against the dose it was produced under: a clean squat
with 40 kg says more than a clean squat with none, and a session after which pain
rose two points is read differently from one after which it did not. The dose is
entered by people (the clinician, the patient, a batch manifest), never measured,
so every value is optional and every range is checked here, in one place, for the
API, the web forms, the command line, batch manifests and live sessions alike.

Scales
------
- Pain: the 0-10 Numeric Pain Rating Scale, whole numbers (0 = no pain,
  10 = worst imaginable; Farrar et al. 2001, Pain 94:149-158).
- Effort: the Borg CR10 rating of perceived exertion, 0-10, halves allowed
  (Borg 1998, *Borg's Perceived Exertion and Pain Scales*).
- Load: external load in kilograms; 0 means body weight only (no external load),
  while an absent value means the load was not recorded.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from movequal.errors import InputError

PAIN_MCID_POINTS = 2
"""The smallest change on the 0-10 pain scale that matters clinically (Farrar et al. 2001,
Pain 94:149-158; Childs et al. 2005, Spine 30:1331-1334): a rise this large over a session is reported."""
MAX_LOAD_KG = 500.0
"""Upper limit of an entered load: above any rehabilitation load, so a typo (4000 for 40.00) is refused."""
MAX_SETS = 20
MAX_REPS = 100


class DoseError(InputError):
    """A dose or symptom value is out of range or not a number."""

    exit_code = 18


class SessionDose(BaseModel):
    """The dose of one session and the symptoms around it; every field is optional.

    Notes
    -----
    ``load_kg = 0`` is body weight only; ``None`` is "not recorded". Pain is
    whole numbers only (the scale has no halves); a fractional pain value is an
    error, not rounded. The done counts may be below the prescribed ones (the
    patient stopped early) but not above the prescribed counts' limits.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    load_kg: float | None = Field(
        default=None, ge=0.0, le=MAX_LOAD_KG, description="External load in kg; 0 = body weight only."
    )
    sets_prescribed: int | None = Field(default=None, ge=1, le=MAX_SETS, description="Sets asked for.")
    reps_prescribed: int | None = Field(default=None, ge=1, le=MAX_REPS, description="Reps per set asked for.")
    sets_done: int | None = Field(default=None, ge=0, le=MAX_SETS, description="Sets the patient did.")
    reps_done: int | None = Field(default=None, ge=0, le=MAX_REPS, description="Reps per set the patient did.")
    pain_before: int | None = Field(
        default=None, ge=0, le=10, description="Pain before the session, 0-10 numeric rating scale."
    )
    pain_after: int | None = Field(default=None, ge=0, le=10, description="Pain after the session, 0-10.")
    rpe: float | None = Field(
        default=None, ge=0.0, le=10.0, multiple_of=0.5, description="Perceived effort, Borg CR10 (0-10)."
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans(cls, value: Any) -> Any:
        """Refuse ``true``/``false``: pydantic would read them as 1 and 0 (pain 1, one set)."""
        if isinstance(value, bool):
            raise ValueError("expected a number, got a boolean")
        return value

    @property
    def is_empty(self) -> bool:
        """True when nothing was recorded."""
        return all(value is None for value in self.model_dump().values())

    @property
    def pain_change(self) -> int | None:
        """Pain after minus pain before (points), or None when either is missing."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before

    def pain_rise_note(self) -> str | None:
        """Return a sentence when pain rose by :data:`PAIN_MCID_POINTS` or more over the session, else None."""
        change = self.pain_change
        if change is None or change < PAIN_MCID_POINTS:
            return None
        return (
            f"Pain rose {change} points over the session ({self.pain_before} → {self.pain_after} /10); "
            f"a rise of {PAIN_MCID_POINTS} or more is clinically meaningful, so review the dose with the patient."
        )

    def describe(self) -> str:
        """One line for a report or a terminal, e.g. ``20 kg · 3 × 10 (did 3 × 8) · pain 2 → 4 /10 · effort 6/10``."""
        parts: list[str] = []
        if self.load_kg is not None:
            parts.append("body weight" if self.load_kg == 0 else f"{self.load_kg:g} kg")
        if self.sets_prescribed is not None or self.reps_prescribed is not None:
            asked = f"{_count(self.sets_prescribed)} × {_count(self.reps_prescribed)}"
            if self.sets_done is not None or self.reps_done is not None:
                asked += f" (did {_count(self.sets_done)} × {_count(self.reps_done)})"
            parts.append(asked)
        elif self.sets_done is not None or self.reps_done is not None:
            parts.append(f"did {_count(self.sets_done)} × {_count(self.reps_done)}")
        if self.pain_before is not None or self.pain_after is not None:
            parts.append(f"pain {_count(self.pain_before)} → {_count(self.pain_after)} /10")
        if self.rpe is not None:
            parts.append(f"effort {self.rpe:g}/10")
        return " · ".join(parts) if parts else "not recorded"


def _count(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def parse_dose(values: dict[str, Any]) -> SessionDose:
    """Return the dose from loosely typed values (form fields, CSV cells, CLI options).

    Empty strings and ``None`` mean "not recorded". Numbers given as text are
    read as numbers; anything else is refused.

    Raises
    ------
    DoseError
        Naming every field that is out of range or not a number, e.g.
        ``pain_after: must be between 0 and 10 (got 11)``.
    """
    cleaned = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in values.items()}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in cleaned.items()}
    unknown = sorted(set(cleaned) - set(SessionDose.model_fields))
    if unknown:
        raise DoseError(f"unknown dose field(s): {', '.join(unknown)}")
    try:
        return SessionDose.model_validate(cleaned)
    except ValidationError as exc:
        raise DoseError(describe_errors(exc, cleaned)) from None


def describe_errors(exc: ValidationError, given: dict[str, Any] | None = None) -> str:
    """Return a one-line message naming each bad field, its allowed range and the value given."""
    messages = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "dose"
        spec = SessionDose.model_fields.get(field)
        allowed = _allowed(spec) if spec is not None else ""
        got = given.get(field) if given is not None else error.get("input")
        messages.append(f"{field}: {allowed or error['msg']} (got {got!r})")
    return "; ".join(messages)


def _allowed(spec: Any) -> str:
    low = high = step = None
    for item in spec.metadata:
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
        step = getattr(item, "multiple_of", step)
    if low is None or high is None:
        return ""
    kind = "a whole number" if spec.annotation == (int | None) else "a number"
    steps = f" in steps of {step:g}" if step is not None else ""
    return f"must be {kind} between {low:g} and {high:g}{steps}"


DOSE_FIELDS: tuple[str, ...] = tuple(SessionDose.model_fields)
"""The dose's field names, in order: the CSV columns of batch manifests and ``summary.csv``."""
