from datetime import date, timedelta

from cadence_playbook_engine.domain.model import ActionDraft, PlaybookDef, Step
from cadence_playbook_engine.domain.schedule import (
    LAPSED_TITLE,
    choose_assignee,
    current_step_index,
    run_is_done,
    schedule_run,
    shift_for_new_renewal_date,
    steps_to_replace,
)

RENEWAL = date(2027, 3, 31)

PLAYBOOK = PlaybookDef(
    id="p", name="High", motion="high_touch", vendor="", lifecycle_stage="", trigger_days=120,
    steps=(
        Step("Map stakeholders", "task", 5, "run_start"),
        Step("Usage call", "call", -90, "renewal_date"),
        Step("QBR", "meeting", -75, "renewal_date"),
        Step("Proposal", "email", -45, "renewal_date"),
        Step("Close", "task", -10, "renewal_date"),
    ))


def summary(drafts: list[ActionDraft]) -> list[tuple[int, date, bool]]:
    return [(d.step_index, d.due_date, d.compressed) for d in drafts]


def test_on_time_start_follows_the_offsets() -> None:
    today = RENEWAL - timedelta(days=120)  # 2026-12-01
    drafts = schedule_run(PLAYBOOK, renewal_date=RENEWAL, today=today)
    assert summary(drafts) == [
        (0, date(2026, 12, 6), False),
        (1, date(2026, 12, 31), False),
        (2, date(2027, 1, 15), False),
        (3, date(2027, 2, 14), False),
        (4, date(2027, 3, 21), False),
    ]
    assert drafts[1].title == "Usage call" and drafts[1].kind == "call"
    assert not any(d.lapsed for d in drafts)


def test_late_start_compresses_the_missed_steps_to_today() -> None:
    today = RENEWAL - timedelta(days=60)  # 2027-01-30: the -90 and -75 steps are already past
    drafts = schedule_run(PLAYBOOK, renewal_date=RENEWAL, today=today)
    assert summary(drafts) == [
        (1, today, True),
        (2, today, True),
        (0, date(2027, 2, 4), False),  # run_start + 5
        (3, date(2027, 2, 14), False),
        (4, date(2027, 3, 21), False),
    ]


def test_a_step_due_exactly_today_is_not_compressed() -> None:
    drafts = schedule_run(PLAYBOOK, renewal_date=RENEWAL, today=RENEWAL - timedelta(days=45))
    assert (3, RENEWAL - timedelta(days=45), False) in summary(drafts)


def test_lapsed_renewal_starts_with_the_lapsed_call() -> None:
    today = RENEWAL + timedelta(days=3)
    drafts = schedule_run(PLAYBOOK, renewal_date=RENEWAL, today=today)
    first = drafts[0]
    assert (first.step_index, first.title, first.kind, first.due_date, first.lapsed, first.compressed) == (
        -1, "Lapsed renewal: confirm the customer's intent", "call", today, True, False)
    assert first.title == LAPSED_TITLE and "2027-03-31" in first.description
    assert summary(drafts[1:]) == [(1, today, True), (2, today, True), (3, today, True), (4, today, True),
                                   (0, today + timedelta(days=5), False)]
    assert [d.lapsed for d in drafts] == [True, False, False, False, False, False]


def test_renewal_day_itself_is_not_lapsed() -> None:
    drafts = schedule_run(PLAYBOOK, renewal_date=RENEWAL, today=RENEWAL)
    assert all(d.step_index >= 0 for d in drafts)


def test_assignee_fallback() -> None:
    assert choose_assignee("rep-1", "csm-1") == "rep-1"
    assert choose_assignee("", "csm-1") == "csm-1"
    assert choose_assignee(" ", "csm-1") == "csm-1"
    assert choose_assignee("", "") == ""


def test_renewal_date_moves_later() -> None:
    today = date(2027, 1, 10)
    actions = [("a1", date(2027, 1, 15), "renewal_date"), ("a2", date(2027, 1, 12), "run_start"),
               ("a3", date(2027, 2, 14), "renewal_date")]
    shifted = shift_for_new_renewal_date(actions, RENEWAL, RENEWAL + timedelta(days=30), today)
    assert shifted == {"a1": (date(2027, 2, 14), False), "a2": (date(2027, 1, 12), False),
                       "a3": (date(2027, 3, 16), False)}


def test_renewal_date_moves_earlier_and_past_dates_become_today_compressed() -> None:
    today = date(2027, 1, 10)
    actions = [("a1", date(2027, 1, 15), "renewal_date"), ("a2", date(2027, 1, 12), "run_start"),
               ("a3", date(2027, 2, 14), "renewal_date"), ("a4", today, "renewal_date")]
    shifted = shift_for_new_renewal_date(actions, RENEWAL, RENEWAL - timedelta(days=10), today)
    assert shifted == {"a1": (today, True), "a2": (date(2027, 1, 12), False),
                       "a3": (date(2027, 2, 4), False), "a4": (today, True)}


def test_an_overdue_action_stays_overdue_unless_the_move_brings_it_back() -> None:
    today = date(2027, 1, 10)
    actions = [("late", date(2027, 1, 1), "renewal_date"), ("late2", date(2027, 1, 5), "renewal_date"),
               ("late_rs", date(2027, 1, 1), "run_start")]
    later = shift_for_new_renewal_date(actions, RENEWAL, RENEWAL + timedelta(days=7), today)
    assert later == {"late": (date(2027, 1, 1), False), "late2": (date(2027, 1, 12), False),
                     "late_rs": (date(2027, 1, 1), False)}
    same = shift_for_new_renewal_date(actions, RENEWAL, RENEWAL, today)
    assert same == {"late": (date(2027, 1, 1), False), "late2": (date(2027, 1, 5), False),
                    "late_rs": (date(2027, 1, 1), False)}


NEW = PlaybookDef(
    id="m", name="Mid", motion="mid_touch", vendor="", lifecycle_stage="", trigger_days=120,
    steps=(
        Step("Check usage", "task", 7, "run_start"),
        Step("Check-in call", "call", -75, "renewal_date"),
        Step("Quote", "email", -45, "renewal_date"),
        Step("Confirm order", "task", -14, "renewal_date"),
    ))


def test_motion_change_replaces_the_not_started_steps() -> None:
    today = date(2027, 1, 20)  # 70 days before the renewal
    # steps 0 and 1 completed, 2 snoozed (started), 3 and 4 open and untouched, -1 the lapsed call
    cancel, drafts = steps_to_replace([3, 4, -1], [0, 1, 2], NEW, renewal_date=RENEWAL, today=today)
    assert cancel == {3, 4}
    assert summary(drafts) == [(3, date(2027, 3, 17), False)]
    assert drafts[0].title == "Confirm order" and not drafts[0].lapsed


def test_motion_change_before_anything_started_takes_the_whole_new_playbook() -> None:
    today = date(2027, 1, 20)
    cancel, drafts = steps_to_replace([0, 1, 2, 3, 4], [], NEW, renewal_date=RENEWAL, today=today)
    assert cancel == {0, 1, 2, 3, 4}
    assert summary(drafts) == [(1, today, True), (0, date(2027, 1, 27), False),
                               (2, date(2027, 2, 14), False), (3, date(2027, 3, 17), False)]


def test_motion_change_cancels_an_earlier_open_step_too() -> None:
    cancel, drafts = steps_to_replace([0, 2], [1], NEW, renewal_date=RENEWAL, today=date(2027, 1, 20))
    assert cancel == {0, 2}
    assert [d.step_index for d in drafts] == [2, 3]


def test_motion_change_after_the_new_playbooks_last_step_adds_nothing() -> None:
    cancel, drafts = steps_to_replace([5], [4], NEW, renewal_date=RENEWAL, today=date(2027, 3, 1))
    assert cancel == {5} and drafts == []


def test_a_step_listed_both_ways_counts_as_started() -> None:
    cancel, _ = steps_to_replace([2, 3], [2], NEW, renewal_date=RENEWAL, today=date(2027, 1, 20))
    assert cancel == {3}


def test_current_step_and_done() -> None:
    statuses = [(0, "completed"), (1, "skipped"), (2, "snoozed"), (3, "open"), (4, "cancelled")]
    assert current_step_index(statuses) == 2
    assert current_step_index([(0, "completed"), (3, "open"), (1, "open")]) == 1
    assert current_step_index([(-1, "open"), (0, "open")]) == -1
    assert current_step_index([(0, "completed"), (1, "cancelled")]) is None
    assert current_step_index([]) is None
    assert not run_is_done(statuses)
    assert not run_is_done([(0, "completed"), (1, "snoozed")])
    assert run_is_done([(0, "completed"), (1, "skipped"), (2, "cancelled")])
    assert run_is_done([])
