"""Outputs of an assessment: the report model built once, the HTML report, plots, exports, overlays.

:func:`~movequal.report.build.build_report` makes the ``report.json`` contents for offline and live
analyses alike; the other modules turn a report and its series into files and pictures.
"""
