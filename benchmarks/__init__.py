"""Benchmarks and the synthetic corpus: measuring tools that live beside the product, not in it.

Run through ``python -m newsdesk bench ...`` from a checkout (the CLI loads this package lazily), or
import :mod:`benchmarks.bench` and :mod:`benchmarks.synthetic` directly. See BENCHMARKS.md.
"""
