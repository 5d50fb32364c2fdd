"""Settings for bench/ventanilla.py: the project's own settings plus a bare view."""

from ventanilla.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"
