"""Domain: the values and vocabulary every layer shares, with no I/O and no storage.

- :mod:`~newsdesk.domain.models`: Article, Decision, Problem, ParseResult;
- :mod:`~newsdesk.domain.identity`: canonical URL, stable article id, content hash;
- :mod:`~newsdesk.domain.reference`: curated companies, the listing universe, baskets (data/);
- :mod:`~newsdesk.domain.taxonomy`: the topic taxonomy (data/taxonomy.toml);
- :mod:`~newsdesk.domain.search`: the search box's syntax as a plain value;
- :mod:`~newsdesk.domain.rejections`: rejected records grouped by reason;
- :mod:`~newsdesk.domain.cells`: SQL NULL read through pandas as plain values.

It imports nothing of newsdesk but :mod:`newsdesk.config` and :mod:`newsdesk.errors`.
"""
