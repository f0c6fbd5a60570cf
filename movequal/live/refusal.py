"""What the live engine follows, and the sentence for what it does not."""

from __future__ import annotations

from movequal.core.movement_registry import Movement, get_profile


def live_refusal(movement: Movement) -> str:
    """Why ``movement`` cannot be followed live (a family outside the registry's ``LIVE_FAMILIES``)."""
    return (
        f"{get_profile(movement).label} is not followed live yet (live feedback counts repetitions and steps and "
        "times balance holds and the timed up-and-go); record it and analyse the video instead"
    )
