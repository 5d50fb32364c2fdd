"""Database aliases: heavy read-only reports go to the replica when one is configured
(DATABASE_REPLICA_URL), so they never compete with request traffic on the primary."""

from __future__ import annotations

from django.conf import settings


def reporting_alias() -> str:
    return "replica" if "replica" in settings.DATABASES else "default"
