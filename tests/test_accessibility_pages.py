"""axe-core in Chromium on every public page of the URL registry, in its first state and
after an empty submission of each of its forms (the error state), plus keyboard-only use
of the public lookup."""

from __future__ import annotations

import pytest

from tests.test_access_control import PUBLIC, URL_POLICIES, _url

pytestmark = pytest.mark.browser

SUBMIT = "main form button[type=submit], main form input[type=submit]"


def _public_pages() -> list[str]:
    return [_url(name, {}) for name, policy in URL_POLICIES.items() if policy == PUBLIC]


def test_every_public_page_and_its_error_states_pass_axe(page, live_server, axe) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    forms_checked = 0
    for url in _public_pages():
        response = page.goto(live_server.url + url)
        assert response is not None
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        assert (page.get_attribute("html", "lang") or "").startswith("es"), url
        problems += axe(page, context=url)
        for index in range(page.locator(SUBMIT).count()):
            page.goto(live_server.url + url)
            # Server-side validation is what is checked: the browser's own checks are
            # lifted so the empty form reaches the server.
            page.evaluate(
                "document.querySelectorAll('[required]')"
                ".forEach(e => e.removeAttribute('required'))"
            )
            with page.expect_navigation():
                page.locator(SUBMIT).nth(index).click()
            problems += axe(page, context=f"{url} (formulario {index + 1} enviado vacío)")
            summary = page.locator("[data-error-summary]")
            if summary.count():
                forms_checked += 1
                # Each entry of the error summary leads to its field.
                for link in summary.locator("a[href^='#']").all():
                    target = link.get_attribute("href")
                    assert target and page.locator(target).count() == 1, f"{url}: {target}"
    assert not problems, "\n".join(problems)
    assert forms_checked >= 3, "expected error states for the Ventanilla, lookup and complaint"


def test_the_status_lookup_works_with_the_keyboard_alone(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/consulta/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "numero":
            break
    else:
        pytest.fail("the tracking number field cannot be reached with Tab")
    page.keyboard.type("VV-17-2026-000001")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "identificacion"
    page.keyboard.type("1710034065")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The answer (no such request) is announced and reachable, not a dead end.
    assert page.locator("[role=alert], .alert").count() >= 1
    assert "No encontramos" in page.content() or "no coincide" in page.content().lower()


# The key of a form control for the keyboard test: a radio group counts once.
CONTROL_KEY = """el => el.type === 'radio' ? 'radio:' + el.name
                   : (el.id || el.name || el.outerHTML.slice(0, 60))"""


def test_every_control_of_every_public_form_is_reached_with_tab(page, live_server) -> None:  # type: ignore[no-untyped-def]
    """Keyboard alone: pressing Tab from the top of the page reaches every visible control
    of the page's forms (a radio group counts once: arrows move inside it)."""
    unreached: list[str] = []
    checked = 0
    for url in _public_pages():
        response = page.goto(live_server.url + url)
        if response is None or "html" not in (response.headers.get("content-type") or ""):
            continue
        expected = page.evaluate(
            f"""() => {{
              const key = {CONTROL_KEY};
              const keys = new Set();
              for (const el of document.querySelectorAll(
                  'main form input, main form select, main form textarea, main form button')) {{
                if (el.type === 'hidden' || el.disabled) continue;
                const box = el.getBoundingClientRect();
                if (!box.width || !box.height) continue;
                if (getComputedStyle(el).visibility === 'hidden') continue;
                keys.add(key(el));
              }}
              return [...keys];
            }}"""
        )
        if not expected:
            continue
        reached: set[str] = set()
        for _ in range(len(expected) * 3 + 60):
            page.keyboard.press("Tab")
            key = page.evaluate(
                f"""() => {{ const el = document.activeElement;
                  return el && el.closest('main form') ? ({CONTROL_KEY})(el) : null; }}"""
            )
            if key:
                reached.add(key)
            if reached >= set(expected):
                break
        unreached += [f"{url}: {k}" for k in expected if k not in reached]
        checked += 1
    assert checked >= 5, "expected the Ventanilla, lookup, complaint, certificate and login forms"
    assert not unreached, "not reachable with Tab:\n" + "\n".join(unreached)
