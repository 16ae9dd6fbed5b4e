"""A renewal starts from the unit's certified application: registered with the applications
app's renewal lookup (imported by ``checks.py``)."""
