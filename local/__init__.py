"""The embedded local stack: moto, provisioning, seeding, chalice local, pumps and scheduler.

`python -m local.stack` (what `make run` starts) brings it all up in one process; see
docs/local-stack.md.
"""
