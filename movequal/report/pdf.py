"""The printable PDF of an analysis or of a patient's progress, rendered server-side by WeasyPrint.

:func:`to_pdf` writes one analysis (``report.pdf``); :func:`progress_to_pdf` a
patient's progress summary. The page comes from :mod:`movequal.report.pdf_html`
(a print layout of its own, not the interactive report page) with every part
inline, and WeasyPrint renders it with :class:`OfflineFetcher`, which refuses any
URL that is not a ``data:`` URL: making a PDF never touches the network. Text is
set in DejaVu Sans through fontconfig, which reads only installed fonts.

WeasyPrint loads pango through ctypes on first use, so it is imported inside the
functions: importing this module (or the CLI) stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from movequal.core.assessment import Report
from movequal.report.pdf_html import progress_print_html, report_print_html

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

PDF_MEDIA_TYPE = "application/pdf"


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        """A URL fetcher that serves ``data:`` URLs and refuses every other URL, recording what it refused."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"movequal's PDF is made offline; not fetching {url}")
            response: URLFetcherResponse = super().fetch(url, headers)
            return response

    return OfflineFetcher


def offline_fetcher() -> Any:
    """Return a fresh WeasyPrint URL fetcher that refuses everything but ``data:`` URLs (``.refused`` lists them)."""
    return _fetcher_class()()


def html_to_pdf(document: str, fetcher: Any | None = None) -> bytes:
    """Render a complete HTML document to PDF bytes without network access."""
    import logging

    from weasyprint import HTML

    # WeasyPrint warns on every refused URL and unsupported CSS property; the PDF is still right.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=document, base_url=None, url_fetcher=fetcher or offline_fetcher()).write_pdf()
    return pdf


def report_pdf_bytes(
    report: Report, *, progression: Mapping[str, Any] | None = None, baseline: Mapping[str, Any] | None = None
) -> bytes:
    """Return the PDF of one analysis as bytes (for a download); see :func:`to_pdf`."""
    return html_to_pdf(report_print_html(report, progression, baseline))


def to_pdf(
    report: Report,
    out: Path,
    *,
    progression: Mapping[str, Any] | None = None,
    baseline: Mapping[str, Any] | None = None,
) -> Path:
    """Write the printable A4 PDF of an analysis and return its path.

    Parameters
    ----------
    report : Report
        The analysis (``report.json``'s contents); its dose, when present, is printed as the session line.
    out : Path
        The file to write (its folder must exist).
    progression : Mapping, optional
        The progression gate's answer for this movement, shaped like the API's ``TaskProgressionPublic``.
    baseline : Mapping, optional
        A comparison with a baseline session, shaped like the API's ``ComparisonPublic``.
    """
    out.write_bytes(report_pdf_bytes(report, progression=progression, baseline=baseline))
    return out


def progress_pdf_bytes(
    patient: Mapping[str, Any], progression: Mapping[str, Any], progress: Mapping[str, Any] | None = None
) -> bytes:
    """Return the PDF of a patient's progress summary as bytes; see :func:`progress_to_pdf`."""
    return html_to_pdf(progress_print_html(patient, progression, progress))


def progress_to_pdf(
    patient: Mapping[str, Any],
    progression: Mapping[str, Any],
    out: Path,
    *,
    progress: Mapping[str, Any] | None = None,
) -> Path:
    """Write a patient's progress summary as a PDF and return its path.

    Parameters
    ----------
    patient : Mapping
        At least ``reference`` (and optionally ``display_name``), as the API's ``PatientPublic``.
    progression : Mapping
        The API's ``ProgressionPublic``: each task's recommendation, reasons and sessions (``points``).
    out : Path
        The file to write.
    progress : Mapping, optional
        The API's ``ProgressPublic``: each metric's series, listed with its change and verdict.
    """
    out.write_bytes(progress_pdf_bytes(patient, progression, progress))
    return out
