"""The actions of new runs in three forms — priority inputs for scoring, COPY rows for the actions
table, and the Action messages of playbook.started — built from prototypes rather than field by
field: what every action of one schedule step shares (title, description, due date…) and what
every action of one renewal shares (account, renewal, run, assignee…) is built once and copied.
At a million actions that is the difference between minutes and seconds.

The result is exactly views.priority_input / views.action_pb of the stored rows; an integration
test reads the rows back and checks it, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from cadence.engine.v1 import engine_pb2 as pb
from cadence.scoring.v1 import scoring_pb2 as spb

from cadence_playbook_engine.domain.model import ActionDraft, PlaybookDef
from cadence_playbook_engine.domain.schedule import choose_assignee
from cadence_playbook_engine.handlers.views import OrgContext

Row = dict[str, Any]
# Text-format COPY: these four characters would end a field or a row; everything else goes as is.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
REASONS_CACHED = 20_000


def new_id() -> str:
    """A random (version 4) UUID as text: uuid4() without the UUID object, which at a million
    actions costs more than the rest of an action's row."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}  # RFC 4122 variant bits 10xx


def copy_text(value: str) -> str:
    return value.translate(_COPY_ESCAPES)


def _flag(value: bool) -> str:
    return "t" if value else "f"


@dataclass(frozen=True, slots=True)
class _Step:
    """What every action of one scheduled step shares, in each of the three forms."""

    action: pb.Action
    priority: spb.PriorityInput
    copy: str
    current: bool  # the run's current step: its lowest step index (all of a new run's actions are open)


@dataclass(slots=True)
class NewAction:
    id: str
    step: _Step
    priority: spb.PriorityInput


@dataclass(slots=True)
class NewRun:
    """A started renewal's actions and the prototypes shared by all of them."""

    actions: list[NewAction]
    action: pb.Action
    copy: str


class Assembler:
    """Per org and day (it caches per schedule step)."""

    def __init__(self, ctx: OrgContext) -> None:
        self.ctx = ctx
        self._schedules: dict[tuple[str, date], list[_Step]] = {}
        self._reasons: dict[bytes, str] = {}
        self._stamps: dict[Any, Timestamp] = {}

    def _schedule(self, playbook: PlaybookDef, renewal_date: date, drafts: list[ActionDraft]) -> list[_Step]:
        """The prototypes of a schedule's steps: the schedule is fixed by (playbook, renewal date) on one day."""
        key = (playbook.id, renewal_date)
        if key not in self._schedules:
            first = min((d.step_index for d in drafts), default=None)
            self._schedules[key] = [self._step(d, playbook, d.step_index == first) for d in drafts]
        return self._schedules[key]

    def _step(self, draft: ActionDraft, playbook: PlaybookDef, current: bool) -> _Step:
        steps = playbook.steps
        anchor = steps[draft.step_index].anchor if 0 <= draft.step_index < len(steps) else "run_start"
        due = draft.due_date.isoformat()
        return _Step(
            pb.Action(step_index=draft.step_index, title=draft.title, kind=draft.kind, description=draft.description,
                      due_date=due, status="open", compressed=draft.compressed, adhoc=False, version=1),
            spb.PriorityInput(due_date=due, today=self.ctx.today.isoformat(), kind=draft.kind, adhoc=False,
                              status="open"),
            "\t".join((str(draft.step_index), copy_text(draft.title), draft.kind, copy_text(draft.description),
                       anchor, due, "open", _flag(draft.compressed), _flag(draft.lapsed), "f", "1")),
            current)

    def new_run(self, account: Row, renewal: Row, playbook: PlaybookDef, drafts: list[ActionDraft]) -> NewRun:
        """The run's actions with their priority inputs (scoring comes next)."""
        today = self.ctx.today
        assignee = choose_assignee(str(account["default_rep_id"] or ""), str(account["csm_id"] or ""))
        renewal_date = renewal["renewal_date"]
        created = renewal["created_at"]  # the transaction's now(), as a server default would give
        action = pb.Action(account_id=str(account["account_id"]), account_name=account["name"],
                           renewal_id=str(renewal["id"]), run_id=str(renewal["run_id"]), assignee_id=assignee,
                           escalated=bool(account["escalated"]), vendor=renewal["vendor"],
                           renewal_date=renewal_date.isoformat(), created_at=self._stamp(created),
                           motion=account["motion"])
        shared = spb.PriorityInput(account_id=str(account["account_id"]), renewal_date=renewal_date.isoformat(),
                                   arr_reporting=float(renewal["arr_reporting"] or 0),
                                   escalated=bool(account["escalated"]), motion=account["motion"] or "tech_touch",
                                   lapsed=renewal["status"] == "open" and renewal_date < today)
        stamp = created.isoformat(sep=" ")
        copy = "\t".join((str(account["org_id"]), str(account["account_id"]), str(renewal["id"]),
                          str(renewal["run_id"]), assignee or NULL, stamp, stamp))
        actions = []
        for step in self._schedule(playbook, renewal_date, drafts):
            priority = spb.PriorityInput()
            priority.CopyFrom(step.priority)
            priority.MergeFrom(shared)
            priority.action_id = action_id = new_id()
            priority.current_step = step.current
            actions.append(NewAction(action_id, step, priority))
        return NewRun(actions, action, copy)

    def _stamp(self, when: Any) -> Timestamp:
        """A chunk's runs share one created_at (the transaction's now())."""
        if when not in self._stamps:
            self._stamps[when] = stamp = Timestamp()
            stamp.FromDatetime(when)
        return self._stamps[when]

    def _reasons_json(self, reasons: Any) -> str:
        """jsonb text of a result's reasons; each distinct reason is encoded once."""
        if len(self._reasons) > REASONS_CACHED:  # ARR labels are per renewal: keep the cache bounded
            self._reasons.clear()
        parts = []
        for r in reasons:
            key = r.SerializeToString()
            if key not in self._reasons:
                self._reasons[key] = copy_text(json.dumps({"code": r.code, "label": r.label, "points": r.points}))
            parts.append(self._reasons[key])
        return "[" + ", ".join(parts) + "]"

    def copy_rows(self, runs: list[NewRun], results: dict[str, spb.PriorityResult]) -> Iterator[str]:
        """The actions as text-format COPY rows, in bulk.ACTION_COPY_COLUMNS order."""
        for run in runs:
            for a in run.actions:
                result = results.get(a.id)
                priority, reasons = (result.priority, self._reasons_json(result.reasons)) if result else (0, "[]")
                yield f"{a.id}\t{priority}\t{reasons}\t{run.copy}\t{a.step.copy}\n"

    def add_actions(self, into: Any, run: NewRun, results: dict[str, spb.PriorityResult]) -> None:
        """The run's Action messages, added to playbook.started's repeated `actions`."""
        for a in run.actions:
            message = into.add()
            message.CopyFrom(a.step.action)
            message.MergeFrom(run.action)
            message.id = a.id
            message.current_step = a.step.current
            result = results.get(a.id)
            if result is not None:
                message.priority = result.priority
                message.reasons.extend(result.reasons)
            message.priority_input.CopyFrom(a.priority)
