"""The priority formula: hand-worked cases, then properties over a grid of inputs."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from cadence_scoring.domain.priority import (
    FORMULA_VERSION,
    MOTIONS,
    PriorityInputs,
    PriorityReason,
    problems,
    score,
)

TODAY = date(2025, 3, 3)


def action(**changes: object) -> PriorityInputs:
    """A plain open action: due in 60 days, no renewal, no ARR, tech touch, a later step."""
    base = PriorityInputs(action_id="act-1", account_id="acc-1", due_date=TODAY + timedelta(days=60), today=TODAY)
    return replace(base, **changes)  # type: ignore[arg-type]


def points(inputs: PriorityInputs) -> dict[str, int]:
    return {r.code: r.points for r in score(inputs).reasons}


# --- hand-worked cases ---------------------------------------------------------------------------

def test_the_readme_example() -> None:
    inputs = action(due_date=TODAY + timedelta(days=7), arr_reporting=120_000, renewal_date=TODAY + timedelta(days=30),
                    motion="high_touch", current_step=True)
    result = score(inputs)
    # due: 24 · 0.5^(7/7) = 12
    # current_step: 15
    # arr: 15 · log10(120,000 / 1,000) / 3 = 5 · 2.0792 = 10.40 → 10
    # renewal: 10 · (1 − 30/120) = 7.5 → 8 (half up)
    # motion: high touch 6
    # 12 + 15 + 10 + 8 + 6 = 51
    assert result.priority == 51
    assert result.reasons == (
        PriorityReason("current_step", "current step of its run", 15),
        PriorityReason("due", "due in 7 days", 12),
        PriorityReason("arr", "ARR 120,000", 10),
        PriorityReason("renewal", "renewal in 30 days", 8),
        PriorityReason("motion", "high-touch account", 6),
    )
    assert result.formula_version == FORMULA_VERSION
    # The account is escalated: + 18 → 69, and the escalation is now the largest reason after none.
    escalated = score(replace(inputs, escalated=True))
    assert escalated.priority == 69
    assert escalated.reasons[0] == PriorityReason("escalated", "account escalated", 18)


def test_everything_at_its_maximum_is_exactly_100() -> None:
    inputs = action(due_date=TODAY - timedelta(days=3), arr_reporting=5_000_000, renewal_date=TODAY - timedelta(days=5),
                    escalated=True, motion="high_touch", current_step=True)
    # overdue 30 + escalated 18 + current step 15 + ARR (≥1M) 15 + renewal (passed) 10 + lapsed 6 + high touch 6
    assert score(inputs).priority == 30 + 18 + 15 + 15 + 10 + 6 + 6 == 100
    assert points(inputs)["due"] == 30 and points(inputs)["lapsed"] == 6
    labels = {r.code: r.label for r in score(inputs).reasons}
    assert labels["due"] == "overdue by 3 days"
    assert labels["renewal"] == "renewal date passed 5 days ago"


def test_a_far_away_small_action_scores_zero_with_no_reasons() -> None:
    # due in 60 days: 24 · 0.5^(60/7) = 0.063 → 0; no ARR, no renewal, tech touch, not current.
    assert score(action(motion="tech_touch")).priority == 0
    assert score(action()).reasons == ()


def test_due_today_mid_touch() -> None:
    inputs = action(due_date=TODAY, arr_reporting=10_000, renewal_date=TODAY + timedelta(days=90), motion="mid_touch")
    # due today 24; ARR 15 · log10(10)/3 = 5; renewal 10 · (1 − 90/120) = 2.5 → 3; mid touch 3; 24+5+3+3 = 35
    assert points(inputs) == {"due": 24, "arr": 5, "renewal": 3, "motion": 3}
    assert score(inputs).priority == 35


def test_the_due_curve_halves_every_week() -> None:
    expected = {-1: 30, 0: 24, 7: 12, 14: 6, 21: 3, 28: 2, 35: 1, 42: 0}  # 28 days: 1.5 → 2 (half up)
    for days, due_points in expected.items():
        assert points(action(due_date=TODAY + timedelta(days=days))).get("due", 0) == due_points, days


def test_the_arr_curve_is_logarithmic_and_saturates() -> None:
    expected = {0: 0, 1_000: 0, 10_000: 5, 100_000: 10, 1_000_000: 15, 50_000_000: 15}
    for arr, arr_points in expected.items():
        assert points(action(arr_reporting=arr)).get("arr", 0) == arr_points, arr


def test_a_lapsed_flag_gives_the_maximum_renewal_points_and_a_lapsed_reason() -> None:
    inputs = action(renewal_date=TODAY + timedelta(days=100), lapsed=True)
    assert points(inputs) == {"renewal": 10, "lapsed": 6}
    assert {r.label for r in score(inputs).reasons} == {"renewal lapsed", "renewal lapsed without an outcome"}
    assert points(action(lapsed=True)) == {"renewal": 10, "lapsed": 6}  # a lapsed renewal with no date given


def test_the_renewal_day_itself_is_not_lapsed() -> None:
    assert points(action(renewal_date=TODAY)) == {"renewal": 10}
    assert points(action(renewal_date=TODAY - timedelta(days=1))) == {"renewal": 10, "lapsed": 6}


@pytest.mark.parametrize("status", ["completed", "skipped", "cancelled"])
def test_closed_actions_score_zero_with_no_reasons(status: str) -> None:
    result = score(action(status=status, escalated=True, current_step=True, due_date=TODAY - timedelta(days=9)))
    assert (result.priority, result.reasons) == (0, ())


def test_a_snoozed_action_is_scored_like_an_open_one() -> None:
    inputs = action(escalated=True, due_date=TODAY)
    assert score(replace(inputs, status="snoozed")).priority == score(inputs).priority == 42


def test_reasons_are_largest_first_with_a_fixed_order_for_ties() -> None:
    # due in 14 days → 6, high touch → 6, lapsed → 6: equal points keep the order due, lapsed, motion.
    inputs = action(due_date=TODAY + timedelta(days=14), motion="high_touch", lapsed=True)
    assert [r.code for r in score(inputs).reasons] == ["renewal", "due", "lapsed", "motion"]


def test_problems_name_the_bad_fields() -> None:
    assert problems(action()) == []
    bad = action(arr_reporting=float("nan"), motion="high", status="done")
    assert [name for name, _ in problems(bad)] == ["arr_reporting", "motion", "status"]
    assert [name for name, _ in problems(action(arr_reporting=-1.0))] == ["arr_reporting"]


# --- properties ------------------------------------------------------------------------------------

def grid() -> list[PriorityInputs]:
    """Every combination of a few values per input, plus random ones (seeded, so runs repeat)."""
    dues = [-30, -1, 0, 1, 3, 6, 7, 13, 30, 90]
    renewals: list[int | None] = [None, -10, -1, 0, 15, 60, 119, 120, 400]
    arrs = [0.0, 999.0, 1_500.0, 40_000.0, 999_999.0, 2e6]
    found = [
        action(due_date=TODAY + timedelta(days=d), renewal_date=None if r is None else TODAY + timedelta(days=r),
               arr_reporting=a, escalated=e, motion=m, current_step=c, lapsed=lapsed)
        for d, r, a, e, m, c, lapsed in itertools.product(
            dues, renewals, arrs, [False, True], ["", *sorted(MOTIONS)], [False, True], [False, True])
    ]
    rng = random.Random(20250303)
    for _ in range(2_000):
        found.append(action(
            due_date=TODAY + timedelta(days=rng.randint(-60, 200)),
            renewal_date=TODAY + timedelta(days=rng.randint(-60, 500)) if rng.random() < 0.8 else None,
            arr_reporting=rng.choice([0.0, rng.uniform(0, 5e6), 10 ** rng.uniform(2, 7)]),
            escalated=rng.random() < 0.3, motion=rng.choice(["", *sorted(MOTIONS)]),
            current_step=rng.random() < 0.5, lapsed=rng.random() < 0.1,
        ))
    return found


GRID = grid()
MOTION_RANK = {"": 0, "tech_touch": 0, "mid_touch": 1, "high_touch": 2}


def test_bounds_and_reasons_add_up() -> None:
    for inputs in GRID:
        result = score(inputs)
        assert 0 <= result.priority <= 100
        assert result.priority == sum(r.points for r in result.reasons)
        assert all(r.points > 0 for r in result.reasons)
        assert [r.points for r in result.reasons] == sorted((r.points for r in result.reasons), reverse=True)


def test_deterministic() -> None:
    assert [score(i) for i in GRID[:500]] == [score(i) for i in GRID[:500]]


def test_more_arr_never_lowers_priority() -> None:
    for inputs in GRID:
        for more in (inputs.arr_reporting * 1.5 + 1, inputs.arr_reporting + 50_000):
            assert score(replace(inputs, arr_reporting=more)).priority >= score(inputs).priority


def test_a_nearer_due_date_never_lowers_priority() -> None:
    for inputs in GRID:
        nearer = replace(inputs, due_date=inputs.due_date - timedelta(days=1))
        assert score(nearer).priority >= score(inputs).priority


def test_a_nearer_renewal_never_lowers_priority() -> None:
    for inputs in GRID:
        if inputs.renewal_date is not None:
            nearer = replace(inputs, renewal_date=inputs.renewal_date - timedelta(days=1))
            assert score(nearer).priority >= score(inputs).priority


def test_passing_days_never_lower_priority() -> None:
    for inputs in GRID:
        assert score(replace(inputs, today=inputs.today + timedelta(days=1))).priority >= score(inputs).priority


def test_escalation_never_lowers_priority() -> None:
    for inputs in GRID:
        assert score(replace(inputs, escalated=True)).priority >= score(replace(inputs, escalated=False)).priority
        assert score(replace(inputs, escalated=True)).priority > score(replace(inputs, escalated=False)).priority


def test_a_higher_touch_motion_never_lowers_priority() -> None:
    for inputs in GRID[:3_000]:
        ranked = sorted(["", "tech_touch", "mid_touch", "high_touch"], key=MOTION_RANK.__getitem__)
        scores = [score(replace(inputs, motion=m)).priority for m in ranked]
        assert scores == sorted(scores)


def test_the_current_step_outranks_a_later_step_of_the_same_run() -> None:
    for inputs in GRID:
        current = score(replace(inputs, current_step=True)).priority
        assert current > score(replace(inputs, current_step=False)).priority
        # A later step is due no sooner than the current one: it never outranks it.
        later = replace(inputs, current_step=False, due_date=inputs.due_date + timedelta(days=3))
        assert current > score(later).priority
