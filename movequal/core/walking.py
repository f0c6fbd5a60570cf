"""Assess a walking clip in the report's types.

Passes, steps and foot events (:mod:`movequal.core.gait`), walking findings
(:mod:`movequal.core.compensations.gait`), a score and a verdict.
"""

from __future__ import annotations

import numpy as np
from pydantic import TypeAdapter

from movequal.core.assessment import Assessment, Gait, View
from movequal.core.compensations.carry import find_loaded_side
from movequal.core.compensations.gait import compare_sides, detect_gait_findings
from movequal.core.framing import compute_out_of_picture, explain_cut_parts
from movequal.core.gait import FOOT_SIDES, LEG_FRACTION_OF_HEIGHT, GaitAnalysis, analyse_gait
from movequal.core.gait import GaitPass as MeasuredPass
from movequal.core.gait_events import GaitEvents
from movequal.core.movement_registry import get_profile
from movequal.core.movements import Recognition
from movequal.core.task_assessment import to_task_assessment
from movequal.core.task_results import FootEvent, GaitPass, GaitSide
from movequal.pose.sequence import PoseSequence


def _number(value: float, digits: int = 2) -> float | None:
    return round(float(value), digits) if np.isfinite(value) else None


_FOOT_EVENTS = TypeAdapter(list[FootEvent])
"""Validates a clip's foot events in one call (an hour of walking has over ten thousand)."""


def _events(times: np.ndarray, frames: np.ndarray, sides: tuple[str, ...]) -> list[FootEvent]:
    rows = zip(times.tolist(), frames.tolist(), sides, strict=True)
    return _FOOT_EVENTS.validate_python(
        [{"time": round(t, 3), "frame": k, "side": "left" if s == "left" else "right"} for t, k, s in rows]
    )


def to_public_pass(number: int, measured: MeasuredPass, height_m: float | None) -> GaitPass:
    """Return the report's view of one measured pass (distances also in metres when the height is known)."""
    metres = None if height_m is None else LEG_FRACTION_OF_HEIGHT * height_m
    sides = []
    for side in FOOT_SIDES:
        s = measured.sides[side]
        length = _number(s.step_length)
        sides.append(
            GaitSide(
                side="left" if side == "left" else "right",
                steps=s.steps,
                step_time_s=_number(s.step_time_s),
                stance_time_s=_number(s.stance_time_s),
                step_length=length,
                step_length_m=None if metres is None or length is None else round(length * metres, 2),
                arm_swing_deg=_number(s.arm_swing_deg, 1),
            )
        )
    left, right = measured.sides["left"], measured.sides["right"]
    return GaitPass(
        number=number,
        start_time=round(measured.start_time, 3),
        end_time=round(measured.end_time, 3),
        direction=measured.direction,
        steps=measured.steps,
        cadence_spm=round(measured.cadence_spm, 1),
        speed=round(measured.speed, 2),
        speed_m_s=None if metres is None else round(measured.speed * metres, 2),
        step_time_cv_pct=_number(measured.step_time_cv_pct, 1),
        step_length_ratio=_number(compare_sides(left.step_lengths, right.step_lengths)[0]),
        stance_time_ratio=_number(compare_sides(left.stance_times, right.stance_times)[0]),
        trunk_flexion_deg=_number(measured.trunk_flexion_deg, 1),
        lateral_lean_deg=_number(measured.lateral_lean_deg, 1),
        sides=sides,
    )


def to_public_gait(analysis: GaitAnalysis, height_m: float | None) -> Gait:
    """Return the report's ``gait`` block of an analysis."""
    events: GaitEvents = analysis.events
    return Gait(
        passes=[to_public_pass(i, p, height_m) for i, p in enumerate(analysis.passes, start=1)],
        heel_strikes=_events(events.strike_times, events.strike_frames, events.strike_sides),
        toe_offs=_events(events.off_times, events.off_frames, events.off_sides),
        leg_length_m=None if height_m is None else round(LEG_FRACTION_OF_HEIGHT * height_m, 3),
        message=None if analysis.passes else f"No walking measured: {analysis.reason}.",
    )


def assess_walking(
    pose: PoseSequence,
    view: View,
    recognition: Recognition,
    detected: bool,
    height_m: float | None = None,
) -> Assessment:
    """Assess a walking clip: every pass measured, findings, score and verdict.

    Parameters
    ----------
    pose : PoseSequence
        The pose model's landmarks (world coordinates are used).
    view : View
        The clip's camera view as classified.
    recognition : Recognition
        How the movement was named (given or recognised).
    detected : bool
        Whether the movement was recognised automatically.
    height_m : float, optional
        The patient's height: distances and speed in metres, and the gait-speed rule.

    Notes
    -----
    Passes play the part reps play elsewhere: a finding lists the passes it
    was seen in, each pass scores 100 minus its findings' points, and the
    verdict's caps count passes. With no pass measured there is no score,
    and ``gait.message`` says why.
    """
    analysis = analyse_gait(pose)
    load = get_profile(recognition.nearest).load
    loaded = find_loaded_side(analysis.passes) if load == "one-hand" else None
    gait = to_public_gait(analysis, height_m).model_copy(update={"load": load, "loaded_side": loaded})
    times = pose.timestamps

    def frames(p: MeasuredPass) -> tuple[int, int]:
        start = int(np.searchsorted(times, p.start_time))
        return start, max(start, int(np.searchsorted(times, p.end_time, side="right")) - 1)

    findings = detect_gait_findings(analysis.passes, frames, height_m, load=load)
    framing = None if analysis.passes else explain_cut_parts(compute_out_of_picture(pose))
    if framing is not None:  # nothing measured, and the feet (or more) were out of the picture: say so
        gait = gait.model_copy(update={"message": f"{gait.message} {framing}"})
    return to_task_assessment(
        recognition, detected, view, findings, (len(analysis.passes), "pass"), message=gait.message, gait=gait
    )
