"""The FastAPI app: routers under /api/v1, the error shape, telemetry, and service channels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from cadence_gateway.auth import TokenCache
from cadence_gateway.clients import Services
from cadence_gateway.errors import install_error_handlers
from cadence_gateway.guards import RequestGuards
from cadence_gateway.ratelimit import SlidingWindowLimiter
from cadence_gateway.routes import (
    accounts,
    actions,
    api_tokens,
    audit,
    auth,
    contacts,
    crm,
    health,
    imports,
    jobs,
    me,
    org,
    playbooks,
    renewals,
    subscriptions,
    timeline,
    users,
)
from cadence_gateway.settings import GatewaySettings

API_PREFIX = "/api/v1"


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services(settings)
        yield
        await app.state.services.close()

    app = FastAPI(title="Cadence API", version="1.0", lifespan=lifespan,
                  description="Renewal and subscription lifecycle work queues. See API.md.")
    app.state.settings = settings
    app.state.token_cache = TokenCache(settings.token_cache_seconds)
    app.state.login_limiter = SlidingWindowLimiter(settings.login_attempts_per_window, settings.login_window_seconds)
    # An office behind one address shares it: the per-address budget is ten e-mails' worth.
    app.state.address_limiter = SlidingWindowLimiter(10 * settings.login_attempts_per_window,
                                                     settings.login_window_seconds)
    install_error_handlers(app)
    app.add_middleware(RequestGuards)
    app.include_router(health.router)
    for module in (auth, me, users, api_tokens, org, audit, accounts, contacts, subscriptions, imports, jobs,
                   actions, renewals, playbooks, timeline, crm):
        app.include_router(module.router, prefix=API_PREFIX)
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz")
    return app
