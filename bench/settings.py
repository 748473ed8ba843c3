"""Settings of the scale benchmark's web server (bench/scale.py): jifen's own, plus a ceiling.

Everything comes from jifen.settings and the same environment variables as production. Only two
things change, so that the production app never carries a benchmark URL: the URL conf
(bench/urls.py, jifen.urls plus /bench/ceiling/) and a template folder for that page.

No transport setting is relaxed here: plain http on loopback only needs SECURE_SSL_REDIRECT=False,
which jifen.settings reads from the environment (bench/scale.py sets it). Secure cookies and HSTS
stay as in production: wrk sends the session cookie itself and ignores both.
"""

from pathlib import Path

from jifen.settings import *  # noqa: F403
from jifen.settings import TEMPLATES

ROOT_URLCONF = "bench.urls"
# A copy, not an edit of jifen.settings' own list
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]}]
