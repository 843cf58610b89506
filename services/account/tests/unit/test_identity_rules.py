import pytest
from cadence_platform.errors import FieldError, InvalidInput

from cadence_account.domain import identity as rules
from cadence_account.domain.passwords import hash_password, verify_password


def test_default_settings_are_valid() -> None:
    assert rules.settings_problems(rules.OrgSettings()) == []


@pytest.mark.parametrize(
    "change, field",
    [({"reporting_currency": "EUX"}, "reporting_currency"), ({"time_zone": "Europe/Atlantis"}, "time_zone"),
     ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
     ({"score_weights": rules.ScoreWeights(50, 50, 50)}, "score_weights"),
     ({"health_bands": rules.HealthBands(strong_min=40, weak_below=60)}, "health_bands")],
)
def test_each_bad_setting_names_its_field(change: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.merge_settings(rules.OrgSettings(), **change)
    assert [d.field for d in info.value.details] == [field]


def test_settings_survive_json() -> None:
    s = rules.merge_settings(rules.OrgSettings(), reporting_currency="EUR", time_zone="Europe/Berlin")
    assert rules.OrgSettings.from_json(s.to_json()) == s


def test_user_rules() -> None:
    assert rules.user_problems(email="a@b.example.test", name="A", role="csm", password="x" * 10) == []
    assert rules.user_problems(email="nope", role="root", password="short") == [
        FieldError("email", "is not an e-mail address"), FieldError("role", "must be one of admin, csm, rep"),
        FieldError("password", "must be at least 10 characters")]


def test_tokens_are_random_and_hashed() -> None:
    a, b = rules.new_api_token(), rules.new_api_token()
    assert a.secret != b.secret and a.secret.startswith("cad_") and a.secret.startswith(a.prefix)
    assert rules.hash_token(a.secret) == a.secret_hash != a.secret


def test_scopes() -> None:
    assert rules.check_scopes(["write", "read", "read"]) == ["read", "write"]
    with pytest.raises(InvalidInput, match="admin"):
        rules.check_scopes(["admin"])
    with pytest.raises(InvalidInput):
        rules.check_scopes([])


def test_passwords() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "wrong horse")
    assert not verify_password(None, "anything")


def test_fx_overrides_are_checked() -> None:
    assert rules.settings_problems(rules.OrgSettings(fx_rates={"AED": "0.25"})) == []
    assert [p.field for p in rules.settings_problems(rules.OrgSettings(fx_rates={"XXQ": "1", "AED": "-2"}))] == [
        "fx_rates.XXQ", "fx_rates.AED"]
