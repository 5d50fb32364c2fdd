"""Territory of DOMAIN.md §1 and the units of C.D. 497 art. 1 and 3.

Coactiva: Unidad Provincial in Pichincha, Guayas and Manabí (art. 1), Grupo de Trabajo
elsewhere. Cartera and Afiliación: Unidad Provincial in "nivel 4" provinces, group in
nivel 1-3 (art. 3); which provinces are nivel 4 is not public: default Pichincha,
Guayas, Manabí, Azuay, kept as data in Provincia.nivel.
"""

from django.db import migrations

PROVINCIAS = [
    ("01", "Azuay", "Cuenca", "0101"),
    ("02", "Bolívar", "Guaranda", "0201"),
    ("03", "Cañar", "Azogues", "0301"),
    ("04", "Carchi", "Tulcán", "0401"),
    ("05", "Cotopaxi", "Latacunga", "0501"),
    ("06", "Chimborazo", "Riobamba", "0601"),
    ("07", "El Oro", "Machala", "0701"),
    ("08", "Esmeraldas", "Esmeraldas", "0801"),
    ("09", "Guayas", "Guayaquil", "0901"),
    ("10", "Imbabura", "Ibarra", "1001"),
    ("11", "Loja", "Loja", "1101"),
    ("12", "Los Ríos", "Babahoyo", "1201"),
    ("13", "Manabí", "Portoviejo", "1301"),
    ("14", "Morona Santiago", "Macas", "1401"),
    ("15", "Napo", "Tena", "1501"),
    ("16", "Pastaza", "Puyo", "1601"),
    ("17", "Pichincha", "Quito", "1701"),
    ("18", "Tungurahua", "Ambato", "1801"),
    ("19", "Zamora Chinchipe", "Zamora", "1901"),
    ("20", "Galápagos", "Puerto Baquerizo Moreno", "2001"),
    ("21", "Sucumbíos", "Nueva Loja", "2101"),
    ("22", "Orellana", "Francisco de Orellana", "2201"),
    ("23", "Santo Domingo de los Tsáchilas", "Santo Domingo", "2301"),
    ("24", "Santa Elena", "Santa Elena", "2401"),
]
# Canton names where they differ from the capital's name.
NOMBRE_CANTON_CAPITAL = {
    "1401": "Morona",
    "1601": "Pastaza",
    "2001": "San Cristóbal",
    "2101": "Lago Agrio",
    "2201": "Francisco de Orellana",
}
# A few more cantons (INEC codes) used by the demo; staff add the rest in the admin.
OTROS_CANTONES = [
    ("0906", "09", "Daule"),
    ("0907", "09", "Durán"),
    ("0910", "09", "Milagro"),
    ("0916", "09", "Samborondón"),
    ("1305", "13", "Chone"),
    ("1308", "13", "Manta"),
    ("1702", "17", "Cayambe"),
    ("1703", "17", "Mejía"),
    ("1705", "17", "Rumiñahui"),
]
NIVEL_4 = {"17", "09", "13", "01"}
COACTIVA_UNIDAD = {"17", "09", "13"}  # C.D. 497 art. 1


def forwards(apps, schema_editor):
    Provincia = apps.get_model("core", "Provincia")
    Canton = apps.get_model("core", "Canton")
    Unidad = apps.get_model("core", "Unidad")

    for codigo, nombre, capital, canton in PROVINCIAS:
        provincia = Provincia.objects.create(
            codigo=codigo, nombre=nombre, capital=capital, nivel=4 if codigo in NIVEL_4 else 3
        )
        Canton.objects.create(
            codigo=canton, provincia=provincia, nombre=NOMBRE_CANTON_CAPITAL.get(canton, capital)
        )
    for codigo, provincia, nombre in OTROS_CANTONES:
        Canton.objects.create(codigo=codigo, provincia_id=provincia, nombre=nombre)

    for codigo, nombre, _capital, canton in PROVINCIAS:
        nivel4 = codigo in NIVEL_4
        unidades = [
            (
                "direccion",
                "direccion_provincial",
                "direccion_provincial",
                f"Dirección Provincial del IESS de {nombre}",
            ),
            (
                "cartera",
                "cartera",
                "unidad_provincial" if nivel4 else "grupo_trabajo",
                ("Unidad Provincial" if nivel4 else "Grupo de Trabajo")
                + f" de Gestión de Cartera de {nombre}",
            ),
            (
                "coactiva",
                "coactiva",
                "unidad_provincial" if codigo in COACTIVA_UNIDAD else "grupo_trabajo",
                ("Unidad Provincial" if codigo in COACTIVA_UNIDAD else "Grupo de Trabajo")
                + f" de Gestión de Coactiva de {nombre}",
            ),
            (
                "afiliacion",
                "afiliacion",
                "unidad_provincial" if nivel4 else "grupo_trabajo",
                ("Unidad Provincial" if nivel4 else "Grupo Provincial")
                + f" de Afiliación y Cobertura de {nombre}",
            ),
        ]
        for sufijo, tipo, categoria, nombre_unidad in unidades:
            Unidad.objects.create(
                codigo=f"{codigo}-{sufijo}",
                nombre=nombre_unidad,
                tipo=tipo,
                categoria=categoria,
                provincia_id=codigo,
                canton_id=canton,
            )

    for codigo, tipo, nombre in [
        (
            "nacional-recaudacion",
            "nacional_recaudacion",
            "Dirección Nacional de Recaudación y Control de Gestión de Cartera",
        ),
        (
            "nacional-afiliacion",
            "nacional_afiliacion",
            "Dirección Nacional de Afiliación y Cobertura",
        ),
        (
            "nacional-riesgos",
            "riesgos_trabajo",
            "Dirección del Seguro General de Riesgos del Trabajo",
        ),
    ]:
        Unidad.objects.create(
            codigo=codigo, nombre=nombre, tipo=tipo, categoria="nacional", canton_id="1701"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
