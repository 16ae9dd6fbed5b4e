"""Criteria domain: the edition format, loading and locking, and the scoring engine.

The import path for demo setup is ``gecc.criteria.interfaces.example.load_example_edition``.
"""
