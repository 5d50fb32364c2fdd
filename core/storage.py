"""Private file storage: uploaded documents and generated PDFs. It has no public URL;
files reach people only through views that check permission (private_file_response)."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import PurePosixPath
from typing import IO, cast

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    """Resolves the "private" alias of STORAGES when first used and again after the
    setting changes. FileFields evaluate their storage callable once, at import; through
    this proxy they still follow the configured backend (file system, S3)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty  # type: ignore[assignment]


def private_storage() -> Storage:
    return cast(Storage, _private)


def generated_name(prefix: str, extension: str) -> str:
    """A storage path that says nothing about the person or the original file name."""
    token = secrets.token_hex(16)
    return str(PurePosixPath(prefix) / token[:2] / f"{token}.{extension.lstrip('.')}")


def sha256_of(stream: IO[bytes], chunk_size: int = 64 * 1024) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(chunk_size), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def private_file_response(
    name: str, *, download_name: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Stream a private file. Callers must have checked permission first.

    Served as an attachment unless `inline` (the staff viewer for PDFs and JPEGs); the
    SecurityMiddleware adds `X-Content-Type-Options: nosniff` to every response.
    """
    handle = private_storage().open(name, "rb")
    response = FileResponse(
        handle, as_attachment=not inline, filename=download_name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        # A downloaded file is never a page: no scripts, no framing.
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response
