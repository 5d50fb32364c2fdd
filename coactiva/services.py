"""Coactiva services: every write to processes, measures and levantamientos goes
through here (DOMAIN.md §4).

`titulo_extinguido` is the hook cartera calls, inside its own transaction, whenever a
título de crédito becomes CANCELADO or ANULADO: when it was the process's last one, the
levantamiento of every measure in force is opened at once (Reglamento C.D. 516 art. 176),
the oficios are rendered after commit by a task and wait for the Director Provincial's
signature (`oficios_firmar`), which puts them in force and lifts the measures.
`titulo_en_convenio` and `titulo_convenio_incumplido` suspend and resume a process
when a payment agreement covers its títulos or breaks."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from pypdf import PdfReader

from cartera import services as cartera_services
from cartera.models import TituloCredito
from coactiva import avisos
from coactiva import pdf as coactiva_pdf
from coactiva import sorteo as sorteo_mod
from coactiva.models import (
    Actuacion,
    Entidad,
    FirmaOficio,
    JuicioCoactivo,
    JuicioTitulo,
    Levantamiento,
    LevantamientoHistorial,
    MedidaCautelar,
    MedidaHistorial,
    SecretarioAbogado,
    SorteoRegistro,
)
from coactiva.selectors import cantones_de_juicio, saldo_adeudado
from core import calendar, parametros
from core.email import correo_enviar
from core.formato import dolares
from core.models import Canton, DocumentoVerificable, Unidad, User
from core.queue import enqueue_on_commit
from core.services import (
    audit_log,
    documento_verificable_adjuntar_pdf,
    documento_verificable_anular,
    documento_verificable_emitir,
    documento_verificable_firmar,
    sequence_next,
)

Etapa = JuicioCoactivo.Etapa
EstadoMedida = MedidaCautelar.Estado
EXTINGUIDOS = (TituloCredito.Estado.CANCELADO, TituloCredito.Estado.ANULADO)
BASE_LEGAL = (
    "Reglamento de Aseguramiento, Recaudación y Gestión de Cartera del IESS "
    "(Resolución C.D. 516), art. 176"
)


class CoactivaError(ValidationError):
    """A coactiva rule was not met; the message is Spanish and meant for the user."""


class TransicionInvalida(CoactivaError):
    """An illegal state change was asked for; nothing was changed."""


# --- State machines ---------------------------------------------------------------------

_CIERRES = frozenset({Etapa.CANCELADO, Etapa.ANULADO, Etapa.ARCHIVADO})
_EN_CURSO = (
    Etapa.ORDEN_COBRO,
    Etapa.REQUERIMIENTO,
    Etapa.CITACION,
    Etapa.MEDIDAS,
    Etapa.EMBARGO,
    Etapa.AVALUO,
    Etapa.REMATE,
)

# COA procedure (DOMAIN.md §4): each stage leads to the next, and any stage can end the
# process (paid, annulled, archived) or be suspended by a convenio de pago that covers
# every título still owed (DOMAIN.md §3: the agreement puts the debtor "en trámite de
# pago"). From CONVENIO the process ends (its títulos paid or annulled) or, when the
# agreement breaks and its títulos go back to coactiva, resumes in the stage it was in
# (recorded in etapa_antes_convenio; juicio_transicion refuses any other).
JUICIO_TRANSICIONES: dict[str, frozenset[str]] = {
    Etapa.ORDEN_COBRO: frozenset({Etapa.REQUERIMIENTO, Etapa.CONVENIO, *_CIERRES}),
    Etapa.REQUERIMIENTO: frozenset({Etapa.CITACION, Etapa.CONVENIO, *_CIERRES}),
    Etapa.CITACION: frozenset({Etapa.MEDIDAS, Etapa.CONVENIO, *_CIERRES}),
    Etapa.MEDIDAS: frozenset({Etapa.EMBARGO, Etapa.CONVENIO, Etapa.INSOLVENCIA, *_CIERRES}),
    Etapa.EMBARGO: frozenset({Etapa.AVALUO, Etapa.CONVENIO, Etapa.INSOLVENCIA, *_CIERRES}),
    Etapa.AVALUO: frozenset({Etapa.REMATE, Etapa.CONVENIO, Etapa.INSOLVENCIA, *_CIERRES}),
    Etapa.REMATE: frozenset({Etapa.CONVENIO, Etapa.INSOLVENCIA, *_CIERRES}),
    Etapa.CONVENIO: frozenset({*_EN_CURSO, Etapa.CANCELADO, Etapa.ANULADO}),
    # Sent to the juicio de insolvencia: ends when its títulos are paid or annulled.
    Etapa.INSOLVENCIA: frozenset({Etapa.CANCELADO, Etapa.ANULADO}),
}

# A process goes to the juicio de insolvencia once its coercive stage culminated without
# full recovery (C.D. 497, 6th general disposition): after the precautionary measures at
# the earliest (there was something to seize, or nothing was found), never before the
# debtor was cited. The providencia must say why (INSOLVENCIA_MOTIVO_MINIMO characters).
INSOLVENCIA_MOTIVO_MINIMO = 20
# The providencia of a stage change, and what Patrocinio reports of an insolvency trial,
# fit whole in the actuación (1000 characters with the stage change and its término).
MOTIVO_MAXIMO = 500

# The término each stage gives the debtor, as a parameter key (DOMAIN.md §4, §7).
TERMINOS: dict[str, str] = {
    Etapa.REQUERIMIENTO: "COACTIVA_TERMINO_PAGO_VOLUNTARIO",
    Etapa.CITACION: "COACTIVA_TERMINO_CITACION",
}

MEDIDA_TRANSICIONES: dict[str, frozenset[str]] = {
    EstadoMedida.ORDENADA: frozenset({EstadoMedida.VIGENTE, EstadoMedida.LEVANTAMIENTO_SOLICITADO}),
    EstadoMedida.VIGENTE: frozenset({EstadoMedida.LEVANTAMIENTO_SOLICITADO}),
    EstadoMedida.LEVANTAMIENTO_SOLICITADO: frozenset(
        {EstadoMedida.LEVANTADA, EstadoMedida.VIGENTE}
    ),
    # The oficio was annulled (issued in error): the measure stands until a new one.
    EstadoMedida.LEVANTADA: frozenset({EstadoMedida.VIGENTE}),
}


def _usuario(por: Any) -> User | None:
    return por if getattr(por, "is_authenticated", False) else None


def _ahora(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def termino_etapa(*, juicio: JuicioCoactivo, etapa: str, desde: dt.date) -> dt.date | None:
    """Last day of the término a stage gives the debtor, counted in business days from
    the day after `desde` with the holidays of the unit's and the debtor's cantons
    (COA arts. 158-162); None for stages without a término."""
    clave = TERMINOS.get(etapa)
    if clave is None:
        return None
    dias = parametros.valor(clave, en=desde)
    return calendar.add_termino(desde, dias, cantones=cantones_de_juicio(juicio))


def juicio_transicion(
    *,
    juicio: JuicioCoactivo,
    a: str,
    por: Any = None,
    motivo: str = "",
    at: dt.datetime | None = None,
) -> JuicioCoactivo:
    """The only way a process changes stage: locks it, checks JUICIO_TRANSICIONES,
    records the stage's término and appends the actuación. Entering the requerimiento
    starts the coercive process for its títulos (cartera: EN_COACTIVA).

    CONVENIO: entered only while an approved agreement covers every título still owed
    (cartera: EN_CONVENIO), remembering the stage to resume; left for that stage only,
    once a título is back in coactiva. The resumed stage's término runs again from the
    day the process resumes (COA art. 158: términos run from the notification of the
    act, here the providencia that resumes the process)."""
    momento = _ahora(at)
    with transaction.atomic():
        fila = (
            JuicioCoactivo.objects.select_for_update(of=("self",))
            .select_related("unidad", "empleador")
            .get(pk=juicio.pk)
        )
        if a not in JUICIO_TRANSICIONES.get(fila.etapa, frozenset()):
            raise TransicionInvalida(
                f"El {fila} está en la etapa «{Etapa(fila.etapa).label}» y no puede pasar a "
                f"«{Etapa(a).label}»."
            )
        pendientes = _pendientes(fila)
        if a in (Etapa.CANCELADO, Etapa.ANULADO) and pendientes:
            raise TransicionInvalida(
                f"El {fila} tiene títulos de crédito pendientes; se cierra como "
                f"«{Etapa(a).label}» solo cuando todos están cancelados o anulados."
            )
        if len(motivo) > MOTIVO_MAXIMO:
            raise CoactivaError(
                {
                    "motivo": f"Resuma la providencia en {MOTIVO_MAXIMO} caracteres como "
                    f"máximo (tiene {len(motivo)}); el texto completo va en el expediente "
                    "como escrito."
                }
            )
        if a == Etapa.INSOLVENCIA:
            if not pendientes:
                raise TransicionInvalida(
                    f"El {fila} no tiene títulos pendientes: se cierra como "
                    f"«{Etapa.CANCELADO.label}» o «{Etapa.ANULADO.label}», no se remite a "
                    "juicio de insolvencia."
                )
            if len(motivo.strip()) < INSOLVENCIA_MOTIVO_MINIMO:
                raise TransicionInvalida(
                    {
                        "motivo": f"Para remitir el {fila} a juicio de insolvencia indique "
                        "en la providencia por qué el proceso coactivo culmina sin la "
                        f"recuperación total (al menos {INSOLVENCIA_MOTIVO_MINIMO} "
                        "caracteres): bienes embargados y rematados, remate desierto, "
                        "bienes no encontrados…"
                    }
                )
        en_convenio = [t for t in pendientes if t.estado == TituloCredito.Estado.EN_CONVENIO]
        if a == Etapa.CONVENIO and (not pendientes or len(en_convenio) < len(pendientes)):
            fuera = "; ".join(
                f"el título N.º {t.numero} está «{t.get_estado_display()}»"
                for t in pendientes
                if t not in en_convenio
            )
            raise TransicionInvalida(
                f"El {fila} pasa a «{Etapa.CONVENIO.label}» solo cuando un convenio de pago "
                f"aprobado cubre todos sus títulos pendientes{': ' + fuera if fuera else ''}."
            )
        reanuda = fila.etapa_antes_convenio or Etapa.MEDIDAS
        if fila.etapa == Etapa.CONVENIO and a in _EN_CURSO:
            if a != reanuda:
                raise TransicionInvalida(
                    f"El {fila} se reanuda en la etapa en que estaba al celebrarse el "
                    f"convenio, «{Etapa(reanuda).label}», no en «{Etapa(a).label}»."
                )
            if len(en_convenio) == len(pendientes):
                raise TransicionInvalida(
                    f"El convenio de pago del {fila} sigue vigente: el proceso se reanuda "
                    "cuando sus títulos vuelven a coactiva."
                )
        de = fila.etapa
        hoy = timezone.localdate(momento)
        fila.etapa = a
        fila.etapa_desde = hoy
        fila.vence_en = termino_etapa(juicio=fila, etapa=a, desde=hoy)
        if de != Etapa.INSOLVENCIA:
            # A process paid after its remisión keeps the day coactiva's part ended.
            fila.cerrado_en = momento if a in _CIERRES or a == Etapa.INSOLVENCIA else None
        fila.etapa_antes_convenio = de if a == Etapa.CONVENIO else ""
        campos = ["etapa", "etapa_desde", "vence_en", "cerrado_en", "etapa_antes_convenio"]
        texto = f"{Etapa(de).label} → {Etapa(a).label}."
        if a == Etapa.INSOLVENCIA:
            fila.insolvencia_remitido_el = hoy
            fila.insolvencia_saldo = saldo_adeudado(fila, en=hoy)
            campos += ["insolvencia_remitido_el", "insolvencia_saldo"]
            texto += (
                f" Sin recuperación total: adeuda {dolares(fila.insolvencia_saldo)} en "
                f"{len(pendientes)} título{'s' if len(pendientes) > 1 else ''} de crédito. "
                "Se remite al Área de Patrocinio para el juicio de insolvencia (C.D. 497, "
                "disposición general sexta); las medidas cautelares se mantienen."
            )
        fila.save(update_fields=campos)
        if fila.vence_en:
            texto += f" Término hasta el {fila.vence_en:%d/%m/%Y}."
        if motivo:
            texto += f" {motivo}"
        actuacion_registrar(
            juicio=fila, tipo=Actuacion.Tipo.ETAPA, descripcion=texto, por=por, at=momento
        )
        avisos.etapa_avisar(juicio=fila)
        if a == Etapa.REQUERIMIENTO:
            for titulo in fila.titulos.filter(estado=TituloCredito.Estado.SORTEADO):
                cartera_services.titulo_enviar_coactiva(
                    titulo=titulo, por=_usuario(por), motivo=f"Orden de cobro: {fila}."
                )
    return fila


def insolvencia_seguimiento(
    *, juicio: JuicioCoactivo, estado: str, por: Any = None, at: dt.datetime | None = None
) -> JuicioCoactivo:
    """Record what the Área de Patrocinio reports of the juicio de insolvencia of a
    process the unit remitted: the unit keeps it in its inventory and reports its state
    to the Director Provincial every two months (C.D. 497, 6th general disposition)."""
    estado = " ".join(estado.split())
    if not estado:
        raise CoactivaError({"estado": "Escriba el estado del juicio de insolvencia."})
    if len(estado) > MOTIVO_MAXIMO:
        raise CoactivaError(
            {
                "estado": f"Resuma el estado en {MOTIVO_MAXIMO} caracteres como máximo "
                f"(tiene {len(estado)})."
            }
        )
    momento = _ahora(at)
    with transaction.atomic():
        fila = (
            JuicioCoactivo.objects.select_for_update(of=("self",))
            .select_related("unidad")
            .get(pk=juicio.pk)
        )
        if fila.etapa != Etapa.INSOLVENCIA:
            raise TransicionInvalida(
                f"El {fila} no está remitido a juicio de insolvencia "
                f"(etapa «{Etapa(fila.etapa).label}»)."
            )
        fila.insolvencia_estado = estado
        fila.insolvencia_estado_el = timezone.localdate(momento)
        fila.save(update_fields=["insolvencia_estado", "insolvencia_estado_el"])
        actuacion_registrar(
            juicio=fila,
            tipo=Actuacion.Tipo.INSOLVENCIA,
            descripcion=f"Estado del juicio de insolvencia: {fila.insolvencia_estado}",
            por=por,
            at=momento,
        )
    return fila


def medida_transicion(
    *,
    medida: MedidaCautelar,
    a: str,
    por: Any = None,
    motivo: str = "",
    at: dt.datetime | None = None,
    cambios: dict[str, Any] | None = None,
) -> MedidaCautelar:
    """The only way a measure changes state (ORDENADA → VIGENTE → LEVANTAMIENTO_SOLICITADO
    → LEVANTADA): locks it, checks MEDIDA_TRANSICIONES, appends the history row."""
    with transaction.atomic():
        fila = MedidaCautelar.objects.select_for_update().get(pk=medida.pk)
        if a not in MEDIDA_TRANSICIONES.get(fila.estado, frozenset()):
            raise TransicionInvalida(
                f"La medida «{fila}» está «{EstadoMedida(fila.estado).label}» y no puede "
                f"pasar a «{EstadoMedida(a).label}»."
            )
        de = fila.estado
        fila.estado = a
        for campo, valor in (cambios or {}).items():
            setattr(fila, campo, valor)
        fila.save(update_fields=["estado", *(cambios or {})])
        MedidaHistorial.objects.create(
            medida=fila, de=de, a=a, en=_ahora(at), por=_usuario(por), motivo=motivo[:500]
        )
    return fila


# --- The process file (expediente) --------------------------------------------------------


def _paginas(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def actuacion_registrar(
    *,
    juicio: JuicioCoactivo,
    tipo: str,
    descripcion: str,
    por: Any = None,
    at: dt.datetime | None = None,
    pdf: bytes | None = None,
    documento: DocumentoVerificable | None = None,
) -> Actuacion:
    """Append an entry to the process file with the next number and folio (C.D. 497
    3.5.3 a: numbered, ordered, foliated). A PDF (`pdf`, or the verifiable
    `documento`'s) adds its pages; an entry without one is a one-page record."""
    with transaction.atomic():
        fila = JuicioCoactivo.objects.select_for_update(of=("self",)).get(pk=juicio.pk)
        ultima = Actuacion.objects.filter(juicio=fila).order_by("-numero").first()
        if documento is not None and documento.archivo:
            with documento.archivo.open("rb") as handle:
                paginas = _paginas(handle.read())
        else:
            paginas = _paginas(pdf) if pdf else 1
        actuacion = Actuacion(
            juicio=fila,
            numero=(ultima.numero + 1) if ultima else 1,
            tipo=tipo,
            descripcion=descripcion[:1000],
            etapa=fila.etapa,
            en=_ahora(at),
            por=_usuario(por),
            documento=documento,
            folio_desde=(ultima.folio_hasta + 1) if ultima else 1,
            paginas=paginas,
        )
        if pdf:
            actuacion.archivo.save("actuacion.pdf", ContentFile(pdf), save=False)
        actuacion.save()
    return actuacion


# --- Sorteo ----------------------------------------------------------------------------


def _cargas(unidad: Unidad) -> dict[int, int]:
    """Open processes per active lawyer of the unit (the load the sorteo balances)."""
    filas = (
        SecretarioAbogado.objects.filter(unidad=unidad, activo=True)
        .annotate(carga=Count("juicios", filter=~Q(juicios__etapa__in=JuicioCoactivo.TERMINALES)))
        .values_list("pk", "carga")
    )
    return dict(filas)


def titulos_por_sortear(*, unidad: Unidad) -> Any:
    """Títulos the unit received from cartera that no process covers yet."""
    return TituloCredito.objects.filter(
        unidad_coactiva=unidad,
        estado__in=[
            TituloCredito.Estado.EMITIDO,
            TituloCredito.Estado.SORTEADO,
            TituloCredito.Estado.EN_COACTIVA,
        ],
        juicio_linea__isnull=True,
    )


def sorteo_realizar(
    *,
    unidad: Unidad,
    por: Any = None,
    titulos: Iterable[int] | None = None,
    semilla_fijada: str | None = None,
    at: dt.datetime | None = None,
) -> SorteoRegistro:
    """Sorteo of the títulos received by a coactiva unit (C.D. 497 3.5.3 d): the títulos
    of each debtor become one process, assigned at random to an active
    Secretario-Abogado of the unit among those with the lowest load. The seed, inputs
    and result are logged (SorteoRegistro) so anyone can re-run the draw
    (coactiva.selectors.sorteo_reproducir). `titulos` narrows it to some ids.

    The seed of a real draw comes from `secrets` (the operating system's random
    source): nobody chooses it, which is what makes the assignment random to an
    auditor. `semilla_fijada` exists for tests and demo data only: it is refused in
    production, and the log records that a person fixed the seed (the draw is then
    reproducible but not random)."""
    momento = _ahora(at)
    if semilla_fijada is not None:
        if settings.PRODUCTION:
            raise CoactivaError(
                "En producción la semilla del sorteo la genera el sistema; no se puede fijar."
            )
        if not semilla_fijada.strip():
            raise CoactivaError("La semilla fijada no puede estar vacía.")
        semilla = semilla_fijada.strip()
        origen = SorteoRegistro.SemillaOrigen.PERSONA
    else:
        semilla = secrets.token_hex(16)
        origen = SorteoRegistro.SemillaOrigen.SISTEMA
    with transaction.atomic():
        # One sorteo of a unit at a time: the unit's row is the lock. A second one waits
        # here and then reads the inbox and the loads as the first left them (locking
        # the títulos alone would let it re-draw títulos the first one had just given).
        Unidad.objects.select_for_update().filter(pk=unidad.pk).first()
        qs = titulos_por_sortear(unidad=unidad)
        if titulos is not None:
            qs = qs.filter(pk__in=list(titulos))
        filas = list(qs.select_for_update(of=("self",)).order_by("pk"))
        if not filas:
            raise CoactivaError("No hay títulos de crédito pendientes de sorteo en la unidad.")
        cargas = _cargas(unidad)
        if not cargas:
            raise CoactivaError(
                f"{unidad.nombre} no tiene Secretarios-Abogados activos para el sorteo."
            )
        por_empleador: dict[int, list[int]] = defaultdict(list)
        for t in filas:
            por_empleador[t.empleador_id].append(t.pk)
        grupos = [sorteo_mod.Grupo(e, tuple(ids)) for e, ids in sorted(por_empleador.items())]
        asignaciones = sorteo_mod.sortear(semilla=semilla, grupos=grupos, cargas=cargas)
        registro = SorteoRegistro.objects.create(
            unidad=unidad,
            realizado_en=momento,
            realizado_por=_usuario(por),
            metodo=sorteo_mod.METODO,
            semilla=semilla,
            semilla_origen=origen,
            entradas=sorteo_mod.entradas_serializar(grupos, cargas),
            resultado=sorteo_mod.resultado_serializar(asignaciones),
        )
        titulos_de = {t.pk: t for t in filas}
        secretarios = SecretarioAbogado.objects.in_bulk([a.secretario_id for a in asignaciones])
        for asignacion in asignaciones:
            _juicio_abrir(
                unidad=unidad,
                registro=registro,
                secretario=secretarios[asignacion.secretario_id],
                titulos=[titulos_de[t] for t in asignacion.titulo_ids],
                por=por,
                at=momento,
            )
        audit_log(
            actor=por,
            accion="coactiva.sorteo",
            obj=registro,
            detalle={
                "titulos": len(filas),
                "procesos": len(asignaciones),
                "semilla_origen": origen,
            },
        )
    return registro


def _juicio_abrir(
    *,
    unidad: Unidad,
    registro: SorteoRegistro,
    secretario: SecretarioAbogado,
    titulos: Sequence[TituloCredito],
    por: Any,
    at: dt.datetime,
) -> JuicioCoactivo:
    hoy = timezone.localdate(at)
    juicio = JuicioCoactivo.objects.create(
        unidad=unidad,
        anio=hoy.year,
        secuencial=sequence_next(clave=f"coactiva.juicio:{unidad.codigo}:{hoy.year}"),
        empleador_id=titulos[0].empleador_id,
        secretario=secretario,
        sorteo=registro,
        etapa=Etapa.ORDEN_COBRO,
        etapa_desde=hoy,
        abierto_en=at,
        monto_inicial=sum((t.saldo_registrado for t in titulos), Decimal("0.00")),
    )
    JuicioTitulo.objects.bulk_create([JuicioTitulo(juicio=juicio, titulo=t) for t in titulos])
    numeros = ", ".join(t.numero for t in titulos)
    actuacion_registrar(
        juicio=juicio,
        tipo=Actuacion.Tipo.APERTURA,
        descripcion=(
            f"Sorteo N.º {registro.pk}: se asigna a {secretario.nombre} la orden de cobro de "
            f"los títulos de crédito N.º {numeros}."
        ),
        por=por,
        at=at,
    )
    avisos.juicio_abierto_avisar(juicio=juicio, titulos=titulos)
    for titulo in titulos:
        if titulo.estado == TituloCredito.Estado.EMITIDO:
            cartera_services.titulo_sortear(
                titulo=titulo,
                por=_usuario(por),
                motivo=f"Sorteo N.º {registro.pk}: {juicio}, {secretario.nombre}.",
            )
    return juicio


# --- Medidas cautelares -----------------------------------------------------------------


def entidad_clave(*, entidad_tipo: str, entidad_nombre: str, canton_id: str | None) -> str:
    """Measures with the same key are lifted by one oficio (one per entity)."""
    nombre = " ".join(entidad_nombre.split()).upper()
    canton = canton_id if entidad_tipo == Entidad.REGISTRO_PROPIEDAD else ""
    return f"{entidad_tipo}:{canton or ''}:{nombre}"[:260]


def medida_ordenar(
    *,
    juicio: JuicioCoactivo,
    tipo: str,
    entidad_tipo: str,
    entidad_nombre: str,
    cuenta: str = "",
    predio: str = "",
    canton: Canton | None = None,
    placa: str = "",
    bien: str = "",
    monto: Decimal | None = None,
    por: Any = None,
    at: dt.datetime | None = None,
) -> MedidaCautelar:
    """Order a precautionary measure in an open process (DOMAIN.md §4): funds in a
    financial institution (account), real estate at the Registro de la Propiedad of
    its cantón (predio), vehicles at the ANT (placa), secuestro or embargo."""
    errores: dict[str, list[str]] = {}
    if tipo not in MedidaCautelar.Tipo.values:
        errores["tipo"] = ["Elija el tipo de medida."]
    if entidad_tipo not in Entidad.values:
        errores["entidad_tipo"] = ["Elija el tipo de entidad."]
    if not entidad_nombre.strip():
        errores["entidad_nombre"] = ["Indique la entidad a la que se ordena la medida."]
    requeridos: dict[str, list[tuple[str, Any, str]]] = {
        MedidaCautelar.Tipo.RETENCION_FONDOS: [("cuenta", cuenta, "el número de cuenta")],
        MedidaCautelar.Tipo.PROHIBICION_INMUEBLE: [
            ("predio", predio, "el número de predio"),
            ("canton", canton, "el cantón del inmueble"),
        ],
        MedidaCautelar.Tipo.PROHIBICION_VEHICULO: [("placa", placa, "la placa del vehículo")],
        MedidaCautelar.Tipo.SECUESTRO: [("bien", bien, "el bien secuestrado")],
        MedidaCautelar.Tipo.EMBARGO: [("bien", bien, "el bien embargado")],
    }
    for campo, valor, texto in requeridos.get(tipo, []):
        if not (valor.strip() if isinstance(valor, str) else valor):
            errores[campo] = [f"Indique {texto}."]
    if monto is not None and monto < 0:
        errores["monto"] = ["El monto no puede ser negativo."]
    if errores:
        raise CoactivaError(errores)
    momento = _ahora(at)
    with transaction.atomic():
        fila = JuicioCoactivo.objects.select_for_update(of=("self",)).get(pk=juicio.pk)
        if not fila.en_curso:
            raise CoactivaError(
                f"El {fila} está «{fila.get_etapa_display()}»: no se pueden ordenar medidas."
            )
        medida = MedidaCautelar.objects.create(
            juicio=fila,
            tipo=tipo,
            entidad_tipo=entidad_tipo,
            entidad_nombre=" ".join(entidad_nombre.split()),
            entidad_clave=entidad_clave(
                entidad_tipo=entidad_tipo,
                entidad_nombre=entidad_nombre,
                canton_id=canton.pk if canton else None,
            ),
            cuenta=cuenta.strip(),
            predio=predio.strip(),
            canton=canton,
            placa=placa.strip().upper(),
            bien=bien.strip(),
            monto=monto,
            ordenada_en=momento,
        )
        actuacion_registrar(
            juicio=fila,
            tipo=Actuacion.Tipo.MEDIDA,
            descripcion=f"Se ordena: {medida.descripcion}, a {medida.entidad_nombre}.",
            por=por,
            at=momento,
        )
        avisos.medida_ordenada_avisar(medida=medida)
    return medida


def medida_registrar_vigencia(
    *, medida: MedidaCautelar, por: Any = None, at: dt.datetime | None = None
) -> MedidaCautelar:
    """The entity confirmed it registered the measure: it is in force."""
    medida = medida_transicion(
        medida=medida,
        a=EstadoMedida.VIGENTE,
        por=por,
        at=at,
        motivo="La entidad confirmó el registro de la medida.",
    )
    actuacion_registrar(
        juicio=medida.juicio,
        tipo=Actuacion.Tipo.MEDIDA,
        descripcion=f"{medida.entidad_nombre} confirma: {medida.descripcion} (vigente).",
        por=por,
        at=at,
    )
    return medida


# --- Levantamiento (Reglamento C.D. 516 art. 176) ---------------------------------------

EstadoLevantamiento = Levantamiento.Estado

# PENDIENTE: opened, its oficio registered and being rendered; POR_FIRMAR: rendered,
# waiting for the Director Provincial's signature; EMITIDO: signed, in force, the
# measures lifted. An oficio found wrong before or after signing is annulled.
LEVANTAMIENTO_TRANSICIONES: dict[str, frozenset[str]] = {
    EstadoLevantamiento.PENDIENTE: frozenset(
        {EstadoLevantamiento.POR_FIRMAR, EstadoLevantamiento.ANULADO}
    ),
    EstadoLevantamiento.POR_FIRMAR: frozenset(
        {EstadoLevantamiento.EMITIDO, EstadoLevantamiento.ANULADO}
    ),
    EstadoLevantamiento.EMITIDO: frozenset({EstadoLevantamiento.ANULADO}),
}


def levantamiento_transicion(
    *,
    levantamiento: Levantamiento,
    a: str,
    por: Any = None,
    motivo: str = "",
    at: dt.datetime | None = None,
    cambios: dict[str, Any] | None = None,
) -> Levantamiento:
    """The only way a levantamiento changes state: locks it, checks
    LEVANTAMIENTO_TRANSICIONES, saves with `cambios` and appends the history row."""
    with transaction.atomic():
        fila = Levantamiento.objects.select_for_update().get(pk=levantamiento.pk)
        if a not in LEVANTAMIENTO_TRANSICIONES.get(fila.estado, frozenset()):
            raise TransicionInvalida(
                f"El oficio del {fila} está «{EstadoLevantamiento(fila.estado).label}» y no "
                f"puede pasar a «{EstadoLevantamiento(a).label}»."
            )
        de = fila.estado
        fila.estado = a
        for campo, valor in (cambios or {}).items():
            setattr(fila, campo, valor)
        fila.save(update_fields=["estado", *(cambios or {})])
        LevantamientoHistorial.objects.create(
            levantamiento=fila, de=de, a=a, en=_ahora(at), por=_usuario(por), motivo=motivo[:500]
        )
    return fila


def _pendientes(juicio: JuicioCoactivo) -> list[TituloCredito]:
    return list(juicio.titulos.exclude(estado__in=EXTINGUIDOS).order_by("anio", "secuencial"))


def levantamiento_abrir(
    *,
    juicio: JuicioCoactivo,
    origen: str,
    por: Any = None,
    at: dt.datetime | None = None,
    solicitud: Any = None,
) -> list[Levantamiento]:
    """Open the levantamiento of every measure of the process that is ordered or in
    force, one per entity, with its oficio registered (verification code known at
    once, «pendiente de firma» until signed) and its PDF queued; the rendered oficio
    then waits for the Director Provincial's signature (oficios_firmar). Only when
    every título of the process is CANCELADO or ANULADO (art. 176); otherwise
    CoactivaError says which título owes how much. Returns the process's live
    levantamientos (new and earlier ones)."""
    from coactiva.selectors import motivos_no_elegible
    from coactiva.tasks import oficio_generar

    momento = _ahora(at)
    with transaction.atomic():
        fila = (
            JuicioCoactivo.objects.select_for_update(of=("self",))
            .select_related("unidad__provincia", "empleador", "secretario")
            .get(pk=juicio.pk)
        )
        pendientes = _pendientes(fila)
        if pendientes:
            raise CoactivaError(motivos_no_elegible(fila, pendientes))
        medidas = list(
            MedidaCautelar.objects.select_for_update(of=("self",))
            .filter(juicio=fila, estado__in=MedidaCautelar.EN_FIRME)
            .select_related("canton__provincia")
            .order_by("id")
        )
        por_entidad: dict[str, list[MedidaCautelar]] = defaultdict(list)
        for medida in medidas:
            por_entidad[medida.entidad_clave].append(medida)
        for clave, grupo in por_entidad.items():
            levantamiento = (
                Levantamiento.objects.select_for_update()
                .filter(juicio=fila, entidad_clave=clave)
                .exclude(estado=EstadoLevantamiento.ANULADO)
                .first()
            )
            nuevo = levantamiento is None
            if levantamiento is None:
                levantamiento = Levantamiento.objects.create(
                    juicio=fila,
                    entidad_tipo=grupo[0].entidad_tipo,
                    entidad_nombre=grupo[0].entidad_nombre,
                    entidad_clave=clave,
                    origen=origen,
                    solicitud=solicitud,
                    abierto_en=momento,
                    abierto_por=_usuario(por),
                )
            for medida in grupo:
                medida_transicion(
                    medida=medida,
                    a=EstadoMedida.LEVANTAMIENTO_SOLICITADO,
                    por=por,
                    at=momento,
                    motivo=f"Levantamiento ({Levantamiento.Origen(origen).label}).",
                    cambios={"levantamiento": levantamiento},
                )
            if nuevo:
                _oficio_registrar(levantamiento=levantamiento, medidas=grupo, at=momento)
                actuacion_registrar(
                    juicio=fila,
                    tipo=Actuacion.Tipo.LEVANTAMIENTO,
                    descripcion=(
                        f"Extinguidos todos los títulos del proceso, se dispone el levantamiento "
                        f"de {len(grupo)} medida(s) ante {levantamiento.entidad_nombre} "
                        f"({BASE_LEGAL}); el oficio pasa a la firma del/de la "
                        f"{cargo_firmante(fila)}. Origen: {levantamiento.get_origen_display()}."
                    ),
                    por=por,
                    at=momento,
                )
                enqueue_on_commit(oficio_generar, levantamiento.pk)
        if getattr(solicitud, "pk", None):
            # Opened before the debtor asked (automatic): the request is linked, so its
            # filer also gets the oficios' links when they are signed.
            Levantamiento.objects.filter(juicio=fila, solicitud__isnull=True).exclude(
                estado=EstadoLevantamiento.ANULADO
            ).update(solicitud=solicitud)
        vivos = list(
            Levantamiento.objects.filter(juicio=fila)
            .exclude(estado=EstadoLevantamiento.ANULADO)
            .select_related("oficio")
            .order_by("id")
        )
    return vivos


def cargo_firmante(juicio: JuicioCoactivo) -> str:
    """Who signs an oficio de levantamiento: the Director Provincial, who holds the
    coercive jurisdiction (DOMAIN.md §4; C.D. 497: the coactiva unit depends on the
    Dirección Provincial)."""
    provincia = juicio.unidad.provincia
    lugar = provincia.nombre if provincia else "la provincia"
    return f"Director(a) Provincial de {lugar}, Juez(a) de Coactiva"


def _oficio_registrar(
    *, levantamiento: Levantamiento, medidas: Sequence[MedidaCautelar], at: dt.datetime
) -> DocumentoVerificable:
    """Register the oficio (number and verification code) and what it states publicly,
    pending its signature. The verification page shows `datos_publicos`: bank
    accounts appear masked there, so it never shows more than the oficio itself."""
    juicio = levantamiento.juicio
    anio = timezone.localdate(at).year
    numero = sequence_next(clave=f"coactiva.oficio:{juicio.unidad.codigo}:{anio}")
    numero_oficio = f"IESS-{juicio.unidad.provincia_id}-COA-{anio}-{numero:05d}-OF"
    empleador = juicio.empleador
    documento = documento_verificable_emitir(
        tipo=DocumentoVerificable.Tipo.OFICIO_LEVANTAMIENTO,
        titulo=f"Oficio de levantamiento de medidas cautelares N.º {numero_oficio}",
        datos_publicos={
            "Oficio N.º": numero_oficio,
            "Juicio coactivo N.º": juicio.numero,
            "Deudor": empleador.razon_social,
            "RUC / cédula": empleador.identificacion,
            "Dirigido a": levantamiento.entidad_nombre,
            "Medidas que se levantan": "; ".join(_descripcion_publica(m) for m in medidas),
            "Base legal": BASE_LEGAL,
            "Firma": f"Pendiente de la firma del/de la {cargo_firmante(juicio)}",
        },
        pendiente_firma=True,
    )
    levantamiento.oficio = documento
    levantamiento.save(update_fields=["oficio"])
    return documento


def _descripcion_publica(medida: MedidaCautelar) -> str:
    if medida.tipo == MedidaCautelar.Tipo.RETENCION_FONDOS:
        return f"Retención de fondos de la cuenta terminada en {medida.cuenta[-4:]}"
    return medida.descripcion


def levantamiento_oficio_generar(*, levantamiento_id: int) -> DocumentoVerificable | None:
    """Render and attach the oficio's PDF (reportlab, QR to /verificar/<código>/, an
    empty space for the signature) and put it in the signer's queue (POR_FIRMAR). It
    is not in force, and the measures are not lifted, until it is signed. Idempotent:
    an oficio already rendered is returned as it is."""
    with transaction.atomic():
        levantamiento = (
            Levantamiento.objects.select_for_update(of=("self",))
            .select_related("juicio__unidad__provincia", "juicio__empleador", "juicio__secretario")
            .filter(pk=levantamiento_id)
            .first()
        )
        if levantamiento is None or levantamiento.estado == EstadoLevantamiento.ANULADO:
            return None
        oficio = levantamiento.oficio
        if levantamiento.estado != EstadoLevantamiento.PENDIENTE or oficio is None:
            return oficio
        medidas = list(levantamiento.medidas.select_related("canton__provincia").order_by("id"))
        juicio = levantamiento.juicio
        titulos = list(juicio.titulos.order_by("anio", "secuencial"))
        pdf = coactiva_pdf.oficio_levantamiento(
            oficio=oficio,
            levantamiento=levantamiento,
            medidas=medidas,
            titulos=titulos,
            cargo_firmante=cargo_firmante(juicio),
        )
        documento_verificable_adjuntar_pdf(documento=oficio, pdf=pdf)
        levantamiento_transicion(
            levantamiento=levantamiento,
            a=EstadoLevantamiento.POR_FIRMAR,
            motivo=f"Oficio generado; pasa a la firma del/de la {cargo_firmante(juicio)}.",
            cambios={"ultimo_error": ""},
        )
    return oficio


def levantamiento_oficio_fallo(*, levantamiento_id: int, error: str) -> None:
    """Record a failed rendering on the row (the sweep retries it)."""
    Levantamiento.objects.filter(pk=levantamiento_id).update(
        ultimo_error=error[:2000], intentos=F("intentos") + 1
    )


# --- Signature of the oficios -------------------------------------------------------------


def autoridad_de_firma_error(*, usuario: Any, juicio: JuicioCoactivo) -> str | None:
    """Why `usuario` may not sign the oficios of `juicio` (None when they may): only a
    Director Provincial of the process's own province, who holds the coercive
    jurisdiction there (DOMAIN.md §4). The roles model no delegation, so neither the
    head of the coactiva unit nor a superuser without that role signs."""
    from core import roles
    from core.selectors import has_role

    cargo = cargo_firmante(juicio)
    if not getattr(usuario, "is_authenticated", False) or not usuario.is_active:
        return f"Los oficios de levantamiento los firma el/la {cargo}."
    if not (
        has_role(usuario, roles.DIRECTOR_PROVINCIAL) and usuario.has_perm("coactiva.firmar_oficio")
    ):
        return f"Solo el/la {cargo} firma los oficios de levantamiento de este proceso."
    if usuario.unidad is None or usuario.unidad.provincia_id != juicio.unidad.provincia_id:
        return (
            f"El oficio pertenece a otra provincia: lo firma el/la {cargo}, que ejerce allí "
            "la jurisdicción coactiva."
        )
    return None


def _oficio_firmar(
    *, levantamiento: Levantamiento, por: Any, momento: dt.datetime
) -> Levantamiento:
    with transaction.atomic():
        fila = (
            Levantamiento.objects.select_for_update(of=("self",))
            .select_related("juicio__unidad__provincia", "juicio__empleador", "oficio")
            .get(pk=levantamiento.pk)
        )
        if fila.estado != EstadoLevantamiento.POR_FIRMAR or fila.oficio is None:
            raise CoactivaError(
                f"El oficio del {fila} está «{fila.get_estado_display()}»: solo se firman "
                "oficios por firmar."
            )
        juicio = fila.juicio
        if error := autoridad_de_firma_error(usuario=por, juicio=juicio):
            raise CoactivaError(error)
        oficio = fila.oficio
        with oficio.archivo.open("rb") as handle:
            revisado = handle.read()
        nombre = por.get_full_name() or por.username
        cargo = cargo_firmante(juicio)
        local = timezone.localtime(momento)
        firmado = coactiva_pdf.estampar_firma(
            pdf=revisado, nombre=nombre, cargo=cargo, firmado_en=momento
        )
        firma = FirmaOficio(
            levantamiento=fila,
            origen=FirmaOficio.Origen.PLATAFORMA,
            firmado_por=por,
            nombre=nombre,
            cargo=cargo,
            firmado_en=momento,
            archivo_revisado=oficio.archivo.name,  # the file the signer reviewed, kept
            sha256_revisado=oficio.sha256,
        )
        oficio = documento_verificable_firmar(
            documento=oficio,
            pdf=firmado,
            datos_publicos={
                "Firma": (f"{nombre}, {cargo}. Firmado el {local:%d/%m/%Y} a las {local:%H:%M}.")
            },
        )
        firma.sha256_firmado = oficio.sha256
        firma.save()
        fila = levantamiento_transicion(
            levantamiento=fila,
            a=EstadoLevantamiento.EMITIDO,
            por=por,
            at=momento,
            motivo=f"Firmado por {nombre}, {cargo}.",
            cambios={"emitido_en": momento},
        )
        for medida in fila.medidas.order_by("id"):
            if medida.estado == EstadoMedida.LEVANTAMIENTO_SOLICITADO:
                medida_transicion(
                    medida=medida,
                    a=EstadoMedida.LEVANTADA,
                    por=por,
                    at=momento,
                    motivo=f"{oficio.titulo} firmado.",
                )
        actuacion_registrar(
            juicio=juicio,
            tipo=Actuacion.Tipo.OFICIO,
            descripcion=(
                f"{oficio.titulo}, dirigido a {fila.entidad_nombre}, firmado por {nombre}, "
                f"{cargo}, el {local:%d/%m/%Y %H:%M}."
            ),
            por=por,
            at=momento,
            documento=oficio,
        )
        audit_log(
            actor=por,
            accion="coactiva.oficio_firmado",
            obj=fila,
            detalle={
                "oficio": oficio.codigo,
                "sha256_revisado": firma.sha256_revisado,
                "sha256_firmado": firma.sha256_firmado,
            },
        )
    fila.oficio = oficio
    return fila


@dataclass(frozen=True)
class ResultadoFirma:
    firmados: list[Levantamiento]
    errores: list[str]  # Spanish, one per oficio that was not signed


def oficios_firmar(
    *, levantamientos: Iterable[Levantamiento], por: Any, at: dt.datetime | None = None
) -> ResultadoFirma:
    """The Director Provincial signs oficios de levantamiento (Reglamento C.D. 516 art.
    176; the coercive jurisdiction is theirs, DOMAIN.md §4). Each signature records
    who and when (FirmaOficio, append-only, and the audit trail), stamps the signer's
    name, title and date-time in the oficio's signature space, and only then: the
    oficio is in force on /verificar/, its measures are LEVANTADA, the process records
    the actuación with its folio, and the debtor gets an e-mail per process with the
    verification links of the oficios just signed (and says which still wait).

    Each oficio is signed on its own: one that cannot be (not by this signer, already
    signed or annulled) is reported in `errores` and does not stop the others. This is
    not a certified electronic signature: see coactiva.pdf.estampar_firma."""
    momento = _ahora(at)
    por_juicio: dict[int, list[Levantamiento]] = defaultdict(list)
    for levantamiento in levantamientos:
        por_juicio[levantamiento.juicio_id].append(levantamiento)
    firmados: list[Levantamiento] = []
    errores: list[str] = []
    for grupo in por_juicio.values():
        with transaction.atomic():
            de_este: list[Levantamiento] = []
            for levantamiento in sorted(grupo, key=lambda lev: lev.pk):
                try:
                    de_este.append(
                        _oficio_firmar(levantamiento=levantamiento, por=por, momento=momento)
                    )
                except ValidationError as exc:
                    errores.append(f"{levantamiento}: {' '.join(exc.messages)}")
            if de_este:
                _avisar_oficios_firmados(firmados=de_este)
            firmados += de_este
    return ResultadoFirma(firmados=firmados, errores=errores)


def _avisar_oficios_firmados(*, firmados: Sequence[Levantamiento]) -> None:
    juicio = firmados[0].juicio
    empleador = juicio.empleador
    faltan = list(
        juicio.levantamientos.filter(
            estado__in=[EstadoLevantamiento.PENDIENTE, EstadoLevantamiento.POR_FIRMAR]
        ).order_by("id")
    )
    solicitantes = [lev.solicitud.email for lev in firmados if lev.solicitud is not None]
    correo_enviar(
        para=[empleador.email, *solicitantes],
        asunto=f"Oficios de levantamiento firmados: juicio coactivo {juicio.numero}",
        plantilla="levantamiento_firmado",
        contexto={
            "empleador": empleador,
            "juicio": juicio,
            "firmados": firmados,
            "faltan": faltan,
        },
        evento="coactiva.oficios_firmados",
        obj=juicio,
    )


def oficios_por_firmar_recordar(*, hoy: dt.date | None = None) -> int:
    """Daily on business days (core/schedule.py): remind each province's Director
    Provincial of the oficios de levantamiento that have waited for their signature
    more than COACTIVA_FIRMA_RECORDATORIO_DIAS business days since the levantamiento
    was ordered (the public complaint: lifting is slow once the debt is settled). One
    e-mail per province and day: running it again the same day sends nothing new.
    Returns the number of e-mails queued."""
    from django.urls import reverse

    from coactiva.selectors import espera_firma
    from core import roles
    from core.models import Correo, Provincia

    hoy = hoy or timezone.localdate()
    limite = parametros.valor("COACTIVA_FIRMA_RECORDATORIO_DIAS", en=hoy)
    por_provincia: dict[str, list[tuple[Levantamiento, int]]] = defaultdict(list)
    for levantamiento in (
        Levantamiento.objects.filter(estado=EstadoLevantamiento.POR_FIRMAR)
        .select_related("juicio__unidad", "juicio__empleador", "oficio")
        .order_by("abierto_en", "id")
    ):
        provincia_id = levantamiento.juicio.unidad.provincia_id
        # Not on a holiday of the Director's seat (the beat entry knows only weekdays).
        if not provincia_id or not calendar.is_business_day(
            hoy, cantones=calendar.cantones_de_provincia(provincia_id)
        ):
            continue
        espera = espera_firma(levantamiento, hoy=hoy, limite=limite)
        if espera.atrasado:
            por_provincia[provincia_id].append((levantamiento, espera.dias))
    if not por_provincia:
        return 0
    directores: dict[str, list[str]] = defaultdict(list)
    for provincia_id, email in User.objects.filter(
        groups__name=roles.DIRECTOR_PROVINCIAL,
        is_active=True,
        unidad__provincia_id__in=list(por_provincia),
    ).values_list("unidad__provincia_id", "email"):
        if email:
            directores[provincia_id].append(email)
    ya_enviados = set(
        Correo.objects.filter(
            evento="coactiva.firma_recordatorio",
            creado_en__date=timezone.localdate(),  # the day it runs, whatever `hoy` says
            object_id__in=list(por_provincia),
        ).values_list("object_id", flat=True)
    )
    provincias = Provincia.objects.in_bulk(list(por_provincia))
    url = settings.SITE_URL + reverse("admin:coactiva_oficioporfirmar_changelist")
    enviados = 0
    for provincia_id, filas in por_provincia.items():
        if provincia_id in ya_enviados or not directores.get(provincia_id):
            continue
        with transaction.atomic():
            correo_enviar(
                para=directores[provincia_id],
                asunto=(
                    f"{len(filas)} oficio(s) de levantamiento esperan su firma hace más de "
                    f"{limite} días hábiles"
                ),
                plantilla="oficios_por_firmar",
                contexto={
                    "provincia": provincias[provincia_id],
                    "hoy": hoy,
                    "limite": limite,
                    "filas": filas,
                    "url": url,
                },
                evento="coactiva.firma_recordatorio",
                obj=provincias[provincia_id],
            )
        enviados += 1
    return enviados


def oficio_anular(
    *, levantamiento: Levantamiento, motivo: str, por: Any = None, at: dt.datetime | None = None
) -> Levantamiento:
    """Annul an oficio issued in error, or found wrong before it was signed:
    /verificar/ then says «anulado», and its measures stand again (VIGENTE) until a
    new levantamiento is opened."""
    if not motivo.strip():
        raise CoactivaError({"motivo": ["Indique el motivo de la anulación."]})
    momento = _ahora(at)
    with transaction.atomic():
        fila = Levantamiento.objects.select_for_update(of=("self",)).get(pk=levantamiento.pk)
        if fila.estado == EstadoLevantamiento.ANULADO:
            raise CoactivaError("El oficio ya está anulado.")
        if fila.oficio is not None:
            documento_verificable_anular(documento=fila.oficio, motivo=motivo.strip(), por=por)
        fila = levantamiento_transicion(
            levantamiento=fila,
            a=EstadoLevantamiento.ANULADO,
            por=por,
            at=momento,
            motivo=motivo.strip(),
        )
        for medida in fila.medidas.select_for_update().order_by("id"):
            if medida.estado in (EstadoMedida.LEVANTADA, EstadoMedida.LEVANTAMIENTO_SOLICITADO):
                medida_transicion(
                    medida=medida,
                    a=EstadoMedida.VIGENTE,
                    por=por,
                    at=momento,
                    motivo=f"Oficio anulado: {motivo.strip()}",
                )
        actuacion_registrar(
            juicio=fila.juicio,
            tipo=Actuacion.Tipo.OFICIO,
            descripcion=f"Se anula el oficio dirigido a {fila.entidad_nombre}: {motivo.strip()}",
            por=por,
            at=momento,
        )
    return fila


def titulo_extinguido(*, titulo: TituloCredito, at: dt.datetime, por: Any = None) -> None:
    """Called by cartera, inside its transaction, after a título became CANCELADO or
    ANULADO. Records it in its process; when it was the last título owed, closes the
    process (CANCELADO, or ANULADO when every título was annulled), opens the
    levantamiento of every measure without waiting for the debtor to ask (Reglamento
    art. 176) and tells the debtor by e-mail."""
    juicio = _juicio_de_titulo(titulo)
    if juicio is None:
        return
    estado = TituloCredito.Estado(titulo.estado).label.lower()
    actuacion_registrar(
        juicio=juicio,
        tipo=Actuacion.Tipo.TITULO,
        descripcion=f"El {titulo} queda {estado}.",
        por=por,
        at=at,
    )
    if _pendientes(juicio):
        return
    levantamientos = levantamiento_abrir(
        juicio=juicio, origen=Levantamiento.Origen.AUTOMATICO, por=por, at=at
    )
    if juicio.etapa in JUICIO_TRANSICIONES and juicio.etapa != Etapa.CANCELADO:
        anulados = not juicio.titulos.exclude(estado=TituloCredito.Estado.ANULADO).exists()
        juicio_transicion(
            juicio=juicio,
            a=Etapa.ANULADO if anulados else Etapa.CANCELADO,
            por=por,
            at=at,
            motivo="Todos los títulos de crédito del proceso están extinguidos.",
        )
    if levantamientos:
        empleador = juicio.empleador
        correo_enviar(
            para=[empleador.email],
            asunto=f"Levantamiento de medidas cautelares del juicio coactivo {juicio.numero}",
            plantilla="levantamiento_abierto",
            contexto={
                "empleador": empleador,
                "juicio": juicio,
                "levantamientos": levantamientos,
                "cargo": cargo_firmante(juicio),
            },
            evento="coactiva.levantamiento",
            obj=juicio,
        )


def _juicio_de_titulo(titulo: TituloCredito) -> JuicioCoactivo | None:
    linea = JuicioTitulo.objects.filter(titulo=titulo).first()
    if linea is None:
        return None
    return (
        JuicioCoactivo.objects.select_for_update(of=("self",))
        .select_related("empleador", "unidad")
        .get(pk=linea.juicio_id)
    )


def titulo_en_convenio(
    *, titulo: TituloCredito, at: dt.datetime, por: Any = None, motivo: str = ""
) -> None:
    """Called by cartera, inside its transaction, after a título of a process went EN
    CONVENIO (an approved convenio de purga de mora covers it, DOMAIN.md §3). Records
    it in the process; when every título still owed is covered, the process is
    suspended in CONVENIO. Its measures stay in force: the agreement does not lift
    them (only art. 176's full payment or annulment does), and they keep securing the
    debt if the agreement breaks."""
    juicio = _juicio_de_titulo(titulo)
    if juicio is None:
        return
    actuacion_registrar(
        juicio=juicio,
        tipo=Actuacion.Tipo.TITULO,
        descripcion=f"El {titulo} queda en convenio de pago. {motivo}".strip(),
        por=por,
        at=at,
    )
    pendientes = _pendientes(juicio)
    if juicio.en_curso and all(t.estado == TituloCredito.Estado.EN_CONVENIO for t in pendientes):
        juicio_transicion(
            juicio=juicio,
            a=Etapa.CONVENIO,
            por=por,
            at=at,
            motivo=(
                "Un convenio de pago aprobado cubre todos los títulos pendientes; el proceso "
                "se suspende mientras se cumpla y las medidas cautelares se mantienen."
            ),
        )


def titulo_convenio_incumplido(
    *, titulo: TituloCredito, at: dt.datetime, por: Any = None, motivo: str = ""
) -> None:
    """Called by cartera, inside its transaction, after a título left its convenio
    back to coactiva (the agreement broke: DOMAIN.md §3, two unpaid installments of a
    purga de mora). A process suspended in CONVENIO resumes in the stage it was in:
    what was done before the agreement (requerimiento, citación, measures) stands, so
    the process neither starts over nor skips a step the debtor is owed."""
    juicio = _juicio_de_titulo(titulo)
    if juicio is None:
        return
    actuacion_registrar(
        juicio=juicio,
        tipo=Actuacion.Tipo.TITULO,
        descripcion=f"El {titulo} vuelve a coactiva. {motivo}".strip(),
        por=por,
        at=at,
    )
    if juicio.etapa == Etapa.CONVENIO:
        juicio_transicion(
            juicio=juicio,
            a=juicio.etapa_antes_convenio or Etapa.MEDIDAS,
            por=por,
            at=at,
            motivo="Convenio de pago incumplido: se reanuda el proceso en la etapa en que estaba.",
        )


def levantamiento_resolver(
    *, solicitud: Any, aprobada: bool, motivo: str, por: Any
) -> list[DocumentoVerificable]:
    """Resolutor of the trámite «Levantamiento de medidas cautelares» (seed 000,
    tramites.resolutores): on approval, for every process of the filer whose títulos
    are all cancelled or annulled, opens the levantamiento where it was not open yet
    (reusing what the automatic levantamiento already did) and returns the oficios
    already signed by the Director Provincial. An oficio still awaiting its signature
    is never handed out: the filer gets instead a verifiable «constancia» that lists
    each one with its verification code (whose page says «pendiente de firma» until it
    is signed), and the signature e-mails the links (oficios_firmar). With nothing to
    lift, refuses in Spanish saying which título owes how much."""
    from cartera.models import Empleador

    if not aprobada:
        return []
    empleador = solicitud.empleador or (
        Empleador.objects.filter(identificacion=solicitud.empleador_identificacion).first()
        if solicitud.empleador_identificacion
        else None
    )
    if empleador is None:
        raise CoactivaError(
            "La solicitud no identifica a un empleador registrado; no hay medidas que levantar."
        )
    juicios = (
        JuicioCoactivo.objects.filter(empleador=empleador)
        .filter(
            Q(medidas__estado__in=MedidaCautelar.EN_FIRME)
            | Q(
                levantamientos__estado__in=[
                    EstadoLevantamiento.PENDIENTE,
                    EstadoLevantamiento.POR_FIRMAR,
                    EstadoLevantamiento.EMITIDO,
                ]
            )
        )
        .distinct()
        .order_by("pk")
    )
    firmados: list[DocumentoVerificable] = []
    por_firmar: list[Levantamiento] = []
    motivos: list[str] = []
    from coactiva.selectors import motivos_no_elegible

    for juicio in juicios:
        pendientes = _pendientes(juicio)
        if pendientes:
            motivos.append(motivos_no_elegible(juicio, pendientes))
            continue
        for levantamiento in levantamiento_abrir(
            juicio=juicio, origen=Levantamiento.Origen.SOLICITUD, por=por, solicitud=solicitud
        ):
            # Rendered now if the task has not yet: it enters the signer's queue at once.
            levantamiento_oficio_generar(levantamiento_id=levantamiento.pk)
            levantamiento.refresh_from_db()
            if levantamiento.estado == EstadoLevantamiento.EMITIDO and levantamiento.oficio:
                firmados.append(levantamiento.oficio)
            elif levantamiento.estado == EstadoLevantamiento.POR_FIRMAR:
                por_firmar.append(levantamiento)
    if not firmados and not por_firmar:
        if motivos:
            raise CoactivaError(" ".join(motivos))
        raise CoactivaError(
            f"{empleador.razon_social} no tiene procesos coactivos con medidas cautelares "
            "que levantar."
        )
    if por_firmar:
        firmados.append(_constancia_por_firmar(solicitud=solicitud, levantamientos=por_firmar))
    return firmados


def _constancia_por_firmar(
    *, solicitud: Any, levantamientos: Sequence[Levantamiento]
) -> DocumentoVerificable:
    """What the filer gets for oficios still awaiting the Director's signature: which
    oficio goes to which entity, its verification code, and that it is not in force
    until signed (they will be e-mailed the links then)."""
    juicio = levantamientos[0].juicio
    cargo = cargo_firmante(juicio)
    filas = [
        (
            lev.juicio.numero,
            lev.entidad_nombre,
            lev.numero_oficio,
            lev.oficio.codigo if lev.oficio else "",
        )
        for lev in levantamientos
    ]
    documento = documento_verificable_emitir(
        tipo=DocumentoVerificable.Tipo.RESOLUCION,
        titulo=f"Constancia de levantamiento dispuesto, trámite {solicitud.numero}",
        datos_publicos={
            "Número de trámite": solicitud.numero,
            "Juicios coactivos": ", ".join(dict.fromkeys(f[0] for f in filas)),
            "Oficios pendientes de firma": "; ".join(
                f"{oficio} dirigido a {entidad} (código {codigo})"
                for _, entidad, oficio, codigo in filas
            ),
            "Firma los oficios": cargo,
        },
    )
    pdf = coactiva_pdf.constancia_por_firmar(
        documento=documento, solicitud=solicitud, filas=filas, cargo=cargo, unidad=juicio.unidad
    )
    documento_verificable_adjuntar_pdf(documento=documento, pdf=pdf)
    return documento
