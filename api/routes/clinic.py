"""``/v1/clinic``: the calling clinic's own settings (today: the progression gate's parameters)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from api.deps import ClinicDep, SessionDep, SettingsDep
from api.errors import COMMON_ERRORS
from api.schemas_progression import GateRulesPublic, GateRulesUpdate

router = APIRouter(prefix="/v1/clinic", tags=["clinic"], responses=COMMON_ERRORS)


def _public(clinic_values: dict[str, object] | None, settings: SettingsDep) -> GateRulesPublic:
    values = dict(clinic_values or {})
    return GateRulesPublic(rules=asdict(settings.gate_rules(clinic=values)), clinic_values=values)


@router.get("/progression-rules", response_model=GateRulesPublic)
def read_rules(clinic: ClinicDep, settings: SettingsDep) -> GateRulesPublic:
    """Return the progression gate's parameters for this clinic: its own values over the service's settings."""
    return _public(clinic.gate_rules, settings)


@router.patch("/progression-rules", response_model=GateRulesPublic)
def update_rules(
    body: GateRulesUpdate, clinic: ClinicDep, session: SessionDep, settings: SettingsDep
) -> GateRulesPublic:  # type: ignore[valid-type]
    """Set the clinic's own gate parameters; a field sent as null goes back to the service's setting."""
    changes = body.model_dump(exclude_unset=True)
    values = {k: v for k, v in (dict(clinic.gate_rules or {}) | changes).items() if v is not None}
    row = session.merge(clinic)
    row.gate_rules = values or None
    session.commit()
    return _public(values, settings)
