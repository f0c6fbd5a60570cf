"""The metric registry: one :class:`MetricDef` per rep or clip metric.

Everything the outputs say about a metric is read from here: its stable key,
the text a report shows for it, its unit, the camera views it is valid in,
which direction is better, how precisely one session measures it, which
:class:`~movequal.core.compensations.metrics.RepMetrics` attribute holds it, and
the key of its per-rep value. Reports and patient progress identify a metric
by its stable key; display text is only ever looked up from the key.

Adding a metric: compute it in
:func:`~movequal.core.compensations.metrics.compute_rep_metrics`, add one entry to
:data:`METRIC_DEFS` and, if it is shown per rep, its key to
:data:`PER_REP_ORDER`.

Measurement errors (SEM) are the standard error of one session's value; patient
progress turns them into a minimal detectable change (:mod:`movequal.core.progress`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from movequal.core.assessment import Movement, View
from movequal.core.movement_registry import select_movements
from movequal.core.views import ANY_VIEW, FRONTAL, SAGITTAL

MeasurementMethod = Literal["same in every view", "image", "3d", "not measurable"]
"""How one camera view measures a metric (:meth:`MetricDef.method_in`)."""
METHOD_WORDS: dict[str, str] = {
    "same in every view": "the same way in every view",
    "image": "from the picture",
    "3d": "from the 3D landmarks",
    "not measurable": "not at all",
}
"""Each measurement method as a reader is told it."""
Better = Literal["higher", "lower", "none"]
"""Which direction of change is an improvement ("none": neither)."""


@dataclass(frozen=True)
class MetricDef:
    """Everything the package knows about one metric.

    Attributes
    ----------
    key : str
        Stable identity, written to ``report.json`` and used by patient progress.
    name : str
        Text of the metric in ``report.json`` (``MetricSummary.name``; ``"score"`` for the overall score).
    label : str
        Short display label (progress table and chart).
    unit : str
        Unit of the reported value ("" when it has none).
    views : frozenset of View
        Camera views the metric is valid in.
    better : {"higher", "lower", "none"}
        Which direction of change is an improvement.
    sem : float or None
        Standard error of measurement of one session's value; None when not tracked across sessions.
    sem_source : str
        Where ``sem`` comes from.
    attr : str or None
        The :class:`~movequal.core.compensations.metrics.RepMetrics` attribute the metric reads.
    scale : float
        Factor from the attribute to the reported value (e.g. 100 for a fraction shown in %).
    rep_key : str or None
        Key of the per-rep value in ``Rep.metrics``; None when not reported per rep.
    rep_label : str
        Label of the per-rep value in the report's repetition table.
    summarised : bool
        Whether the clip summary (``Assessment.metrics``) carries the metric.
    joints : tuple of str
        Paired joints whose visibility gives the summary's confidence.
    has_3d : bool
        Whether views outside ``views`` can still measure it from the 3D landmarks.
    series : tuple of str
        The kinematic series (:data:`movequal.core.kinematics.METRICS`) it is computed from, where that is direct.
    movements : tuple of Movement
        Movements whose clip summary carries it (empty: every movement).
    better_in : tuple of Movement
        Movements where ``better`` holds (empty: every movement); elsewhere neither direction is better.
    """

    key: str
    name: str
    label: str
    unit: str
    views: frozenset[View]
    better: Better
    sem: float | None
    sem_source: str
    attr: str | None = None
    scale: float = 1.0
    rep_key: str | None = None
    rep_label: str = ""
    summarised: bool = False
    joints: tuple[str, ...] = ()
    has_3d: bool = False
    series: tuple[str, ...] = ()
    movements: tuple[Movement, ...] = ()
    better_in: tuple[Movement, ...] = ()

    def summarised_for(self, movement: Movement | None) -> bool:
        """Whether the clip summary of ``movement`` (``None``: not recognised) carries this metric."""
        return self.summarised and (not self.movements or movement in self.movements)

    def method_in(self, view: str) -> MeasurementMethod:
        """Say how ``view`` measures the metric: the same everywhere, from the picture, from 3D, or not at all.

        Notes
        -----
        A metric valid in every view (the score, timings) is measured the same way everywhere. One valid in
        some views is read from the picture there and, when it has a 3D form, from the 3D landmarks in the
        others: the two readings run apart on the same movement, so they are never compared with each other.
        """
        if self.views >= ANY_VIEW:
            return "same in every view"
        if view in self.views:
            return "image"
        return "3d" if self.has_3d else "not measurable"

    def higher_is_better_in(self, movement: str | None) -> bool | None:
        """Like :attr:`higher_is_better`, but None for a movement outside :attr:`better_in`.

        A deeper knee bend is better in a squat, not in a lift, where the hips should do the bending.
        """
        if self.better_in and movement not in self.better_in:
            return None
        return self.higher_is_better

    @property
    def higher_is_better(self) -> bool | None:
        """True when higher is better, False when lower is, None when neither."""
        return None if self.better == "none" else self.better == "higher"


def _pair(*bases: str) -> tuple[str, ...]:
    """Left and right series of each paired base name."""
    return tuple(f"{base}_{side}" for base in bases for side in ("left", "right"))


_LEG = ("hip", "knee", "ankle")
_REACHES = select_movements(lambda p: p.driver == "arm-elevation")
_FORWARD = select_movements(lambda p: p.driver == "hand-reach")
_JITTER = "landmark jitter, project estimate"
_DEPTH: tuple[Movement, ...] = ("squat", "lunge")
"""Movements where bending deeper is better (depth is the task); in a lift or a sit-to-stand it is not."""
_NEUTRAL_SPINE = select_movements(lambda p: p.neutral_spine)
"""Movements where a straighter back is better: done with a neutral spine (a lift); a forward bend rounds by design."""

METRIC_DEFS: tuple[MetricDef, ...] = (
    MetricDef(
        "score", "score", "Overall score", "points", ANY_VIEW, "higher", 5.0,
        "project estimate: one finding changing severity class moves the score by about 5 points",
    ),
    MetricDef(
        "peak_knee_flexion", "peak knee flexion", "Peak knee flexion", "deg", SAGITTAL, "higher", 5.0,
        "video pose vs marker-based sagittal knee angles, errors of 3-7 deg (Washabaugh et al. 2022, Gait Posture 97)",
        attr="peak_knee_flexion", rep_key="peak_knee_flexion_deg", rep_label="peak knee flexion",
        summarised=True, joints=_LEG, has_3d=True, series=_pair("knee_flexion", "knee_flexion_3d"),
        better_in=_DEPTH,
    ),
    MetricDef(
        "peak_thigh_inclination", "peak thigh inclination", "Peak thigh inclination", "deg", SAGITTAL, "higher", 5.0,
        "video pose vs marker-based sagittal segment angles, errors of 3-7 deg (Washabaugh et al. 2022)",
        attr="peak_thigh_inclination", rep_key="peak_thigh_inclination_deg", rep_label="peak thigh inclination",
        summarised=True, joints=("hip", "knee"), has_3d=True, series=_pair("thigh_inclination", "thigh_inclination_3d"),
        better_in=_DEPTH,
    ),
    MetricDef(
        "peak_hip_flexion", "peak hip flexion", "Peak hip flexion", "deg", SAGITTAL, "higher", 6.0,
        "video pose hip angles, errors of 5-9 deg (Washabaugh et al. 2022)",
        attr="peak_hip_flexion", rep_key="peak_hip_flexion_deg", rep_label="peak hip flexion",
        summarised=True, joints=("shoulder", "hip", "knee"), has_3d=True, series=_pair("hip_flexion", "hip_flexion_3d"),
        better_in=_DEPTH,
    ),
    MetricDef(
        "peak_trunk_inclination", "peak trunk inclination", "Peak trunk inclination", "deg", SAGITTAL, "none", 4.0,
        "2D video vs 3D capture of trunk angles (Schurr et al. 2017, Int J Sports Phys Ther 12:163-172)",
        attr="peak_trunk_inclination", rep_key="peak_trunk_inclination_deg", rep_label="peak trunk inclination",
        summarised=True, joints=("shoulder", "hip"), has_3d=True, series=("trunk_inclination", "trunk_inclination_3d"),
    ),
    MetricDef(
        "trunk_minus_tibia_at_bottom", "trunk minus tibia at the bottom", "Trunk minus tibia", "deg", SAGITTAL,
        "none", 5.0, "sum of two segment errors",
        attr="trunk_minus_tibia", rep_key="trunk_minus_tibia_at_bottom_deg", rep_label="trunk minus tibia at bottom",
        summarised=True, joints=("shoulder", *_LEG), series=("trunk_inclination", *_pair("tibia_inclination")),
    ),
    MetricDef(
        "hip_share", "hip share of the bend", "Hip share of the bend", "%", SAGITTAL, "higher", 8.0,
        "ratio of two angles with about 5 deg error each",
        attr="hip_share", scale=100.0, rep_key="hip_share_pct", rep_label="hip share",
        summarised=True, joints=("shoulder", "hip"), series=("trunk_inclination", "trunk_length"),
    ),
    MetricDef(
        "back_bend", "back outline bend at the bottom", "Back outline bend", "deg", SAGITTAL, "lower", 5.0,
        "body-mask outline; project estimate",
        attr="back_bend", rep_key="back_bend_deg", rep_label="back bend",
        summarised=True, joints=("shoulder", "hip"), series=("back_bend",), better_in=_NEUTRAL_SPINE,
    ),
    MetricDef(
        "posterior_hip_shift", "posterior hip shift", "Posterior hip shift", "leg lengths", SAGITTAL, "higher", 0.03,
        _JITTER,
        attr="posterior_hip_shift", rep_key="posterior_hip_shift_leg", rep_label="posterior hip shift",
        summarised=True, joints=("hip", "ankle"), series=("posterior_hip_shift",),
    ),
    MetricDef(
        "peak_heel_height", "peak heel rise", "Peak heel rise", "leg lengths", SAGITTAL, "lower", 0.02, _JITTER,
        attr="peak_heel_height", rep_key="peak_heel_height_leg", rep_label="peak heel height",
        summarised=True, joints=("heel", "foot_index"), series=_pair("heel_height"),
    ),
    MetricDef(
        "peak_knee_valgus", "peak knee valgus (FPPA)", "Peak knee valgus (FPPA)", "deg", FRONTAL, "lower", 3.0,
        "2D FPPA test-retest SEM 1.7-2.7 deg (Munro, Herrington & Carolan 2012, J Sport Rehabil 21:7-11)",
        attr="peak_valgus", rep_key="peak_knee_valgus_deg", rep_label="peak knee valgus",
        summarised=True, joints=_LEG, series=_pair("knee_fppa"),
    ),
    MetricDef(
        "lateral_hip_shift", "lateral hip shift", "Lateral hip shift", "leg lengths", FRONTAL, "lower", 0.03, _JITTER,
        attr="lateral_shift", rep_key="lateral_hip_shift_leg", rep_label="lateral hip shift",
        summarised=True, joints=("hip", "ankle"), series=("lateral_hip_shift",),
    ),
    MetricDef(
        "pelvic_obliquity", "pelvic obliquity change", "Pelvic obliquity change", "deg", FRONTAL, "lower", 2.0,
        "project estimate",
        attr="pelvic_obliquity", rep_key="pelvic_obliquity_deg", rep_label="pelvic obliquity",
        summarised=True, joints=("hip",), series=("pelvic_obliquity",),
    ),
    MetricDef(
        "knee_symmetry_index", "knee flexion symmetry index", "Knee flexion symmetry index", "%", FRONTAL, "lower",
        5.0, "project estimate",
        attr="knee_symmetry_index", rep_key="knee_symmetry_index_pct", rep_label="knee symmetry index",
        summarised=True, joints=_LEG, series=_pair("knee_flexion_3d"),
    ),
    MetricDef(
        "peak_arm_elevation", "peak arm elevation", "Peak arm elevation", "deg", ANY_VIEW, "higher", 6.0,
        "project estimate: about the 5-9 deg error of video pose hip angles (Washabaugh et al. 2022)",
        attr="peak_arm_elevation", rep_key="peak_arm_elevation_deg", rep_label="peak arm elevation",
        summarised=True, joints=("shoulder", "elbow", "hip"), series=_pair("arm_elevation_3d"), movements=_REACHES,
    ),
    MetricDef(
        "trunk_extension", "backward trunk tilt", "Backward trunk tilt", "deg", SAGITTAL, "lower", 4.0,
        "2D video vs 3D capture of trunk angles (Schurr et al. 2017)",
        attr="trunk_extension", rep_key="trunk_extension_deg", rep_label="backward trunk tilt",
        summarised=True, joints=("shoulder", "hip"), series=("trunk_pitch",), movements=_REACHES,
    ),
    MetricDef(
        "lateral_trunk_lean", "sideways trunk lean", "Sideways trunk lean", "deg", FRONTAL, "lower", 2.5,
        "a frontal-plane 2D angle, as the FPPA's test-retest SEM of 1.7-2.7 deg (Munro, Herrington & Carolan 2012)",
        attr="lateral_trunk_lean", rep_key="lateral_trunk_lean_deg", rep_label="sideways trunk lean",
        summarised=True, joints=("shoulder", "hip"), series=("trunk_lateral_lean",), movements=_REACHES,
    ),
    MetricDef(
        "reach_distance", "forward reach", "Forward reach", "leg lengths", SAGITTAL, "higher", 0.03, _JITTER,
        attr="reach_distance", rep_key="reach_distance_leg", rep_label="forward reach",
        summarised=True, joints=("shoulder", "wrist", "ankle"), series=("hand_reach",), movements=_FORWARD,
    ),
    MetricDef(
        "rep_duration", "rep duration", "Rep duration", "s", ANY_VIEW, "none", 0.2,
        "rep edges are placed to about 3 frames",
        attr="duration_s", summarised=True, joints=("hip",),
    ),
    MetricDef(
        "peak_speed", "peak angular speed", "Peak angular speed", "deg/s", ANY_VIEW, "higher", 30.0,
        "guarding shows as slow movement; project estimate",
        attr="peak_speed", rep_key="peak_speed_deg_s", rep_label="peak speed", summarised=True, joints=("hip", "knee"),
    ),
    MetricDef(
        "sparc", "smoothness (SPARC)", "Smoothness (SPARC)", "", ANY_VIEW, "higher", 0.3,
        "SPARC nearer 0 is smoother (Balasubramanian et al. 2015, J NeuroEng Rehabil 12:112)",
        attr="sparc", rep_key="sparc", rep_label="sparc", summarised=True, joints=("hip", "knee"),
    ),
    MetricDef(
        "speed_peaks_per_phase", "speed peaks per phase", "Speed peaks per phase", "", ANY_VIEW, "lower", None,
        "not tracked across sessions",
        attr="velocity_peaks", rep_key="speed_peaks_per_phase", rep_label="speed peaks per phase",
    ),
    MetricDef(
        "trunk_thigh_relative_phase", "trunk-thigh relative phase", "Trunk-thigh relative phase", "deg", SAGITTAL,
        "none", None, "not tracked across sessions",
        attr="relative_phase", rep_key="trunk_thigh_relative_phase_deg", rep_label="trunk thigh relative phase",
        series=("trunk_inclination", *_pair("thigh_inclination")),
    ),
)  # fmt: skip
"""Every metric, in report order: the overall score, then the clip summaries, then per-rep-only metrics."""

METRIC_BY_KEY: Mapping[str, MetricDef] = {m.key: m for m in METRIC_DEFS}
"""Registry lookup by stable key."""

SCORE = METRIC_BY_KEY["score"]
"""The overall score (the first series of each movement in patient progress)."""

SUMMARISED: tuple[MetricDef, ...] = tuple(m for m in METRIC_DEFS if m.summarised)
"""Metrics of any clip summary, in the order ``Assessment.metrics`` lists them."""


def select_summarised(movement: Movement | None) -> tuple[MetricDef, ...]:
    """Metrics of the clip summary of ``movement`` (``None``: not recognised), in report order."""
    return tuple(m for m in SUMMARISED if m.summarised_for(movement))


PER_REP_ORDER: tuple[str, ...] = (
    "peak_knee_flexion",
    "peak_thigh_inclination",
    "peak_hip_flexion",
    "peak_trunk_inclination",
    "trunk_minus_tibia_at_bottom",
    "posterior_hip_shift",
    "hip_share",
    "peak_heel_height",
    "peak_knee_valgus",
    "lateral_hip_shift",
    "pelvic_obliquity",
    "knee_symmetry_index",
    "peak_speed",
    "sparc",
    "speed_peaks_per_phase",
    "trunk_thigh_relative_phase",
    "back_bend",
    "peak_arm_elevation",
    "trunk_extension",
    "lateral_trunk_lean",
    "reach_distance",
)
"""Keys of the per-rep metrics, in the order ``Rep.metrics`` lists them."""

PER_REP: tuple[MetricDef, ...] = tuple(METRIC_BY_KEY[key] for key in PER_REP_ORDER)
"""Metrics reported per rep, in ``Rep.metrics`` order."""

METRIC_BY_REP_KEY: Mapping[str, MetricDef] = {m.rep_key: m for m in METRIC_DEFS if m.rep_key is not None}
"""Registry lookup by the key of a per-rep value in ``Rep.metrics``."""

NAMES_BEFORE_1_2: Mapping[str, str] = {
    "peak knee flexion": "peak_knee_flexion",
    "peak hip flexion": "peak_hip_flexion",
    "peak trunk inclination": "peak_trunk_inclination",
    "trunk minus tibia at the bottom": "trunk_minus_tibia_at_bottom",
    "hip share of the bend": "hip_share",
    "back outline bend at the bottom": "back_bend",
    "posterior hip shift": "posterior_hip_shift",
    "peak heel rise": "peak_heel_height",
    "peak knee valgus (FPPA)": "peak_knee_valgus",
    "lateral hip shift": "lateral_hip_shift",
    "pelvic obliquity change": "pelvic_obliquity",
    "knee flexion symmetry index": "knee_symmetry_index",
    "rep duration": "rep_duration",
    "peak angular speed": "peak_speed",
    "smoothness (SPARC)": "sparc",
}
"""Reports of schema 1.1.0 and before name their summaries by display text only: that text's key.

Frozen on purpose: renaming a metric's ``name`` later must not drop old reports from patient progress.
"""


def get_metric(key: str) -> MetricDef:
    """Return the metric registered under ``key``.

    Raises
    ------
    KeyError
        When no metric has that key.
    """
    try:
        return METRIC_BY_KEY[key]
    except KeyError:
        raise KeyError(f"no metric registered under {key!r}") from None


def find_summary_key(summary: Mapping[str, Any]) -> str | None:
    """Stable key of one ``report.json`` metric summary, for reports of any schema version.

    Parameters
    ----------
    summary : mapping
        One item of ``assessment.metrics`` as stored (a dict with ``name`` and, from schema 1.2.0, ``key``).

    Returns
    -------
    str or None
        The registry key, or None for a metric the registry does not know.
    """
    key = summary.get("key")
    if key is None:
        key = NAMES_BEFORE_1_2.get(str(summary.get("name")))
    return key if key in METRIC_BY_KEY else None
