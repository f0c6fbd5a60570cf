"""The ``--pdf`` option of ``movequal analyze``: a printable ``report.pdf`` beside ``report.json``.

It is kept out of :mod:`movequal.cli` to keep that module short: :func:`pdf_option`
adds the flag to a command and, after the command has written its report folder,
renders the folder's ``report.json`` with :func:`movequal.report.pdf.to_pdf` (with
the ``--baseline`` comparison when one was given). The PDF is written even when the
command exits with the "movement not recognised" or "nothing measured" code, as long
as the run wrote a fresh ``report.json``; a failed run writes none.
"""

from __future__ import annotations

import functools
import inspect
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

Command = Callable[..., None]


def report_folder(kwargs: dict[str, Any]) -> Path:
    """Return the report folder ``analyze`` writes for these arguments (``--out``, else results/<video name>)."""
    out = kwargs.get("out_dir")
    return Path(out) if out is not None else Path("results") / Path(kwargs["video"]).stem


def baseline_comparison(before: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Compare a baseline ``report.json`` with this one, shaped like the API's ``ComparisonPublic``."""
    from movequal.core.comparison import SessionFacts, compare_to_baseline, describe_differences

    facts = SessionFacts.from_report(before), SessionFacts.from_report(current)
    return {
        "movement": facts[1].movement,
        "baseline_date": str(before.get("created_at", ""))[:10],
        "differences": describe_differences(*facts),
        "metrics": [asdict(change) for change in compare_to_baseline(before, current)],
    }


def write_folder_pdf(folder: Path, baseline: Path | None = None) -> Path:
    """Write ``report.pdf`` from a report folder's ``report.json`` (and an optional baseline report) and return it."""
    from movequal.core.assessment import Report
    from movequal.report.baseline import load_baseline
    from movequal.report.pdf import to_pdf

    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    comparison = None if baseline is None else baseline_comparison(load_baseline(baseline), data)
    return to_pdf(Report.model_validate(data), folder / "report.pdf", baseline=comparison)


def pdf_option(on_error: Callable[[BaseException], BaseException]) -> Callable[[Command], Command]:
    """Decorate ``analyze`` so it takes ``--pdf`` and then writes ``report.pdf`` in its report folder.

    ``on_error`` turns a failure to render into the exception to raise (the CLI's one-line error).
    """

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        flag = inspect.Parameter(
            "pdf",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[bool, typer.Option("--pdf", help="Also write report.pdf, a printable A4 report.")],
        )

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            wanted = bool(kwargs.pop("pdf", False))
            started = time.time()
            try:
                command(*args, **kwargs)
            finally:
                if wanted:
                    _write_if_fresh(report_folder(kwargs), kwargs.get("baseline"), started, on_error)

        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), flag]
        )
        return wrapper

    return decorate


def _write_if_fresh(
    folder: Path, baseline: Path | None, started: float, on_error: Callable[[BaseException], BaseException]
) -> None:
    report = folder / "report.json"
    if not report.is_file() or report.stat().st_mtime < started - 1:
        return  # the run failed before writing its report: nothing to print
    try:
        path = write_folder_pdf(folder, baseline)
    except Exception as exc:
        raise on_error(exc) from exc
    typer.echo(f"PDF report: {path}", err=True)
