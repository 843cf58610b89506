"""What the generator produces: the spec it is given and the records it yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class PortfolioSpec:
    accounts: int
    today: date
    seed: int = 42
    demo_domain: str = "demo.example.com"
    csm_count: int = 2
    rep_count: int = 4
    org_name: str = "Cadence Demo Reseller"

    def __post_init__(self) -> None:
        if self.accounts < 0:
            raise ValueError("accounts must be >= 0")
        if self.csm_count < 1 or self.rep_count < 1:
            raise ValueError("the demo org needs at least one CSM and one rep")

    def csm_emails(self) -> tuple[str, ...]:
        return tuple(f"csm{i}@{self.demo_domain}" for i in range(1, self.csm_count + 1))

    def rep_emails(self) -> tuple[str, ...]:
        return tuple(f"rep{i}@{self.demo_domain}" for i in range(1, self.rep_count + 1))

    def user_emails(self) -> tuple[str, ...]:
        """Every e-mail the portfolio may assign: these users must exist in the demo org."""
        return self.csm_emails() + self.rep_emails()


@dataclass(slots=True)
class DemoSubscription:
    external_id: str
    vendor: str
    product: str
    version: str
    eol_product_id: str
    eol_cycle: str
    quantity: int
    unit: str
    term_start: date
    renewal_date: date
    auto_renew: bool
    billing_frequency: str  # monthly | quarterly | annual | multi_year
    arr_minor: int  # ARR in minor units (cents) of the account currency: exact, no floats
    active_users: int
    lifecycle_stage: str  # active | onboarding
    channel: str  # CSP | EA | MCA | direct | marketplace

    @property
    def arr(self) -> Decimal:
        return Decimal(self.arr_minor).scaleb(-2)


@dataclass(frozen=True, slots=True)
class DemoContact:
    name: str
    title: str
    email: str
    phone: str
    role: str  # decision_maker | champion | it | finance | procurement | user | other


@dataclass(frozen=True, slots=True)
class DemoTechEntry:
    vendor: str
    product: str
    version: str
    eol_product_id: str
    eol_cycle: str
    status: str  # in_use | evaluating | competitor | retired


@dataclass(slots=True)
class DemoAccount:
    index: int
    external_id: str
    name: str
    domain: str
    country: str
    territory: str
    currency: str
    motion: str  # high_touch | mid_touch | tech_touch
    employees: int
    owner_email: str
    csm_email: str
    default_rep_email: str
    rep_emails: tuple[str, ...]
    subscriptions: list[DemoSubscription] = field(default_factory=list)
    contacts: list[DemoContact] = field(default_factory=list)
    tech: list[DemoTechEntry] = field(default_factory=list)

    @property
    def arr_minor(self) -> int:
        return sum(s.arr_minor for s in self.subscriptions)
