"""Commercial mapping of products: who sells it, what it is called, how it is counted and priced.

One row per catalogue key. Keys equal to an endoflife.date id pick up that product's cycles;
other keys are SaaS products with no lifecycle data. Prices are approximate list prices in USD
per unit per year (public list prices where they exist, e.g. Microsoft 365 E3 at USD 39/user/
month from 2026-07-01; otherwise typical reseller quotes): good enough for a demo, not a quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Hints:
    """How the generator uses a product (not facts about the product itself)."""

    weight: float = 0.0  # popularity in subscriptions; 0 = never sold to demo accounts
    slot: str | None = None  # products sharing a slot are alternatives (competitors)
    per_100: tuple[float, float] = (30.0, 100.0)  # quantity range per 100 employees
    qty_min: int = 1
    qty_step: int = 1
    min_employees: int = 0  # enterprise products stay out of very small accounts
    requires: tuple[str, ...] = ()  # only sold alongside one of these keys (add-ons)
    channels: str = "direct"  # channel policy, see subscriptions.CHANNEL_POLICIES
    tech_weight: float = 0.0  # chance of appearing in a tech profile without a subscription


DEFAULT_HINTS = Hints()


@dataclass(frozen=True, slots=True)
class Profile:
    key: str
    vendor: str
    product: str
    eol_product_id: str | None
    unit: str
    price_usd: float
    hints: Hints
    cycle_rule: str = "all"  # which endoflife cycles make sense commercially (eol_source)


def _p(key: str, vendor: str, product: str, unit: str, price: float, *, eol: bool = True,
       rule: str = "all", **hints: Any) -> Profile:
    # Compact constructor for the table below: keys with lifecycle data are endoflife ids.
    return Profile(key, vendor, product, key if eol else None, unit, price, Hints(**hints), rule)


_ALL_STAFF = (50.0, 100.0)
_SOME_STAFF = (2.0, 12.0)
_SERVER_CORES: dict[str, Any] = {"per_100": (8.0, 40.0), "qty_min": 16, "qty_step": 8}
_DB_CORES: dict[str, Any] = {"per_100": (1.0, 6.0), "qty_min": 4, "qty_step": 2}
_SERVERS: dict[str, Any] = {"per_100": (1.0, 8.0), "qty_min": 2}
_FIREWALLS: dict[str, Any] = {"per_100": (0.1, 0.6), "qty_min": 1}
_MS = "microsoft"
_MKT = "direct_or_marketplace"

PROFILES: tuple[Profile, ...] = (
    # Microsoft on-premises and developer products
    _p("windows-server", "Microsoft", "Windows Server", "core", 75, rule="ltsc", weight=9,
       channels=_MS, **_SERVER_CORES),
    _p("windows", "Microsoft", "Windows Enterprise E3", "user", 84, rule="enterprise_edition",
       weight=1.5, per_100=_ALL_STAFF, channels=_MS),
    _p("office", "Microsoft", "Office LTSC Professional Plus", "device", 110, rule="no_mac",
       weight=1.2, per_100=(20.0, 60.0), channels=_MS),
    _p("mssqlserver", "Microsoft", "SQL Server", "core", 900, rule="latest_sp", weight=6,
       channels=_MS, **_DB_CORES),
    _p("msexchange", "Microsoft", "Exchange Server", "user", 60, weight=1.5,
       per_100=_ALL_STAFF, channels=_MS),
    _p("sharepoint", "Microsoft", "SharePoint Server", "user", 45, weight=1,
       per_100=_ALL_STAFF, channels=_MS),
    _p("visual-studio", "Microsoft", "Visual Studio Professional", "user", 799,
       rule="lts_or_open", weight=2, per_100=_SOME_STAFF, channels=_MS),
    _p("azure-devops-server", "Microsoft", "Azure DevOps Server", "user", 72, weight=0.7,
       per_100=_SOME_STAFF, channels=_MS),
    _p("dotnet", "Microsoft", ".NET", "instance", 0, tech_weight=0.25),
    _p("dotnetfx", "Microsoft", ".NET Framework", "instance", 0, tech_weight=0.15),
    _p("windows-embedded", "Microsoft", "Windows Embedded", "device", 0, tech_weight=0.05),
    # Virtualisation, VDI, hyperconverged
    _p("vmware-esxi", "Broadcom", "VMware vSphere (ESXi)", "core", 150, weight=8,
       slot="virtualization", per_100=(8.0, 48.0), qty_min=16, qty_step=16),
    _p("vmware-cloud-foundation", "Broadcom", "VMware Cloud Foundation", "core", 350,
       weight=3, slot="virtualization", per_100=(8.0, 48.0), qty_min=32, qty_step=16,
       min_employees=400),
    _p("vmware-vcenter", "Broadcom", "VMware vCenter Server", "instance", 1500, weight=14,
       per_100=(0.05, 0.2), requires=("vmware-esxi",)),
    _p("vmware-srm", "Broadcom", "VMware Site Recovery Manager", "instance", 300, weight=1.2,
       slot="disaster_recovery", per_100=(2.0, 10.0), qty_min=25, qty_step=25,
       requires=("vmware-esxi", "vmware-cloud-foundation")),
    _p("nutanix-aos", "Nutanix", "Nutanix Cloud Infrastructure (AOS)", "core", 220, weight=3,
       slot="virtualization", per_100=(8.0, 40.0), qty_min=16, qty_step=8, channels=_MKT),
    _p("nutanix-prism", "Nutanix", "Nutanix Cloud Manager (Prism Central)", "core", 60,
       weight=10, per_100=(8.0, 40.0), qty_min=16, qty_step=8, requires=("nutanix-aos",)),
    _p("proxmox-ve", "Proxmox Server Solutions", "Proxmox VE Subscription", "socket", 560,
       weight=1.2, slot="virtualization", per_100=(0.5, 3.0), qty_min=2, qty_step=2),
    _p("omnissa-horizon", "Omnissa", "Omnissa Horizon", "user", 240, weight=2, slot="vdi",
       per_100=(20.0, 80.0)),
    _p("citrix-vad", "Citrix", "Citrix Virtual Apps and Desktops", "user", 250, weight=2.5,
       slot="vdi", per_100=(20.0, 80.0), channels=_MKT),
    # Operating systems
    _p("rhel", "Red Hat", "Red Hat Enterprise Linux", "instance", 800, weight=6, slot="linux",
       channels=_MKT, **_SERVERS),
    _p("ubuntu", "Canonical", "Ubuntu Pro", "instance", 500, rule="lts", weight=3,
       slot="linux", channels=_MKT, **_SERVERS),
    _p("sles", "SUSE", "SUSE Linux Enterprise Server", "instance", 900, weight=2,
       slot="linux", channels=_MKT, **_SERVERS),
    _p("oracle-linux", "Oracle", "Oracle Linux Premier Support", "instance", 1399, weight=1,
       slot="linux", **_SERVERS),
    _p("debian", "Debian", "Debian", "instance", 0, slot="linux", tech_weight=0.2),
    _p("ibm-aix", "IBM", "AIX", "core", 300, weight=0.5, per_100=(0.5, 3.0), qty_min=8,
       qty_step=4, min_employees=2000),
    _p("macos", "Apple", "macOS", "device", 0, tech_weight=0.3),
    # Databases and middleware
    _p("oracle-database", "Oracle", "Oracle Database Enterprise Edition", "core", 5225,
       weight=2.5, slot="database", min_employees=300, **_DB_CORES),
    _p("ibm-db2", "IBM", "Db2", "core", 1200, weight=0.6, slot="database",
       min_employees=1000, **_DB_CORES),
    _p("postgresql", "PostgreSQL Global Development Group", "PostgreSQL", "instance", 0,
       slot="database", tech_weight=0.3),
    _p("mysql", "Oracle", "MySQL Enterprise Edition", "instance", 5000, weight=1.2,
       slot="open_database", per_100=(0.2, 1.5)),
    _p("mariadb", "MariaDB", "MariaDB Enterprise Server", "instance", 2500, weight=0.8,
       slot="open_database", per_100=(0.2, 1.5)),
    _p("mongodb", "MongoDB", "MongoDB Enterprise Advanced", "instance", 9000,
       rule="no_rapid", weight=1.2, per_100=(0.2, 1.0), channels=_MKT),
    _p("ibm-mq", "IBM", "IBM MQ", "core", 1000, weight=0.6, min_employees=1000, **_DB_CORES),
    _p("red-hat-jboss-eap", "Red Hat", "JBoss Enterprise Application Platform", "core", 500,
       weight=0.8, per_100=(2.0, 8.0), qty_min=16, qty_step=16),
    _p("oracle-jdk", "Oracle", "Java SE Universal Subscription", "user", 150, rule="lts",
       weight=1.5, per_100=(100.0, 100.0)),  # priced per employee, not per developer
    # Network and security
    _p("cisco-ios-xe", "Cisco", "Catalyst (IOS XE) DNA Advantage", "device", 900, weight=5,
       per_100=(0.5, 3.0), qty_min=2),
    _p("fortios", "Fortinet", "FortiGate UTP (FortiOS)", "device", 1800, weight=5,
       slot="firewall", channels=_MKT, **_FIREWALLS),
    _p("pan-os", "Palo Alto Networks", "Next-Generation Firewall (PAN-OS)", "device", 5000,
       weight=3.5, slot="firewall", channels=_MKT, **_FIREWALLS),
    _p("pan-gp", "Palo Alto Networks", "GlobalProtect", "device", 1200, weight=2,
       requires=("pan-os",), **_FIREWALLS),
    _p("big-ip", "F5", "BIG-IP", "device", 7500, weight=1.2, per_100=(0.05, 0.2), qty_min=2,
       qty_step=2, min_employees=500, channels=_MKT),
    # Backup, DR and storage
    _p("veeam-backup-and-replication", "Veeam", "Veeam Backup & Replication", "instance", 300,
       weight=7, slot="backup", per_100=(3.0, 15.0), qty_min=10, qty_step=5, channels=_MKT),
    _p("veeam-backup-for-microsoft-365", "Veeam", "Veeam Backup for Microsoft 365", "user", 30,
       weight=3, per_100=_ALL_STAFF, requires=("m365-e3", "m365-e5", "m365-business-premium")),
    _p("commvault", "Commvault", "Commvault Complete Data Protection", "TB", 1400, weight=2,
       slot="backup", per_100=(1.0, 6.0), qty_min=10, qty_step=5),
    _p("zerto", "HPE", "HPE Zerto", "instance", 700, weight=1.2, slot="disaster_recovery",
       per_100=(2.0, 10.0), qty_min=15, qty_step=5),
    _p("netapp-ontap", "NetApp", "ONTAP (SupportEdge)", "TB", 350, weight=2.2,
       per_100=(2.0, 15.0), qty_min=10, qty_step=5),
    # Platforms, DevOps, observability
    _p("kubernetes", "CNCF", "Kubernetes", "instance", 0, slot="containers", tech_weight=0.2),
    _p("red-hat-openshift", "Red Hat", "OpenShift Container Platform", "core", 900, weight=1.2,
       slot="containers", per_100=(2.0, 10.0), qty_min=16, qty_step=16, min_employees=500,
       channels=_MKT),
    _p("red-hat-ansible-automation-platform", "Red Hat", "Ansible Automation Platform",
       "device", 140, weight=1.5, per_100=(3.0, 15.0), qty_min=100, qty_step=50),
    _p("red-hat-satellite", "Red Hat", "Red Hat Satellite", "instance", 100, weight=1.2,
       requires=("rhel",), **_SERVERS),
    _p("splunk", "Splunk", "Splunk Enterprise", "core", 1000, weight=1.5, per_100=(1.0, 5.0),
       qty_min=8, qty_step=4, min_employees=300, channels=_MKT),
    _p("elasticsearch", "Elastic", "Elastic Stack Enterprise", "instance", 6500, weight=1.2,
       per_100=(0.1, 0.6), qty_min=3, channels=_MKT),
    _p("jira-software", "Atlassian", "Jira Software Data Center", "user", 80,
       rule="lts_or_open", weight=2.5, per_100=(10.0, 40.0), qty_min=500, qty_step=250,
       min_employees=1000),
    _p("confluence", "Atlassian", "Confluence Data Center", "user", 60, rule="lts_or_open",
       weight=2, per_100=(20.0, 60.0), qty_min=500, qty_step=250, min_employees=1000),
    _p("gitlab", "GitLab", "GitLab Premium (Self-Managed)", "user", 348, weight=1.2,
       per_100=_SOME_STAFF, qty_min=5),
    # SaaS products with no lifecycle data (no eol_product_id)
    _p("m365-e3", "Microsoft", "Microsoft 365 E3", "user", 468, eol=False, weight=9,
       slot="productivity", per_100=(60.0, 100.0), channels=_MS),
    _p("m365-e5", "Microsoft", "Microsoft 365 E5", "user", 720, eol=False, weight=3,
       slot="productivity", per_100=(30.0, 100.0), channels=_MS),
    _p("m365-business-premium", "Microsoft", "Microsoft 365 Business Premium", "user", 264,
       eol=False, weight=4, slot="productivity", per_100=(60.0, 100.0), channels=_MS),
    _p("google-workspace", "Google", "Google Workspace Business Standard", "user", 168,
       eol=False, slot="productivity"),  # competitor entry only
    _p("salesforce-sales-cloud", "Salesforce", "Sales Cloud Enterprise", "user", 2100,
       eol=False, weight=1.8, per_100=(3.0, 15.0), qty_min=5),
    _p("adobe-creative-cloud", "Adobe", "Creative Cloud for teams (All Apps)", "user", 1080,
       eol=False, weight=1.5, per_100=(1.0, 6.0), qty_min=3),
    _p("aws-enterprise-support", "AWS", "AWS Enterprise Support", "account", 180000,
       eol=False, weight=1.5, per_100=(0.0, 0.0), min_employees=1500, channels="aws"),
    _p("rubrik-security-cloud", "Rubrik", "Rubrik Security Cloud", "TB", 1500, eol=False,
       slot="backup"),  # competitor entry only
)

PROFILES_BY_KEY: dict[str, Profile] = {p.key: p for p in PROFILES}
