"""The process step's start-up: what it skips must still be there for whoever needs it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_spacy_imported_without_its_command_line_still_has_it() -> None:
    """``nlp._spacy`` (imported by ``nlp.extract``): spaCy comes in without ``spacy.cli``, which is
    still imported normally by whoever asks for it, and ``spacy.info`` still works."""
    code = (
        "import sys, io, contextlib\n"
        "import nlp.extract, spacy\n"
        "assert 'spacy.cli' not in sys.modules and 'typer' not in sys.modules\n"
        "assert 'cli' not in vars(spacy)\n"
        "from spacy.cli import download\n"
        "import spacy.cli.info\n"
        "assert sys.modules['spacy.cli'].__file__.endswith('__init__.py')\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert isinstance(spacy.info(), dict)\n"
        "from nlp.document import analyze\n"
        "assert analyze('Xã Đông Giang.').doc.text == 'Xã Đông Giang.'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]


def test_warm_up_leaves_the_collector_as_it_found_it() -> None:
    from nlp.extract import warm_up

    assert gc.isenabled()
    warm_up()
    assert gc.isenabled()
    gc.disable()
    try:
        warm_up()
        assert not gc.isenabled()
    finally:
        gc.enable()
