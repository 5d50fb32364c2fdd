"""Locust scenario for bench/carga.py (not meant to be run by hand).

BENCH_MODO selects what each simulated visitor does:
  mixto            the national mix: catalogue list and pages, status lookups, submissions
  pagina:<nombre>  only one page (real), for its ratio to the bare view
  bare:<nombre>    the bare view returning that page's bytes
Data (credentials, form fields, files) comes from BENCH_DATOS, a JSON file written by
bench/carga.py.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

DATOS = json.loads(Path(os.environ["BENCH_DATOS"]).read_text(encoding="utf-8"))
MODO = os.environ.get("BENCH_MODO", "mixto")
ARCHIVOS = {
    nombre: (info["nombre"], Path(info["ruta"]).read_bytes(), info["tipo"])
    for nombre, info in DATOS["archivos"].items()
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _ip() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


class Visitante(HttpUser):
    wait_time = between(0, 0) if MODO != "mixto" else between(0.05, 0.2)

    def on_start(self) -> None:
        self.token = ""
        if MODO == "mixto" or MODO.endswith("consulta"):
            self._token("/consulta/")

    def _token(self, path: str) -> str:
        html = self.client.get(path, name="(token)").text
        match = TOKEN.search(html)
        self.token = match.group(1) if match else ""
        return self.token

    def _consulta(self, path: str, name: str) -> None:
        numero, ident = random.choice(DATOS["credenciales"])
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": self.token, "numero": numero, "identificacion": ident},
            headers={"X-Forwarded-For": _ip(), "Referer": self.host + "/consulta/"},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or numero not in response.text:
                response.failure(f"{response.status_code}")

    # --- one page at a time (ratios) ----------------------------------------------------
    if MODO != "mixto":

        @task
        def una_pagina(self) -> None:
            tipo, nombre = MODO.split(":", 1)
            if tipo == "bare":
                if nombre == "consulta":
                    self._consulta(f"/bench/bare/{nombre}/", name=MODO)
                else:
                    self.client.get(f"/bench/bare/{nombre}/", name=MODO)
            elif nombre == "consulta":
                self._consulta("/consulta/", name=MODO)
            else:
                self.client.get(DATOS["paginas"][nombre], name=MODO)

    # --- the national mix ---------------------------------------------------------------
    else:

        @task(6)
        def catalogo(self) -> None:
            self.client.get("/tramites/", name="GET /tramites/")

        @task(10)
        def tramite(self) -> None:
            self.client.get(random.choice(DATOS["tramites"]), name="GET /tramites/<slug>/")

        @task(10)
        def consulta(self) -> None:
            self._consulta("/consulta/", name="POST /consulta/")

        @task(1)
        def envio(self) -> None:
            url = DATOS["formulario"]
            token = TOKEN.search(self.client.get(url, name="GET formulario").text)
            datos = dict(DATOS["campos"], csrfmiddlewaretoken=token.group(1) if token else "")
            files = {campo: ARCHIVOS[campo] for campo in ARCHIVOS}
            with self.client.post(
                url,
                data=datos,
                files=files,
                headers={"X-Forwarded-For": _ip(), "Referer": self.host + url},
                name="POST /ventanilla/<slug>/ (envío)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"{response.status_code}")
