"""Unit tests run the gateway without services. The check of a login's current role and status
(account service) is replaced by trusting the token's claims; e2e tests cover the real one."""

from __future__ import annotations

import pytest

from cadence_platform.caller import Caller


@pytest.fixture(autouse=True)
def _token_roles_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    async def as_issued(caller: Caller, services: object, cache: object) -> Caller:
        return caller

    monkeypatch.setattr("cadence_gateway.permissions.current_user", as_issued)
