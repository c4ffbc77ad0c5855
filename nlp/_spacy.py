"""Import spaCy without its command line: imported for that side effect before anything of spaCy.

``import spacy`` imports ``spacy.cli`` (typer, weasel, httpx, requests, jinja2, rich …), a third of
spaCy's import time and a tenth of the process step's single-threaded start-up, for one name:
``spacy.info``. No extraction uses the command line. So the first import of spaCy is made with a
stand-in for ``spacy.cli`` that is removed again as soon as spaCy is imported: spaCy is then as it
always is, except that ``spacy.cli`` is imported by the first code that asks for it (normally,
from its files) and ``spacy.info`` imports it when first called. If spaCy is already imported, or
the import with the stand-in fails (a spaCy that needs more of its command line), spaCy is
imported the ordinary way.
"""

from __future__ import annotations

import logging
import sys
import types
from typing import Any

log = logging.getLogger(__name__)

__all__: list[str] = []

_STAND_INS = ("spacy.cli", "spacy.cli.info")


def _info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, its command line imported on the first call."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _import_spacy_without_cli() -> None:
    if "spacy" in sys.modules:
        return
    before = set(sys.modules)
    stand_ins: dict[str, types.ModuleType] = {}
    for name in _STAND_INS:
        module = types.ModuleType(name, "stand-in while spaCy is imported (nlp._spacy)")
        module.__path__ = []  # a package: ``spacy.cli.info`` is looked up in it
        stand_ins[name] = module
    stand_ins["spacy.cli.info"].info = _info  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import spacy
    except Exception:
        log.debug("spaCy not importable without its command line; importing it whole", exc_info=True)
        for name in set(sys.modules) - before:
            if name == "spacy" or name.startswith("spacy."):
                del sys.modules[name]
        spacy = None
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if spacy is None:
        import spacy  # noqa: F401  (the ordinary way)

        return
    if isinstance(spacy.__dict__.get("cli"), types.ModuleType) and spacy.__dict__["cli"] in stand_ins.values():
        del spacy.cli  # the package attribute comes back when spacy.cli is really imported
    spacy.info = _info


_import_spacy_without_cli()
