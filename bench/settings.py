"""Settings for benches that serve pages: the project's own, plus one minimal page to compare
against, with DEBUG off as in production."""

import os

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, TEMPLATES

DEBUG = False
ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
if os.environ.get("BENCH_NO_CACHE"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
