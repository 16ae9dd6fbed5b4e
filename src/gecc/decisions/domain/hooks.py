"""What happens elsewhere when a decision becomes final or changes afterwards.

The certificates app sits above this one in the import order, so it registers a listener
from its ``AppConfig.ready()`` (the same turn-around as ``register_phase_check``)::

    register_decision_listener(on_decision)

``fn(decision, actor, *, event, request=None)`` runs inside the transition's transaction,
so a refusal it raises (a ``ValidationError``) undoes the whole transition. ``event``:

- ``"final"``: the decision's meeting was closed (every decision of the meeting, in turn);
- ``"changed"``: a final decision was changed on appeal or by a correction (``decision``
  as it now reads; ``decision.change`` says which).
"""

from collections.abc import Callable

FINAL, CHANGED = "final", "changed"

_listeners: list[Callable] = []


def register_decision_listener(fn: Callable) -> Callable:
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def decision_event(decision, actor, *, event, request=None) -> None:
    """Tell every registered listener that ``decision`` became final or changed."""
    for listener in _listeners:
        listener(decision, actor, event=event, request=request)
