"""Hooks this app registers with lower apps when Django starts (``AppConfig.ready``)."""
