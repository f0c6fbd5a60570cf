"""The movement registry: everything the code knows about each movement, in one table.

Each supported movement has one :class:`MovementProfile` in :data:`MOVEMENTS`:
how it is labelled, what kind of task it is, which signal drives its
repetitions, where the body rests between them, which camera views can assess
it, how deep a full-range rep goes, and which task-specific extras the report
adds. The scoring core, the live engine, the CLI, the API and the web pages
read these profiles rather than comparing movement names.

The static type :data:`Movement` (a ``Literal``, which mypy and pydantic need)
lists the same names in the same order, just above the profiles; a test keeps
the two equal. To add a movement, see ``docs/adding-a-movement.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from movequal.core.views import View

Movement = Literal[
    "squat",
    "lift",
    "bend",
    "sit-to-stand",
    "lunge",
    "overhead-reach",
    "forward-reach",
    "walk",
    "suitcase-carry",
    "farmer-carry",
    "tug",
    "single-leg-stance",
    "tandem-stance",
]
"""The supported movements, in menu order: the static type (mypy, pydantic and typer need a ``Literal``) of
the keys of :data:`MOVEMENTS`. A new movement is a name here and a profile below; a test keeps the two equal."""

MovementFamily = Literal["repetition", "locomotion", "timed-test", "static-hold"]
"""Kind of task: repeated reps, walking, a timed test or a held position."""
FRAMED_FAMILIES: frozenset[MovementFamily] = frozenset({"repetition", "static-hold"})
"""Families done in one place, whose assessment is refused when the body left the picture while they were read
(:mod:`movequal.core.framing`). Walking and the timed up-and-go are not: a walker enters and leaves the picture,
and one walking towards the camera takes the feet out of its bottom, by design; their foot events leave out a heel
outside the picture (:mod:`movequal.core.gait_events`), and a walk with no pass says which part was out."""
DriverSignal = Literal["hip-drop", "hip-rise", "trunk-inclination", "arm-elevation", "hand-reach"]
"""Signal whose peaks are the repetitions (see :func:`movequal.core.movements.compute_driver`)."""
RestPosition = Literal["standing", "seated", "bottom"]
"""Where the body rests between repetitions (``"bottom"``: a lift set whose reps start and end on the floor)."""
Stance = Literal["single-leg", "tandem"]
Load = Literal["one-hand", "both-hands"]
"""What a carry holds: a load in one hand (suitcase carry) or one in each (farmer's carry)."""
"""How a balance hold stands: on one leg, or with one foot directly in front of the other."""
Extra = Literal[
    "fms-deep-squat", "five-times-sit-to-stand", "thirty-second-chair-stand", "lift-style", "functional-reach"
]
"""Task-specific outputs the assessment adds for a movement."""

LIVE_FAMILIES: frozenset[MovementFamily] = frozenset({"repetition", "static-hold", "timed-test", "locomotion"})
"""The task families the live engine follows: repetitions (counted and scored), balance holds and the timed
up-and-go (timed), walking (steps and cadence)."""

SIDE_VIEWS: tuple[View, ...] = ("sagittal-left", "sagittal-right")
SIDE_OR_FRONT: tuple[View, ...] = (*SIDE_VIEWS, "frontal")


@dataclass(frozen=True)
class MovementProfile:
    """What the analysis needs to know about one movement.

    Parameters
    ----------
    name : Movement
        Stable name, as in reports, the API and the CLI.
    label : str
        Name shown to people, e.g. ``"Sit-to-stand"``.
    family : MovementFamily
        Kind of task: ``"repetition"`` tasks are segmented into reps and
        judged rep by rep; ``"locomotion"`` (walking) into passes and steps
        (:mod:`movequal.core.gait`); a ``"timed-test"`` (the timed up-and-go)
        into its phases (:mod:`movequal.core.tug`); a ``"static-hold"`` (a
        balance test) into its holds (:mod:`movequal.core.balance`). The fields below marked "repetition
        tasks" do not apply to the other families.
    driver : DriverSignal or None
        Repetition tasks: the signal whose peaks are the repetitions: the
        drop of the hips below standing (``"hip-drop"``), the rise of the hips
        from sitting (``"hip-rise"``) or the forward inclination of the trunk
        (``"trunk-inclination"``) or the elevation of the arms against the
        trunk (``"arm-elevation"``). ``None`` for the other families.
    rest : RestPosition
        Repetition tasks: where the body rests between repetitions.
    views : tuple of View
        Camera views the movement can be assessed from (the live page asks
        the patient to turn when the camera sees another one).
    expected_depth : float
        Repetition tasks: driver value of a full-range rep (the stiffness
        rule measures range against it).
    loaded : bool
        Whether the knees bend under the body's weight, so that knees falling
        inwards (valgus) is judged.
    extras : frozenset of Extra
        Task-specific outputs: the FMS deep-squat estimate, the
        five-times-sit-to-stand time, the 30-second chair-stand count, the
        lift style of each rep.
    planted : bool
        Whether the feet stay where they stand through a rep. A rep of a
        planted movement during which both feet leave their places is the
        patient walking off, not a rep (:func:`movequal.core.stance.detect_walk_off`);
        a lunge steps by design.
    neutral_spine : bool
        Whether the task asks for a neutral spine throughout (lifting a load),
        so that a back that rounds is a fault in itself. In an unloaded forward
        bend the lumbar spine flexes by design (about 40 % of a full bend, Esola
        et al. 1996), and only the hips' share of the bend is judged.
    stance : Stance or None
        Balance holds (family ``"static-hold"``): the stance held; None for the
        other families.
    load : Load or None
        Walking tasks: the load carried (a carry), or None for plain walking.
    breathing_cue : str or None
        How to breathe during the task, said in live sessions at the phase it
        names and shown in reports: out on the effort, never held (Pollock et
        al. 2000, Circulation 101:828-833: exhale during the exertion phase,
        avoid the Valsalva manoeuvre). None where nothing is said (walking).
    """

    name: Movement
    label: str
    family: MovementFamily
    driver: DriverSignal | None
    rest: RestPosition
    views: tuple[View, ...]
    expected_depth: float
    loaded: bool
    extras: frozenset[Extra] = frozenset()
    planted: bool = True
    neutral_spine: bool = False
    stance: Stance | None = None
    load: Load | None = None
    breathing_cue: str | None = None

    @property
    def repeated(self) -> bool:
        """Whether the task is done in repetitions (segmented into reps, judged by the compensation rules)."""
        return self.family == "repetition"

    @property
    def followed_live(self) -> bool:
        """Whether the live engine follows this task (:data:`LIVE_FAMILIES`)."""
        return self.family in LIVE_FAMILIES

    @property
    def trunk_driven(self) -> bool:
        """Whether the trunk carries the motion (lifts and bends): the driver angle is the trunk's, not the knee's."""
        return self.driver == "trunk-inclination"

    @property
    def arms_driven(self) -> bool:
        """Whether the arms carry the motion (reaches): the legs stay still, so leg rules do not judge it."""
        return self.driver in ("arm-elevation", "hand-reach")

    @property
    def angle_driven(self) -> bool:
        """Whether the driver needs no calibrated standing or seated level (a segment's angle, the hand's reach)."""
        return self.driver in ("trunk-inclination", "arm-elevation", "hand-reach")

    def effort_rises(self, rest: RestPosition) -> bool:
        """Whether the effort (standing up, lifting, raising the arms) is the driver rising from ``rest``.

        A squat's or a bend's driver rises going down and the effort is coming back up; a set resting seated
        or on the floor, and a reach, rise with the effort.
        """
        return self.arms_driven or rest in ("seated", "bottom")


def _walking(name: Movement, label: str, load: Load | None = None) -> MovementProfile:
    """Return a walking task's profile: measured in passes and steps, with a load in one hand or both (a carry)."""
    return MovementProfile(
        name=name,
        label=label,
        family="locomotion",
        driver=None,
        rest="standing",
        views=(*SIDE_OR_FRONT, "oblique"),
        expected_depth=0.0,
        loaded=False,
        planted=False,
        load=load,
        breathing_cue=None if load is None else "Breathe steadily as you walk; do not hold your breath to brace.",
    )


_PROFILES = (
    MovementProfile(
        name="squat",
        label="Squat",
        family="repetition",
        driver="hip-drop",
        rest="standing",
        views=SIDE_OR_FRONT,
        expected_depth=0.9,
        loaded=True,
        extras=frozenset({"fms-deep-squat"}),
        breathing_cue="Breathe out as you stand up.",
    ),
    MovementProfile(
        name="lift",
        label="Lift",
        family="repetition",
        driver="trunk-inclination",
        rest="standing",
        views=SIDE_VIEWS,
        expected_depth=0.6,
        loaded=True,
        neutral_spine=True,
        extras=frozenset({"lift-style"}),
        breathing_cue="Breathe out as you lift.",
    ),
    MovementProfile(
        name="bend",
        label="Forward bend",
        family="repetition",
        driver="trunk-inclination",
        rest="standing",
        views=SIDE_VIEWS,
        expected_depth=0.9,
        loaded=False,
        breathing_cue="Breathe out as you come back up.",
    ),
    MovementProfile(
        name="sit-to-stand",
        label="Sit-to-stand",
        family="repetition",
        driver="hip-rise",
        rest="seated",
        views=SIDE_VIEWS,
        expected_depth=0.8,
        loaded=True,
        extras=frozenset({"five-times-sit-to-stand", "thirty-second-chair-stand"}),
        breathing_cue="Breathe out as you stand up.",
    ),
    MovementProfile(
        name="lunge",
        label="Lunge",
        family="repetition",
        driver="hip-drop",
        rest="standing",
        views=SIDE_OR_FRONT,
        expected_depth=0.6,
        loaded=True,
        planted=False,
        breathing_cue="Breathe out as you push back up.",
    ),
    MovementProfile(
        name="overhead-reach",
        label="Overhead reach",
        family="repetition",
        driver="arm-elevation",
        rest="standing",
        views=SIDE_OR_FRONT,
        expected_depth=0.9,
        loaded=False,
        breathing_cue="Breathe out as you raise your arms; it keeps your ribs down.",
    ),
    MovementProfile(
        name="forward-reach",
        label="Forward reach",
        family="repetition",
        driver="hand-reach",
        rest="standing",
        views=SIDE_VIEWS,
        expected_depth=0.9,
        loaded=False,
        extras=frozenset({"functional-reach"}),
        breathing_cue="Breathe out slowly as you reach forward.",
    ),
    _walking("walk", "Walking"),
    _walking("suitcase-carry", "Suitcase carry", "one-hand"),
    _walking("farmer-carry", "Farmer's carry", "both-hands"),
    MovementProfile(
        name="tug",
        label="Timed up-and-go",
        family="timed-test",
        driver=None,
        rest="seated",
        views=(*SIDE_OR_FRONT, "oblique"),
        expected_depth=0.0,
        loaded=False,
        planted=False,
        breathing_cue="Breathe out as you stand up.",
    ),
    MovementProfile(
        name="single-leg-stance",
        label="Single-leg stance",
        family="static-hold",
        driver=None,
        rest="standing",
        views=(*SIDE_OR_FRONT, "oblique"),
        expected_depth=0.0,
        loaded=False,
        stance="single-leg",
        breathing_cue="Breathe slowly and evenly while you hold; do not hold your breath.",
    ),
    MovementProfile(
        name="tandem-stance",
        label="Tandem stance",
        family="static-hold",
        driver=None,
        rest="standing",
        views=SIDE_OR_FRONT,
        expected_depth=0.0,
        loaded=False,
        stance="tandem",
        breathing_cue="Breathe slowly and evenly while you hold; do not hold your breath.",
    ),
)

MOVEMENTS: Mapping[Movement, MovementProfile] = MappingProxyType({p.name: p for p in _PROFILES})
"""Every supported movement's profile, by name, in the order menus list them."""

MOVEMENT_NAMES: tuple[Movement, ...] = tuple(MOVEMENTS)
"""The supported movements' names, in registry order."""

AUTO = "auto"
"""The choice that asks the analysis to recognise the movement."""

MOVEMENT_CHOICES: tuple[str, ...] = (AUTO, *MOVEMENT_NAMES)
"""What a user may ask an offline analysis for: ``"auto"`` or a movement."""

REPEATED_MOVEMENTS: tuple[Movement, ...] = tuple(name for name, p in MOVEMENTS.items() if p.repeated)
"""The movements done in repetitions: those the compensation rules judge and the live engine follows."""


def get_profile(movement: Movement) -> MovementProfile:
    """Return the profile of ``movement``.

    Raises
    ------
    KeyError
        When the movement is not in the registry.
    """
    return MOVEMENTS[movement]


def find_profile(name: str) -> MovementProfile | None:
    """Return the profile named ``name``, or None for a name the registry does not hold (``"unrecognised"``)."""
    return next((profile for key, profile in MOVEMENTS.items() if key == name), None)


def has_extra(movement: Movement | None, extra: Extra) -> bool:
    """Return whether ``movement`` (``None`` when not known) gets the task-specific output ``extra``."""
    return movement is not None and extra in MOVEMENTS[movement].extras


def select_movements(predicate: Callable[[MovementProfile], bool]) -> tuple[Movement, ...]:
    """Names of the movements whose profile satisfies ``predicate`` (e.g. the loaded ones), in registry order."""
    return tuple(name for name, profile in MOVEMENTS.items() if predicate(profile))
