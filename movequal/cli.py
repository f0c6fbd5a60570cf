"""The ``movequal`` command line: analyze videos and manage pose models.

Exit codes: 0 success; 2 usage error; 10–19 bad input (see
:mod:`movequal.errors`); 20 model problem; 30 movement not recognised
(``analyze --movement auto``; the report folder is still written, without a
score); 31 nothing measurable (walking with no pass of two full steps in view,
a timed up-and-go without a seated start and end; the report says why); 70 internal failure (a bug).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from movequal.cli_dose import dose_options
from movequal.cli_pdf import pdf_option
from movequal.core.assessment import Movement, MovementChoice
from movequal.core.dose import SessionDose
from movequal.errors import (
    INTERNAL_ERROR_EXIT_CODE,
    NOTHING_MEASURED_EXIT_CODE,
    UNRECOGNISED_MOVEMENT_EXIT_CODE,
    MovequalError,
)
from movequal.plugins import load_batch_recorder, register_commands
from movequal.pose.model_files import VARIANTS, ModelVariant, list_models, pull_models, validate_variant
from movequal.report.task_views import find_task_view
from movequal.runtime import silence_native_stderr

app = typer.Typer(
    help="Movement-quality analysis for back-pain rehabilitation.", no_args_is_help=True, add_completion=False
)
models_app = typer.Typer(help="Provision and inspect the pose models.", no_args_is_help=True)
app.add_typer(models_app, name="models")


err = Console(stderr=True)
out = Console()


def _fail(exc: BaseException) -> typer.Exit:
    if isinstance(exc, MovequalError):
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return typer.Exit(exc.exit_code)
    if os.environ.get("MOVEQUAL_DEBUG"):
        err.print_exception()
    err.print(
        f"[bold red]internal error:[/] {type(exc).__name__}: {exc} (set MOVEQUAL_DEBUG=1 for details)",
        highlight=False,
        soft_wrap=True,
    )
    return typer.Exit(INTERNAL_ERROR_EXIT_CODE)


class _StageBars:
    """Rich progress bars per pipeline stage, with frames/s and ETA."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            label = {"pose": "pose estimation", "video": "annotated video"}.get(stage, stage)
            self.tasks[stage] = self.progress.add_task(label, total=total or None)
        self.progress.update(self.tasks[stage], completed=done, total=max(total, done) or None)


class _RateColumn(ProgressColumn):
    """Frames per second of a task (blank until rich has measured a speed)."""

    def render(self, task: Task) -> Text:
        return Text("" if task.speed is None else f"{task.speed:5.0f} frames/s")


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not enabled,
        transient=False,
    )


@app.command()
@pdf_option(on_error=_fail)
@dose_options(on_error=_fail)
def analyze(  # noqa: PLR0917 (typer maps parameters to options)
    video: Annotated[Path, typer.Argument(help="Video file (any format FFmpeg reads).")],
    movement: Annotated[MovementChoice, typer.Option(help="Movement performed, or auto to recognise it.")] = "auto",
    model: Annotated[ModelVariant, typer.Option(help="Pose model variant.")] = "full",
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Report folder [default: results/<video name>].")
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print report.json to stdout instead of the summary.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=0, help="Pose-estimation processes (chunk-parallel); 0 = one per core for videos ≥ 15 s.")
    ] = 0,
    blur_faces: Annotated[bool, typer.Option(help="Blur faces in the annotated video.")] = False,
    video_output: Annotated[bool, typer.Option("--video/--no-video", help="Write annotated.mp4.")] = True,
    height_m: Annotated[
        float | None,
        typer.Option("--height-m", min=0.5, max=2.5, help="Patient's height: walking distances and speed in metres."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(metavar="REPORT_JSON", help="An earlier report.json to compare with in report.html."),
    ] = None,
    dose: SessionDose | None = None,
) -> None:
    """Analyse a squat, lift, walk or other movement video and write a report folder."""
    from movequal.cli_summary import print_summary
    from movequal.pipeline import AnalysisOptions, analyze_video
    from movequal.report.baseline import load_baseline

    try:
        before = None if baseline is None else load_baseline(baseline)  # checked before any video work
    except Exception as exc:
        raise _fail(exc) from exc
    target = out_dir or Path("results") / video.stem
    options = AnalysisOptions(
        movement=movement,
        model=model,
        workers=workers,
        blur_faces=blur_faces,
        write_video=video_output,
        height_m=height_m,
        dose=dose,
        baseline=before,  # shown in report.html only; report.json stays this session's
    )
    try:
        with _progress(enabled=sys.stderr.isatty()) as progress:
            analysis = analyze_video(video, target, options, on_progress=_StageBars(progress))
    except Exception as exc:
        raise _fail(exc) from exc
    if json_output:
        sys.stdout.write(json.dumps(analysis.report.model_dump(mode="json"), indent=2) + "\n")
    else:
        print_summary(analysis.report, target)
    assessed = analysis.report.assessment
    if assessed.cut_off:  # the body left the picture: nothing was scored, and the message says what to change
        raise typer.Exit(NOTHING_MEASURED_EXIT_CODE)
    if assessed.movement == "unrecognised":
        raise typer.Exit(UNRECOGNISED_MOVEMENT_EXIT_CODE)
    task = find_task_view(assessed)
    if task is not None and not task[0].measured(task[1]):  # no pass, no timed test, no hold
        raise typer.Exit(NOTHING_MEASURED_EXIT_CODE)


@models_app.command("pull")
def models_pull(
    variant: Annotated[
        str, typer.Argument(help="lite, full, heavy, web (the browser's pose runtime and the lite model) or all.")
    ] = "all",
    force: Annotated[bool, typer.Option(help="Provision again even if present.")] = False,
) -> None:
    """Download or build pose models into the models folder (verified by sha256 or the npm integrity)."""
    from movequal.pose.web_runtime import pull_web_runtime

    chosen: list[ModelVariant] = list(VARIANTS)
    if variant == "web":
        chosen = ["lite"]  # the model the browser runs
    elif variant != "all":
        if variant not in VARIANTS:
            err.print(f"[bold red]error:[/] expected lite, full, heavy, web or all, got {variant!r}")
            raise typer.Exit(2)
        chosen = [validate_variant(variant)]
    try:
        paths: dict[str, Path] = {str(k): v for k, v in pull_models(chosen, force=force, progress=True).items()}
        if variant in {"web", "all"}:
            paths["web"] = pull_web_runtime(force=force)
    except Exception as exc:
        raise _fail(exc) from exc
    for name, path in paths.items():
        out.print(f"{name:6s} {path}")


@models_app.command("list")
def models_list() -> None:
    """Show which model variants are present and verified."""
    table = Table("variant", "present", "verified", "source", "path")
    for status in list_models():
        table.add_row(
            status.variant,
            "yes" if status.present else "no",
            "yes" if status.verified else "no",
            status.source,
            str(status.path),
        )
    from movequal.pose.web_runtime import web_runtime_dir, web_runtime_present

    web = web_runtime_present()
    table.add_row(
        "web", "yes" if web else "no", "yes" if web else "no", "npm (browser runtime)", str(web_runtime_dir())
    )
    out.print(table)


@app.command()
@dose_options(on_error=_fail)
def live(  # noqa: PLR0917 (typer maps parameters to options)
    camera_index: Annotated[int, typer.Option("--camera", help="Camera to read when no --source is given.")] = 0,
    source: Annotated[Path | None, typer.Option(help="Play a video file as if it were a camera, in real time.")] = None,
    movement: Annotated[Movement, typer.Option(help="The exercise being done.")] = "squat",
    model: Annotated[ModelVariant, typer.Option(help="Pose model (lite keeps up with a camera best).")] = "lite",
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Session folder [default: results/live-<time>].")
    ] = None,
    record: Annotated[Path | None, typer.Option(help="Also write the overlay to this MP4 file.")] = None,
    window: Annotated[
        bool, typer.Option("--window/--no-window", help="Show the overlay (keys: space pause, s save, q quit).")
    ] = True,
    dose: SessionDose | None = None,
) -> None:
    """Live feedback from a camera (or a file played as one): skeleton, reps, cues; the session is saved."""
    from movequal.cli_summary import print_summary
    from movequal.core.movement_registry import get_profile
    from movequal.live.refusal import live_refusal
    from movequal.live.run import LiveOptions, run_live

    if not get_profile(movement).followed_live:
        err.print(f"[red]error:[/] {live_refusal(movement)}")
        raise typer.Exit(2)
    target = out_dir or Path("results") / f"live-{datetime.now():%Y%m%d-%H%M%S}"
    options = LiveOptions(camera_index, source, movement, model, target, record, window, dose)
    try:
        outcome = run_live(options, on_event=lambda text: err.print(text, highlight=False))
    except Exception as exc:
        raise _fail(exc) from exc
    print_summary(outcome.report, target)
    out.print(
        f"Live counter: {outcome.live_reps} rep(s); {outcome.frames} frames scored, "
        f"{outcome.dropped} dropped to keep up with the source"
    )


@app.command()
def batch(  # noqa: PLR0917 (typer maps parameters to options)
    inputs: Annotated[
        list[str],
        typer.Argument(help="Folders, globs, videos or CSV manifests (path, patient, session_date, movement, dose)."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Results folder (one sub-folder per video, plus summaries).")],
    workers: Annotated[int, typer.Option(min=0, help="Worker processes or Ray actors; 0 = one per CPU.")] = 0,
    engine: Annotated[str, typer.Option(help="local (processes on this machine) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (ray://host:10001); default: a local Ray.")
    ] = None,
    movement: Annotated[MovementChoice, typer.Option(help="Movement when the manifest does not say.")] = "auto",
    model: Annotated[ModelVariant, typer.Option(help="Pose model variant.")] = "full",
    video_output: Annotated[
        bool, typer.Option("--video/--no-video", help="Write annotated.mp4 for each video.")
    ] = True,
    retry_failed: Annotated[bool, typer.Option(help="Score again the videos that failed last time.")] = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write each video's report.pdf (printable).")] = False,
    db: Annotated[
        str | None, typer.Option(help="Record results as patient sessions in this database [default: the service's].")
    ] = None,
    record: Annotated[bool, typer.Option("--record/--no-record", help="Record results in the database.")] = True,
    clinic: Annotated[
        str | None, typer.Option(help="Clinic the sessions belong to [default: the local clinic].")
    ] = None,
    shared_storage: Annotated[
        bool, typer.Option("--shared-storage", help="Ray nodes read the videos from the same paths (no copying).")
    ] = False,
) -> None:
    """Score many recorded sessions in parallel; rerunning skips what is done and resumes what is not."""
    from movequal.batch.cli_run import run_batch_command

    if engine not in ("local", "ray"):
        err.print(f"[bold red]error:[/] expected --engine local or ray, got {engine!r}")
        raise typer.Exit(2)
    try:
        recorder = load_batch_recorder(db, clinic) if record and db != "" else None  # --db "" also means no record
        run_batch_command(
            inputs, out_dir, workers=workers, engine=engine, address=address, movement=movement, model=model,
            video=video_output, retry_failed=retry_failed, recorder=recorder, console=out, err=err,
            ship_bytes=False if shared_storage else None, pdf=pdf,
        )  # fmt: skip
    except Exception as exc:
        raise _fail(exc) from exc


def main() -> None:
    """Console-script entry point: add the installed plugins' commands (the service's), then run."""
    silence_native_stderr()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    register_commands(app)
    app()
