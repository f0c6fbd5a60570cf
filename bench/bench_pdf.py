"""Time the printable PDF of a typical report: ``python bench/bench_pdf.py [--runs N]``.

The report is a 10-rep synthetic squat from the side (no pose model) with a planted compensation, its
rep curves and a session dose, plus a progression block; the target (issue 15) is under 3 s per PDF.
Prints the import of WeasyPrint, the first PDF in the process (fonts loaded) and the median of N more.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from movequal.core.assessment import Report
from movequal.core.dose import SessionDose
from movequal.core.scoring import assess
from movequal.report.build import build_report
from movequal.synthetic import Camera, SyntheticSpec, generate
from movequal.synthetic.faults_spec import Faults

PROGRESSION = {"movement": "squat", "recommendation": "hold", "reasons": ["Quality below target at this load."]}


def typical_report() -> Report:
    spec = SyntheticSpec(movement="squat", reps=10, camera=Camera(view="sagittal-left"), seed=3,
                         faults=Faults(heel_lift=0.03, trunk_lean_deg=15, asymmetry_deg=12))  # fmt: skip
    pose, _ = generate(spec)
    result = assess(pose)
    return build_report(
        result, file="squat.mp4", duration_s=pose.duration, fps=pose.fps, frame_size=pose.frame_size, model="full",
        dose=SessionDose(load_kg=20, sets_prescribed=3, reps_prescribed=10, pain_before=2, pain_after=3),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    report = typical_report()
    started = time.perf_counter()
    import weasyprint  # noqa: F401 (timed: the PDF's first use pays for it)

    from movequal.report.pdf import to_pdf

    imported = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        t0 = time.perf_counter()
        to_pdf(report, out, progression=PROGRESSION)
        first = time.perf_counter() - t0
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            to_pdf(report, out, progression=PROGRESSION)
            times.append(time.perf_counter() - t0)
        size = out.stat().st_size
    median = statistics.median(times)
    print(f"report: {report.assessment.full_reps} reps, {len(report.assessment.findings)} finding(s), "
          f"{len(report.rep_curves)} rep curves; PDF {size / 1024:.0f} KiB")  # fmt: skip
    verdict = "met" if max(first, median) < 3 else "MISSED"
    print(f"import weasyprint: {imported:.2f} s; first PDF: {first:.2f} s; median of {args.runs}: {median:.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}); target < 3 s: {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
