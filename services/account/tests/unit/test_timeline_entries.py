from cadence.account.v1 import accounts_events_pb2 as account_events
from cadence.account.v1 import accounts_pb2
from cadence.engine.v1 import engine_events_pb2 as engine_events
from cadence.engine.v1 import engine_pb2

from cadence_account.domain.timeline import entries_for


def action(**fields: object) -> engine_pb2.Action:
    defaults = {"id": "a1", "account_id": "acc", "title": "Call the champion", "kind": "call",
                "due_date": "2027-01-10"}
    return engine_pb2.Action(**{**defaults, **fields})  # type: ignore[arg-type]


def test_a_completed_action_carries_its_outcome_and_who() -> None:
    [entry] = entries_for("action.completed", engine_events.ActionChanged(
        action=action(outcome="Budget approved", completed_by="u1", status="completed")))
    assert entry.kind == "action.completed" and entry.summary == "Completed: Call the champion"
    assert entry.details["outcome"] == "Budget approved" and entry.actor_id == "u1" and entry.subject_id == "a1"


def test_skips_and_snoozes_say_why_and_reprioritising_is_quiet() -> None:
    [skipped] = entries_for("action.updated", engine_events.ActionChanged(
        action=action(skip_reason="customer on holiday"), change="skipped"))
    assert skipped.kind == "action.skipped" and "customer on holiday" in skipped.summary
    assert entries_for("action.updated", engine_events.ActionChanged(action=action(), change="reprioritised")) == []


def test_a_run_start_lists_its_actions() -> None:
    renewal = engine_pb2.Renewal(id="r1", account_id="acc", vendor="Microsoft", renewal_date="2027-03-01")
    [entry] = entries_for("playbook.started", engine_events.PlaybookStarted(
        renewal=renewal, run_id="run1", playbook_name="High touch", actions=[action(), action(id="a2")]))
    assert entry.summary == "Playbook “High touch” started for the Microsoft renewal on 2027-03-01: 2 actions"
    assert [a["id"] for a in entry.details["actions"]] == ["a1", "a2"]


def test_motion_and_import_lines() -> None:
    account = accounts_pb2.Account(id="acc", motion="high_touch")
    [motion] = entries_for("account.motion_changed", account_events.AccountChanged(
        account=account, previous_motion="mid_touch"))
    assert motion.summary == "Motion changed from Mid Touch to High Touch"
    [imported] = entries_for("account.created", account_events.AccountChanged(account=account,
                                                                            changed_fields=["import"]))
    assert imported.kind == "import" and imported.summary == "Created by a CRM import"


def test_only_a_moved_renewal_date_is_worth_a_line() -> None:
    moved = accounts_pb2.Subscription(id="s1", account_id="acc", vendor="Veeam", product="B&R",
                                      renewal_date="2028-03-31")
    assert entries_for("subscription.updated", account_events.SubscriptionChanged(subscription=moved)) == []
    [entry] = entries_for("subscription.updated", account_events.SubscriptionChanged(
        subscription=moved, previous_renewal_date="2027-03-31"))
    assert entry.summary == "Veeam B&R now renews on 2028-03-31 (was 2027-03-31)"


def test_a_competitor_in_the_tech_profile_is_named() -> None:
    profile = accounts_pb2.TechProfile(account_id="acc", entries=[
        accounts_pb2.TechEntry(vendor="Nutanix", product="AHV", status="evaluating"),
        accounts_pb2.TechEntry(vendor="Broadcom", product="vSphere", status="in_use")])
    [entry] = entries_for("techprofile.updated", account_events.TechProfileUpdated(profile=profile))
    assert entry.summary == "Technology profile updated (2 entries); competing or evaluated: Nutanix AHV"


def test_a_crm_delivery_names_the_crm_record() -> None:
    from cadence.crm.v1 import crm_events_pb2, crm_pb2

    activity = crm_pb2.Activity(id="act", account_id="acc", subject="Call the champion", external_id="00T1",
                                source_id="a1")
    [entry] = entries_for("crm.delivered", crm_events_pb2.ActivityChanged(activity=activity))
    assert entry.summary == "Written to the CRM as 00T1: Call the champion" and entry.subject_id == "a1"


def test_an_import_is_one_line_per_account_with_the_moved_dates_behind_it() -> None:
    account = accounts_pb2.Account(id="acc", name="Acme")
    lines = [accounts_pb2.Subscription(id=f"s{i}", account_id="acc", vendor="Veeam", renewal_date="2028-03-31")
             for i in range(3)]
    [created] = entries_for("account.imported", account_events.AccountImported(
        account=account, created=True, subscriptions=lines, created_subscription_ids=["s0", "s1", "s2"],
        previous_renewal_dates=["", "", ""], job_id="acct-1"))
    assert created.kind == "import" and created.summary == "Created by a CRM import (3 subscriptions)"
    assert created.subject_id == "acc" and "renewals_moved" not in created.details
    [updated] = entries_for("account.imported", account_events.AccountImported(
        account=account, subscriptions=lines[:1], previous_renewal_dates=["2027-03-31"], job_id="acct-2"))
    assert updated.summary == "Updated by a CRM import (1 subscription)"
    assert updated.details["renewals_moved"] == [{"subscription_id": "s0", "from": "2027-03-31", "to": "2028-03-31"}]
    assert updated.details["job_id"] == "acct-2" and updated.details["tech_profile"] is False
