"""Storage: every SQL statement of newsdesk, and nothing else (see ARCHITECTURE.md).

- :mod:`~newsdesk.db.schema`: connections, the schema and its migrations;
- :mod:`~newsdesk.db.writes`: the one Article -> rows mapping and every write of a batch;
- :mod:`~newsdesk.db.dedupe`: which stored story a record is, and which duplicate is kept;
- :mod:`~newsdesk.db.aggregates`: every derived table and its upkeep;
- :mod:`~newsdesk.db.custom_baskets`: the baskets users make;
- :mod:`~newsdesk.db.read`: parameterised reads grouped by noun.

Nothing here imports the parsers (:mod:`newsdesk.ingest`) or Streamlit.
"""
