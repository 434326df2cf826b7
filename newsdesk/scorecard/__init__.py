"""The scorecard: pure rules over decisions and closes (no I/O, no storage).

- :mod:`~newsdesk.scorecard.rules`: each decision's return against its benchmark, the groups;
- :mod:`~newsdesk.scorecard.evidence`: reaction and drift around bullish and bearish articles;
- :mod:`~newsdesk.scorecard.stats`: t statistics and intervals.

:mod:`newsdesk.flows.prices` runs them over a database.
"""
