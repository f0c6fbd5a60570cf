"""Runs of True in a frame mask: where they are, and closing the short gaps between them."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

BoolArray = NDArray[np.bool_]


def find_runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Return the (first, last) frames of each run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True))


def close_short_gaps(mask: BoolArray, frames: int) -> BoolArray:
    """Return ``mask`` with every run of False shorter than ``frames`` between two runs of True set True."""
    closed = mask.copy()
    for (_, last), (first, _) in itertools.pairwise(find_runs(mask)):
        if first - last - 1 < frames:
            closed[last + 1 : first] = True
    return closed
