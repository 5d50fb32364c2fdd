"""Private file storage: uploaded documents and generated PDFs. It has no public URL;
files reach people only through views that check permission (core.views.serve_private)."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.http import FileResponse


class _PrivateStorage(Storage):
    """The "private" storage of settings.STORAGES, looked up at each use. Model fields
    take their storage once, at import; delegating keeps them on the configured backend
    even when STORAGES changes afterwards (each test gets its own folder)."""

    def _target(self) -> Storage:
        return storages["private"]

    def open(self, name: str, mode: str = "rb") -> File:
        return self._target().open(name, mode)

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        return self._target().save(name, content, max_length=max_length)

    def delete(self, name: str) -> None:
        self._target().delete(name)

    def exists(self, name: str) -> bool:
        return self._target().exists(name)

    def size(self, name: str) -> int:
        return self._target().size(name)

    def path(self, name: str) -> str:
        return self._target().path(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._target().listdir(path)

    def url(self, name: str | None) -> str:
        return self._target().url(name)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return self._target().generate_filename(filename)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self._target().get_available_name(name, max_length=max_length)


_PRIVATE = _PrivateStorage()


def private_storage() -> Storage:
    return _PRIVATE


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
