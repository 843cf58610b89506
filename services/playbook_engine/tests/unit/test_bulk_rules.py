"""The sweep's pure helpers: the debounced trigger, the window bounds pushed into SQL, fast ids."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import replace

from cadence_playbook_engine.domain.defaults import DEFAULT_PLAYBOOKS
from cadence_playbook_engine.handlers.started import copy_text, new_id
from cadence_playbook_engine.handlers.starts import DEFAULT_WINDOW, window_bounds
from cadence_playbook_engine.trigger import SweepTrigger


async def test_the_trigger_fires_once_after_the_last_poke() -> None:
    trigger = SweepTrigger(quiet_seconds=0.2, max_wait_seconds=5)
    started = time.monotonic()
    for org in ("a", "b", "a"):
        trigger.poke(org)
        await asyncio.sleep(0.1)
    await asyncio.wait_for(trigger.fired.wait(), 2)
    assert time.monotonic() - started >= 0.4  # 0.2 s after the last of three pokes 0.1 s apart
    assert trigger.take() == {"a", "b"} and not trigger.fired.is_set() and trigger.take() == set()


async def test_steady_pokes_still_fire_after_the_longest_wait() -> None:
    trigger = SweepTrigger(quiet_seconds=0.3, max_wait_seconds=0.5)
    started = time.monotonic()
    while not trigger.fired.is_set() and time.monotonic() - started < 3:
        trigger.poke("org")  # an import still running: never quiet
        await asyncio.sleep(0.05)
    assert trigger.fired.is_set() and time.monotonic() - started < 1.0


def test_window_bounds_follow_the_playbooks() -> None:
    windows = window_bounds(list(DEFAULT_PLAYBOOKS))
    assert windows.by_vendor[("high_touch", "broadcom")] == 180
    assert windows.by_vendor[("tech_touch", "microsoft")] == 90
    assert windows.by_motion == {"high_touch": 120, "mid_touch": 120, "tech_touch": 90}
    assert windows.default == DEFAULT_WINDOW and windows.widest == 180
    # A stage-specific playbook only widens the bound: another stage may still get the "any" one.
    early = replace(DEFAULT_PLAYBOOKS[2], id="x", lifecycle_stage="onboarding", trigger_days=200)
    assert window_bounds([*DEFAULT_PLAYBOOKS, early]).by_motion["tech_touch"] == 200


def test_ids_are_version_4_uuids_and_copy_text_is_escaped() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids)
    assert copy_text("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
