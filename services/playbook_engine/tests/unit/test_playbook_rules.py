from dataclasses import replace

import pytest

from cadence_platform.errors import InvalidInput

from cadence_playbook_engine.domain.model import PlaybookDef, Step
from cadence_playbook_engine.domain.playbooks import (
    ANCHORS,
    DEFAULT_PLAYBOOKS,
    MOTIONS,
    STEP_KINDS,
    check_playbook,
    match_playbook,
    playbook_problems,
)

STEP = Step("Call the champion", "call", -60, "renewal_date")


def pb(id_: str = "p", *, name: str = "P", motion: str = "high_touch", vendor: str = "", stage: str = "",
       trigger: int = 120, steps: tuple[Step, ...] = (STEP,), active: bool = True) -> PlaybookDef:
    return PlaybookDef(id=id_, name=name, motion=motion, vendor=vendor, lifecycle_stage=stage,
                       trigger_days=trigger, steps=steps, active=active)


def fields(p: PlaybookDef) -> list[str]:
    return [e.field for e in playbook_problems(p)]


def test_vocabularies() -> None:
    assert MOTIONS == ("high_touch", "mid_touch", "tech_touch")
    assert STEP_KINDS == ("call", "meeting", "email", "task")
    assert ANCHORS == ("renewal_date", "run_start")


def test_a_good_playbook_has_no_problems() -> None:
    assert playbook_problems(pb()) == []
    assert playbook_problems(pb(trigger=1, steps=(Step("t", "task", -1, "renewal_date"),))) == []
    assert playbook_problems(pb(trigger=730, steps=(Step("t", "task", 730, "run_start"),))) == []
    check_playbook(pb())


def test_every_problem_is_named_at_once() -> None:
    bad = pb(name=" ", motion="high", stage="churned", trigger=0,
             steps=(Step(" ", "fax", 0, "renewal"), Step("ok", "call", 731, "renewal_date")))
    assert fields(bad) == ["name", "motion", "lifecycle_stage", "trigger_days", "steps[0].title",
                           "steps[0].kind", "steps[0].anchor", "steps[1].offset_days"]
    reasons = {e.field: e.reason for e in playbook_problems(bad)}
    assert reasons["name"] == "is required"
    assert reasons["motion"] == "must be one of high_touch, mid_touch, tech_touch"
    assert reasons["trigger_days"] == "must be between 1 and 730"
    assert reasons["steps[1].offset_days"] == "must be between -730 and 730"


def test_step_count_and_window_limits() -> None:
    assert fields(pb(steps=())) == ["steps"]
    assert fields(pb(steps=(STEP,) * 31)) == ["steps"]
    assert fields(pb(steps=(STEP,) * 30)) == []
    assert fields(pb(trigger=731)) == ["trigger_days"]
    assert fields(pb(steps=(Step("t", "task", -731, "renewal_date"),), trigger=730)) == ["steps[0].offset_days"]


def test_a_step_before_the_trigger_window_could_never_be_on_time() -> None:
    early = pb(trigger=90, steps=(STEP, Step("QBR", "meeting", -91, "renewal_date")))
    [problem] = playbook_problems(early)
    assert problem.field == "steps[1].offset_days"
    assert "90-day trigger window" in problem.reason
    assert playbook_problems(replace(early, trigger_days=91)) == []
    # run_start steps are measured from the run's start, not the renewal date
    assert playbook_problems(pb(trigger=30, steps=(Step("t", "task", 200, "run_start"),))) == []
    assert fields(pb(steps=(Step("t", "task", -1, "run_start"),))) == ["steps[0].offset_days"]


def test_check_playbook_raises_with_the_fields() -> None:
    with pytest.raises(InvalidInput) as error:
        check_playbook(pb(name="", steps=(Step("", "call", 0, "run_start"),)))
    assert [d.field for d in error.value.details] == ["name", "steps[0].title"]


def test_every_default_playbook_is_valid() -> None:
    for p in DEFAULT_PLAYBOOKS:
        assert playbook_problems(p) == [], p.id
    ids = [p.id for p in DEFAULT_PLAYBOOKS]
    assert len(set(ids)) == len(ids)
    for motion in MOTIONS:
        assert any(p.motion == motion and p.vendor == "" and p.lifecycle_stage == "" for p in DEFAULT_PLAYBOOKS)


def test_default_playbooks_cover_the_vendors() -> None:
    by_id = {p.id: p for p in DEFAULT_PLAYBOOKS}
    assert len(by_id["default-high-any"].steps) == 6 and by_id["default-high-any"].trigger_days == 120
    assert len(by_id["default-mid-any"].steps) == 4
    assert by_id["default-tech-any"].trigger_days == 90
    assert {s.kind for s in by_id["default-tech-any"].steps} <= {"email", "task"}
    for motion in ("high_touch", "mid_touch"):
        for vendor in ("Microsoft", "Broadcom", "Cisco"):
            chosen = match_playbook(DEFAULT_PLAYBOOKS, motion=motion, vendor=vendor, stage="active")
            assert chosen is not None and chosen.vendor == vendor
    ms = match_playbook(DEFAULT_PLAYBOOKS, motion="high_touch", vendor="microsoft ", stage="renewal")
    assert ms is not None
    assert "Check the term and the price change before renewal" in [s.title for s in ms.steps]
    vmware = match_playbook(DEFAULT_PLAYBOOKS, motion="mid_touch", vendor="Broadcom", stage="active")
    assert vmware is not None
    assert "Validate the per-core count: 16-core minimum per CPU" in [s.title for s in vmware.steps]
    veeam = match_playbook(DEFAULT_PLAYBOOKS, motion="tech_touch", vendor="Veeam", stage="active")
    assert veeam is not None and veeam.id == "default-tech-any"


def test_matching_precedence() -> None:
    any_any = pb("1", name="Any")
    any_active = pb("2", name="Any active", stage="active")
    ms_any = pb("3", name="MS", vendor="Microsoft")
    ms_active = pb("4", name="MS active", vendor="microsoft", stage="active")
    books = [any_any, any_active, ms_any, ms_active]

    def pick(vendor: str, stage: str, items: list[PlaybookDef] = books) -> str | None:
        found = match_playbook(items, motion="high_touch", vendor=vendor, stage=stage)
        return found.id if found else None

    assert pick(" MICROSOFT", "active") == "4"  # vendor and stage specific
    assert pick("Microsoft", "renewal") == "3"  # vendor beats stage
    assert pick("Microsoft", "active", [any_any, any_active, ms_any]) == "3"
    assert pick("Veeam", "active") == "2"  # stage-specific beats any stage
    assert pick("Veeam", "onboarding") == "1"
    assert pick("Veeam", "onboarding", [any_active, ms_any]) is None


def test_matching_skips_inactive_and_other_motions_and_breaks_ties_by_name_then_id() -> None:
    assert match_playbook([pb("x", motion="mid_touch"), pb("y", active=False)], motion="high_touch",
                          vendor="Veeam", stage="active") is None
    tied = [pb("b", name="Beta"), pb("z", name="Alpha"), pb("a", name="Alpha")]
    chosen = match_playbook(tied, motion="high_touch", vendor="Veeam", stage="active")
    assert chosen is not None and chosen.id == "a"
    chosen = match_playbook(list(reversed(tied)), motion="high_touch", vendor="Veeam", stage="active")
    assert chosen is not None and chosen.id == "a"
