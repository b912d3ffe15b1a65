"""The WSGI application (served by waitress through ``naersund serve``, or any WSGI server).

It does not start while a system check finds a serious problem, the database's checks
included (e.g. demo users in a database served outside demo mode)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naersund.web.settings")

application = get_wsgi_application()

from naersund.web.manage import refuse_unsafe_start  # noqa: E402  (needs Django set up)

refuse_unsafe_start()
