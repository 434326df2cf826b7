"""Alert rules: what a rule is, when it fires, what its message says. Pure: no I/O, no SQL.

- :mod:`~newsdesk.alerts.rules`: the :class:`Rule` value, its checks, TOML import and export;
- :mod:`~newsdesk.alerts.events`: when each kind of rule fires, and the :class:`Event` it makes;
- :mod:`~newsdesk.alerts.secrets`: notification URLs with their secrets masked.

The flows that read the database and deliver are in :mod:`newsdesk.flows.alerts`.
"""
