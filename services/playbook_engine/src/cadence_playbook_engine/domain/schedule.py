"""Turning a playbook into dated actions, and keeping a run's dates right as things change mid-run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from cadence_playbook_engine.domain.model import ActionDraft, PlaybookDef, Step

ACTION_STATUSES = ("open", "snoozed", "completed", "skipped", "cancelled")
# Statuses that still ask something of somebody: a run with none of these left is done.
LIVE_STATUSES = ("open", "snoozed")

LAPSED_STEP_INDEX = -1
LAPSED_TITLE = "Lapsed renewal: confirm the customer's intent"


def _lapsed_draft(renewal_date: date, today: date) -> ActionDraft:
    return ActionDraft(
        step_index=LAPSED_STEP_INDEX, title=LAPSED_TITLE, kind="call",
        description=(f"The renewal date ({renewal_date.isoformat()}) has passed and the renewal is "
                     "still open. Call the customer today: did they renew elsewhere or late, are they "
                     "renewing, or are they leaving? Record the result so service and the pipeline "
                     "stay right."),
        due_date=today, compressed=False, lapsed=True)


def _step_draft(index: int, step: Step, *, renewal_date: date, today: date) -> ActionDraft:
    # `today` is the run's start: run_start-anchored steps count from the day the run is created.
    anchor = renewal_date if step.anchor == "renewal_date" else today
    due = anchor + timedelta(days=step.offset_days)
    compressed = due < today
    return ActionDraft(step_index=index, title=step.title, kind=step.kind, description=step.description,
                       due_date=today if compressed else due, compressed=compressed, lapsed=False)


def _ordered(drafts: list[ActionDraft]) -> list[ActionDraft]:
    return sorted(drafts, key=lambda d: (d.due_date, d.step_index))


def schedule_run(playbook: PlaybookDef, *, renewal_date: date, today: date) -> list[ActionDraft]:
    """The actions of a run starting `today`, ordered by (due date, step order).

    A step whose date has already passed (a late start) is due today, compressed. A lapsed renewal
    (date before today) also gets the extra "lapsed renewal" call first (step_index -1, lapsed=True);
    the playbook's own steps keep lapsed=False.
    """
    drafts = [_step_draft(i, step, renewal_date=renewal_date, today=today)
              for i, step in enumerate(playbook.steps)]
    if renewal_date < today:
        drafts.append(_lapsed_draft(renewal_date, today))
    return _ordered(drafts)


def choose_assignee(default_rep_id: str, csm_id: str) -> str:
    """The account's default rep, else its CSM owner, else "" (the org's unassigned queue)."""
    return default_rep_id.strip() or csm_id.strip() or ""


def shift_for_new_renewal_date(due_dates: Sequence[tuple[str, date, str]], old: date, new: date,
                               today: date) -> dict[str, tuple[date, bool]]:
    """New due dates of a run's OPEN actions when its renewal date moves from `old` to `new`.

    Input: (action_id, due_date, anchor). Renewal-anchored actions move by (new - old);
    run_start-anchored (and anchor "", e.g. ad-hoc) ones keep their date. An action the move pushes
    into the past is due today with compressed=True. One that was already overdue before the move
    and is still in the past after it keeps its old date (compressed=False): clamping it to today
    would hide that it is overdue, which feeds the renewal's at-risk flag.

    Every input id is in the result. The flag says whether THIS shift compressed the action; the
    caller keeps an action that was compressed earlier compressed (stored = stored or flag).
    """
    delta = new - old
    result: dict[str, tuple[date, bool]] = {}
    for action_id, due, anchor in due_dates:
        moved = due + delta if anchor == "renewal_date" else due
        if moved >= today:
            result[action_id] = (moved, False)
        elif due < today:
            result[action_id] = (due, False)  # already overdue: stays visibly overdue
        else:
            result[action_id] = (today, True)
    return result


def steps_to_replace(open_step_indexes: Iterable[int], started_step_indexes: Iterable[int],
                     new_playbook: PlaybookDef, *, renewal_date: date,
                     today: date) -> tuple[set[int], list[ActionDraft]]:
    """A motion change mid-run: which steps to cancel, and the new playbook's drafts replacing them.

    `open_step_indexes`: steps whose action is NOT STARTED — status open, not snoozed, no outcome
    recorded. `started_step_indexes`: steps the run has progressed through — completed, skipped,
    snoozed, or open with an outcome. (Cancelled actions belong to neither.)

    Every not-started playbook step is cancelled — earlier ones too: they belong to the old
    motion's plan. Negative indexes (the lapsed-renewal call, ad-hoc work) are never cancelled:
    they are not playbook steps. The replacements are the new playbook's steps with an index after
    the last started step (all of them if nothing started), scheduled as a run starting today:
    run_start offsets count from the day of the change, and past-due steps are due today, compressed.
    Their step indexes are the new playbook's, so they never collide with a kept (started) step;
    they may repeat a cancelled step's index.
    """
    started = {i for i in started_step_indexes if i >= 0}
    cancel = {i for i in open_step_indexes if i >= 0} - started
    after = max(started, default=-1)
    drafts = [_step_draft(i, step, renewal_date=renewal_date, today=today)
              for i, step in enumerate(new_playbook.steps) if i > after]
    return cancel, _ordered(drafts)


def current_step_index(statuses: Sequence[tuple[int, str]]) -> int | None:
    """The run's current step: the lowest step index still open or snoozed; None when none is.

    The lapsed-renewal call (-1) counts: while it is open it is the first thing to do.
    """
    live = [index for index, status in statuses if status in LIVE_STATUSES]
    return min(live) if live else None


def run_is_done(statuses: Iterable[tuple[int, str]]) -> bool:
    """No open or snoozed action left (completed, skipped and cancelled all count as finished)."""
    return not any(status in LIVE_STATUSES for _, status in statuses)
