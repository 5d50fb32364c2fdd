"""Coactiva services. `titulo_extinguido` is the hook cartera calls, inside its own
transaction, whenever a título de crédito becomes CANCELADO or ANULADO; the coactiva
issue implements the automatic levantamiento there (open the levantamiento of every
vigente measure when the process's last título is extinguished)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def titulo_extinguido(*, titulo: Any, at: dt.datetime, por: Any = None) -> None:
    """Called by cartera after a título is fully paid or annulled. No-op until coactiva
    models exist."""
    return None
