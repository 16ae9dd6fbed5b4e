"""Certificates follow decisions: registered with
``decisions.domain.hooks.register_decision_listener`` (imported by ``checks.py``)."""
