"""What the patient can do, in their words: the Patient-Specific Functional Scale (PSFS).

The patient names up to five daily activities they find hard because of their
problem ("lifting my child", "sitting through a meeting") and rates each from
0 (unable to perform the activity) to 10 (able to perform it at the same level
as before the problem). The score of a date is the mean of its ratings
(Stratford et al. 1995, *Physiotherapy Canada* 47:258-263). The scale is free
to use: no licence or fee.

A change of the mean from the first date counts as real only when it reaches
:data:`PSFS_MCID` points: the minimal important difference found by Abbott &
Schmitt (2014, *J Orthop Sports Phys Ther* 44:560-564) in 1708 patients with
musculoskeletal disorders was 1.3 points for a small, 2.3 for a medium and 2.7
for a large patient-perceived change, stable across body regions; 2 points is
the threshold this project uses (see ``docs/PROGRESSION.md``, section 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

PSFS_MIN = 0
"""Unable to perform the activity."""
PSFS_MAX = 10
"""Able to perform the activity at the same level as before the problem."""
MAX_ACTIVITIES = 5
"""The patient names at most five activities (Stratford et al. 1995)."""
ACTIVITY_MAX_CHARS = 120
"""Longest activity name accepted: a short phrase, in the patient's words."""
PSFS_MCID = 2.0
"""Change of the mean score (points, 0-10) taken as real: Abbott & Schmitt 2014 (1.3 small, 2.3 medium change)."""

PsfsVerdict = Literal["improved", "worse", "no real change"]


def psfs_mean(ratings: Sequence[int]) -> float:
    """Return the PSFS score of one date: the mean of its activities' ratings.

    Raises
    ------
    ValueError
        With no rating, more than :data:`MAX_ACTIVITIES`, or a rating outside 0-10.
    """
    if not 1 <= len(ratings) <= MAX_ACTIVITIES:
        raise ValueError(f"a PSFS date has 1 to {MAX_ACTIVITIES} activities, got {len(ratings)}")
    if any(not PSFS_MIN <= r <= PSFS_MAX for r in ratings):
        raise ValueError(f"PSFS ratings are {PSFS_MIN}-{PSFS_MAX}, got {list(ratings)}")
    return sum(ratings) / len(ratings)


@dataclass(frozen=True)
class PsfsChange:
    """The change of the PSFS mean from the first date to the latest, judged against the MCID."""

    first_date: date
    latest_date: date
    first_mean: float
    latest_mean: float
    change: float
    """Latest minus first mean (positive = the patient can do more)."""
    mcid: float
    is_real: bool
    """True only when ``|change|`` reaches the MCID."""
    verdict: PsfsVerdict


def psfs_change(means: Sequence[tuple[date, float]], mcid: float = PSFS_MCID) -> PsfsChange | None:
    """Compare the latest PSFS mean with the first one; ``None`` with fewer than two dates.

    Parameters
    ----------
    means : sequence of (date, mean)
        One PSFS score per date, in any order (sorted here).
    mcid : float
        The smallest change of the mean that counts as real.
    """
    if len(means) < 2:
        return None
    ordered = sorted(means)
    (first_day, first), (last_day, last) = ordered[0], ordered[-1]
    change = round(last - first, 6)  # 0.1 + 0.2-style noise must not decide a threshold
    real = abs(change) >= mcid
    verdict: PsfsVerdict = "no real change" if not real else ("improved" if change > 0 else "worse")
    return PsfsChange(first_day, last_day, first, last, change, mcid, real, verdict)
