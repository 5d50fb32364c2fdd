"""CSRF on every form: each page listed in the access-control registry is opened, and
every POST form on it must carry the token and be refused without it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.test_access_control import PUBLIC, STAFF, STAFF_OBJETO, URL_POLICIES, _client, _url
from tests.test_access_control import demo as demo  # the fixture

pytestmark = pytest.mark.django_db

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def _post_forms(html: str, page_url: str) -> list[tuple[str, str]]:
    forms = []
    for attrs, body in FORM.findall(html):
        if not re.search(r"method=[\"']?post", attrs, re.I):
            continue
        action = re.search(r"action=[\"']([^\"']*)[\"']", attrs)
        forms.append(((action.group(1) if action and action.group(1) else page_url), body))
    return forms


def test_every_post_form_carries_the_token_and_is_refused_without_it(
    demo: dict[str, Any],
) -> None:
    seen = 0
    for name, policy in URL_POLICIES.items():
        who = "jefe.coactiva.17" if policy in (STAFF, STAFF_OBJETO) else None
        if policy not in (PUBLIC, STAFF, STAFF_OBJETO):
            continue
        url = _url(name, demo)
        response = _client(who).get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for action, body in _post_forms(response.content.decode(), url):
            assert 'name="csrfmiddlewaretoken"' in body, f"form on {url} has no CSRF token"
            strict = Client(enforce_csrf_checks=True)
            if who:
                strict.force_login(response.wsgi_request.user)
            refused = strict.post(action, {"x": "1"})
            assert refused.status_code == 403, f"{action} accepted a POST without token"
            assert "CSRF" in refused.content.decode() or "seguridad" in refused.content.decode()
            seen += 1
    assert seen >= 3, "expected the Ventanilla, complaint and lookup forms at least"
