"""The web app for a production server: `gunicorn -w 2 -b 0.0.0.0:8050 wsgi:application`.

It serves only: one `python -m metrics scheduler` collects beside it (a second refuses to
start). Configuration as everywhere (IOC_CONFIG, IOC_STORE_URL, IOC_CACHE_URL, IOC_DATA_DIR);
with several workers, give them one IOC_SECRET_KEY (or one data folder) and a Redis cache, so a
session, a sign-in limit and a sign-out hold whichever worker answers. Behind a reverse proxy,
`app.trusted_proxies` says how many proxies' X-Forwarded-For/-Proto to believe. There is no
first account here: make it with `python -m metrics users add NAME --role admin`.
"""

from __future__ import annotations

import sys

from dashboards.screens import load_screens
from dashboards.webapp import create_app
from metrics.startup import StartupFailed, start

try:
    _started = start(None, checks=[load_screens])
except StartupFailed as failure:  # said on stderr; the server stops rather than serve half-configured
    sys.exit(failure.report())

application = create_app(_started.config, _started.store).server
