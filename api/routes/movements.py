"""``/v1/movements``: the movements the service can assess, as the movement registry lists them.

The web pages fill their movement menus and labels from this list, so a
movement added to :mod:`movequal.core.movement_registry` appears there without
editing any page.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.deps import current_clinic
from api.errors import COMMON_ERRORS
from movequal.core.assessment import Movement, View
from movequal.core.movement_registry import MOVEMENTS, MovementFamily

router = APIRouter(
    prefix="/v1/movements", tags=["movements"], responses=COMMON_ERRORS, dependencies=[Depends(current_clinic)]
)


class MovementPublic(BaseModel):
    """One movement the service can assess."""

    name: Movement = Field(description="Value to send as ``movement`` (uploads, live sessions).")
    label: str = Field(description="Name to show people, e.g. 'Sit-to-stand'.")
    family: MovementFamily = Field(description="Kind of task: repetition, locomotion, timed-test or static-hold.")
    views: list[View] = Field(description="Camera views the movement can be assessed from.")
    live: bool = Field(description="Whether live sessions follow it (repetitions counted, balance holds timed).")


class MovementList(BaseModel):
    """Every movement the service can assess, in the order menus list them."""

    items: list[MovementPublic]


@router.get("", response_model=MovementList)
def list_movements() -> MovementList:
    """List the movements the service can assess (uploads also accept ``auto`` to recognise one)."""
    return MovementList(
        items=[
            MovementPublic(name=p.name, label=p.label, family=p.family, views=list(p.views), live=p.followed_live)
            for p in MOVEMENTS.values()
        ]
    )
