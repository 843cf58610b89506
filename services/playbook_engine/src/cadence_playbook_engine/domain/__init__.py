"""The engine's pure rules: renewals, playbooks, schedules and outcomes. No I/O; `today` is a parameter."""
