"""The playbooks `make run` loads into a new org: one "any vendor" playbook per motion, plus
vendor-specific ones where a vendor's licensing or pricing changes what a renewal needs.

Vendor facts come from /work/shared/data/knowledge/vendor_notices.json (KL-xx ids in comments);
they age, so the descriptions tell the rep what to check rather than quoting a price list.
Vendor strings are spelled as subscriptions spell them (the demo catalogue: "Microsoft",
"Broadcom", "Cisco"). Re-exported as playbooks.DEFAULT_PLAYBOOKS.
"""

from __future__ import annotations

from cadence_playbook_engine.domain.model import PlaybookDef, Step

_R = "renewal_date"
_S = "run_start"


def _pb(id_: str, name: str, motion: str, vendor: str, trigger_days: int, *steps: Step) -> PlaybookDef:
    return PlaybookDef(id=id_, name=name, motion=motion, vendor=vendor, lifecycle_stage="",
                       trigger_days=trigger_days, steps=steps)


_CLOSE = Step("Close the renewal: confirm the order and record the result", "task", -10, _R,
              "Check the signed order or PO is in, the quote matches what was agreed, and record the "
              "result (renewed, changed with the new ARR per subscription, or churned) with the new "
              "term end.")

HIGH_ANY = _pb(
    "default-high-any", "High touch renewal", "high_touch", "", 120,
    Step("Review the account and map the stakeholders", "task", 5, _S,
         "Read the health score, open escalations and last year's notes. Name the decision maker, "
         "champion, finance and procurement contacts for this renewal and note who is missing."),
    Step("Confirm usage, scope and renewal intent with the champion", "call", -100, _R,
         "Check adoption against what was bought, surface any shelfware or growth, and ask early "
         "whether budget, ownership or the buying process has changed."),
    Step("Hold the business review (QBR) with the decision maker", "meeting", -85, _R,
         "Show the value delivered this term, agree the priorities for the next one and confirm the "
         "renewal timeline, including procurement and legal lead times."),
    Step("Send the commercial proposal", "email", -60, _R,
         "Quote the renewal with any agreed changes in scope, term and billing frequency; state "
         "price changes plainly and give the date the offer must be accepted by."),
    Step("Negotiate terms and agree the order", "call", -30, _R,
         "Walk the decision maker and procurement through the proposal, settle the open points and "
         "agree when the order will be signed."),
    _CLOSE,
)

MID_ANY = _pb(
    "default-mid-any", "Mid touch renewal", "mid_touch", "", 120,
    Step("Check usage and the renewal scope", "task", 7, _S,
         "Compare seats and usage with what was bought and confirm who signs the renewal."),
    Step("Renewal check-in call", "call", -75, _R,
         "Confirm the customer intends to renew, what should change (seats, products, term) and "
         "whether anything blocks it."),
    Step("Send the renewal quote", "email", -45, _R,
         "Send the quote with the agreed changes and any price change, and the date it must be "
         "accepted by."),
    Step("Confirm the order", "task", -14, _R,
         "Chase the signed quote or PO and record the result of the renewal."),
)

TECH_ANY = _pb(
    "default-tech-any", "Tech touch renewal", "tech_touch", "", 90,
    Step("Send the renewal reminder", "email", -60, _R,
         "Tell the customer what renews and when, whether it renews automatically, and how to "
         "change seats or products before the renewal date."),
    Step("Send the renewal quote", "email", -30, _R,
         "Send the quote for the coming term; point out any price change and the last day to "
         "change the order."),
    Step("Check the renewal went through", "task", -5, _R,
         "Confirm the order or auto-renewal is in place; if not, call the customer."),
)

# --- Microsoft: NCE term and billing rules and recurring price moves (KL-11 … KL-15) ---------------

_MS_PRICE = Step(
    "Check the term and the price change before renewal", "task", -110, _R,
    "List each subscription's term, billing frequency and channel (EA/MPSA, MCA, CSP). Annual terms "
    "billed monthly now cost about 5% more than paying the year up front; EA/MPSA online services "
    "renew at the web list (level A) price, without volume discounts; and announced M365/O365 "
    "list-price rises apply at each subscription's next renewal. Work out the uplift this renewal "
    "will carry before the customer sees it.")
_MS_SEATS = Step(
    "Agree seat counts and auto-renew settings", "call", -45, _R,
    "New-commerce seats cannot be reduced during a term: cancellation or a seat reduction is only "
    "possible in a short window (about a week) after the term starts or renews. Agree the counts "
    "and products now, and whether each subscription should auto-renew. In CSP, a subscription "
    "left to expire with auto-renew off no longer gets a grace period: it carries on at a higher "
    "price until someone acts.")

HIGH_MICROSOFT = _pb(
    "default-high-microsoft", "Microsoft renewal (high touch)", "high_touch", "Microsoft", 120,
    Step("Map the stakeholders and the licence owners", "task", 5, _S,
         "Name the decision maker, the licensing/procurement owner and IT owner for the Microsoft "
         "estate, and which agreement each subscription sits on."),
    _MS_PRICE,
    Step("Review licence usage and the roadmap with the customer", "meeting", -90, _R,
         "Go through assigned vs. purchased seats, suite changes (e.g. suites sold without Teams to "
         "new customers), and products leaving support that may need Extended Security Updates."),
    Step("Send the commercial proposal with term and billing options", "email", -60, _R,
         "Quote annual-paid-up-front against annual-paid-monthly and, where it fits, a longer term; "
         "show the price change per product."),
    _MS_SEATS,
    _CLOSE,
)

MID_MICROSOFT = _pb(
    "default-mid-microsoft", "Microsoft renewal (mid touch)", "mid_touch", "Microsoft", 120,
    _MS_PRICE,
    Step("Renewal call: seats, term and billing", "call", -75, _R,
         "Confirm intent, seat counts and whether to pay the annual term up front (cheaper) or "
         "monthly; explain that seats cannot be cut mid-term."),
    Step("Send the renewal quote", "email", -45, _R,
         "Quote the agreed seats, term and billing frequency with the new prices."),
    Step("Confirm auto-renew and the order", "task", -14, _R,
         "Make sure each subscription renews as agreed (auto-renew on, or a new order placed) so "
         "nothing rolls onto a higher-priced extended term."),
)

TECH_MICROSOFT = _pb(
    "default-tech-microsoft", "Microsoft renewal (tech touch)", "tech_touch", "Microsoft", 90,
    Step("Send the renewal notice: seats, term and price", "email", -60, _R,
         "Tell the customer the renewal date, the new price, that paying an annual term monthly "
         "costs more than paying up front, and that seats can only be reduced at renewal."),
    Step("Remind them of the last day to change seats", "email", -21, _R,
         "Ask for seat or product changes before the renewal date and confirm auto-renew is on."),
    Step("Check each subscription renewed", "task", -3, _R,
         "Confirm auto-renew is on or the order is placed; call if a subscription would lapse."),
)

# --- Broadcom (VMware): per-core subscriptions, bundles, support enforcement (KL-01 … KL-04) -------
# A longer window: core counts and bundle changes take time and often need budget approval.

HIGH_BROADCOM = _pb(
    "default-high-broadcom", "Broadcom (VMware) renewal (high touch)", "high_touch", "Broadcom", 180,
    Step("Inventory hosts, CPUs and cores", "task", 7, _S,
         "Collect every host's sockets and physical cores and which VMware products run on it; "
         "note hosts still on ESXi/vCenter 7.0, which is out of general support."),
    Step("Validate the per-core count: 16-core minimum per CPU", "task", -150, _R,
         "Subscriptions are counted per physical core with at least 16 cores charged per CPU: a "
         "host with two 12-core CPUs counts as 32 cores, not 24. Recount the estate this way and "
         "compare with the current subscription."),
    Step("Review the bundle and the support position", "call", -120, _R,
         "Perpetual licences are no longer sold; products come in bundles (VCF, VVF). Check which "
         "bundle fits, and whether any perpetual licences run without support: Broadcom has sent "
         "compliance letters over updates installed after support lapsed."),
    Step("Business review: cost impact and options", "meeting", -90, _R,
         "Present the recounted cost against last term, the bundle choice and options to reduce "
         "cores (consolidation, retiring hosts); agree the decision process and timeline."),
    Step("Send the commercial proposal", "email", -60, _R,
         "Quote the agreed bundle and core count, the term and the price change."),
    Step("Negotiate and agree the order", "call", -30, _R,
         "Settle open points with the decision maker and procurement; agree the signing date so "
         "support does not lapse."),
    _CLOSE,
)

MID_BROADCOM = _pb(
    "default-mid-broadcom", "Broadcom (VMware) renewal (mid touch)", "mid_touch", "Broadcom", 150,
    Step("Validate the per-core count: 16-core minimum per CPU", "task", -140, _R,
         "Count physical cores per host with 16 charged per CPU at least (2 x 12-core = 32 cores) "
         "and compare with the current subscription."),
    Step("Renewal call: bundle, cores and budget", "call", -100, _R,
         "Confirm the bundle (VCF or VVF), the core count and that the budget covers the change; "
         "flag any perpetual licences without support."),
    Step("Send the renewal quote", "email", -60, _R,
         "Quote the agreed bundle and cores with the price change and the acceptance date."),
    Step("Confirm the order", "task", -14, _R,
         "Chase the signed quote or PO so support does not lapse, and record the result."),
)

# --- Cisco: end-of-life policy limits what can be renewed (KL-20) ---------------------------------

_CISCO_EOL = Step(
    "Check end-of-sale and last day of support for every product", "task", -110, _R,
    "Look up each PID's end-of-life notice. Once a product has one, no renewal whose term runs past "
    "its last day of support can be sold, so the term may need shortening or the product replacing. "
    "End-of-sale is usually announced about six months ahead.")

HIGH_CISCO = _pb(
    "default-high-cisco", "Cisco renewal (high touch)", "high_touch", "Cisco", 120,
    Step("Map the stakeholders and the installed base", "task", 5, _S,
         "Name the decision maker and network owner, and list the devices and licences covered."),
    _CISCO_EOL,
    Step("Review the installed base and refresh plan", "meeting", -90, _R,
         "Go through devices nearing end of support, the refresh plan and licence tiers; agree "
         "what renews, what is replaced and the term."),
    Step("Send the commercial proposal", "email", -60, _R,
         "Quote the renewal with terms that end no later than each product's last day of support, "
         "and any replacements."),
    Step("Negotiate and agree the order", "call", -30, _R,
         "Settle open points and agree the signing date."),
    _CLOSE,
)

MID_CISCO = _pb(
    "default-mid-cisco", "Cisco renewal (mid touch)", "mid_touch", "Cisco", 120,
    _CISCO_EOL,
    Step("Renewal call: coverage and term", "call", -75, _R,
         "Confirm what renews, anything to replace because of end of life, and the term."),
    Step("Send the renewal quote", "email", -45, _R,
         "Quote coverage that stops at each product's last day of support, plus any replacements."),
    Step("Confirm the order", "task", -14, _R,
         "Chase the signed quote or PO and record the result."),
)

DEFAULT_PLAYBOOKS: tuple[PlaybookDef, ...] = (
    HIGH_ANY, MID_ANY, TECH_ANY,
    HIGH_MICROSOFT, MID_MICROSOFT, TECH_MICROSOFT,
    HIGH_BROADCOM, MID_BROADCOM,
    HIGH_CISCO, MID_CISCO,
)
