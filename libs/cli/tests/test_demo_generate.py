"""`cadence demo generate`: the portfolio files with a progress bar, then the streaming import into
the demo org (created when missing) or the named one; the account service is stood in for here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cadence.account.v1 import accounts_pb2 as pb

from cadence_cli import __main__ as cli
from cadence_cli import imports, orgs
from cadence_cli.imports import DemoImport, bar


def test_the_bar_fills_with_the_fraction_done() -> None:
    assert bar("importing", 0, 0, "rows").endswith("0%  0/0 rows")
    line = bar("generating", 500, 1000, "accounts", width=10)
    assert line.startswith("\r  generating [#####.....]") and line.endswith("50%  500/1,000 accounts")
    assert "[##########] 100%" in bar("x", 7, 5, "rows", width=10)  # never past full


class Stand:
    """What the account service would answer, recorded."""

    def __init__(self) -> None:
        self.seeded = 0
        self.looked_up: list[str] = []
        self.imported: list[tuple[str, list[Path]]] = []

    async def seed(self, settings: Any) -> tuple[pb.Account, list[Any]]:
        self.seeded += 1
        return pb.Account(id="demo-org"), []

    async def org_id_for(self, settings: Any, slug: str) -> str:
        self.looked_up.append(slug)
        return f"org-{slug}"

    async def run_import(self, settings: Any, org_id: str, paths: list[Path], **kw: Any) -> pb.Job:
        self.imported.append((org_id, paths))
        result = {"accounts": {"created": 3, "updated": 0}}
        warnings = [pb.JobIssue(file="subscriptions.csv", row=i + 2, reason="no such rep") for i in range(7)]
        return pb.Job(id="acct-1", state="succeeded", result_json=json.dumps(result), warnings=warnings)


@pytest.fixture
def stand(monkeypatch: pytest.MonkeyPatch) -> Stand:
    stand = Stand()
    monkeypatch.setattr(orgs, "seed_demo_org", stand.seed)
    monkeypatch.setattr(orgs, "org_id_for", stand.org_id_for)
    monkeypatch.setattr(imports, "run_import", stand.run_import)
    return stand


def test_generate_writes_the_files_and_imports_them_into_the_demo_org(
        stand: Stand, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "generate", "--accounts", "3", "--out", str(tmp_path), "--seed", "7"]) == 0
    assert stand.seeded == 1 and stand.looked_up == []
    [(org_id, paths)] = stand.imported
    assert org_id == "demo-org" and [p.name for p in paths] == ["subscriptions.csv", "contacts.csv",
                                                                  "tech_profile.csv"]
    assert all(p.parent == tmp_path and p.stat().st_size for p in paths)
    out, err = capsys.readouterr()
    assert "generating [" in err and "3/3 accounts" in err
    assert "generated 3 accounts" in out and "rows/s" in out
    assert "… and 2 more warnings" in out and out.count("warning:") == 5


def test_generate_into_a_named_org_and_the_same_seed_gives_the_same_files(
        stand: Stand, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["demo", "generate", "--accounts", "2", "--org", "acme"]) == 0
    assert stand.looked_up == ["acme"] and stand.seeded == 0
    [(org_id, paths)] = stand.imported
    assert org_id == "org-acme" and paths[0].parent == Path(".run") / "demo-2"
    first = paths[0].read_bytes()
    assert cli.main(["demo", "generate", "--accounts", "2", "--org", "acme", "--out", "again"]) == 0
    assert (tmp_path / "again" / "subscriptions.csv").read_bytes() == first


def test_the_summary_names_a_failed_job() -> None:
    files = type("Files", (), {"accounts": 1, "subscriptions": 2, "contacts": 3, "tech_entries": 4,
                               "subscriptions_path": Path("x/subscriptions.csv")})()
    job = pb.Job(id="acct-9", state="failed", errors=[pb.JobIssue(file="a.csv", row=3, reason="bad date")])
    text = DemoImport(files, job, 1.0).summary()  # type: ignore[arg-type]
    assert "import acct-9 failed" in text and "error: a.csv:3" in text and "rows/s" not in text
