"""Proto ⇄ domain translation: dates, defaults, every bad field named with its item."""

from __future__ import annotations

from datetime import date

import pytest

from cadence.engine.v1.engine_pb2 import Action
from cadence.scoring.v1 import scoring_pb2 as pb
from cadence_platform.errors import InvalidInput

from cadence_scoring.domain.priority import PriorityScore, score
from cadence_scoring.messages import batch_from_pb, input_of_action, inputs_from_pb, result_pb

TODAY = date(2025, 3, 3)


def test_a_full_input_translates_field_by_field() -> None:
    item = pb.PriorityInput(action_id="a", account_id="b", due_date="2025-03-10", today="2025-03-04",
                            renewal_date="2025-04-02", arr_reporting=5.5, escalated=True, motion="mid_touch",
                            current_step=True, lapsed=True, kind="call", adhoc=True, status="snoozed")
    inputs = inputs_from_pb(item, default_today=TODAY)
    assert (inputs.due_date, inputs.today, inputs.renewal_date) == (date(2025, 3, 10), date(2025, 3, 4),
                                                                    date(2025, 4, 2))
    assert (inputs.arr_reporting, inputs.motion, inputs.kind, inputs.status) == (5.5, "mid_touch", "call", "snoozed")
    assert inputs.escalated and inputs.current_step and inputs.lapsed and inputs.adhoc


def test_defaults_today_status_and_no_renewal() -> None:
    inputs = inputs_from_pb(pb.PriorityInput(action_id="a", due_date="2025-03-10"), default_today=TODAY)
    assert (inputs.today, inputs.status, inputs.renewal_date) == (TODAY, "open", None)


def test_every_bad_field_is_named_with_its_item() -> None:
    items = [
        pb.PriorityInput(action_id="ok", due_date="2025-03-10"),
        pb.PriorityInput(action_id="x", due_date="20250310", today="2025-13-01"),
        pb.PriorityInput(action_id="y", renewal_date="2025-W10-1", arr_reporting=-5, status="done"),
    ]
    with pytest.raises(InvalidInput) as error:
        batch_from_pb(items, default_today=TODAY)
    assert [d.field for d in error.value.details] == [
        "items[1].due_date", "items[1].today", "items[2].due_date", "items[2].renewal_date",
        "items[2].arr_reporting", "items[2].status",
    ]
    assert error.value.message.startswith("items[1].due_date: ")


def test_an_action_without_priority_input_uses_its_own_fields() -> None:
    action = Action(id="a", account_id="b", due_date="2025-03-10", renewal_date="2025-04-02", status="open",
                    motion="high_touch", escalated=True, current_step=True, kind="call")
    item = input_of_action(action)
    assert (item.action_id, item.account_id, item.due_date, item.motion, item.escalated) == (
        "a", "b", "2025-03-10", "high_touch", True)


def test_the_actions_status_wins_over_its_last_input() -> None:
    action = Action(id="a", account_id="b", status="completed",
                    priority_input=pb.PriorityInput(action_id="a", due_date="2025-03-10", status="open"))
    assert input_of_action(action).status == "completed"


def test_results_translate_with_reasons_in_order() -> None:
    result = score(inputs_from_pb(pb.PriorityInput(action_id="a", due_date="2025-03-03", escalated=True),
                                  default_today=TODAY))
    message = result_pb(result)
    assert (message.action_id, message.priority, message.formula_version) == ("a", 42, result.formula_version)
    assert [(r.code, r.points) for r in message.reasons] == [("due", 24), ("escalated", 18)]
    assert not result_pb(PriorityScore("z", 0)).reasons
