"""The result page's "Compare with a baseline" panel.

The panel is a labelled select and two empty regions; ``/static/compare.js``
fills the select with the patient's other finished sessions (the same movement
first, from ``GET /v1/analyses?patient_id=…``) and, once one is chosen, draws
what ``GET /v1/analyses/{id}/comparison?baseline=…`` answers: the differences
between the sessions, the metric changes against their MDC and the rep curves
overlaid, in the same markup and styles as the downloadable report's comparison
(:mod:`movequal.report.baseline`, :mod:`movequal.report.curves_section`). The
curves are interactive charts drawn by ``MQCharts.repCurve``
(:mod:`movequal.report.charts`), which the result page's ``report.js`` defines
before this panel's deferred script runs.
"""

from __future__ import annotations

import html

from api.models import Analysis


def compare_panel(job: Analysis) -> str:
    """Return the panel for a finished analysis of a patient; an analysis of no patient gets none."""
    if job.patient_id is None or job.result is None:
        return ""
    movement = str(job.result.report.get("assessment", {}).get("movement", ""))
    data = (
        f'data-analysis="{html.escape(job.id)}" data-patient="{html.escape(job.patient_id)}" '
        f'data-movement="{html.escape(movement)}"'
    )
    return (
        '<link rel="stylesheet" href="/static/compare.css">'
        f'<section class="card compare" id="compare" aria-labelledby="compare-heading" {data}>'
        '<h2 id="compare-heading">Compare with a baseline</h2>'
        '<p class="muted small">Choose an earlier session of this patient: each metric\'s change is shown against its '
        "measurement error (a real change only past the MDC), and both sessions' rep curves are overlaid.</p>"
        '<div class="compare-pick"><label for="compare-baseline">Baseline session</label>'
        '<select id="compare-baseline" disabled><option value="">Loading the sessions…</option></select></div>'
        '<p class="muted small" id="compare-status" role="status" aria-live="polite"></p>'
        '<div id="compare-result"></div>'
        "<noscript><p>Comparing sessions needs JavaScript.</p></noscript></section>"
        '<script src="/static/compare.js" defer></script>'
    )
