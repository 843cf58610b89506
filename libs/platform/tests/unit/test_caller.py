import time

import pytest

from cadence_platform.caller import Caller, CallerError, decode_caller, encode_caller

SECRET = "s" * 40


def caller(**overrides: object) -> Caller:
    fields = {"user_id": "u1", "org_id": "o1", "role": "rep", "expires_at": int(time.time()) + 60}
    fields.update(overrides)
    return Caller(**fields)  # type: ignore[arg-type]


def test_round_trip_keeps_every_claim() -> None:
    original = caller(scopes=frozenset({"read"}), email="a@b.co")
    assert decode_caller(encode_caller(original, SECRET), SECRET) == original


@pytest.mark.parametrize(
    "token, reason",
    [(None, "no caller"), ("", "no caller"), ("abc", "signature"), ("abc.def", "signature")],
)
def test_unsigned_or_garbage_is_refused(token: str | None, reason: str) -> None:
    with pytest.raises(CallerError, match=reason):
        decode_caller(token, SECRET)


def test_other_secret_is_refused() -> None:
    with pytest.raises(CallerError, match="signature"):
        decode_caller(encode_caller(caller(), "x" * 40), SECRET)


def test_tampered_claims_are_refused() -> None:
    payload, sig = encode_caller(caller(role="rep"), SECRET).split(".")
    forged = encode_caller(caller(role="admin"), SECRET).split(".")[0]
    with pytest.raises(CallerError, match="signature"):
        decode_caller(f"{forged}.{sig}", SECRET)
    assert decode_caller(f"{payload}.{sig}", SECRET).role == "rep"


def test_expired_is_refused() -> None:
    token = encode_caller(caller(expires_at=int(time.time()) - 1), SECRET)
    with pytest.raises(CallerError, match="expired"):
        decode_caller(token, SECRET)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(CallerError, match="role"):
        decode_caller(encode_caller(caller(role="root"), SECRET), SECRET)
