"""The signed caller that the gateway passes to services in gRPC metadata `x-cadence-caller`.

Format: base64url(JSON claims) "." hex(HMAC-SHA256(secret, base64 part)). Services refuse a
caller that is unsigned, badly signed or expired. Background work signs its own `system`
caller bound to one org; an operator's or the gateway's pre-login calls use `system` with no org.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Literal

METADATA_KEY = "x-cadence-caller"
Role = Literal["admin", "csm", "rep", "system"]
ROLES: tuple[Role, ...] = ("admin", "csm", "rep", "system")
USER_ROLES: tuple[Role, ...] = ("admin", "csm", "rep")
ALL_SCOPES = frozenset({"read", "write", "crm"})


class CallerError(Exception):
    """The caller could not be trusted; the message says why (never echoed to clients in full)."""


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: str
    org_id: str
    role: Role
    expires_at: int
    scopes: frozenset[str] = field(default=ALL_SCOPES)
    email: str = ""

    @property
    def is_system(self) -> bool:
        return self.role == "system"

    @classmethod
    def system(cls, org_id: str = "", ttl_seconds: int = 300) -> Caller:
        return cls(user_id="system", org_id=org_id, role="system", expires_at=int(time.time()) + ttl_seconds)


def _sign(payload: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def encode_caller(caller: Caller, secret: str) -> str:
    claims = {
        "uid": caller.user_id, "org": caller.org_id, "role": caller.role, "exp": caller.expires_at,
        "scp": sorted(caller.scopes), "email": caller.email,
    }
    payload = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=")
    return f"{payload.decode()}.{_sign(payload, secret)}"


def decode_caller(token: str | None, secret: str, now: float | None = None) -> Caller:
    if not token:
        raise CallerError("no caller")
    payload, _, signature = token.partition(".")
    if not signature or not hmac.compare_digest(_sign(payload.encode(), secret), signature):
        raise CallerError("caller signature does not match")
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        caller = Caller(
            user_id=str(claims["uid"]), org_id=str(claims["org"]), role=claims["role"],
            expires_at=int(claims["exp"]), scopes=frozenset(claims.get("scp", ())), email=claims.get("email", ""),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CallerError(f"caller claims are malformed: {exc}") from exc
    if caller.role not in ROLES:
        raise CallerError(f"unknown role {caller.role!r}")
    if caller.expires_at <= (time.time() if now is None else now):
        raise CallerError("caller expired")
    return caller
