"""Zero-lag Butterworth smoothing of series with gaps, run by run, and the (C, T) row layout it works on.

Used by :mod:`movequal.core.filtering` (landmarks), the gait events, sway and breathing. A series is a private
(C, T) copy, one row per coordinate, so each run of frames is contiguous; ``_*_inplace`` helpers work on such
copies. Frames a camera dropped or repeated are put right first when the timestamps are given
(:mod:`movequal.core.time_grid`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import partial

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, sosfilt, sosfilt_zi, sosfiltfilt

from movequal.core.time_grid import smooth_rows

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

DEFAULT_MAX_GAP_S = 0.2
"""Longest gap (s) bridged before filtering; stretches with no frame for longer are filtered apart."""
DEFAULT_CUTOFF_HZ = 6.0
# 4th-order zero-lag Butterworth at ~6 Hz is the usual choice for human movement
# kinematics (Winter, Biomechanics and Motor Control of Human Movement, 4th ed., ch. 3).
_BUTTER_ORDER = 4
# Runs filtered together are grouped by length so that padding them to a common
# width wastes at most this factor; each group is split into blocks of at most
# _BLOCK_SAMPLES samples (8 MB of float64) to bound memory.
_LENGTH_RATIO = 1.25
_BLOCK_SAMPLES = 1 << 20
_COPY_FRAMES = 512  # frames per block of _to_rows' transposed copy: a block of all columns stays in cache


def _as_columns(values: FloatArray) -> FloatArray:
    """View ``values`` (T, ...) as a 2-D (T, C) array, also when T or C is 0."""
    return values.reshape(values.shape[0], math.prod(values.shape[1:]))


def _to_rows(values: FloatArray) -> FloatArray:
    """Return a private C-contiguous (C, T) float64 copy of ``values`` (T, ...), in cache-sized blocks of frames."""
    columns = _as_columns(values)
    rows = np.empty(columns.shape[::-1], dtype=np.float64)
    for start in range(0, columns.shape[0], _COPY_FRAMES):
        rows[:, start : start + _COPY_FRAMES] = columns[start : start + _COPY_FRAMES].T
    return rows


def _true_runs(mask: BoolArray) -> tuple[IntArray, IntArray, IntArray]:
    """Return ``(starts, stops, rows)`` of every run of True along axis 1 of a 2-D mask, by row then start."""
    n_rows, n = mask.shape
    padded = np.zeros((n_rows, n + 2), dtype=bool)
    padded[:, 1:-1] = mask
    flat = padded.reshape(-1)
    # The False border keeps rows apart; flat[i] != flat[i + 1] starts or ends a run at data index i.
    edges = np.flatnonzero(flat[1:] != flat[:-1])
    rows = edges[::2] // (n + 2)
    row_offset = rows * (n + 2)
    return edges[::2] - row_offset, edges[1::2] - row_offset, rows


def _ragged_positions(starts: IntArray, lengths: IntArray) -> IntArray:
    """Concatenate ``arange(s, s + n)`` for every start ``s`` and length ``n``, without a Python loop."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if ends.size else 0) + np.repeat(starts - (ends - lengths), lengths)


def _pad_length(sos: FloatArray) -> int:
    """Return the odd-extension length ``sosfiltfilt`` uses by default for ``sos``."""
    ntaps = 2 * len(sos) + 1 - min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * ntaps


def _filtfilt_batch(sos: FloatArray, src: FloatArray, base: IntArray, lengths: IntArray, pad: int) -> FloatArray:
    """Zero-phase filter many runs of different lengths with two ``sosfilt`` calls.

    ``src`` is a flat array; run ``i`` is ``src[base[i] : base[i] + lengths[i]]``
    (each longer than ``pad``). Returns the filtered runs concatenated.

    Notes
    -----
    Each odd-extended run (as ``sosfiltfilt`` builds it) is right-aligned in a
    row of a 2-D block and the cells before it repeat its first value. The
    forward pass starts every row from the filter's steady state for that
    value (``sosfilt_zi``), which a constant input keeps, so the row reaches
    its run in exactly the state ``sosfiltfilt`` would start from (up to
    rounding, ~1e-16). Reversing the rows left-aligns them for the backward
    pass, where what follows a run cannot affect it.
    """
    n_rows, width = base.size, int(lengths.max()) + 2 * pad
    row_start = np.arange(n_rows) * width + width - lengths - 2 * pad
    k = np.arange(1, pad + 1)
    left = 2 * src[base][:, None] - src[base[:, None] + k[::-1]]
    right = 2 * src[base + lengths - 1][:, None] - src[(base + lengths - 1)[:, None] - k]
    block = np.empty((n_rows, width))
    block[:] = left[:, :1]
    block.reshape(-1)[_ragged_positions(row_start + pad, lengths)] = src[_ragged_positions(base, lengths)]
    block.reshape(-1)[row_start[:, None] + k - 1] = left
    block[:, width - pad :] = right
    zi = sosfilt_zi(sos)[:, np.newaxis, :]
    forward, _ = sosfilt(sos, block, axis=-1, zi=zi * block[np.newaxis, :, :1])
    reverse = forward[:, ::-1]
    backward, _ = sosfilt(sos, reverse, axis=-1, zi=zi * reverse[np.newaxis, :, :1])
    # Sample j of run i sits at column lengths[i] + pad - 1 - j of the reversed block.
    ends = np.arange(n_rows) * width + lengths + pad - 1
    return backward.reshape(-1)[-_ragged_positions(-ends, lengths)]


def _filtered_runs(
    sos: FloatArray, src: FloatArray, base: IntArray, lengths: IntArray, pad: int
) -> Iterator[tuple[IntArray, FloatArray]]:
    """Yield ``(positions, filtered values)`` for runs of a flat array, batched by similar length.

    Run ``i`` is ``src[base[i] : base[i] + lengths[i]]``; every run must be
    longer than ``pad``. Runs within a factor ``_LENGTH_RATIO`` of each other
    share a block, so padding them to a common width wastes little.
    """
    if lengths.size == 0:
        return
    group = np.floor(np.log(lengths) / np.log(_LENGTH_RATIO)).astype(np.int64)
    order = np.argsort(group, kind="stable")
    base, lengths, group = base[order], lengths[order], group[order]
    first = 0
    for last in [*(np.flatnonzero(np.diff(group)) + 1).tolist(), lengths.size]:
        step = max(1, _BLOCK_SAMPLES // (int(lengths[last - 1]) + 2 * pad))
        for i in range(first, last, step):
            batch = slice(i, min(i + step, last))
            values = _filtfilt_batch(sos, src, base[batch], lengths[batch], pad)
            yield _ragged_positions(base[batch], lengths[batch]), values
        first = last


def _smooth_inplace(series: FloatArray, fps: float, cutoff_hz: float) -> None:
    """Butterworth-filter each long enough finite run of each row of a private (C, T) array in place."""
    if cutoff_hz >= 0.5 * fps:
        return
    sos = butter(_BUTTER_ORDER, cutoff_hz, btype="low", fs=fps, output="sos")
    pad = _pad_length(sos)
    n = series.shape[1]
    finite = np.isfinite(series)
    detected = np.asarray(finite.any(axis=0))
    # A row is finite only where some row is, so equal counts mean equal masks.
    shared = np.asarray(np.count_nonzero(finite, axis=1) == np.count_nonzero(detected))
    if shared.any():
        rows: slice | IntArray = slice(None) if shared.all() else np.flatnonzero(shared)
        for start, stop, _ in zip(*_true_runs(detected[np.newaxis, :]), strict=True):
            if stop - start > pad:
                series[rows, start:stop] = sosfiltfilt(sos, series[rows, start:stop], axis=-1, padlen=pad)
    if shared.all():
        return
    starts, stops, rows_of_run = _true_runs(finite)
    own = ~shared[rows_of_run] & (stops - starts > pad)
    base, lengths = rows_of_run[own] * n + starts[own], (stops - starts)[own]
    flat = series.reshape(-1)
    for positions, filtered in _filtered_runs(sos, flat, base, lengths, pad):
        flat[positions] = filtered


def filter_butterworth(
    values: FloatArray,
    fps: float,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    *,
    timestamps: FloatArray | None = None,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
) -> FloatArray:
    """Zero-lag low-pass filter each finite run of a series along axis 0.

    Parameters
    ----------
    values : ndarray, shape (T, ...)
        Series with NaN where missing.
    fps : float
        Sampling rate in Hz.
    cutoff_hz : float
        Cut-off of the 4th-order Butterworth low-pass (applied forwards and
        backwards, so zero phase).
    timestamps : ndarray, shape (T,), optional
        Frame times: frames not evenly spaced are then filtered on an even
        clock (:func:`movequal.core.time_grid.smooth_rows`), stretches with
        no frame for longer than ``max_gap_s`` apart.
    max_gap_s : float
        See ``timestamps``.

    Returns
    -------
    ndarray, shape (T, ...)
        A new array; ``values`` is not modified.

    Notes
    -----
    ``sosfiltfilt`` needs more samples than its padding; runs too short for it
    (or a cutoff at or above Nyquist) are returned unfiltered rather than
    distorted. NaN runs are left in place and each finite run is filtered on
    its own, so a gap never leaks into its neighbours.

    Columns finite on exactly the frames where any column is (the common
    case: only whole-person dropouts) are filtered together, one
    ``sosfiltfilt`` call per run. Columns with gaps of their own are filtered
    run by run in batches of similar length (see ``_filtfilt_batch``), which
    matches ``sosfiltfilt`` on each run to rounding error (~1e-16).
    """
    if cutoff_hz >= 0.5 * fps:
        return values.copy()
    series = _to_rows(values)
    if timestamps is None:
        _smooth_inplace(series, fps, cutoff_hz)
    else:
        smooth_rows(series, timestamps, fps, partial(_smooth_at, cutoff_hz=cutoff_hz), max_gap_s=max_gap_s)
    return np.ascontiguousarray(series.T).reshape(values.shape)


def _smooth_at(series: FloatArray, fps: float, *, cutoff_hz: float) -> None:
    _smooth_inplace(series, fps, cutoff_hz)
