import pytest
from pydantic import ValidationError

from cadence_platform.settings import DatabaseServiceSettings


def test_local_runs_with_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADENCE_CALLER_SECRET", raising=False)
    monkeypatch.setenv("CADENCE_ENVIRONMENT", "local")
    assert DatabaseServiceSettings().caller_secret.get_secret_value()


def test_production_refuses_the_placeholder_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CADENCE_CALLER_SECRET", raising=False)
    monkeypatch.setenv("CADENCE_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="caller_secret is a placeholder"):
        DatabaseServiceSettings()


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADENCE_ENVIRONMENT", "production")
    monkeypatch.setenv("CADENCE_CALLER_SECRET", "tooshort")
    with pytest.raises(ValidationError, match="at least 32"):
        DatabaseServiceSettings()


def test_production_accepts_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADENCE_ENVIRONMENT", "production")
    monkeypatch.setenv("CADENCE_CALLER_SECRET", "k3Jd9-aZ" * 6)
    assert DatabaseServiceSettings().environment == "production"
