"""The names the translator takes, without being told, for containers and other non-arrays."""

from __future__ import annotations

CONTAINER_HINTS = ("cache", "param", "grad", "dims", "layer", "sizes", "activations", "history",
                   "costs", "losses", "list", "keys", "names")
"""A parameter whose name contains one of these is a list, tuple or dict (``caches``,
``parameters``, ``grads``, ``layer_dims``…), not an array."""

OTHER_HINTS = ("rng", "random_state", "generator")
"""A parameter whose name contains one of these is a random generator."""


def hinted(name: str) -> str | None:
    """``"container"`` or ``"other"`` when ``name`` suggests one; None for an array."""
    low = name.lower()
    if any(h in low for h in OTHER_HINTS):
        return "other"
    if any(h in low for h in CONTAINER_HINTS):
        return "container"
    return None
