"""Flows: what the CLI and the dashboard run over a database handle (read, decide, write, send).

- :mod:`~newsdesk.flows.alerts`: check every rule, store what fired once, deliver it;
- :mod:`~newsdesk.flows.notify`: one notification through Apprise (newsdesk writes no HTTP or SMTP);
- :mod:`~newsdesk.flows.brief`: the morning brief's figures, as Markdown and offline HTML.
"""
