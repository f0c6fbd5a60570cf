"""Each development clip analysed at most once per test session (real pose model, no files written).

Several test modules judge the same real clips (every clip against its labels, baseline comparison between
two of them); the pose model takes most of a minute per clip on two cores, so the analyses are shared.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from movequal.pipeline import AnalysisOptions, VideoAnalysis, analyze_video


@cache
def analyse_clip(clip: Path) -> VideoAnalysis:
    """Analyse ``clip`` with the default options, without the annotated video or the HTML page."""
    return analyze_video(clip, None, AnalysisOptions(write_video=False, write_html=False))
