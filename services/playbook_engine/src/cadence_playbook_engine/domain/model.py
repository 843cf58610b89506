"""Value types the engine's rules work on. Plain, immutable and free of persistence concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class SubscriptionLine:
    """One subscription as the engine's read model holds it (fed by subscription.* events)."""

    id: str
    account_id: str
    vendor: str
    renewal_date: date
    lifecycle_stage: str
    arr: Decimal | None
    currency: str
    term_start: date | None


@dataclass(frozen=True, slots=True)
class RenewalKey:
    """The natural key of a renewal: at most one open renewal per key."""

    account_id: str
    vendor_key: str  # renewals.vendor_key(vendor): "Microsoft" and "microsoft " co-term together
    renewal_date: date


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    kind: str  # call | meeting | email | task
    offset_days: int  # -90 = 90 days before the anchor
    anchor: str  # renewal_date | run_start
    description: str = ""


@dataclass(frozen=True, slots=True)
class PlaybookDef:
    id: str
    name: str
    motion: str  # high_touch | mid_touch | tech_touch
    vendor: str  # "" = any vendor
    lifecycle_stage: str  # "" = any stage
    trigger_days: int  # the renewal window: a run starts this many days before the renewal date
    steps: tuple[Step, ...]
    active: bool = True


@dataclass(frozen=True, slots=True)
class ActionDraft:
    """An action to create for a run; the caller adds ids, assignee and priority."""

    step_index: int  # the playbook step's index; -1 for the extra "lapsed renewal" action
    title: str
    kind: str
    description: str
    due_date: date
    compressed: bool  # its step was already past due when scheduled, so it is due today instead
    lapsed: bool  # the extra action of a lapsed renewal (scoring ranks it high)
