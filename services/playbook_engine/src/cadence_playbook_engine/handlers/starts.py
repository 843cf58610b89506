"""Starting playbook runs for renewals that entered their window. ONE path for the periodic sweep
(thousands of renewals per transaction) and the event-driven trigger (one account's renewals), so
both write exactly the same renewals, runs, actions and playbook.started events.

A batch: plan in Python (playbook, schedule, ARR — cached, since many renewals share them) →
insert the renewals in one statement (only those the unique key lets in go on) → build the
actions (handlers.started) → ask scoring for every priority (5,000 a call) → insert the runs, COPY
the actions and COPY one playbook.started per run, carrying its actions, into the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cadence.engine.v1 import engine_events_pb2 as events
from cadence.events.v1.envelope_pb2 import EventEnvelope
from cadence.scoring.v1.scoring_pb2 import PriorityResult
from cadence_platform import fx
from cadence_platform.events import new_event

from cadence_playbook_engine.adapters import bulk
from cadence_playbook_engine.adapters.candidates import Due, Windows
from cadence_playbook_engine.domain.model import ActionDraft, PlaybookDef
from cadence_playbook_engine.domain.playbooks import match_playbook
from cadence_playbook_engine.domain.renewals import OPEN_STAGES, in_window, vendor_key
from cadence_playbook_engine.domain.schedule import schedule_run
from cadence_playbook_engine.handlers.deps import Deps
from cadence_playbook_engine.handlers.started import Assembler, NewRun, new_id
from cadence_playbook_engine.handlers.views import OrgContext, renewal_pb

Row = dict[str, Any]
DEFAULT_WINDOW = 120  # the window of a renewal no playbook matches (it gets a renewal, no run)


def window_bounds(defs: list[PlaybookDef]) -> Windows:
    """The widest window any lifecycle stage could give, per (motion, vendor key) and per motion."""

    def bound(motion: str, key: str) -> int:
        chosen = [match_playbook(defs, motion=motion, vendor=key, stage=stage) for stage in OPEN_STAGES]
        return max(p.trigger_days if p else DEFAULT_WINDOW for p in chosen)

    motions = {p.motion for p in defs if p.active}
    specific = {(p.motion, vendor_key(p.vendor)) for p in defs if p.active and vendor_key(p.vendor)}
    # vendor "" matches no vendor-specific playbook: the bound for every other vendor of the motion.
    return Windows({mk: bound(*mk) for mk in specific}, {m: bound(m, "") for m in motions}, DEFAULT_WINDOW)


@dataclass(slots=True)
class Start:
    """One renewal to start: the row to insert (then the stored row), its playbook and schedule."""

    account: Row
    renewal: Row
    playbook: PlaybookDef | None
    drafts: list[ActionDraft]
    run: NewRun | None = None  # its actions, once the renewal is stored


class Planner:
    """Plans starts for one org on one day. Caches what many renewals share: the playbook per
    (motion, vendor key, stage), the schedule per (playbook, renewal date), the rate per currency
    (and, in its assembler, each scheduled step's prototypes)."""

    def __init__(self, ctx: OrgContext, defs: list[PlaybookDef], versions: dict[str, int]) -> None:
        self.ctx = ctx
        self.defs = defs
        self.versions = versions
        self.windows = window_bounds(defs)
        self.assembler = Assembler(ctx)
        self._playbooks: dict[tuple[str, str, str], PlaybookDef | None] = {}
        self._schedules: dict[tuple[str, date], list[ActionDraft]] = {}
        self._rates: dict[str, Decimal | None] = {}

    def playbook(self, motion: str, key: str, stage: str) -> PlaybookDef | None:
        cache_key = (motion, key, stage)
        if cache_key not in self._playbooks:
            self._playbooks[cache_key] = match_playbook(self.defs, motion=motion, vendor=key, stage=stage)
        return self._playbooks[cache_key]

    def drafts(self, playbook: PlaybookDef, renewal_date: date) -> list[ActionDraft]:
        cache_key = (playbook.id, renewal_date)
        if cache_key not in self._schedules:
            self._schedules[cache_key] = schedule_run(playbook, renewal_date=renewal_date, today=self.ctx.today)
        return self._schedules[cache_key]

    def arr(self, per_currency: dict[str, Decimal]) -> Decimal:
        """Sum in the reporting currency; a currency without a rate is left out, not guessed."""
        ctx, total = self.ctx, Decimal(0)
        for currency, amount in per_currency.items():
            if currency == ctx.reporting_currency:
                total += amount
                continue
            if currency not in self._rates:
                self._rates[currency] = fx.rate(currency, ctx.reporting_currency, ctx.today, ctx.fx_rates)
            rate = self._rates[currency]
            if rate is not None:  # as fx.convert: rounded to the cent per currency
                total += (amount * rate).quantize(fx.CENT)
        return total

    def plan(self, due: Due) -> Start | None:
        playbook = self.playbook(due.account["motion"], due.vendor_key, due.stage)
        if not in_window(due.renewal_date, self.ctx.today, playbook.trigger_days if playbook else DEFAULT_WINDOW):
            return None
        # Ids are strings throughout a batch: they go to SQL and messages as text anyway.
        renewal = {"id": new_id(), "org_id": due.account["org_id"], "account_id": due.account["account_id"],
                   "vendor": due.vendor, "vendor_key": due.vendor_key, "renewal_date": due.renewal_date,
                   "subscription_ids": due.subscription_ids, "arr_reporting": self.arr(due.arr),
                   "playbook_id": playbook.id if playbook else None, "run_id": new_id() if playbook else None,
                   "outcome": None, "closed_at": None}
        return Start(due.account, renewal, playbook, self.drafts(playbook, due.renewal_date) if playbook else [])


async def start_batch(deps: Deps, session: AsyncSession, planner: Planner, dues: list[Due]) -> int:
    """Start a run for every due renewal that has none yet; the number of renewals started."""
    ctx, assembler = planner.ctx, planner.assembler
    planned = [s for s in (planner.plan(d) for d in dues) if s is not None]
    conn = await bulk.driver(session)
    stored = await bulk.insert_renewals(conn, [s.renewal for s in planned])
    starts = [s for s in planned if s.renewal["id"] in stored]
    if not starts:
        return 0
    for s in starts:
        s.renewal.update(stored[s.renewal["id"]])  # status, created_at, version: as stored
        if s.playbook is not None:
            s.run = assembler.new_run(s.account, s.renewal, s.playbook, s.drafts)
    runs = [s.run for s in starts if s.run is not None]
    # Every priority before anything is written: the actions go in complete, in one COPY.
    results = await deps.scoring.score(ctx.org_id, [a.priority for run in runs for a in run.actions])
    await bulk.insert_runs(conn, [{
        "id": s.renewal["run_id"], "org_id": s.renewal["org_id"], "renewal_id": s.renewal["id"],
        "playbook_id": s.renewal["playbook_id"], "playbook_version": planner.versions.get(s.playbook.id, 1),
    } for s in starts if s.playbook is not None])
    await bulk.copy_actions(conn, assembler.copy_rows(runs, results))
    await bulk.copy_outbox(conn, deps.outbox, [started_event(deps, assembler, s, results) for s in starts])
    return len(starts)


def started_event(deps: Deps, assembler: Assembler, start: Start, results: dict[str, PriorityResult]
                  ) -> EventEnvelope:
    """playbook.started: the run's own aggregate (started = 1, closed = 2), carrying its actions."""
    ctx, renewal, account, playbook = assembler.ctx, start.renewal, start.account, start.playbook
    run_id = renewal["run_id"]
    payload = events.PlaybookStarted(
        renewal=renewal_pb(renewal, account, ctx.today, currency=ctx.reporting_currency,
                           open_actions=len(start.run.actions) if start.run else 0),
        run_id=run_id or "", playbook_id=playbook.id if playbook else "",
        playbook_name=playbook.name if playbook else "")
    if start.run is not None:
        assembler.add_actions(payload.actions, start.run, results)
    return new_event(event_type="playbook.started", org_id=ctx.org_id, aggregate_id=run_id or renewal["id"],
                     aggregate_version=1, partition_key=account["account_id"], producer=deps.outbox.producer,
                     payload=payload)
