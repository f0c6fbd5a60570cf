"""Timed runs on a measured machine, for the benchmarks.

The machine: its 1-minute load (:func:`wait_for_quiet` waits for it to settle), CPU time used
(:func:`cpu_seconds`) and a description for the results (:func:`machine_info`). The runs: one
variant timed wall and CPU (:func:`timed`, a :class:`Run`), several interleaved (:func:`interleave`).
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

QUIET_LOAD = 0.7
QUIET_POLL_S = 30.0


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(max_wait_s: float) -> dict[str, Any]:
    """Sleep until the 1-minute load is <= QUIET_LOAD, or give up after max_wait_s."""
    start = time.monotonic()
    first = loadavg()
    load = first
    while load > QUIET_LOAD and time.monotonic() - start < max_wait_s:
        print(f"# load {load:.2f} > {QUIET_LOAD}: waiting {QUIET_POLL_S:.0f} s", file=sys.stderr, flush=True)
        time.sleep(QUIET_POLL_S)
        load = loadavg()
    waited = time.monotonic() - start
    quiet = load <= QUIET_LOAD
    if not quiet:
        print(f"# load still {load:.2f} after {waited:.0f} s: measuring anyway", file=sys.stderr, flush=True)
    return {"initial_load1": first, "load1_at_start": load, "waited_s": round(waited, 1), "quiet": quiet}


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return 0.0


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": _cpu_model(),
        "mem_total_gib": _mem_total_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {d: _version(d) for d in ("mediapipe", "av", "numpy", "movequal")},
    }


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


@dataclass
class Run:
    """One timed run of one variant."""

    variant: str
    frames: int
    seconds: float
    cpu_s: float
    load1: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "frames": self.frames,
            "seconds": round(self.seconds, 3),
            "fps": round(self.fps, 2),
            "cpu_s": round(self.cpu_s, 2),
            "cpu_util": round(self.cpu_s / self.seconds, 2),
            "load1_before": self.load1,
            **self.extra,
        }


def timed(variant: str, body: Callable[[], tuple[int, dict[str, Any]]]) -> Run:
    """Run ``body`` (returns frames, extra) and time it, wall and CPU."""
    load = loadavg()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    frames, extra = body()
    seconds = extra.pop("_seconds", None) or time.perf_counter() - t0
    return Run(variant, frames, seconds, cpu_seconds() - cpu0, load, extra)


def interleave(variants: dict[str, Callable[[], tuple[int, dict[str, Any]]]], repeat: int, tag: str) -> list[Run]:
    """Run every variant once per repeat, rotating the order between repeats."""
    names = list(variants)
    runs: list[Run] = []
    for k in range(repeat):
        shift = k % len(names)
        for name in names[shift:] + names[:shift]:
            run = timed(name, variants[name])
            runs.append(run)
            progress(f"{tag} repeat {k + 1}/{repeat} {name}: {run.fps:.1f} frames/s ({run.seconds:.1f} s)")
    return runs


def progress(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)
