# Fixtures shared by every tier live in libs/platform/src/cadence_platform/testing.py.
