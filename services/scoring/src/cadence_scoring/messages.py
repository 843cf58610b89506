"""Proto ⇄ domain translation, shared by the gRPC API and the consumers (the domain never sees a proto)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from cadence.engine.v1 import engine_pb2
from cadence.scoring.v1 import scoring_pb2 as pb
from cadence_platform.errors import FieldError, InvalidInput

from cadence_scoring.domain.priority import PriorityInputs, PriorityScore, problems

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str, name: str, errors: list[FieldError], *, required: bool) -> date | None:
    if not text:
        if required:
            errors.append(FieldError(name, "is required"))
        return None
    # date.fromisoformat also takes "20250301" and week dates; the contract says YYYY-MM-DD.
    if ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    errors.append(FieldError(name, f"{text!r} is not an ISO date (YYYY-MM-DD)"))
    return None


def inputs_from_pb(item: pb.PriorityInput, *, default_today: date, prefix: str = "") -> PriorityInputs:
    """One PriorityInput → domain inputs; InvalidInput names every bad field as `<prefix>.<field>`."""
    inputs, errors = _parse(item, default_today=default_today, prefix=prefix)
    if errors:
        raise InvalidInput(f"{errors[0].field}: {errors[0].reason}", errors)
    assert inputs is not None
    return inputs


def batch_from_pb(items: Iterable[pb.PriorityInput], *, default_today: date, max_errors: int = 100,
                  ) -> list[PriorityInputs]:
    """A whole batch, every problem named at once (`items[3].due_date`), capped to keep the status small."""
    parsed: list[PriorityInputs] = []
    errors: list[FieldError] = []
    for i, item in enumerate(items):
        inputs, found = _parse(item, default_today=default_today, prefix=f"items[{i}].")
        errors += found
        if inputs is not None:
            parsed.append(inputs)
    if errors:
        raise InvalidInput(f"{errors[0].field}: {errors[0].reason}", errors[:max_errors])
    return parsed


def _parse(item: pb.PriorityInput, *, default_today: date, prefix: str,
           ) -> tuple[PriorityInputs | None, list[FieldError]]:
    errors: list[FieldError] = []
    due = _date(item.due_date, f"{prefix}due_date", errors, required=True)
    today = _date(item.today, f"{prefix}today", errors, required=False) or default_today
    renewal = _date(item.renewal_date, f"{prefix}renewal_date", errors, required=False)
    # A missing due date still lets the other fields be checked, so one reply names every problem.
    inputs = PriorityInputs(
        action_id=item.action_id, account_id=item.account_id, due_date=due or today, today=today, renewal_date=renewal,
        arr_reporting=item.arr_reporting, escalated=item.escalated, motion=item.motion,
        current_step=item.current_step, lapsed=item.lapsed, kind=item.kind, adhoc=item.adhoc,
        status=item.status or "open",
    )
    errors += [FieldError(f"{prefix}{name}", reason) for name, reason in problems(inputs)]
    return (None if errors else inputs), errors


def input_of_action(action: engine_pb2.Action) -> pb.PriorityInput:
    """The action's priority input, with the action's own fields where the engine left gaps.

    The action's status is authoritative (a completed action may still carry the input it was
    last scored with).
    """
    item = pb.PriorityInput()
    if action.HasField("priority_input"):
        item.CopyFrom(action.priority_input)
    item.action_id = action.id or item.action_id
    item.account_id = action.account_id or item.account_id
    item.status = action.status or item.status
    if not action.HasField("priority_input"):
        item.due_date, item.renewal_date, item.motion = action.due_date, action.renewal_date, action.motion
        item.escalated, item.current_step = action.escalated, action.current_step
        item.kind, item.adhoc = action.kind, action.adhoc
    return item


def result_pb(result: PriorityScore) -> pb.PriorityResult:
    return pb.PriorityResult(
        action_id=result.action_id, priority=result.priority, formula_version=result.formula_version,
        reasons=[pb.PriorityReason(code=r.code, label=r.label, points=r.points) for r in result.reasons],
    )


def priority_updated_pb(account_id: str, results: Iterable[PriorityScore], computed_on: date) -> pb.PriorityUpdated:
    return pb.PriorityUpdated(
        account_id=account_id, items=[result_pb(r) for r in results], computed_on=computed_on.isoformat(),
    )
