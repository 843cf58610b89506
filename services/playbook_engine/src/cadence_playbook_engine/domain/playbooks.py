"""Playbook rules: what a valid playbook is, and which one a renewal gets."""

from __future__ import annotations

from collections.abc import Iterable

from cadence_platform.errors import FieldError, InvalidInput

from cadence_playbook_engine.domain.defaults import DEFAULT_PLAYBOOKS
from cadence_playbook_engine.domain.model import PlaybookDef
from cadence_playbook_engine.domain.renewals import OPEN_STAGES, vendor_key

__all__ = [
    "ANCHORS",
    "DEFAULT_PLAYBOOKS",
    "MOTIONS",
    "STEP_KINDS",
    "check_playbook",
    "match_playbook",
    "playbook_problems",
]

MOTIONS = ("high_touch", "mid_touch", "tech_touch")
STEP_KINDS = ("call", "meeting", "email", "task")
ANCHORS = ("renewal_date", "run_start")

DEFAULT_TRIGGER_DAYS = 120
MAX_TRIGGER_DAYS = 730
MAX_STEPS = 30
MAX_OFFSET_DAYS = 730
MAX_TITLE = 200
MAX_NAME = 200


def _one_of(values: tuple[str, ...]) -> str:
    return "must be one of " + ", ".join(values)


def playbook_problems(p: PlaybookDef) -> list[FieldError]:
    """Every problem of a playbook at once, each naming its field (steps[i].title …)."""
    problems: list[FieldError] = []

    def add(field: str, reason: str) -> None:
        problems.append(FieldError(field, reason))

    if not p.name.strip():
        add("name", "is required")
    elif len(p.name) > MAX_NAME:
        add("name", f"must be at most {MAX_NAME} characters")
    if p.motion not in MOTIONS:
        add("motion", _one_of(MOTIONS))
    # Matching compares with renewal_stage(), which only ever answers an open stage: any other
    # value would make a playbook that silently never matches.
    if p.lifecycle_stage and p.lifecycle_stage not in OPEN_STAGES:
        add("lifecycle_stage", "must be empty (any stage) or one of " + ", ".join(OPEN_STAGES))
    window_ok = 1 <= p.trigger_days <= MAX_TRIGGER_DAYS
    if not window_ok:
        add("trigger_days", f"must be between 1 and {MAX_TRIGGER_DAYS}")
    if not 1 <= len(p.steps) <= MAX_STEPS:
        add("steps", f"must have between 1 and {MAX_STEPS} steps")
    for i, step in enumerate(p.steps):
        at = f"steps[{i}]"
        if not step.title.strip():
            add(f"{at}.title", "is required")
        elif len(step.title) > MAX_TITLE:
            add(f"{at}.title", f"must be at most {MAX_TITLE} characters")
        if step.kind not in STEP_KINDS:
            add(f"{at}.kind", _one_of(STEP_KINDS))
        if step.anchor not in ANCHORS:
            add(f"{at}.anchor", _one_of(ANCHORS))
        if not -MAX_OFFSET_DAYS <= step.offset_days <= MAX_OFFSET_DAYS:
            add(f"{at}.offset_days", f"must be between -{MAX_OFFSET_DAYS} and {MAX_OFFSET_DAYS}")
        elif step.anchor == "renewal_date" and window_ok and step.offset_days < -p.trigger_days:
            # The run starts trigger_days before the renewal, so this step would always be late.
            add(f"{at}.offset_days", f"is {-step.offset_days} days before the renewal date, earlier "
                f"than the {p.trigger_days}-day trigger window: it could never be on time")
        elif step.anchor == "run_start" and step.offset_days < 0:
            # Same reasoning: a step due before its run starts is always late.
            add(f"{at}.offset_days", "must not be negative for a step anchored on the run start")
    return problems


def check_playbook(p: PlaybookDef) -> None:
    """Raise InvalidInput naming every bad field, or return quietly."""
    problems = playbook_problems(p)
    if problems:
        raise InvalidInput("invalid playbook: " + "; ".join(f"{e.field} {e.reason}" for e in problems),
                           problems)


def match_playbook(playbooks: Iterable[PlaybookDef], *, motion: str, vendor: str,
                   stage: str) -> PlaybookDef | None:
    """The playbook for a renewal: active, of the account's motion, fitting the vendor and stage.

    Precedence: a vendor-specific playbook beats an "any vendor" one (a vendor's rules, e.g. a
    price change, matter more than the stage), then a stage-specific one beats "any stage", then
    name and id break ties so every replica picks the same one.
    """
    key = vendor_key(vendor)
    best: tuple[tuple[int, int, str, str], PlaybookDef] | None = None
    for p in playbooks:
        if not p.active or p.motion != motion:
            continue
        specific_vendor = bool(vendor_key(p.vendor))
        if specific_vendor and vendor_key(p.vendor) != key:
            continue
        if p.lifecycle_stage and p.lifecycle_stage != stage:
            continue
        rank = (0 if specific_vendor else 1, 0 if p.lifecycle_stage else 1, p.name, p.id)
        if best is None or rank < best[0]:
            best = (rank, p)
    return best[1] if best else None
