"""The SQLite store (through sqlite-utils): articles, facts with provenance, reference tables.

sqlite-utils imports pandas at import time, only to recognise pandas values in rows it is given;
the store never gives it any. That import costs about 0.35 s, a twentieth of processing a
thousand articles, so the package imports sqlite-utils with pandas hidden, unless pandas is
already loaded (a notebook). pandas stays importable afterwards for the code that uses it
(``db.api``, ``db.export``).
"""

from __future__ import annotations

import sys

if "sqlite_utils" not in sys.modules and "pandas" not in sys.modules:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # ``import pandas`` raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]
