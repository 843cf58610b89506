"""Shared platform code for Cadence services (settings, logs, telemetry, gRPC, NATS, database)."""
