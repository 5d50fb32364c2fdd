"""axe-core in a real browser on the platform's public pages and their states."""

from __future__ import annotations

import pytest

from core.services import documento_verificable_emitir, new_verification_code

pytestmark = pytest.mark.browser


def test_platform_pages_have_no_serious_accessibility_violations(page, axe) -> None:  # type: ignore[no-untyped-def]
    doc = documento_verificable_emitir(
        tipo="resolucion", titulo="Resolución", datos_publicos={"Número": "1"}
    )
    por_firmar = documento_verificable_emitir(
        tipo="oficio_levantamiento", titulo="Oficio", datos_publicos={}, pendiente_firma=True
    )
    problems = []
    for url in [
        "/",
        "/verificar/",
        f"/verificar/{doc.codigo}/",
        f"/verificar/{por_firmar.codigo}/",
        f"/verificar/{new_verification_code()}/",
        "/verificar/ABC/",
        "/no-existe/",
    ]:
        page.goto(url)
        problems += axe(page, context=url)
    assert not problems, "\n".join(problems)


@pytest.mark.urls("tests.urls_errores")
def test_error_pages_have_no_serious_accessibility_violations(page, axe) -> None:  # type: ignore[no-untyped-def]
    problems = []
    for url, status in [
        ("/_errores/500/", 500),
        ("/_errores/403/", 403),
        ("/_errores/400/", 400),
        ("/_errores/429/", 429),
        ("/empleador/salir/", 405),
    ]:
        response = page.goto(url)
        assert response is not None and response.status == status, url
        problems += axe(page, context=url)
    # A form whose CSRF token is gone (page left open, cookies blocked).
    page.goto("/consulta/")
    page.locator("[name=csrfmiddlewaretoken]").evaluate("e => e.remove()")
    page.locator("[name=numero]").fill("VV-17-2026-000001")
    page.locator("[name=identificacion]").fill("1710034065")
    with page.expect_navigation():
        page.get_by_role("button", name="Consultar").click()
    assert "No pudimos aceptar el formulario" in page.content()
    problems += axe(page, context="/consulta/ (sin código CSRF)")
    assert not problems, "\n".join(problems)
