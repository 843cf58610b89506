"""Who works the account (demo-org users) and who we know at the customer (contacts)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from cadence_demo.model import DemoContact, PortfolioSpec
from cadence_demo.names import email_local, person, phone
from cadence_demo.reference import Country

# Shares of accounts with gaps in coverage, so the unassigned-work queue has something in it.
NO_TEAM_SHARE = 0.03  # neither CSM nor rep
NO_REP_SHARE = 0.05  # CSM only
NO_CSM_SHARE = 0.06  # reps only (the default rep owns the account)
TWO_REPS_SHARE = 0.35

_CONTACTS = {"high_touch": (4, 6), "mid_touch": (3, 5), "tech_touch": (2, 4)}
# Big accounts are mapped better: these shares drive the stakeholder-coverage features.
_HAS_DECISION_MAKER = {"high_touch": 0.9, "mid_touch": 0.75, "tech_touch": 0.55}
_HAS_CHAMPION = {"high_touch": 0.85, "mid_touch": 0.65, "tech_touch": 0.45}
_OTHER_ROLES = ("it", "finance", "procurement", "user", "other")
_OTHER_ROLE_WEIGHTS = (3.0, 2.0, 1.5, 1.5, 1.0)
_TITLES = {
    "decision_maker": ("CIO", "CTO", "Head of IT", "IT Director", "VP Infrastructure",
                       "Managing Director"),
    "champion": ("IT Manager", "Infrastructure Lead", "Head of Workplace IT",
                 "Systems Architect", "Cloud Platform Lead"),
    "it": ("System Administrator", "Network Engineer", "Security Engineer", "DBA",
           "Service Desk Lead"),
    "finance": ("CFO", "Finance Manager", "Controller", "Accounts Payable Lead"),
    "procurement": ("Procurement Manager", "Purchasing Lead", "Vendor Manager"),
    "user": ("Operations Manager", "Sales Operations Lead", "Project Manager"),
    "other": ("Office Manager", "Executive Assistant", "Legal Counsel"),
}


@dataclass(frozen=True, slots=True)
class Team:
    owner: str
    csm: str
    default_rep: str
    reps: tuple[str, ...]


def assign_team(rng: random.Random, spec: PortfolioSpec) -> Team:
    """CSM owner on most accounts, 1-2 reps (first is default), a few gaps on purpose."""
    draw = rng.random()
    no_team = draw < NO_TEAM_SHARE
    no_rep = no_team or draw < NO_TEAM_SHARE + NO_REP_SHARE
    no_csm = no_team or NO_TEAM_SHARE + NO_REP_SHARE <= draw < (
        NO_TEAM_SHARE + NO_REP_SHARE + NO_CSM_SHARE)
    csm = "" if no_csm else rng.choice(spec.csm_emails())
    reps: tuple[str, ...] = ()
    if not no_rep:
        pool = spec.rep_emails()
        two = len(pool) > 1 and rng.random() < TWO_REPS_SHARE
        reps = tuple(rng.sample(pool, 2 if two else 1))
    default_rep = reps[0] if reps else ""
    # owner_email in the template is the account owner in the CRM: the default rep (the importer
    # makes it the default rep), never the CSM.
    return Team(owner=default_rep, csm=csm, default_rep=default_rep, reps=reps)


def contacts(rng: random.Random, motion: str, country: Country,
             domain: str) -> list[DemoContact]:
    roles = _roles(rng, motion)
    people: list[DemoContact] = []
    used_names: set[str] = set()
    used_emails: set[str] = set()
    for role in roles:
        first, last = person(rng, country.language)
        for _ in range(4):  # small name lists: avoid two identical people at one account
            if f"{first} {last}" not in used_names:
                break
            first, last = person(rng, country.language)
        used_names.add(f"{first} {last}")
        local = email_local(first, last)
        email = f"{local}@{domain}"
        suffix = 2
        while email in used_emails:
            email = f"{local}{suffix}@{domain}"
            suffix += 1
        used_emails.add(email)
        title = rng.choice(_TITLES[role])
        people.append(DemoContact(f"{first} {last}", title, email, phone(rng, country), role))
    return people


def _roles(rng: random.Random, motion: str) -> list[str]:
    count = rng.randint(*_CONTACTS[motion])
    roles: list[str] = []
    if rng.random() < _HAS_DECISION_MAKER[motion]:
        roles.append("decision_maker")
    if rng.random() < _HAS_CHAMPION[motion]:
        roles.append("champion")
    extra = max(0, count - len(roles))
    roles += rng.choices(_OTHER_ROLES, weights=_OTHER_ROLE_WEIGHTS, k=extra)
    return roles
