"""Agreement statistics of the clip evaluation: rep-count exactness, fault recall, clean-clip specificity, κ.

Pure functions on :class:`ClipOutcome` records (what the scoring core said about one clip, beside its
labels), so that the figures can be tested on toy data and recomputed on any subset of clips, e.g. one
source group at a time for a leave-one-source-out check.

Conventions that keep the figures from flattering the scoring core:

- A clip with no score (no complete rep, or an input error) is never counted as a clean pass: clean-clip
  specificity asks for a score *and* no finding, and in Cohen's κ such a clip is a third answer,
  ``"no verdict"``, which agrees with neither ``good`` nor ``bad``.
- A labelled fault counts as caught only with the finding code mapped to that label, at any severity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

GOOD = "good"
BAD = "bad"
NO_VERDICT = "no verdict"
MODERATE_OR_SEVERE = frozenset({"moderate", "severe"})


@dataclass(frozen=True)
class Ratio:
    """``count`` of ``total`` clips; ``value`` is their share, ``None`` when there is no clip."""

    count: int
    total: int

    @property
    def value(self) -> float | None:
        """Share ``count / total``, or ``None`` for an empty denominator."""
        return self.count / self.total if self.total else None


@dataclass(frozen=True)
class ClipOutcome:
    """One clip's labels and what the scoring core reported for it.

    Attributes
    ----------
    name
        File name of the clip.
    label
        MANIFEST label: ``good``, ``bad-<fault>`` or ``unknown``.
    source
        Source group (MANIFEST's source repository).
    task
        Task class from the MANIFEST movement description (``squat``, ``lift``, ``lunge``, ...).
    hand_count
        Hand-counted full reps, ``None`` when the clip has none.
    reps
        Full reps the core counted, ``None`` when the clip could not be analysed.
    scored
        Whether the core gave an overall score.
    findings
        ``(code, severity)`` of every finding.
    """

    name: str
    label: str
    source: str
    task: str
    hand_count: int | None
    reps: int | None
    scored: bool
    findings: tuple[tuple[str, str], ...]


def compute_rep_exactness(outcomes: Iterable[ClipOutcome], tolerance: int = 0) -> Ratio:
    """Clips whose rep count is within ``tolerance`` of the hand count, of the clips with a hand count.

    A clip that could not be analysed counts as wrong.
    """
    counted = [(o.reps, o.hand_count) for o in outcomes if o.hand_count is not None]
    hits = sum(reps is not None and abs(reps - hand) <= tolerance for reps, hand in counted)
    return Ratio(hits, len(counted))


def is_fault_caught(outcome: ClipOutcome, codes: frozenset[str]) -> bool:
    """Whether any finding of ``outcome`` carries one of ``codes`` (any severity)."""
    return any(code in codes for code, _ in outcome.findings)


def compute_fault_recall(
    outcomes: Iterable[ClipOutcome], codes_by_label: Mapping[str, frozenset[str]]
) -> dict[str, Ratio]:
    """Per fault label, the clips with a finding of the label's code, of the clips with that label.

    Labels without an entry in ``codes_by_label`` (``good``, ``unknown``, faults that cannot be scored) are
    left out.
    """
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for outcome in outcomes:
        codes = codes_by_label.get(outcome.label)
        if codes is None:
            continue
        total[outcome.label] += 1
        caught[outcome.label] += is_fault_caught(outcome, codes)
    return {label: Ratio(caught[label], total[label]) for label in sorted(total)}


def compute_total(ratios: Iterable[Ratio]) -> Ratio:
    """Pool several ratios into one (sum of counts over sum of totals)."""
    pooled = list(ratios)
    return Ratio(sum(r.count for r in pooled), sum(r.total for r in pooled))


def compute_clean_specificity(outcomes: Iterable[ClipOutcome]) -> dict[str, Ratio]:
    """Of the ``good`` clips: scored with no finding (the specificity), scored, and with no finding at all."""
    good = [o for o in outcomes if o.label == GOOD]
    return {
        "scored_no_finding": Ratio(sum(o.scored and not o.findings for o in good), len(good)),
        "scored": Ratio(sum(o.scored for o in good), len(good)),
        "no_finding": Ratio(sum(not o.findings for o in good), len(good)),
    }


def call_any_finding(outcome: ClipOutcome) -> str:
    """Verdict when any finding makes a clip bad; ``no verdict`` without a score."""
    if not outcome.scored:
        return NO_VERDICT
    return BAD if outcome.findings else GOOD


def call_moderate_or_severe(outcome: ClipOutcome) -> str:
    """Verdict when a moderate or severe finding makes a clip bad; ``no verdict`` without a score."""
    if not outcome.scored:
        return NO_VERDICT
    return BAD if any(severity in MODERATE_OR_SEVERE for _, severity in outcome.findings) else GOOD


def label_class(label: str) -> str | None:
    """``good`` or ``bad`` from a MANIFEST label; ``None`` for ``unknown`` and anything else."""
    if label == GOOD:
        return GOOD
    return BAD if label.startswith("bad-") else None


def compute_cohen_kappa(rater_a: Sequence[str], rater_b: Sequence[str]) -> float | None:
    """Cohen's κ between two raters' categories for the same items.

    κ = (p_o − p_e) / (1 − p_e), with p_o the observed agreement and p_e the agreement expected from the two
    raters' marginal frequencies (Cohen 1960, Educ. Psychol. Meas. 20:37–46). The categories are the union
    of both raters', so a third answer of one rater counts as a disagreement. ``None`` when undefined
    (no items, or p_e = 1).
    """
    if len(rater_a) != len(rater_b):
        raise ValueError("both raters must rate the same items")
    n = len(rater_a)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(rater_a, rater_b, strict=True)) / n
    freq_a, freq_b = Counter(rater_a), Counter(rater_b)
    expected = sum(freq_a[c] * freq_b[c] for c in freq_a) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def compute_good_bad_kappa(
    outcomes: Iterable[ClipOutcome], call: Callable[[ClipOutcome], str]
) -> tuple[float | None, int]:
    """κ between the labels (good vs bad) and ``call``'s verdicts over the labelled clips, and their number."""
    labelled = [(label_class(o.label), o) for o in outcomes]
    pairs = [(cls, call(o)) for cls, o in labelled if cls is not None]
    return compute_cohen_kappa([a for a, _ in pairs], [b for _, b in pairs]), len(pairs)


def compute_unscored(outcomes: Iterable[ClipOutcome], task: str, min_hand_count: int = 0) -> Ratio:
    """Clips of ``task`` left without a score, of the clips of that task (lower is better).

    With ``min_hand_count`` > 0 only clips with at least that many hand-counted full reps are considered.
    """
    of_task = [o for o in outcomes if o.task == task and (o.hand_count or 0) >= min_hand_count]
    return Ratio(sum(not o.scored for o in of_task), len(of_task))


def to_figure(ratio: Ratio, better: str = "higher") -> dict[str, object]:
    """JSON form of a ratio: count, total, share and which direction is better."""
    return {"count": ratio.count, "total": ratio.total, "value": ratio.value, "better": better}


def compute_summary(outcomes: Sequence[ClipOutcome], codes_by_label: Mapping[str, frozenset[str]]) -> dict[str, object]:
    """Every summary figure over ``outcomes``, JSON-ready (see the module docstring for the conventions)."""
    recall = compute_fault_recall(outcomes, codes_by_label)
    clean = compute_clean_specificity(outcomes)
    kappa_any, n_any = compute_good_bad_kappa(outcomes, call_any_finding)
    kappa_mod, n_mod = compute_good_bad_kappa(outcomes, call_moderate_or_severe)
    return {
        "clips": len(outcomes),
        "reps_exact": to_figure(compute_rep_exactness(outcomes)),
        "reps_within_1": to_figure(compute_rep_exactness(outcomes, tolerance=1)),
        "fault_recall": to_figure(compute_total(recall.values())),
        "fault_recall_by_label": {label: to_figure(r) for label, r in recall.items()},
        "clean_scored_no_finding": to_figure(clean["scored_no_finding"]),
        "clean_scored": to_figure(clean["scored"]),
        "clean_no_finding": to_figure(clean["no_finding"]),
        "kappa_any_finding": {"value": kappa_any, "n": n_any, "better": "higher"},
        "kappa_moderate_or_severe": {"value": kappa_mod, "n": n_mod, "better": "higher"},
        "lift_unscored": to_figure(compute_unscored(outcomes, "lift"), better="lower"),
        "lift_unscored_with_rep": to_figure(compute_unscored(outcomes, "lift", min_hand_count=1), better="lower"),
    }
