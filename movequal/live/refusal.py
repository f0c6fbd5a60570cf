"""What the live engine follows, and the sentence for what it does not."""

from __future__ import annotations

from movequal.core.movement_registry import Movement, get_profile


def live_refusal(movement: Movement) -> str:
    """Why ``movement`` cannot be followed live (the live engine counts and scores repetitions only)."""
    return (
        f"{get_profile(movement).label} is not followed live yet (live feedback counts repetitions); "
        "record it and analyse the video instead"
    )
