"""The feed's rules: what an activity record says. Imports nothing that does I/O."""
