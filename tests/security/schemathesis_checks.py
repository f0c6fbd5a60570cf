"""A check loaded into the ``schemathesis`` run (``SCHEMATHESIS_HOOKS``): no response body, whatever its
status, carries a traceback, a database error or a path on the server."""

from __future__ import annotations

import os

import schemathesis

LEAKS = ("Traceback", 'File "', "sqlalchemy", "sqlite3.", "psycopg")


@schemathesis.check
def no_internals_in_body(ctx: object, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Fail when the body names a server path (``MOVEQUAL_FUZZ_PATHS``, ``os.pathsep``-joined) or an internal."""
    body = response.text or ""
    paths = [p for p in os.environ.get("MOVEQUAL_FUZZ_PATHS", "").split(os.pathsep) if p]
    for leak in (*LEAKS, *paths):
        if leak in body:
            raise AssertionError(f"{case.method} {case.path} answered {response.status_code} naming {leak!r}")
