"""Planning conference days: a block construction, first come first served, and CP-SAT.

Pure computation over an `Instance` (no database, no Textual): `services.event_plan` builds
the instance from the database and writes the plan back through the conference service.
"""
