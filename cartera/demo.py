"""Cartera demo data: employers at any scale (bulk inserts), two with portal accounts,
and their obligations in every state."""

# The SQL below interpolates only table names and constants of this file; values are
# parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from cartera import batch, interes, selectors, services
from cartera.models import (
    Empleador,
    Glosa,
    Impugnacion,
    Pago,
    Planilla,
    PlanillaHistorial,
    Sucursal,
    TituloCredito,
)
from cartera.services import empleador_create
from core.calendar import add_plazo
from core.demo import DEMO_PASSWORD, DemoContext
from core.identificacion import (
    TipoPersona,
    generar_cedula,
    generar_ruc_natural,
    generar_ruc_privado,
)
from core.models import Canton, Provincia, User

PREFIJOS = [
    "Comercial",
    "Distribuidora",
    "Industrias",
    "Servicios",
    "Constructora",
    "Agrícola",
    "Importadora",
    "Transportes",
    "Farmacéutica",
    "Textiles",
    "Alimentos",
    "Consultora",
]
NUCLEOS = [
    "Andina",
    "del Pacífico",
    "Chimborazo",
    "Amazonas",
    "Cotopaxi",
    "Galápagos",
    "El Sol",
    "La Costa",
    "Sierra Verde",
    "Mitad del Mundo",
    "Los Andes",
    "Tungurahua",
    "Río Guayas",
    "Nueva Esperanza",
    "Cóndor",
    "Orquídea",
    "Pichincha",
    "Santa Lucía",
    "El Cisne",
    "Yasuní",
]
SUFIJOS = ["S.A.", "Cía. Ltda.", "S.A.S."]
NOMBRES = [
    "María",
    "José",
    "Luis",
    "Ana",
    "Carlos",
    "Rosa",
    "Juan",
    "Carmen",
    "Jorge",
    "Patricia",
    "Fernando",
    "Mónica",
    "Diego",
    "Lorena",
    "Santiago",
    "Paola",
]
APELLIDOS = [
    "Pérez",
    "Zambrano",
    "Guerrero",
    "Cedeño",
    "Vera",
    "Torres",
    "Mora",
    "Suárez",
    "Castillo",
    "Ortiz",
    "Andrade",
    "Morales",
    "Chávez",
    "Jaramillo",
    "Benítez",
    "Salazar",
    "Villacís",
]
# Rough share of employers per province (Pichincha and Guayas hold most of them).
PESOS = {"17": 30, "09": 28, "13": 6, "01": 6, "07": 4, "18": 4, "23": 3, "11": 3}

DEMO_EMPLEADORES = [
    {
        "razon_social": "Comercial Andina S.A.",
        "representante_nombre": "María Fernanda Salazar Pérez",
        "provincia": "17",
        "canton": "1701",
        "direccion": "Av. Amazonas N34-120 y Av. República, Quito",
        "email": "contabilidad@comercialandina.demo",
        "telefono": "022555100",
        "celular": "0991234567",
    },
    {
        "razon_social": "Exportadora del Guayas Cía. Ltda.",
        "representante_nombre": "Jorge Luis Cedeño Vera",
        "provincia": "09",
        "canton": "0901",
        "direccion": "Av. 9 de Octubre 1200 y Av. Quito, Guayaquil",
        "email": "gerencia@exportadoraguayas.demo",
        "telefono": "042300400",
        "celular": "0987654321",
    },
]


def _persona(rng: random.Random) -> str:
    return f"{rng.choice(NOMBRES)} {rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"


def seed(ctx: DemoContext) -> None:
    provincias = list(Provincia.objects.values_list("codigo", flat=True))
    capital = {c.provincia_id: c.codigo for c in Canton.objects.filter(codigo__endswith="01")}
    pesos = [PESOS.get(p, 1) for p in provincias]
    rng = ctx.rng

    # The two employers people log in as.
    cuentas = []
    for i, datos in enumerate(DEMO_EMPLEADORES):
        prov_num = int(datos["provincia"])
        inicio = 100 + i
        while (ruc := generar_ruc_privado(prov_num, inicio)) is None:
            inicio += 1000
        empleador = empleador_create(
            identificacion=ruc,
            razon_social=datos["razon_social"],
            representante_nombre=datos["representante_nombre"],
            representante_identificacion=generar_cedula(prov_num, 4242 + i),
            provincia=Provincia.objects.get(pk=datos["provincia"]),
            canton=Canton.objects.get(pk=datos["canton"]),
            direccion=datos["direccion"],
            email=datos["email"],
            telefono=datos["telefono"],
            celular=datos["celular"],
            sucursales=[
                {"numero": "001", "nombre": "Matriz"},
                {"numero": "002", "nombre": "Sucursal norte"},
            ],
        )
        cuenta = User.objects.create(
            username=empleador.identificacion,
            first_name=empleador.razon_social[:150],
            email=empleador.email,
            tipo=User.Tipo.EMPLEADOR,
            identificacion=empleador.identificacion,
        )
        cuenta.set_password(DEMO_PASSWORD)
        cuenta.save(update_fields=["password"])
        empleador.cuenta = cuenta
        empleador.save(update_fields=["cuenta"])
        cuentas.append(empleador)
    ctx.data["empleadores_demo"] = cuentas
    logins(ctx)

    # The bulk: valid, unique identifiers from per-province serials.
    total = max(ctx.empleadores - len(cuentas), 0)
    serial = dict.fromkeys(provincias, 1000)
    batch: list[Empleador] = []
    creados = 0
    for _ in ctx.progress(range(total), total=total, desc="empleadores"):
        prov = rng.choices(provincias, weights=pesos)[0]
        natural = rng.random() < 0.25
        ruc = None
        while ruc is None:
            serial[prov] += 1
            ruc = (generar_ruc_natural if natural else generar_ruc_privado)(int(prov), serial[prov])
        nombre = (
            _persona(rng)
            if natural
            else (f"{rng.choice(PREFIJOS)} {rng.choice(NUCLEOS)} {rng.choice(SUFIJOS)}")
        )
        batch.append(
            Empleador(
                identificacion=ruc,
                tipo_persona=TipoPersona.NATURAL if natural else TipoPersona.SOCIEDAD_PRIVADA,
                razon_social=nombre,
                representante_nombre=nombre if natural else _persona(rng),
                representante_identificacion=ruc[:10]
                if natural
                else generar_cedula(int(prov), serial[prov]),
                provincia_id=prov,
                canton_id=capital.get(prov),
                direccion=f"Calle {rng.randint(1, 120)} y Av. {rng.choice(NUCLEOS)}",
                email=f"empleador{serial[prov]}-{prov}@correo.demo",
                celular=f"09{rng.randint(10000000, 99999999)}",
            )
        )
        if len(batch) >= 5000:
            creados += _flush(batch)
            batch = []
    creados += _flush(batch)
    ctx.stdout.write(f"  {creados + len(cuentas)} empleadores con sus sucursales.")
    obligaciones(ctx)
    portal(ctx)


def _flush(batch: list[Empleador]) -> int:
    if not batch:
        return 0
    Empleador.objects.bulk_create(batch, batch_size=5000)
    # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; read them back to be sure.
    ids = dict(
        Empleador.objects.filter(identificacion__in=[e.identificacion for e in batch]).values_list(
            "identificacion", "id"
        )
    )
    Sucursal.objects.bulk_create(
        [
            Sucursal(
                empleador_id=ids[e.identificacion],
                numero="001",
                nombre="Matriz",
                direccion=e.direccion,
                provincia_id=e.provincia_id,
                canton_id=e.canton_id,
            )
            for e in batch
        ],
        batch_size=5000,
    )
    return len(batch)


def logins(ctx: DemoContext) -> None:
    for empleador in Empleador.objects.filter(cuenta__isnull=False).order_by("id")[:2]:
        ctx.login(f"Empleador: {empleador.razon_social}", empleador.identificacion)


# --- Obligations: planilla → glosa → título de crédito in every state --------------------
#
# A share of the employers gets six months of planillas, written by the database
# (INSERT … SELECT, so 100 000 employers take seconds); most are paid on time. The last
# five months are then replayed through the nightly jobs at their own dates (glosas
# generated and notified, términos running out, títulos issued), and a few dozen
# obligations are moved by the services to the states no job reaches (impugnadas,
# anuladas, pagadas, en acuerdo, títulos sorteados, en coactiva, cancelados, anulados,
# en convenio). The two employers with accounts get a story of their own.

PARTE_CON_OBLIGACIONES = 3  # employers whose number % 10 is below this: 30 %
PARTE_PAGADA = 6  # planillas whose number % 10 is below this are paid on time: 60 %
PARTE_TARDIA = 3  # number % 10 == this: planillas registered late, in mora without glosa


def _bases() -> tuple[int, int]:
    """The first employer and sucursal ids of the data set: rows are picked by their
    number counted from these, not by their raw id, so the same demo comes out whatever
    ids the database hands out (a test database's sequences keep counting)."""
    from django.db.models import Min

    return (
        Empleador.objects.aggregate(m=Min("id"))["m"] or 0,
        Sucursal.objects.aggregate(m=Min("id"))["m"] or 0,
    )


def _t(modelo: Any) -> str:
    return connection.ops.quote_name(modelo._meta.db_table)


def _momento(dia: dt.date, hora: int = 7) -> dt.datetime:
    return dt.datetime.combine(dia, dt.time(hora), tzinfo=timezone.get_current_timezone())


def _sql(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _planillas_masivas(
    *, periodo: dt.date, condicion: str, condicion_params: list[Any], excluir: list[int]
) -> int:
    """Planillas of `periodo` for the sucursales of the employers matching `condicion`
    (SQL on e), with payrolls derived from the ids: 1-12 workers of USD 460-2 410."""
    vence = services.fecha_vencimiento(periodo)
    base_empleador, base_sucursal = _bases()
    masa = "((460 + (((s.id - %s) * 37) %% 40) * 50) * (1 + (e.id - %s) %% 12))"
    sin_demo = f" AND e.id NOT IN ({', '.join(['%s'] * len(excluir))})" if excluir else ""
    a = connection.ops.adapt_datefield_value
    return _sql(
        f"INSERT INTO {_t(Planilla)} (empleador_id, sucursal_id, provincia_id, periodo, "  # nosec B608
        "aporte_personal, aporte_patronal, fondos_reserva, capital, intereses, multas, "
        "recargos, pagado_capital, pagado_intereses, pagado_multas, pagado_recargos, "
        "fecha_vencimiento, mora_desde, intereses_hasta, estado, creada_en) "
        "SELECT x.empleador_id, x.sucursal_id, x.provincia_id, %s, x.ap, x.pa, x.fr, "
        "ROUND(x.ap + x.pa + x.fr, 2), 0, 0, 0, 0, 0, 0, 0, %s, %s, %s, %s, %s "
        "FROM (SELECT s.empleador_id, s.id AS sucursal_id, e.provincia_id, "
        f"ROUND({masa} * 0.0945, 2) AS ap, ROUND({masa} * 0.1115, 2) AS pa, "
        f"ROUND({masa} * 0.0833, 2) AS fr FROM {_t(Sucursal)} s "
        f"JOIN {_t(Empleador)} e ON e.id = s.empleador_id WHERE {condicion}{sin_demo}) x",
        [
            a(periodo),
            a(vence),
            a(vence + dt.timedelta(days=1)),
            a(vence),
            Planilla.Estado.PENDIENTE,
            connection.ops.adapt_datetimefield_value(_momento(periodo + dt.timedelta(days=35))),
            *[base_sucursal, base_empleador] * 3,
            *condicion_params,
            *excluir,
        ],
    )


def _pagar_a_tiempo(*, periodo: dt.date, hoy: dt.date, excluir: list[int]) -> int:
    """Most planillas of `periodo` paid by bank debit three days before their due date:
    the payment, the history row, the state."""
    vence = services.fecha_vencimiento(periodo)
    fecha = min(vence - dt.timedelta(days=3), hoy - dt.timedelta(days=1))
    a = connection.ops.adapt_datefield_value
    momento = connection.ops.adapt_datetimefield_value(_momento(fecha, 10))
    sin_demo = f" AND p.empleador_id NOT IN ({', '.join(['%s'] * len(excluir))})" if excluir else ""
    # Which sucursales pay on time changes from month to month (3 more each month).
    _, base_sucursal = _bases()
    donde = (
        f"FROM {_t(Planilla)} p WHERE p.periodo = %s AND p.estado = %s "
        f"AND ((p.sucursal_id - %s + %s) %% 10) < {PARTE_PAGADA}{sin_demo}"
    )
    base = [
        a(periodo),
        Planilla.Estado.PENDIENTE,
        base_sucursal,
        3 * (periodo.year * 12 + periodo.month),
        *excluir,
    ]
    _sql(
        f"INSERT INTO {_t(Pago)} (empleador_id, fecha, monto, canal, referencia, planilla_id, "
        "glosa_id, titulo_id, intereses_liquidados, aplicado_capital, aplicado_intereses, "
        "aplicado_multas, aplicado_recargos, registrado_en, registrado_por_id) "
        f"SELECT p.empleador_id, %s, p.capital, %s, '', p.id, NULL, NULL, 0, p.capital, 0, 0, "
        f"0, %s, NULL {donde}",
        [a(fecha), Pago.Canal.DEBITO, momento, *base],
    )
    _sql(
        f"INSERT INTO {_t(PlanillaHistorial)} (planilla_id, de, a, en, por_id, motivo) "
        f"SELECT p.id, %s, %s, %s, NULL, %s {donde}",
        [
            Planilla.Estado.PENDIENTE,
            Planilla.Estado.PAGADA,
            momento,
            "Pago total por débito bancario.",
            *base,
        ],
    )
    return _sql(
        f"UPDATE {_t(Planilla)} SET estado = %s, pagado_capital = capital "  # nosec B608
        f"WHERE id IN (SELECT p.id {donde})",
        [Planilla.Estado.PAGADA, *base],
    )


def obligaciones(ctx: DemoContext) -> None:
    hoy = timezone.localdate()
    mes = hoy.replace(day=1)
    periodos = {k: add_plazo(mes, months=-k) for k in range(1, 7)}  # P1 (last month) … P6
    vence = {k: services.fecha_vencimiento(p) for k, p in periodos.items()}
    demo = list(ctx.data.get("empleadores_demo", []))
    excluir = [e.pk for e in demo]

    _historias_demo(demo, periodos, hoy)

    base_empleador, _ = _bases()
    con_obligaciones = f"((e.id - %s) %% 10) < {PARTE_CON_OBLIGACIONES}"
    planillas = 0
    for k in sorted(periodos, reverse=True):
        planillas += _planillas_masivas(
            periodo=periodos[k],
            condicion=con_obligaciones,
            condicion_params=[base_empleador],
            excluir=excluir,
        )
        if vence[k] < hoy:
            _pagar_a_tiempo(periodo=periodos[k], hoy=hoy, excluir=excluir)

    # The nightly jobs, replayed at their dates: each month's glosas are generated and
    # notified three days after the due date; the previous month's, whose término ran
    # out, get their títulos that same night. A few glosas of each month are challenged
    # within their término, and the Comisión's resolutions land on their own dates,
    # each before the next job that would see its glosa.
    comision: list[tuple[Impugnacion, dt.date, bool]] = []
    for k in (6, 5, 4, 3):
        momento = _momento(vence[k] + dt.timedelta(days=3), 1)
        comision = _resolver_impugnaciones(comision, antes_de=momento.date())
        batch.titulos_emitir(at=momento, avisar=False)
        batch.glosas_generar(periodo=periodos[k], at=momento, notificar=True, avisar=False)
        notificadas = _notificadas(periodos[k], excluir)
        muestra = notificadas.order_by("id")[: min(30, max(3, notificadas.count() // 4))]
        comision += _impugnar(muestra, hoy=hoy)
    momento = _momento(vence[2] + dt.timedelta(days=3), 1)
    comision = _resolver_impugnaciones(comision, antes_de=momento.date())
    batch.glosas_vencer(at=momento)  # last month's término ran out; títulos not yet issued
    batch.glosas_generar(periodo=periodos[2], at=momento)
    # A few notified one by one the next day (and challenged), so last month has
    # impugnaciones received as well as resolved.
    emitidas = Glosa.objects.filter(periodo=periodos[2], estado=Glosa.Estado.EMITIDA).exclude(
        empleador__in=excluir
    )
    al_dia_siguiente = _momento(momento.date() + dt.timedelta(days=1), 9)
    for glosa in emitidas.order_by("id")[: min(30, max(1, emitidas.count() // 5))]:
        services.glosa_notificar(glosa=glosa, at=al_dia_siguiente)
    comision += _impugnar(_notificadas(periodos[2], excluir).order_by("id"), hoy=hoy)
    _resolver_impugnaciones(comision, antes_de=hoy)  # later ones: still pending
    # Notified two days ago: still within their término.
    batch.glosas_notificar(at=_momento(hoy - dt.timedelta(days=2), 6), avisar=False)

    # Planillas registered late (already due, no glosa yet: in mora as planillas).
    tardias = f"((e.id - %s) %% 10) = {PARTE_TARDIA}"
    for k in (3, 2):
        planillas += _planillas_masivas(
            periodo=periodos[k],
            condicion=tardias,
            condicion_params=[base_empleador],
            excluir=excluir,
        )

    _historias_demo_estados(ctx, demo, hoy)
    n = max(3, min(40, Glosa.objects.count() // 50))
    _muestras(n=n, hoy=hoy, excluir=excluir)
    ctx.stdout.write(
        f"  {planillas + Planilla.objects.filter(empleador__in=demo).count()} planillas, "
        f"{Glosa.objects.count()} glosas y {TituloCredito.objects.count()} títulos de crédito."
    )


def _notificadas(periodo: dt.date, excluir: list[int]) -> QuerySet[Glosa]:
    return Glosa.objects.filter(periodo=periodo, estado=Glosa.Estado.NOTIFICADA).exclude(
        empleador__in=excluir
    )


def _impugnar(glosas: Iterable[Glosa], *, hoy: dt.date) -> list[tuple[Impugnacion, dt.date, bool]]:
    """Challenge `glosas` within their término, registered the day they are filed except
    one in four, registered two days later (paper filed at an office). Returns when the
    Comisión will resolve each and how (a third accepted), 21 to 60 days after filing."""
    plan = []
    for i, glosa in enumerate(glosas):
        assert glosa.termino_desde is not None and glosa.vence_en is not None  # noqa: S101 - NOTIFICADA
        presentada = min(glosa.termino_desde + dt.timedelta(days=1 + i % 6), glosa.vence_en)
        registrada = presentada + dt.timedelta(days=2 if i % 4 == 3 else 0)
        if registrada >= hoy:
            continue
        impugnacion = services.impugnacion_registrar(
            glosa=glosa,
            presentada_el=presentada,
            fundamentos=(
                "El empleador afirma que la planilla fue pagada a tiempo; adjunta el comprobante."
                if i % 2
                else "Los trabajadores de la planilla ya no laboraban en la empresa en el periodo."
            ),
            at=_momento(registrada, 11),
        )
        plan.append((impugnacion, presentada + dt.timedelta(days=21 + (i * 13) % 40), i % 3 == 0))
    return plan


def _resolver_impugnaciones(
    plan: list[tuple[Impugnacion, dt.date, bool]], *, antes_de: dt.date
) -> list[tuple[Impugnacion, dt.date, bool]]:
    """Register the Comisión's resolutions planned before `antes_de` (accepted: glosa
    ANULADA; rejected: its término restarts); return the rest, still pending."""
    resto = []
    for impugnacion, el, aceptada in plan:
        if el >= antes_de:
            resto.append((impugnacion, el, aceptada))
            continue
        services.impugnacion_resolver(
            impugnacion=impugnacion,
            aceptada=aceptada,
            resolucion=f"CPPC-{impugnacion.glosa.provincia_id}-{el:%Y}-{impugnacion.pk}",
            resuelta_el=el,
            detalle=(
                "Se comprobó el pago de la planilla; la glosa se anula."
                if aceptada
                else "No se justificó el pago ni la inexistencia de la obligación."
            ),
            at=_momento(el, 15),
            avisar=False,  # replayed history, like the nightly jobs' (avisar=False)
        )
    return resto


def _historias_demo(demo: list[Empleador], periodos: dict[int, dt.date], hoy: dt.date) -> None:
    """Planillas of the two employers with accounts. Comercial Andina: sucursal 001 owes
    five months (three will be títulos, one vencida, one notified), sucursal 002 pays
    on time except last-but-one month's (it will be challenged). Exportadora del Guayas:
    a few unpaid months in Guayas."""
    planes = [
        {"001": [6, 5, 4, 3, 2, 1], "002": [2]},  # unpaid periods per sucursal
        {"001": [5, 3, 2], "002": [2, 1]},
    ]
    for empleador, impagas in zip(demo, planes, strict=False):
        for sucursal in empleador.sucursales.order_by("numero"):
            for k, periodo in sorted(periodos.items(), reverse=True):
                masa = Decimal(1850 + 310 * k) * (3 if sucursal.numero == "001" else 1)
                planilla = services.planilla_registrar(
                    sucursal=sucursal,
                    periodo=periodo,
                    aporte_personal=interes.centavos(masa * Decimal("0.0945")),
                    aporte_patronal=interes.centavos(masa * Decimal("0.1115")),
                    fondos_reserva=interes.centavos(masa * Decimal("0.0833")),
                    at=_momento(periodo + dt.timedelta(days=35)),
                )
                pagar_el = planilla.fecha_vencimiento - dt.timedelta(days=2)
                if k not in impagas.get(sucursal.numero, []) and pagar_el < hoy:
                    services.pago_registrar(
                        obligacion=planilla,
                        monto=planilla.capital,
                        fecha=pagar_el,
                        canal=Pago.Canal.PAGO_EN_LINEA,
                        referencia=f"DEMO-{planilla.pk}",
                        at=_momento(pagar_el, 11),
                    )


def _historias_demo_estados(ctx: DemoContext, demo: list[Empleador], hoy: dt.date) -> None:
    """Comercial Andina's challenge, and the three títulos handed to coactiva's demo."""
    if not demo:
        return
    andina = demo[0]
    impugnable = (
        Glosa.objects.filter(
            empleador=andina, sucursal__numero="002", estado=Glosa.Estado.NOTIFICADA
        )
        .order_by("-periodo")
        .first()
    )
    if impugnable is not None:
        services.impugnacion_registrar(
            glosa=impugnable,
            presentada_el=hoy - dt.timedelta(days=1),
            fundamentos=(
                "La sucursal 002 no tuvo trabajadores en el periodo; se adjunta el aviso de "
                "salida presentado a tiempo."
            ),
        )
    ctx.data["titulos_demo"] = list(
        TituloCredito.objects.filter(empleador=andina).order_by("anio", "secuencial")[:3]
    )


def _muestras(*, n: int, hoy: dt.date, excluir: list[int]) -> None:
    """`n` obligations of the bulk employers moved by the services into each state the
    nightly jobs do not reach."""
    tasas = interes.tabla_tasas()
    notificadas = list(
        Glosa.objects.filter(estado=Glosa.Estado.NOTIFICADA, vence_en__gte=hoy)
        .exclude(empleador__in=excluir)
        .order_by("id")[: 5 * n]
    )
    lotes = [notificadas[i::5][:n] for i in range(5)]  # each state gets some, even if few
    for glosa in lotes[0]:  # paid within the término
        linea = selectors.linea_deuda("glosa", glosa, "", hoy, tasas)
        services.pago_registrar(
            obligacion=glosa, monto=linea.total, fecha=hoy, canal=Pago.Canal.PAGO_EN_LINEA
        )
    for grupo, decision in ((lotes[1], None), (lotes[2], True), (lotes[3], False)):
        for glosa in grupo:
            impugnacion = services.impugnacion_registrar(
                glosa=glosa,
                presentada_el=hoy - dt.timedelta(days=1),
                fundamentos="El empleador afirma haber pagado la planilla.",
            )
            if decision is not None:
                services.impugnacion_resolver(
                    impugnacion=impugnacion,
                    aceptada=decision,
                    resolucion=f"CPPC-{glosa.provincia_id}-{hoy:%Y}-{glosa.pk}",
                    resuelta_el=hoy,
                    detalle="Resolución de la Comisión Provincial de Prestaciones y Controversias.",
                    avisar=False,
                )
    for glosa in lotes[4]:
        services.glosa_acuerdo_registrar(
            glosa=glosa, motivo="Acuerdo de pagos parciales a 12 meses."
        )

    empleadores = list(
        Empleador.objects.filter(cuenta__isnull=True).exclude(pk__in=excluir).order_by("id")[:n]
    )
    for i, empleador in enumerate(empleadores):  # EMITIDA: issued today by staff
        services.glosa_emitir(
            empleador=empleador,
            origen=Glosa.Origen.MULTA if i % 2 else Glosa.Origen.RESPONSABILIDAD_PATRONAL,
            capital=Decimal("0.00") if i % 2 else Decimal(1200 + 150 * i),
            multas=Decimal(35 + i) if i % 2 else Decimal("0.00"),
            detalle=(
                "Multa por aviso de entrada tardío."
                if i % 2
                else "Responsabilidad patronal: accidente de trabajo de un trabajador sin afiliar."
            ),
            mora_desde=hoy - dt.timedelta(days=20),
        )

    titulos = list(
        TituloCredito.objects.filter(estado=TituloCredito.Estado.EMITIDO)
        .exclude(empleador__in=excluir)
        .order_by("id")[: 6 * n]
    )
    grupos = [titulos[i::6][:n] for i in range(6)]
    for titulo in grupos[0]:
        services.titulo_sortear(titulo=titulo)
    for titulo in grupos[1] + grupos[2] + grupos[3]:
        services.titulo_sortear(titulo=titulo)
        services.titulo_enviar_coactiva(titulo=titulo)
    for titulo in grupos[2]:  # paid in full in coactiva: cancelado
        linea = selectors.linea_deuda("titulo", titulo, "", hoy, tasas)
        services.pago_registrar(
            obligacion=titulo, monto=linea.total, fecha=hoy, canal=Pago.Canal.COACTIVA
        )
    for titulo in grupos[3]:
        services.titulo_convenio_registrar(
            titulo=titulo, motivo="Convenio de purga de mora a 24 meses."
        )
    for titulo in grupos[4]:
        services.titulo_anular(
            titulo=titulo,
            motivo=TituloCredito.MotivoAnulacion.ERROR_EVIDENTE,
            detalle="La planilla se registró dos veces.",
        )
    for titulo in grupos[5]:  # a partial payment before the sorteo
        linea = selectors.linea_deuda("titulo", titulo, "", hoy, tasas)
        services.pago_registrar(
            obligacion=titulo,
            monto=interes.centavos(linea.total / 3),
            fecha=hoy,
            canal=Pago.Canal.VENTANILLA_BANCARIA,
        )


# --- Employer portal: what the demo employers see at /empleador/ ------------------------


def portal(ctx: DemoContext) -> None:
    """Comercial Andina authorizes its accountant (who may file a levantamiento) and has
    a certificate; Exportadora del Guayas has an approved 12-month APP over its notified
    glosas, so it is "en trámite de pago" for them."""
    from cartera import acuerdos, certificados
    from cartera import portal as servicios_portal
    from tramites.models import Tramite
    from tramites.services import autorizacion_otorgar

    demo = list(ctx.data.get("empleadores_demo", []))
    if not demo:
        return
    andina = demo[0]
    autorizacion_otorgar(
        empleador=andina,
        cedula=generar_cedula(17, 777123),
        nombre="Carlos Andrés Contador Ruiz",
        email="contador@correo.demo",
        tramites=list(
            Tramite.objects.filter(
                slug__in=["levantamiento-medidas-cautelares", "impugnacion-de-glosa"]
            )
        ),
        vigente_hasta=timezone.localdate() + dt.timedelta(days=180),
    )
    certificados.certificado_emitir(empleador=andina)
    if len(demo) > 1:
        guayas = demo[1]
        glosas = list(Glosa.objects.filter(empleador=guayas, estado=Glosa.Estado.NOTIFICADA))
        if glosas:
            acuerdo = servicios_portal.acuerdo_solicitar(
                empleador=guayas, tipo="app", glosas=glosas, titulos=[], meses=12
            )
            acuerdos.acuerdo_aprobar(acuerdo=acuerdo)
    ctx.stdout.write(
        "  Portal del empleador: autorización a terceros (cédula "
        f"{generar_cedula(17, 777123)}), certificado y acuerdo de pagos parciales."
    )
