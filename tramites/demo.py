"""Ventanilla demo data: requests in every state across the provinces (bulk inserts, so
`seed_demo --empleadores 100000` stays within minutes), with their public history, a few
real documents and complaints, plus two requests of the demo employers to look up on
/consulta/."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from cartera.models import Empleador
from core import calendar
from core.demo import DemoContext
from core.identificacion import generar_cedula
from core.models import Provincia, Secuencia, Unidad, User
from core.storage import generated_name, private_storage
from tramites import services
from tramites.models import (
    DocumentoSolicitud,
    HistorialSolicitud,
    PeriodoSuspension,
    Queja,
    Solicitud,
    Tramite,
)

E = Solicitud.Estado
# Share of each final state, and the path of states that leads to it.
ESTADOS: list[tuple[str, int, list[str]]] = [
    (E.RECIBIDA, 2, [E.RECIBIDA]),
    (E.ASIGNADA, 22, [E.RECIBIDA, E.ASIGNADA]),
    (E.EN_ATENCION, 18, [E.RECIBIDA, E.ASIGNADA, E.EN_ATENCION]),
    (E.OBSERVADA, 10, [E.RECIBIDA, E.ASIGNADA, E.EN_ATENCION, E.OBSERVADA]),
    (E.ATENDIDA, 35, [E.RECIBIDA, E.ASIGNADA, E.EN_ATENCION, E.ATENDIDA]),
    (E.NEGADA, 8, [E.RECIBIDA, E.ASIGNADA, E.EN_ATENCION, E.NEGADA]),
    (E.ARCHIVADA, 5, [E.RECIBIDA, E.ASIGNADA, E.EN_ATENCION, E.OBSERVADA, E.ARCHIVADA]),
]
ABIERTOS_RECIENTES = {E.ASIGNADA, E.EN_ATENCION, E.OBSERVADA}
PESOS_PROVINCIA = {"17": 30, "09": 28, "13": 6, "01": 6, "07": 4, "18": 4, "23": 3, "11": 3}
NOMBRES = ["María", "José", "Luis", "Ana", "Carlos", "Rosa", "Juan", "Carmen", "Diego", "Paola"]
APELLIDOS = ["Pérez", "Zambrano", "Guerrero", "Cedeño", "Vera", "Torres", "Mora", "Suárez"]
NOTAS: dict[str, str] = {
    E.OBSERVADA: "Cargue el certificado de hipotecas y gravámenes actualizado (de 30 días).",
    E.ATENDIDA: "Se emitió el oficio de respuesta; puede descargarlo en esta página.",
    E.NEGADA: "El proceso mantiene títulos de crédito con saldo pendiente (Reglamento, art. 176).",
    E.ARCHIVADA: "Se archivó porque no se completó la información en el término concedido.",
}
DETALLES = {
    "levantamiento-medidas-cautelares": "Solicito el levantamiento de la medida cautelar; los "
    "títulos de crédito del proceso están cancelados.",
    "impugnacion-de-glosa": "Impugno la glosa porque el trabajador salió de la empresa antes "
    "del periodo glosado.",
}


def _persona(rng: random.Random) -> str:
    return f"{rng.choice(NOMBRES)} {rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    tramites = list(Tramite.objects.filter(recepcion_ventanilla=True, activo=True))
    provincias = list(Provincia.objects.values_list("codigo", flat=True))
    pesos = [PESOS_PROVINCIA.get(p, 1) for p in provincias]
    unidades: dict[tuple[int, str], Unidad | None] = {}
    empleadores: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ident, razon, prov in Empleador.objects.values_list(
        "identificacion", "razon_social", "provincia_id"
    )[:20000]:
        empleadores[prov].append((ident, razon))
    contadores: dict[str, int] = {}
    for clave, ultimo in Secuencia.objects.filter(clave__startswith="solicitud:").values_list(
        "clave", "ultimo"
    ):
        contadores[clave] = ultimo

    total = min(max(60, ctx.empleadores // 3), 30000)
    plazos: dict[tuple[dt.date, int, str], dict[str, dt.date]] = {}
    hoy = timezone.localdate()
    personal: dict[int, list[int]] = defaultdict(list)
    for pk, unidad_id in User.objects.filter(
        is_staff=True, is_active=True, unidad__isnull=False
    ).values_list("pk", "unidad_id"):
        personal[unidad_id].append(pk)
    ahora = timezone.now()
    lote: list[tuple[Solicitud, list[str]]] = []
    creadas = 0
    estados = [e for e, _, _ in ESTADOS]
    caminos = {e: c for e, _, c in ESTADOS}
    repartos = [w for _, w, _ in ESTADOS]
    for i in ctx.progress(range(total), total=total, desc="solicitudes"):
        tramite = rng.choice(tramites)
        prov = rng.choices(provincias, weights=pesos)[0]
        estado = rng.choices(estados, weights=repartos)[0]
        creado = ahora - dt.timedelta(minutes=rng.randint(10, 540 * 24 * 60))
        if estado in ABIERTOS_RECIENTES:  # the queue: mostly on time, some overdue
            creado = ahora - dt.timedelta(minutes=rng.randint(10, 40 * 24 * 60))
        if estado == E.RECIBIDA:
            creado = ahora - dt.timedelta(minutes=rng.randint(0, 1))
        clave = f"solicitud:{prov}:{timezone.localtime(creado).year}"
        contadores[clave] = contadores.get(clave, 0) + 1
        if (tramite.pk, prov) not in unidades:
            unidades[(tramite.pk, prov)] = services.unidad_para(tramite=tramite, provincia_id=prov)[
                1
            ]
        unidad = unidades[(tramite.pk, prov)] if estado != E.RECIBIDA else None
        empleador = rng.choice(empleadores[prov]) if empleadores[prov] else None
        requiere = tramite.requiere_empleador and empleador is not None
        resuelta = (
            creado + dt.timedelta(days=rng.randint(1, 40))
            if estado in services.RESUELTOS or estado == E.ARCHIVADA
            else None
        )
        if resuelta is not None and resuelta > ahora:
            resuelta = ahora
        nombre = _persona(rng)
        recibido = timezone.localtime(creado).date()
        clave_plazo = (recibido, tramite.termino_atencion_dias, prov)
        if clave_plazo not in plazos:
            plazos[clave_plazo] = services.plazo_campos(
                recibido_el=recibido,
                termino=tramite.termino_atencion_dias,
                dias_suspendidos=0,
                provincia_id=prov,
            )
        asignado = None
        if unidad is not None and estado != E.ASIGNADA and personal.get(unidad.pk):
            asignado = rng.choice(personal[unidad.pk])
        solicitud = Solicitud(
            **plazos[clave_plazo],
            asignado_a_id=asignado,
            asignado_en=creado + dt.timedelta(hours=2) if asignado else None,
            subsanar_hasta=(
                calendar.add_termino(hoy - dt.timedelta(days=rng.randint(0, 18)), 10)
                if estado == E.OBSERVADA
                else None
            ),
            numero=services.numero_solicitud(
                provincia_id=prov,
                anio=timezone.localtime(creado).year,
                secuencia=contadores[clave],
            ),
            tramite=tramite,
            provincia_id=prov,
            estado=estado,
            unidad=unidad,
            creado_en=creado,
            recibido_el=recibido,
            enrutada_en=creado + dt.timedelta(seconds=3) if unidad else None,
            resuelta_en=resuelta if estado in services.RESUELTOS else None,
            actualizado_en=resuelta or creado,
            solicitante_tipo_id="cedula",
            solicitante_identificacion=generar_cedula(int(prov), 200000 + i),
            solicitante_nombre=nombre,
            email=f"solicitante{i}@correo.demo",
            celular=f"09{rng.randint(10000000, 99999999)}",
            direccion=f"Calle {rng.randint(1, 120)}",
            calidad=(
                Solicitud.Calidad.REPRESENTANTE
                if tramite.requiere_empleador
                else Solicitud.Calidad.TITULAR
            ),
            empleador_identificacion=empleador[0] if requiere and empleador else "",
            empleador_razon_social=empleador[1] if requiere and empleador else "",
            sucursal="001" if requiere else "",
            detalle=DETALLES.get(tramite.slug, f"Solicito atender mi trámite: {tramite.nombre}."),
            respuestas={"calidad": "representante_legal"} if requiere else {},
            pendiente_solicitante=NOTAS[E.OBSERVADA] if estado == E.OBSERVADA else "",
        )
        lote.append((solicitud, caminos[estado]))
        if len(lote) >= 2000:
            creadas += _flush(lote, rng)
            lote = []
    creadas += _flush(lote, rng)
    for clave, ultimo in contadores.items():
        Secuencia.objects.update_or_create(clave=clave, defaults={"ultimo": ultimo})

    _documentos_de_muestra(rng)
    _solicitudes_de_empleadores(ctx)
    ctx.stdout.write(f"  {creadas} solicitudes de la Ventanilla Virtual en todos los estados.")
    logins(ctx)


def _flush(lote: list[tuple[Solicitud, list[str]]], rng: random.Random) -> int:
    if not lote:
        return 0
    creadas = Solicitud.objects.bulk_create([s for s, _ in lote], batch_size=2000)
    historial: list[HistorialSolicitud] = []
    quejas: list[Queja] = []
    for solicitud, camino in zip(creadas, (c for _, c in lote), strict=True):
        momento = solicitud.creado_en
        fin = solicitud.resuelta_en or solicitud.actualizado_en
        pasos = len(camino)
        anterior = ""
        for n, estado in enumerate(camino):
            if n:
                momento = min(momento + (fin - solicitud.creado_en) / pasos, timezone.now())
            historial.append(
                HistorialSolicitud(
                    solicitud=solicitud,
                    creado_en=momento if n else solicitud.creado_en,
                    estado_anterior=anterior,
                    estado=estado,
                    unidad=solicitud.unidad if n else None,
                    nota_publica=(
                        "Solicitud recibida por la Ventanilla Virtual."
                        if not n
                        else f"Asignada a {solicitud.unidad.nombre}."
                        if estado == E.ASIGNADA and solicitud.unidad
                        else NOTAS.get(estado, "")
                    ),
                )
            )
            anterior = estado
        if rng.random() < 0.03:
            quejas.append(
                Queja(
                    solicitud=solicitud,
                    creado_en=solicitud.creado_en + dt.timedelta(days=rng.randint(5, 30)),
                    motivo="La respuesta tarda más de lo indicado en el catálogo.",
                )
            )
    PeriodoSuspension.objects.bulk_create(
        [
            PeriodoSuspension(
                solicitud=s,
                desde=timezone.localtime(s.actualizado_en).date(),
                motivo="Pedido de documentos al solicitante",
            )
            for s in creadas
            if s.estado == E.OBSERVADA
        ],
        batch_size=2000,
    )
    HistorialSolicitud.objects.bulk_create(historial, batch_size=5000)
    Queja.objects.bulk_create(quejas, batch_size=2000)
    return len(creadas)


def _pdf_de_muestra(titulo: str) -> bytes:
    from core import pdf

    return pdf.render(titulo=titulo, story=[pdf.p("Documento de demostración.")])


def _documentos_de_muestra(rng: random.Random) -> None:
    """A real file on a few requests, so the back office can open one."""
    storage = private_storage()
    contenido = _pdf_de_muestra("Solicitud firmada (demostración)")
    import hashlib

    sha = hashlib.sha256(contenido).hexdigest()
    for solicitud in Solicitud.objects.filter(unidad__provincia_id__in=["17", "09"]).order_by("?")[
        :30
    ]:
        ruta = storage.save(generated_name("solicitudes", "pdf"), ContentFile(contenido))
        DocumentoSolicitud.objects.create(
            solicitud=solicitud,
            nombre="Solicitud firmada",
            nombre_original="solicitud-firmada.pdf",
            archivo=ruta,
            tipo="pdf",
            tamano=len(contenido),
            sha256=sha,
            paginas=1,
            creado_en=solicitud.creado_en,
        )


def _solicitudes_de_empleadores(ctx: DemoContext) -> None:
    """Two requests filed (through the real service) by the demo employers, to look up."""
    from core.uploads import validate_upload

    levantamiento = Tramite.objects.get(slug="levantamiento-medidas-cautelares")
    carta = validate_upload(
        io.BytesIO(_pdf_de_muestra("Solicitud de levantamiento")), name_for_messages="Carta"
    )
    archivos = {
        r.pk: carta
        for r in levantamiento.requisitos.filter(forma="archivo", condicion__isnull=True)
    }
    hipotecas = levantamiento.requisitos.get(nombre="Certificado de hipotecas y gravámenes")
    archivos[hipotecas.pk] = carta
    for empleador in ctx.data.get("empleadores_demo", [])[:2]:
        solicitud = services.solicitud_presentar(
            tramite=levantamiento,
            provincia=empleador.provincia,
            solicitante=services.Solicitante(
                tipo_identificacion="cedula",
                identificacion=empleador.representante_identificacion,
                nombre=empleador.representante_nombre,
                email=empleador.email,
                direccion=empleador.direccion,
                celular=empleador.celular,
            ),
            calidad=Solicitud.Calidad.REPRESENTANTE,
            detalle="Solicito el levantamiento de la prohibición de enajenar del predio 40112.",
            respuestas={"medidas": ["inmueble"], "titulos": "anulados"},
            archivos=archivos,
            empleador_identificacion=empleador.identificacion,
            cuenta=empleador.cuenta,
        )
        services.solicitud_enrutar(solicitud_id=solicitud.pk)


def logins(ctx: DemoContext) -> None:
    ctx.login(
        "Back office: cola /admin/tramites/solicitud/ y tablero /gestion/tablero/",
        "jefe.coactiva.17",
    )
    demo: list[Any] = list(
        Solicitud.objects.filter(empleador__cuenta__isnull=False).order_by("id")[:2]
    )
    for solicitud in demo:
        ctx.login(
            f"Consulta /consulta/ ({solicitud.empleador_razon_social})",
            solicitud.numero,
            solicitud.solicitante_identificacion,
            etiquetas=("número", "identificación"),
        )
