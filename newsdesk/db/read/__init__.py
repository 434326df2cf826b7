"""Parameterised reads, one module per noun: filters (and the plan of which table answers a view),
options, articles, timeline, totals, facets, decisions, baskets and stats; :mod:`.sql` holds the
helpers they share. Every value from a user is a bound parameter."""
