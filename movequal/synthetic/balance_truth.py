"""Ground truth of a synthetic static balance hold: exact events and true per-frame positions.

:func:`movequal.synthetic.balance.record_balance` measures it on the
assembled landmarks; :meth:`BalanceTruth.path_length` sums a series' path
between two times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from movequal.synthetic.balance_spec import HoldEnd, Stance

FloatArray = NDArray[np.float64]
SERIES = ("pelvis_ml", "pelvis_ap", "shoulders_ml", "shoulders_ap", "com_ml", "com_ap", "wrist_excursion")
"""The per-frame position series of :class:`BalanceTruth`."""


@dataclass(frozen=True)
class BalanceTruth:
    """Exact events and true positions of a synthetic balance hold.

    Positions are metres in the subject's frame: ``ml`` + towards the
    subject's left, ``ap`` + forward, from the stance ankle at foot-off
    (single-leg) or the mid-point of the two ankles (tandem, which are on
    one line).

    Parameters
    ----------
    stance : {"single-leg", "tandem"}
        Which hold.
    foot_off : float or None
        The lifted foot leaves the floor (single-leg); ``None`` for tandem.
    hold_start : float
        Start of the hold: ``foot_off``, or 0 for tandem.
    hold_end : float or None
        End of the hold: the touch-down, the stance foot's (single-leg) or
        a foot's (tandem) move starting; ``None`` if the clip ended during
        the hold.
    end_reason : {"touch-down", "stance-move", "clip-end"}
        How the hold ended (``Balance.ends_with``).
    lifted_side, front_side : str or None
        Single-leg: the lifted foot; tandem: the front foot (the other is
        ``None``).
    sway_window : tuple of float
        ``(start, end)`` in which the pelvis moves by the planted sway alone
        (tandem: the hold less the weight shift before a step).
    weight_shift_m : float
        Single-leg: the pelvis's sideways shift onto the stance foot before
        foot-off; tandem: 0.
    times : ndarray
        Seconds of every frame.
    pelvis_ml, pelvis_ap, shoulders_ml, shoulders_ap : ndarray
        Per frame, the hip and shoulder mid-points (the mid-points of the
        pose model's left/right hip and shoulder landmarks).
    com_ml, com_ap : ndarray
        Per frame, the body's centre of mass from Winter's segment masses
        (arms lumped into the trunk).
    wrist_excursion : ndarray
        Per frame, the larger of the two wrists' 3D distance from their
        resting place relative to their shoulder.
    leg_length_m : float
        Thigh + shank.

    Notes
    -----
    The planted sway (``Balance.sway_ml_m``, ``sway_ap_m``) is the centre
    of mass's: ``com_ml`` and ``com_ap`` have that RMS over the sway window
    to within a few per cent. The body sways as an inverted pendulum about
    the ankles, so the pelvis moves less (about 0.85 of it on one leg, 0.9
    on both feet for a 1.75 m body) and the shoulders more (about 1.35–1.45
    times). The centre of mass's mean sits over the stance ankle sideways
    (single-leg) and within 1 cm of the ankle (single-leg) or the ankles'
    mid-point (tandem) fore-aft.
    """

    stance: Stance
    foot_off: float | None
    hold_start: float
    hold_end: float | None
    end_reason: HoldEnd
    lifted_side: str | None
    front_side: str | None
    sway_window: tuple[float, float]
    weight_shift_m: float
    times: FloatArray
    pelvis_ml: FloatArray
    pelvis_ap: FloatArray
    shoulders_ml: FloatArray
    shoulders_ap: FloatArray
    com_ml: FloatArray
    com_ap: FloatArray
    wrist_excursion: FloatArray
    leg_length_m: float

    def path_length(self, series: str | FloatArray, start: float, end: float) -> float:
        """Return the summed absolute change of one per-frame series between two times (its path along one axis).

        Parameters
        ----------
        series : str or ndarray
            A field name (``"pelvis_ml"``, ``"com_ap"``, ...) or an array of
            one value per frame.
        start, end : float
            Seconds; the series is interpolated linearly between frames, so
            the ends need not fall on frames.

        Returns
        -------
        float
            Metres (in the series' unit); 0 when ``end <= start``.

        Raises
        ------
        ValueError
            If ``series`` names no per-frame series or has not one value per frame.
        """
        if isinstance(series, str) and series not in SERIES:
            raise ValueError(f"series: expected one of {SERIES} or an array, got {series!r}")
        values = np.asarray(getattr(self, series) if isinstance(series, str) else series, dtype=np.float64)
        if len(values) != len(self.times):
            raise ValueError(f"series: expected {len(self.times)} values (one per frame), got {len(values)}")
        if end <= start:
            return 0.0
        inside = (self.times > start) & (self.times < end)
        ends = np.interp([start, end], self.times, values)
        path = np.concatenate([[ends[0]], values[inside], [ends[1]]])
        return float(np.sum(np.abs(np.diff(path))))
