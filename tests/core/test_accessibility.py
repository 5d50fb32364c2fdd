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
