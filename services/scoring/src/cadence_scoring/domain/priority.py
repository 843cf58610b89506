"""THE action priority formula: one pure function, `score(inputs) -> PriorityScore`.

A priority is an integer 0–100 (higher is worked first) and is the exact sum of its reasons'
points. Seven components, each rounded half-up to whole points on its own, so the reasons
always add up to the priority and each component's maximum is reached by the inputs alone:

| code         | max | curve                                                                    |
|--------------|-----|--------------------------------------------------------------------------|
| due          |  30 | overdue 30; due today 24, halving every 7 days until due:               |
|              |     | 24 · 0.5^(days/7) → 7 days 12, 14 days 6, 21 days 3, 28 days 2, 42+ 0   |
| escalated    |  18 | the account's escalation flag is up                                     |
| current_step |  15 | the run's earlier steps are done (this is the step to work now)         |
| arr          |  15 | 15 · log10(ARR / 1,000) / 3, clamped 0–15: ≤1k 0, 10k 5, 100k 10, ≥1M 15 |
| renewal      |  10 | 10 · (1 − days to renewal / 120), clamped 0–10: 30 days 8, 90 days 3;   |
|              |     | on or past the renewal date (or lapsed) 10; no renewal (ad hoc) 0        |
| lapsed       |   6 | the renewal date passed without an outcome (flag, or date < today)      |
| motion       |   6 | high_touch 6, mid_touch 3, tech_touch (or none) 0                        |

The maxima add up to exactly 100, so nothing is ever clipped: every component moves the total
and the properties below hold everywhere, including at the top of the scale.

- Monotone: more ARR, a nearer due date, a nearer renewal, an escalation, a higher-touch motion
  or being the current step never lowers a priority.
- The current step of a run outranks its later steps by 15 points with otherwise equal inputs
  (and later steps are usually due later, which widens the gap), so completing one action lifts
  the next to the top of the run.
- Completed, skipped and cancelled actions score 0 with no reasons. Snoozed actions are scored
  like open ones (the engine hides them from queues until they wake).
- `kind` and `adhoc` do not change the priority in this version; they travel with the inputs so
  a later version can weigh them without a contract change.

Worked example (also in the service README): due in 7 days → 12; ARR 120,000 → 15 · log10(120)/3
= 10.40 → 10; renewal in 30 days → 7.5 → 8; high touch → 6; current step → 15; total 51.
The account is escalated → +18 → 69.

Bump FORMULA_VERSION whenever a weight or curve changes; it is published with every result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

FORMULA_VERSION = "priority-v1"

OVERDUE_POINTS = 30
DUE_TODAY_POINTS = 24
DUE_HALF_LIFE_DAYS = 7
ESCALATED_POINTS = 18
CURRENT_STEP_POINTS = 15
ARR_POINTS = 15
ARR_FLOOR = 1_000.0          # ARR at or below this earns nothing
ARR_DECADES = 3.0            # 1k → 1M spans the whole scale; beyond 1M it saturates
RENEWAL_POINTS = 10
RENEWAL_HORIZON_DAYS = 120   # the default renewal window: further out earns nothing
LAPSED_POINTS = 6
MOTION_POINTS = {"high_touch": 6, "mid_touch": 3, "tech_touch": 0}

MOTIONS = frozenset(MOTION_POINTS)
STATUSES = frozenset({"open", "snoozed", "completed", "skipped", "cancelled"})
CLOSED_STATUSES = frozenset({"completed", "skipped", "cancelled"})

# Ties between reasons of equal points are broken in this order, so results are deterministic.
REASON_ORDER = ("due", "escalated", "current_step", "arr", "renewal", "lapsed", "motion")


@dataclass(frozen=True, slots=True)
class PriorityInputs:
    """Everything the formula reads about one action (mirrors scoring.proto's PriorityInput)."""

    action_id: str
    account_id: str
    due_date: date
    today: date                      # in the org's time zone
    renewal_date: date | None = None  # None for an ad-hoc action without a renewal
    arr_reporting: float = 0.0       # the renewal's ARR in the org's reporting currency
    escalated: bool = False
    motion: str = ""                 # high_touch | mid_touch | tech_touch ("" counts as tech touch)
    current_step: bool = False
    lapsed: bool = False
    kind: str = ""
    adhoc: bool = False
    status: str = "open"


@dataclass(frozen=True, slots=True)
class PriorityReason:
    code: str
    label: str
    points: int


@dataclass(frozen=True, slots=True)
class PriorityScore:
    action_id: str
    priority: int
    reasons: tuple[PriorityReason, ...] = field(default_factory=tuple)
    formula_version: str = FORMULA_VERSION


def problems(inputs: PriorityInputs) -> list[tuple[str, str]]:
    """(field, reason) for values the formula cannot use; dates are checked where they are parsed."""
    found: list[tuple[str, str]] = []
    if not math.isfinite(inputs.arr_reporting) or inputs.arr_reporting < 0:
        found.append(("arr_reporting", "must be a finite amount of zero or more"))
    if inputs.motion and inputs.motion not in MOTIONS:
        found.append(("motion", f"must be one of {', '.join(sorted(MOTIONS))}"))
    if inputs.status not in STATUSES:
        found.append(("status", f"must be one of {', '.join(sorted(STATUSES))}"))
    return found


def score(inputs: PriorityInputs) -> PriorityScore:
    """The priority of one action and the reasons behind it, largest contribution first."""
    if inputs.status in CLOSED_STATUSES:
        return PriorityScore(inputs.action_id, 0)
    lapsed = is_lapsed(inputs)
    candidates = [
        _due(inputs.due_date, inputs.today),
        _arr(inputs.arr_reporting),
        _renewal(inputs.renewal_date, inputs.today, lapsed),
        PriorityReason("lapsed", "renewal lapsed without an outcome", LAPSED_POINTS) if lapsed else None,
        PriorityReason("escalated", "account escalated", ESCALATED_POINTS) if inputs.escalated else None,
        _motion(inputs.motion),
        PriorityReason("current_step", "current step of its run", CURRENT_STEP_POINTS)
        if inputs.current_step else None,
    ]
    reasons = sorted(
        (r for r in candidates if r is not None and r.points > 0),
        key=lambda r: (-r.points, REASON_ORDER.index(r.code)),
    )
    return PriorityScore(inputs.action_id, sum(r.points for r in reasons), tuple(reasons))


def is_lapsed(inputs: PriorityInputs) -> bool:
    """Lapsed by the engine's flag, or because the renewal date is already behind us."""
    return inputs.lapsed or (inputs.renewal_date is not None and inputs.renewal_date < inputs.today)


def _round(value: float) -> int:
    # Half-up, not Python's half-to-even: 7.5 and 8.5 must both round up for the curves to read simply.
    return math.floor(value + 0.5)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _due(due: date, today: date) -> PriorityReason:
    days = (due - today).days
    if days < 0:
        return PriorityReason("due", f"overdue by {_days(-days)}", OVERDUE_POINTS)
    label = "due today" if days == 0 else "due tomorrow" if days == 1 else f"due in {days} days"
    return PriorityReason("due", label, _round(DUE_TODAY_POINTS * 0.5 ** (days / DUE_HALF_LIFE_DAYS)))


def _arr(arr: float) -> PriorityReason:
    share = math.log10(arr / ARR_FLOOR) / ARR_DECADES if arr > ARR_FLOOR else 0.0
    return PriorityReason("arr", f"ARR {arr:,.0f}", _round(ARR_POINTS * min(share, 1.0)))


def _renewal(renewal: date | None, today: date, lapsed: bool) -> PriorityReason | None:
    if renewal is None:
        return None if not lapsed else PriorityReason("renewal", "renewal lapsed", RENEWAL_POINTS)
    days = (renewal - today).days
    if lapsed:
        label = f"renewal date passed {_days(-days)} ago" if days < 0 else "renewal lapsed"
        return PriorityReason("renewal", label, RENEWAL_POINTS)
    share = max(0.0, 1.0 - days / RENEWAL_HORIZON_DAYS)
    label = "renewal today" if days == 0 else f"renewal in {_days(days)}"
    return PriorityReason("renewal", label, _round(RENEWAL_POINTS * share))


def _motion(motion: str) -> PriorityReason | None:
    points = MOTION_POINTS.get(motion, 0)
    return PriorityReason("motion", f"{motion.replace('_', '-')} account", points) if points else None
