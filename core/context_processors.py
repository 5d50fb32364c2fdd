from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    return {"PORTAL_NOMBRE": "Ventanilla Virtual del IESS", "DEBUG": settings.DEBUG}
