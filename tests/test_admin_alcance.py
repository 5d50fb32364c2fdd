"""Admin scoping beyond the change page (tests/test_access_control.py covers that): for
every admin model scoped to a province or unit, staff of Guayas find no Pichincha row
through the change list (plain and as the raw-id lookup popup), the history page, or
the autocomplete endpoint of any foreign key pointing to it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from core.models import User
from tests.test_access_control import (  # noqa: F401 - `demo` is a fixture
    ADMIN_SCOPE,
    NACIONAL,
    PROVINCIAL_STAFF_09,
    PROVINCIAL_STAFF_17,
    REFERENCIA,
    _client,
    _is_refusal,
    demo,
)

pytestmark = pytest.mark.django_db


def _scoped() -> list[tuple[type[models.Model], Any, str]]:
    return [
        (model, model_admin, ADMIN_SCOPE[model._meta.label_lower])
        for model, model_admin in admin.site._registry.items()
        if ADMIN_SCOPE[model._meta.label_lower] not in (REFERENCIA, NACIONAL)
    ]


def _filas_de_pichincha(model_admin: Any, scope: str) -> list[Any]:
    nacional = RequestFactory().get("/admin/")
    nacional.user = User.objects.get(username="supervisor.nacional")
    return list(
        model_admin.get_queryset(nacional)
        .filter(**{f"{scope}_id": "17"})
        .values_list("pk", flat=True)[:50]
    )


@pytest.mark.usefixtures("demo")
def test_lists_popups_and_history_pages_hide_other_provinces() -> None:
    guayas = [_client(u) for u in PROVINCIAL_STAFF_09]
    pichincha = [_client(u) for u in PROVINCIAL_STAFF_17]
    probados = 0
    for model, model_admin, scope in _scoped():
        filas = _filas_de_pichincha(model_admin, scope)
        if not filas:
            continue
        opts = model._meta
        lista = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for client in guayas:
            for url in (lista, f"{lista}?_to_field=id&_popup=1"):
                respuesta = client.get(url)
                if respuesta.status_code != 200:
                    assert _is_refusal(respuesta), url
                    continue
                html = respuesta.content.decode()
                for pk in filas:
                    cambio = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
                    assert cambio not in html, f"{url} lists {cambio}"
                    assert f'data-popup-opener="{pk}"' not in html, f"{url} offers {pk}"
        historia = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[filas[0]])
        for client in guayas:
            respuesta = client.get(historia)
            assert respuesta.status_code in (302, 403, 404), f"Guayas opened {historia}"
            if respuesta.status_code == 302:
                assert "/history/" not in respuesta.headers["Location"]
        assert any(c.get(historia).status_code == 200 for c in pichincha), historia
        probados += 1
    assert probados >= 8


@pytest.mark.usefixtures("demo")
def test_autocomplete_of_every_foreign_key_offers_only_rows_in_scope() -> None:
    scoped = {model: (model_admin, scope) for model, model_admin, scope in _scoped()}
    guayas = [_client(u) for u in PROVINCIAL_STAFF_09]
    probadas = 0
    for origen in admin.site._registry:
        for campo in origen._meta.get_fields():
            if not isinstance(campo, models.ForeignKey) or campo.remote_field.model not in scoped:
                continue
            model_admin, scope = scoped[campo.remote_field.model]
            ajenas = {str(pk) for pk in _filas_de_pichincha(model_admin, scope)}
            if not ajenas:
                continue
            url = (
                f"/admin/autocomplete/?app_label={origen._meta.app_label}"
                f"&model_name={origen._meta.model_name}&field_name={campo.name}&term="
            )
            for client in guayas:
                respuesta = client.get(url)
                if respuesta.status_code != 200:
                    assert respuesta.status_code in (403, 404), (url, respuesta.status_code)
                    continue
                ids = {r["id"] for r in json.loads(respuesta.content)["results"]}
                assert not ids & ajenas, f"{url} offers Pichincha rows {ids & ajenas}"
            probadas += 1
    assert probadas >= 5
