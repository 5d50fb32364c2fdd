"""Uploaded documents (Ventanilla Virtual requisites, subsanaciones, impugnaciones):
checked by content, never by name or by the type the browser claims.

* Size: at most `UPLOAD_MAX_BYTES` (a legal parameter, 1 MB). `limited_uploads`
  installs `LimitedUploadHandler`, which stops keeping a file's bytes as soon as it
  passes the limit while the request is still streaming, so an oversize upload is never
  held whole in memory or on disk, and the rest of the form still arrives.
* Types: `UPLOAD_TIPOS` (jpg, pdf), recognised by their first bytes.
* JPEG: must decode completely with Pillow restricted to the JPEG decoder, under a
  decompression-bomb limit; it is re-encoded, which drops EXIF/XMP/comments and
  anything appended after the image.
* PDF: must open with pypdf, not be encrypted, have between 1 and `PDF_MAX_PAGINAS`
  pages, and hold no JavaScript, launch or form-submission actions, embedded files,
  XFA forms or rich media, nor web addresses opened by themselves (on opening, or by
  an /AA trigger); objects nested absurdly deep and compressed streams that inflate
  out of all proportion (decompression bombs) are refused too.

Parsing runs in a forked child process with a time limit (`UPLOAD_ANALISIS_SEGUNDOS`)
and a memory cap (`UPLOAD_ANALISIS_MEMORIA_MB`): a file crafted to make a parser loop or
eat memory is refused, and the web worker is unharmed.

    try:
        validado = validate_upload(archivo, name_for_messages="Solicitud firmada")
    except ValidationError as exc:
        form.add_error("solicitud", exc)

Nothing here writes to storage: the caller stores `validado.content` only once every
file of the form has passed.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
import time
import unicodedata
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import IO, Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core import parametros
from core.formato import cifra

# Technical limits (not legal values): a scanned A4 page at 300 dpi is ~8.7 Mpx.
IMAGEN_MAX_PIXELES = 40_000_000
JPEG_CALIDADES = (90, 80, 70, 60)
_PDF_MAX_OBJETOS = 200_000
# Direct objects nested deeper than this are refused: no real document comes near it,
# and PDF viewers give up well before (PDFium, Chrome's viewer, stops at 64 levels).
_PDF_MAX_ANIDAMIENTO = 64
# What all FlateDecode streams of one PDF may inflate to together: a 50-page scan of
# bilevel A4 pages at 300 dpi is about 55 MB; 1 MB of zeros deflates from ~1 GB.
_PDF_MAX_DESCOMPRIMIDO = 128 * 1024 * 1024

CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg"}
NOMBRES_TIPO = {"pdf": "PDF", "jpg": "JPG"}


@dataclass(frozen=True)
class ValidatedFile:
    """A file that passed every check. `content` is what must be stored: the original
    bytes of a PDF, the re-encoded bytes of a JPEG."""

    nombre_original: str
    tipo: str  # "pdf" | "jpg"
    content: bytes
    sha256: str
    paginas: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.tipo]

    @property
    def extension(self) -> str:
        return self.tipo


# --- Streaming size limit ------------------------------------------------------------


class OversizeUpload(UploadedFile):
    """What the form receives in place of a file that passed the size limit: its name
    and how many bytes had arrived when it was cut off, and no content."""

    excede_limite = True

    def __init__(self, *, name: str, content_type: str, limite: int, recibidos: int) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=recibidos)
        self.limite = limite


class LimitedUploadHandler(FileUploadHandler):
    """First in the chain of upload handlers: passes a file's chunks on to Django's
    memory/temporary-file handlers until the file exceeds the limit, then swallows the
    rest of that file (the request keeps streaming, so the fields after it arrive) and
    hands the form an `OversizeUpload` instead."""

    def __init__(self, request: HttpRequest | None = None, *, limite: int | None = None) -> None:
        super().__init__(request)
        self.limite = limite if limite is not None else int(parametros.valor("UPLOAD_MAX_BYTES"))
        self.recibidos = 0
        self.excedido = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.recibidos = 0
        self.excedido = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.recibidos += len(raw_data)
        if self.excedido or self.recibidos > self.limite:
            if not self.excedido:
                self.excedido = True
                # Drop what the next handlers kept of this file so far.
                for handler in getattr(self.request, "upload_handlers", [])[1:]:
                    archivo = getattr(handler, "file", None)
                    if archivo is not None:
                        archivo.close()
                        handler.file = None
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.excedido:
            return None
        return OversizeUpload(
            name=self.file_name or "archivo",
            content_type=self.content_type or "application/octet-stream",
            limite=self.limite,
            recibidos=self.recibidos,
        )


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def limited_uploads(view: View) -> View:
    """Decorate a view that receives uploads: oversize files are cut off while
    streaming. CSRF is checked inside, after the handler is installed (Django reads the
    body when checking CSRF, and handlers cannot change after that)."""

    protected = csrf_protect(view)

    @wraps(view)
    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            request.upload_handlers.insert(0, LimitedUploadHandler(request))  # type: ignore[union-attr]
        return protected(request, *args, **kwargs)

    return cast(View, wrapper)


# --- Validation ------------------------------------------------------------------------


def _tamano(n: int, *, exacto: bool = False) -> str:
    """1,0 MB / 300 bytes, Spanish separators; `exacto` adds the bytes to a MB figure."""
    bytes_ = f"{cifra(n)} bytes"
    if n < 1_048_576:
        return bytes_
    megas = n / 1_048_576
    texto = f"{megas:.0f} MB" if exacto and megas == int(megas) else f"{megas:.1f} MB"
    texto = texto.replace(".", ",")
    return f"{texto} ({bytes_})" if exacto else texto


def _tamano_corto(n: int) -> str:
    """1 MB, 1,5 MB, 512 KB: a limit as people say it."""
    if n >= 1_048_576:
        megas = n / 1_048_576
        return f"{megas:.0f} MB" if megas == int(megas) else f"{megas:.1f} MB".replace(".", ",")
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{cifra(n)} bytes"


def _tipos() -> list[str]:
    return [t.lower() for t in parametros.valor("UPLOAD_TIPOS")]


def regla_archivos() -> str:
    """The upload rule in force, as pages and messages say it: «JPG o PDF de hasta
    1 MB» (from the UPLOAD_TIPOS and UPLOAD_MAX_BYTES parameters)."""
    permitidos = " o ".join(NOMBRES_TIPO.get(t, t.upper()) for t in _tipos())
    return f"{permitidos} de hasta {_tamano_corto(int(parametros.valor('UPLOAD_MAX_BYTES')))}"


_ACEPTA = {"pdf": ".pdf,application/pdf", "jpg": ".jpg,.jpeg,image/jpeg"}


def tipos_aceptados() -> str:
    """The file inputs' `accept` attribute for the types in force."""
    return ",".join(_ACEPTA.get(t, f".{t}") for t in _tipos())


def clean_filename(name: str) -> str:
    """The original file name, for display only: no path, no control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:150] or "archivo"


def sniff(head: bytes) -> str | None:
    """'pdf' or 'jpg' from a file's first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    # The PDF header may follow a little junk (ISO 32000 tolerates it within 1 KB); we
    # accept it only at the start, where every real PDF has it.
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _describe(head: bytes) -> str:
    firmas = [
        (b"\x89PNG", "una imagen PNG"),
        (b"GIF8", "una imagen GIF"),
        (b"PK\x03\x04", "un archivo comprimido u Office (ZIP)"),
        (b"\xd0\xcf\x11\xe0", "un documento de Office antiguo"),
        (b"MZ", "un programa ejecutable"),
        (b"\x7fELF", "un programa ejecutable"),
        (b"II*\x00", "una imagen TIFF"),
        (b"MM\x00*", "una imagen TIFF"),
        (b"BM", "una imagen BMP"),
        (b"RIFF", "un archivo multimedia o WEBP"),
        (b"<", "una página web o XML"),
        (b"{\\rtf", "un documento RTF"),
    ]
    for firma, nombre in firmas:
        if head.lstrip().startswith(firma):
            return nombre
    if b"%PDF-" in head[:1024]:
        return "un PDF con datos extraños antes de su encabezado"
    if b"ftyp" in head[:12]:
        return "una imagen HEIC/AVIF o un video"
    return "un formato no reconocido"


def _read_limited(file: IO[bytes], limite: int) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limite + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def validate_upload(file: Any, *, name_for_messages: str) -> ValidatedFile:
    """Check one uploaded file (an UploadedFile or any binary stream with `.name`).
    Raises ValidationError with a Spanish message that names the document and the file
    and says why it was refused."""
    nombre = clean_filename(getattr(file, "name", "") or "")
    quien = f"«{nombre}» ({name_for_messages})"
    limite = int(parametros.valor("UPLOAD_MAX_BYTES"))
    tipos = _tipos()
    permitidos = " o ".join(NOMBRES_TIPO.get(t, t.upper()) for t in tipos)

    tamano = int(getattr(file, "size", 0) or 0)
    data = b"" if getattr(file, "excede_limite", False) else _read_limited(file, limite)
    if getattr(file, "excede_limite", False) or tamano > limite or len(data) > limite:
        # A stream without a size was read only up to the limit: say "more than".
        peso = _tamano(tamano, exacto=True) if tamano > limite else None
        raise ValidationError(
            f"El archivo {quien} pesa {peso or 'más de ' + _tamano(limite, exacto=True)}; el "
            "máximo permitido "
            f"es {_tamano(limite, exacto=True)}. Escanéelo con menor resolución o en escala "
            "de grises y vuelva a cargarlo.",
            code="tamano",
        )
    if not data:
        raise ValidationError(f"El archivo {quien} está vacío.", code="vacio")
    tipo = sniff(data[:1024])
    if tipo is None or tipo not in tipos:
        raise ValidationError(
            f"El archivo {quien} no es un {permitidos}: su contenido corresponde a "
            f"{_describe(data[:1024]) if tipo is None else 'un ' + NOMBRES_TIPO[tipo]}. "
            f"Solo se aceptan archivos {permitidos}, sin importar el nombre o la extensión.",
            code="tipo",
        )
    if tipo == "pdf":
        resultado = run_sandboxed(_analizar_pdf, data, int(parametros.valor("PDF_MAX_PAGINAS")))
    else:
        resultado = run_sandboxed(_analizar_jpeg, data, limite)
    if isinstance(resultado, _Rechazo):
        raise ValidationError(f"El archivo {quien} {resultado.motivo}", code=resultado.code)
    contenido, paginas = resultado
    return ValidatedFile(
        nombre_original=nombre,
        tipo=tipo,
        content=contenido,
        sha256=hashlib.sha256(contenido).hexdigest(),
        paginas=paginas,
    )


@dataclass(frozen=True)
class _Rechazo:
    motivo: str  # completes "El archivo «x» (Documento) …"
    code: str


# --- Sandboxed analysis ------------------------------------------------------------------


def _analysis_timeout() -> float:
    return float(getattr(settings, "UPLOAD_ANALISIS_SEGUNDOS", 5))


def _analysis_memory() -> int:
    return int(getattr(settings, "UPLOAD_ANALISIS_MEMORIA_MB", 1024)) * 1024 * 1024


def _limit_memory(extra: int) -> None:
    """Cap the child's address space at what it has now (a fork of the web worker)
    plus `extra` bytes, so a file crafted to make a decoder allocate gigabytes fails in
    the child with MemoryError instead of pushing the server into swap or the OOM
    killer. (The decompression-bomb checks catch the known shapes; this catches the
    rest.)"""
    import resource

    try:
        with open("/proc/self/statm") as statm:
            actual = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: no cap rather than a wrong one
        return
    _blando, duro = resource.getrlimit(resource.RLIMIT_AS)
    tope = actual + extra
    if duro != resource.RLIM_INFINITY:
        tope = min(tope, duro)
    resource.setrlimit(resource.RLIMIT_AS, (tope, duro))


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        _limit_memory(_analysis_memory())
        conn.send(func(*args))
    except MemoryError:
        conn.send(_Rechazo(_MENSAJE_MEMORIA, "memoria"))
    except BaseException:  # the parent reports it as unreadable
        conn.send(_Rechazo("está dañado o no se pudo leer.", "ilegible"))
    finally:
        conn.close()


def run_sandboxed(func: Callable[..., Any], *args: Any) -> Any:
    """Run `func(*args)` in a forked child and return its result; a child that runs
    past the time limit is killed and the file refused. Where fork is unavailable (or
    UPLOAD_SANDBOX is off) it runs in-process with only the cooperative deadline."""
    timeout = _analysis_timeout()
    if not getattr(settings, "UPLOAD_SANDBOX", True) or "fork" not in (
        multiprocessing.get_all_start_methods()
    ):
        try:
            return func(*args)
        except _Plazo:
            return _Rechazo(_MENSAJE_PLAZO, "tiempo")
        except Exception:
            return _Rechazo("está dañado o no se pudo leer.", "ilegible")
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proceso = ctx.Process(target=_child, args=(child, func, args), daemon=True)
    proceso.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                return parent.recv()
            except EOFError:  # the child died (e.g. killed for memory)
                return _Rechazo("está dañado o no se pudo leer.", "ilegible")
        return _Rechazo(_MENSAJE_PLAZO, "tiempo")
    finally:
        parent.close()
        if proceso.is_alive():
            proceso.kill()
        proceso.join(timeout=5)


_MENSAJE_MEMORIA = (
    "necesita demasiada memoria para analizarse (su estructura es anómala). Guárdelo o "
    "escanéelo de nuevo y vuelva a cargarlo."
)

_MENSAJE_PLAZO = (
    "no pudo analizarse en el tiempo permitido (su estructura es anómala). Guárdelo o "
    "escanéelo de nuevo y vuelva a cargarlo."
)


class _Plazo(Exception):
    pass


def _deadline() -> Callable[[], None]:
    limite = time.monotonic() + _analysis_timeout()

    def check() -> None:
        if time.monotonic() > limite:
            raise _Plazo

    return check


# --- JPEG --------------------------------------------------------------------------------


def _analizar_jpeg(data: bytes, limite: int) -> tuple[bytes, None] | _Rechazo:
    from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, UnidentifiedImageError

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    Image.MAX_IMAGE_PIXELS = IMAGEN_MAX_PIXELES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as imagen:
                imagen.load()  # decodes every pixel: truncated or corrupt data raises here
                tablas = getattr(imagen, "quantization", None)
                muestreo = JpegImagePlugin.get_sampling(imagen)
                limpia = ImageOps.exif_transpose(imagen)
                if limpia.mode not in ("RGB", "L"):
                    limpia = limpia.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _Rechazo(
            f"declara una imagen de más de {IMAGEN_MAX_PIXELES // 1_000_000} megapíxeles; "
            "no se acepta por seguridad.",
            "pixeles",
        )
    except UnidentifiedImageError:
        return _Rechazo("no es una imagen JPG válida.", "ilegible")
    except (OSError, SyntaxError, ValueError, EOFError):
        return _Rechazo(
            "es una imagen JPG dañada o incompleta; vuelva a escanear el documento.", "ilegible"
        )
    # Re-encode: only the pixels survive (no EXIF, XMP, comments or appended data).
    intentos: list[dict[str, Any]] = [{"quality": calidad} for calidad in JPEG_CALIDADES]
    if tablas:
        # A detailed photo saved at low quality can grow at any of ours; its own
        # quantization (and chroma subsampling) gives back about its original size.
        propio: dict[str, Any] = {"qtables": tablas}
        if muestreo >= 0:
            propio["subsampling"] = muestreo
        intentos.append(propio)
    for opciones in intentos:
        salida = io.BytesIO()
        limpia.save(salida, format="JPEG", optimize=True, **opciones)
        if salida.tell() <= limite:
            return salida.getvalue(), None
    return _Rechazo(
        "no cabe en el tamaño máximo una vez depurada; escanéelo con menor resolución.",
        "tamano",
    )


# --- PDF ---------------------------------------------------------------------------------

# Actions that run code, open other files or send data (ISO 32000-1 §12.6.4).
_ACCIONES_PELIGROSAS = {
    "/JavaScript": ("contiene JavaScript, que no se acepta por seguridad.", "javascript"),
    "/Launch": ("contiene acciones que ejecutan programas, que no se aceptan.", "launch"),
    "/SubmitForm": ("contiene acciones que envían datos, que no se aceptan.", "accion"),
    "/ImportData": ("contiene acciones que importan datos, que no se aceptan.", "accion"),
    "/GoToE": ("contiene acciones que abren archivos incrustados, que no se aceptan.", "accion"),
    "/GoToR": ("contiene acciones que abren otros archivos, que no se aceptan.", "accion"),
    "/Rendition": ("contiene contenido multimedia activo, que no se acepta.", "accion"),
    "/RichMediaExecute": ("contiene contenido multimedia activo, que no se acepta.", "accion"),
}
_CLAVES_PELIGROSAS = {
    "/JS": _ACCIONES_PELIGROSAS["/JavaScript"],
    "/JavaScript": _ACCIONES_PELIGROSAS["/JavaScript"],
    "/EmbeddedFiles": ("contiene archivos incrustados, que no se aceptan.", "incrustado"),
    "/EF": ("contiene archivos incrustados, que no se aceptan.", "incrustado"),
    "/XFA": ("es un formulario dinámico (XFA), que no se acepta.", "xfa"),
    "/RichMediaContent": _ACCIONES_PELIGROSAS["/Rendition"],
}
_TIPOS_PELIGROSOS = {
    "/EmbeddedFile": _CLAVES_PELIGROSAS["/EmbeddedFiles"],
    "/FileAttachment": _CLAVES_PELIGROSAS["/EmbeddedFiles"],
    "/RichMedia": _ACCIONES_PELIGROSAS["/Rendition"],
}
# Raw-byte check for names that only active content uses, including #-escaped
# spellings (/J#61vaScript); it also sees objects no cross-reference table lists.
_NOMBRE_RE = re.compile(rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){6,24})")
_NOMBRES_CRUDOS = {
    "JavaScript": _ACCIONES_PELIGROSAS["/JavaScript"],
    "Launch": _ACCIONES_PELIGROSAS["/Launch"],
    "EmbeddedFile": _CLAVES_PELIGROSAS["/EmbeddedFiles"],
    "EmbeddedFiles": _CLAVES_PELIGROSAS["/EmbeddedFiles"],
    "RichMedia": _ACCIONES_PELIGROSAS["/Rendition"],
}


def _nombre_decodificado(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode(
        "latin-1"
    )


_RECHAZO_URI_AUTOMATICA = _Rechazo(
    "contiene acciones que abren direcciones web por sí solas al abrirlo o al recorrerlo, "
    "que no se aceptan.",
    "accion",
)


def _abre_web(disparo: Any) -> bool:
    """Whether an automatic trigger (/OpenAction, or an entry of /AA) opens a web
    address: a link the reader clicks is fine, a document that navigates by itself is
    not."""
    from pypdf.generic import DictionaryObject

    try:
        accion = disparo.get_object()
    except Exception:
        return False
    return isinstance(accion, DictionaryObject) and accion.get("/S") == "/URI"


_RECHAZO_ANIDADO = _Rechazo(
    "tiene una estructura anómala (objetos anidados a demasiada profundidad).", "ilegible"
)


def _revisar_objeto(obj: Any, check: Callable[[], None]) -> _Rechazo | None:
    """Look at one object and its direct children (indirect ones are visited on their
    own, from the cross-reference table)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    pila = [(obj, 0)]
    vistos = 0
    while pila:
        actual, nivel = pila.pop()
        vistos += 1
        if vistos % 500 == 0:
            check()
        if isinstance(actual, IndirectObject):
            continue
        if nivel > _PDF_MAX_ANIDAMIENTO and isinstance(actual, DictionaryObject | ArrayObject):
            return _RECHAZO_ANIDADO
        if isinstance(actual, DictionaryObject):
            for clave in actual:
                if clave in _CLAVES_PELIGROSAS:
                    return _Rechazo(*_CLAVES_PELIGROSAS[clave])
            disparos = actual.get("/AA")
            if disparos is not None:
                disparos = disparos.get_object()
                if isinstance(disparos, DictionaryObject) and any(
                    _abre_web(d) for d in disparos.values()
                ):
                    return _RECHAZO_URI_AUTOMATICA
            for clave in ("/S", "/Type", "/Subtype"):
                valor = actual.get(clave)
                if isinstance(valor, str):
                    if clave == "/S" and valor in _ACCIONES_PELIGROSAS:
                        return _Rechazo(*_ACCIONES_PELIGROSAS[valor])
                    if valor in _TIPOS_PELIGROSOS:
                        return _Rechazo(*_TIPOS_PELIGROSOS[valor])
            pila.extend((valor, nivel + 1) for valor in actual.values())
        elif isinstance(actual, ArrayObject):
            pila.extend((valor, nivel + 1) for valor in actual)
    return None


_FLATE = {"/FlateDecode", "/Fl"}


def _inflado(objeto: Any, presupuesto: int, check: Callable[[], None]) -> int:
    """How many bytes a FlateDecode stream inflates to, counting no further than just
    past `presupuesto` (0 for any other object). Corrupt data counts as far as it goes:
    rejecting it is pypdf's business, not this measure's."""
    from pypdf.generic import ArrayObject, StreamObject

    if not isinstance(objeto, StreamObject):
        return 0
    filtro = objeto.get("/Filter")
    if isinstance(filtro, ArrayObject):
        filtro = filtro[0] if filtro else None
    if filtro not in _FLATE:
        return 0
    datos = objeto._data
    descompresor = zlib.decompressobj()
    total = 0
    try:
        while datos and total <= presupuesto:
            total += len(descompresor.decompress(datos, 4 * 1024 * 1024))
            datos = descompresor.unconsumed_tail
            check()
            if descompresor.eof:
                break
    except zlib.error:
        pass
    return total


def _analizar_pdf(data: bytes, max_paginas: int) -> tuple[bytes, int] | _Rechazo:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import IndirectObject

    check = _deadline()
    fin = data.rfind(b"%%EOF")
    if fin < 0:
        return _Rechazo("está incompleto o cortado (no tiene el final de un PDF).", "ilegible")
    if len(data[fin + 5 :].strip(b" \t\r\n\x00\x0c")) > 0:
        # A polyglot: something else (a ZIP, a script) rides after the document's end.
        return _Rechazo("contiene datos ocultos después del final del documento.", "anexado")
    for match in _NOMBRE_RE.finditer(data):
        nombre = _nombre_decodificado(match.group(1))
        if nombre in _NOMBRES_CRUDOS:
            return _Rechazo(*_NOMBRES_CRUDOS[nombre])
    try:
        lector = PdfReader(io.BytesIO(data), strict=False)
        if lector.is_encrypted:
            return _Rechazo(
                "está protegido con contraseña o cifrado; cárguelo sin protección.", "cifrado"
            )
        paginas = len(lector.pages)
        check()
        if paginas == 0:
            return _Rechazo("no tiene páginas.", "paginas")
        if paginas > max_paginas:
            return _Rechazo(
                f"tiene {paginas} páginas; el máximo permitido es {max_paginas}.", "paginas"
            )
        raiz = lector.trailer.get("/Root")
        raiz = raiz.get_object() if raiz is not None else None
        if raiz is None:
            return _Rechazo("está dañado: no tiene catálogo de documento.", "ilegible")
        accion = raiz.get("/OpenAction")
        if accion is not None and _abre_web(accion):
            return _RECHAZO_URI_AUTOMATICA
        problema = _revisar_objeto(raiz, check)
        if problema is None and accion is not None:
            problema = _revisar_objeto(accion.get_object(), check)
        if problema is not None:
            return problema
        numeros: list[tuple[int, int]] = [
            (num, gen) for gen, tabla in lector.xref.items() for num in tabla
        ]
        numeros += [(num, 0) for num in lector.xref_objStm]
        if len(numeros) > _PDF_MAX_OBJETOS:
            return _Rechazo("tiene una estructura anómala (demasiados objetos).", "ilegible")
        presupuesto = _PDF_MAX_DESCOMPRIMIDO
        for i, (num, gen) in enumerate(numeros):
            if i % 200 == 0:
                check()
            try:
                objeto = lector.get_object(IndirectObject(num, gen, lector))
            except (PdfReadError, ValueError, KeyError, OSError):
                continue
            problema = _revisar_objeto(objeto, check)
            if problema is not None:
                return problema
            presupuesto -= _inflado(objeto, presupuesto, check)
            if presupuesto < 0:
                return _Rechazo(
                    "contiene datos comprimidos que se expanden de forma desproporcionada "
                    f"(más de {_PDF_MAX_DESCOMPRIMIDO // 1_048_576} MB); no se acepta por "
                    "seguridad.",
                    "bomba",
                )
        for pagina in lector.pages:
            check()
            for anotacion in pagina.get("/Annots") or []:
                problema = _revisar_objeto(anotacion.get_object(), check)
                if problema is not None:
                    return problema
    except _Plazo:
        return _Rechazo(_MENSAJE_PLAZO, "tiempo")
    except Exception:
        return _Rechazo("no es un PDF válido o está dañado; vuelva a generarlo.", "ilegible")
    return data, paginas
