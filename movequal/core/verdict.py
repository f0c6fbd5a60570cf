"""From the 0-100 score and the findings to the verdict ("Good", "Fair", "Needs work", "Poor").

The score is the points' account: each rep starts at 100 and loses the points of
every finding seen in it, so a clip's score is traceable finding by finding. The
verdict is what a reader takes away, and a score alone can mislead: one severe
compensation costs a rep 20 points, so a set with the same severe fault in
every rep still scores 80. :func:`compute_rating` therefore starts from the
score's band and lets the worst *consistent* finding cap it:

- a finding that is severe in half of the reps or more: at best "Needs work";
- a finding that is moderate or worse in more than half of the reps: at best "Fair".

A cap only ever lowers the label; the score is never changed. The reasoning is
in ``docs/SCORING.md`` ("From score to verdict").
"""

from __future__ import annotations

from dataclasses import dataclass

from movequal.core.assessment import Assessment, Finding, Rating, RatingLabel, Rep, Severity

RATING_ORDER: tuple[RatingLabel, ...] = ("Good", "Fair", "Needs work", "Poor")
"""Labels from best to worst."""

SCORE_BANDS: tuple[tuple[float, RatingLabel, str], ...] = (
    (85.0, "Good", "Your movement looked controlled, with at most small points to work on."),
    (70.0, "Fair", "Mostly good movement, with a few habits worth practising."),
    (50.0, "Needs work", "Several compensations showed up; the tips below say what to practise."),
    (0.0, "Poor", "Marked compensations showed up in most repetitions; go through them with your clinician."),
)
"""Lower bound of the score, label and plain-language meaning of each band."""

CAPPED_SENTENCES: dict[RatingLabel, str] = {
    "Fair": "Mostly good movement, but one compensation showed up consistently; the tips below say what to practise.",
    "Needs work": "A marked compensation showed up consistently; the tips below say what to practise.",
}
"""Meaning of a label reached by a cap (one consistent finding) rather than by the points."""

SEVERITY_RANK: dict[Severity, int] = {"mild": 0, "moderate": 1, "severe": 2}


@dataclass(frozen=True)
class RatingCap:
    """A consistency rule: a finding at ``severity`` or worse in enough reps caps the label at ``cap``."""

    severity: Severity
    """The least severity a rep must show to count."""
    min_share: float
    """Share of the clip's reps that must count."""
    inclusive: bool
    """True: reaching ``min_share`` is enough ("half or more"); False: it must be exceeded ("most")."""
    cap: RatingLabel
    """The best label the clip can then get."""


SEVERE_CONSISTENT_SHARE = 0.5
"""A finding severe in this share of the reps or more caps it at :data:`SEVERE_CONSISTENT_CAP`."""
SEVERE_CONSISTENT_CAP: RatingLabel = "Needs work"
MODERATE_CONSISTENT_SHARE = 0.5
"""A finding moderate or worse in more than this share of the reps caps it at :data:`MODERATE_CONSISTENT_CAP`."""
MODERATE_CONSISTENT_CAP: RatingLabel = "Fair"

RATING_CAPS: tuple[RatingCap, ...] = (
    RatingCap("severe", SEVERE_CONSISTENT_SHARE, True, SEVERE_CONSISTENT_CAP),
    RatingCap("moderate", MODERATE_CONSISTENT_SHARE, False, MODERATE_CONSISTENT_CAP),
)
"""The consistency rules, strictest first."""


@dataclass(frozen=True)
class CapHit:
    """A cap that applies: the rule, the finding that triggers it and how many reps count."""

    rule: RatingCap
    finding: Finding
    reps: int
    order: int
    """Position of the finding in the clip's list."""


def compute_score_band(score: float) -> tuple[RatingLabel, str]:
    """Return the label and meaning of the band ``score`` falls in."""
    for lower, label, meaning in SCORE_BANDS:
        if score >= lower:
            return label, meaning
    return SCORE_BANDS[-1][1], SCORE_BANDS[-1][2]


def _band_sentence(label: RatingLabel) -> str:
    return next(meaning for _, band, meaning in SCORE_BANDS if band == label)


def from_score(score: float) -> Rating:
    """Rate by the score alone (reports written before schema 1.3.0 carry no rating)."""
    label, meaning = compute_score_band(score)
    return Rating(label=label, sentence=meaning, score_band=label)


def count_reps_at_least(finding: Finding, severity: Severity) -> int:
    """Count the reps in which ``finding`` was at ``severity`` or worse."""
    return sum(SEVERITY_RANK[s] >= SEVERITY_RANK[severity] for s in finding.rep_severity)


def _applies(rule: RatingCap, reps: int, n_reps: int) -> bool:
    share = reps / n_reps
    return reps > 0 and (share >= rule.min_share if rule.inclusive else share > rule.min_share)


def detect_cap(findings: list[Finding], n_reps: int) -> CapHit | None:
    """Find the strictest cap the findings trigger (ties: the finding in more reps, then the first listed)."""
    if n_reps <= 0:
        return None
    hits = [
        CapHit(rule, f, count, i)
        for rule in RATING_CAPS
        for i, f in enumerate(findings)
        if _applies(rule, count := count_reps_at_least(f, rule.severity), n_reps)
    ]
    if not hits:
        return None
    return max(hits, key=lambda h: (RATING_ORDER.index(h.rule.cap), h.reps, -h.order))


def describe_cap(hit: CapHit, n_reps: int, score_band: RatingLabel, unit: str = "repetition") -> str:
    """Say why the rating is lower than the score band, in one line (``unit``: what was counted, singular)."""
    seen = [
        s
        for s in SEVERITY_RANK
        if s in hit.finding.rep_severity and SEVERITY_RANK[s] >= SEVERITY_RANK[hit.rule.severity]
    ]
    severity = " or ".join(seen)
    title = hit.finding.title[:1].lower() + hit.finding.title[1:]
    return (
        f"Rated at most {hit.rule.cap}: {title}, {severity} on {hit.reps} of {n_reps} "
        f"{unit if n_reps == 1 else PLURALS.get(unit, unit + 's')}; the score alone would rate it {score_band}."
    )


PLURALS = {"pass": "passes"}
"""Plurals that are not the singular plus "s"."""


def compute_rating(
    score: float | None, findings: list[Finding], n_reps: int, unit: str = "repetition"
) -> Rating | None:
    """Rate a clip: the score's band, lowered to the cap of the worst consistent finding.

    Parameters
    ----------
    score : float or None
        The overall 0-100 score (None without reps).
    findings : list of Finding
        The clip's findings, with each rep's severity.
    n_reps : int
        Number of scored reps (walking: passes).
    unit : str
        What ``n_reps`` counts, singular, for the reason's wording (walking: ``"pass"``).

    Returns
    -------
    Rating or None
        None without reps or score; otherwise the label, its sentence, the score band and, when a
        finding lowered the label, its code and the reason.
    """
    if score is None or n_reps <= 0:
        return None
    return _rate(score, findings, n_reps, unit)


def _rate(score: float, findings: list[Finding], n_reps: int, unit: str = "repetition") -> Rating:
    band = from_score(score)
    hit = detect_cap(findings, n_reps)
    if hit is None or RATING_ORDER.index(hit.rule.cap) <= RATING_ORDER.index(band.label):
        return band
    return Rating(
        label=hit.rule.cap,
        sentence=CAPPED_SENTENCES.get(hit.rule.cap) or _band_sentence(hit.rule.cap),
        score_band=band.label,
        capped_by=hit.finding.code,
        reason=describe_cap(hit, n_reps, band.label, unit),
    )


def from_assessment(assessment: Assessment) -> Rating | None:
    """Return the assessment's rating; for a report from before schema 1.3.0 (which has none), its score band."""
    if assessment.rating is not None or assessment.score is None:
        return assessment.rating
    return from_score(assessment.score)


def compute_rep_rating(rep: Rep, findings: list[Finding]) -> Rating:
    """Rate one rep (live feedback): its score's band, capped by a finding severe in it.

    ``findings`` may be the clip's or the rep's own; only their severity in ``rep`` counts.
    """
    own = [
        f.model_copy(update={"reps": [rep.number], "rep_severity": [severity], "severity": severity})
        for f in findings
        for number, severity in zip(f.reps, f.rep_severity, strict=True)
        if number == rep.number
    ]
    return _rate(rep.score, own, 1)
