"""Execute every notebook in this directory top to bottom; exit 1 when any cell fails.

The sources are left untouched: executed copies (with their outputs) go to ``--out`` (default a
new temporary directory). Figures the notebooks save as PNG go to ``--figures`` (default
``OUT/figures``). The database is ``--db`` (default ``$NEWS_DB``, else ``data/news.db``).

    .venv/bin/python notebooks/run_all.py --db /tmp/demo-news.db
    .venv/bin/python notebooks/run_all.py --db data/news.db --figures docs/img 01
    .venv/bin/python notebooks/run_all.py --db data/news.db --html docs/notebooks   # the rendered copies
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

log = logging.getLogger("notebooks")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def notebooks(names: list[str] | None = None) -> list[Path]:
    """The notebooks to run, in name order; ``names`` picks some by stem, file name or number (``02``)."""
    found = sorted(HERE.glob("[0-9]*.ipynb"))
    if not names:
        return found
    wanted = {Path(name).stem for name in names}

    def matches(path: Path, name: str) -> bool:
        return path.stem == name or path.stem.split("_", 1)[0] == name

    picked = [path for path in found if any(matches(path, name) for name in wanted)]
    unknown = {name for name in wanted if not any(matches(path, name) for path in found)}
    if unknown:
        raise SystemExit(f"no such notebook: {', '.join(sorted(unknown))} (have: {', '.join(p.stem for p in found)})")
    return picked


def run_notebook(path: Path, out_dir: Path, timeout: int = 600, kernel: str = "python3") -> bool:
    """Execute one notebook from this directory; write the executed copy to ``out_dir``.

    Returns True when every cell ran. The copy is written either way, so a failure can be read
    in context.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": str(HERE)}})
    started = time.monotonic()
    ok = True
    try:
        client.execute()
    except CellExecutionError as exc:
        ok = False
        log.error("%s failed:\n%s", path.name, str(exc).strip()[-3000:])
    finally:
        target = out_dir / path.name
        nbformat.write(nb, target)
    log.info("%s %s in %.1f s → %s", path.name, "ok" if ok else "FAILED", time.monotonic() - started, target)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Execute the notebooks; exit 1 on any error.")
    parser.add_argument("names", nargs="*", help="notebooks to run (stems, e.g. 01_coverage); default all")
    parser.add_argument("--db", help="database (default $NEWS_DB, else data/news.db)")
    parser.add_argument("--out", type=Path, help="directory for the executed copies (default: a new temp dir)")
    parser.add_argument("--figures", type=Path, help="directory for the PNG figures (default OUT/figures)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name (default python3)")
    parser.add_argument("--html", type=Path,
                        help="also write each executed notebook as a standalone HTML page here (e.g. docs/notebooks)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S")

    db = Path(args.db or os.environ.get("NEWS_DB") or ROOT / "data" / "news.db").resolve()
    if not db.is_file():
        log.error("no database at %s: build one with `python pipeline.py demo --db %s`", db, db)
        return 1
    out_dir = (args.out or Path(tempfile.mkdtemp(prefix="notebooks-"))).resolve()
    if out_dir == HERE:
        log.error("--out must not be the notebooks directory: the sources would be overwritten")
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = (args.figures or out_dir / "figures").resolve()
    # The kernel inherits this environment: the notebooks read NEWS_DB and NOTEBOOK_FIGURES.
    os.environ["NEWS_DB"] = str(db)
    os.environ["NOTEBOOK_FIGURES"] = str(figures)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

    paths = notebooks(args.names)
    log.info("running %d notebook(s) on %s; executed copies in %s, figures in %s", len(paths), db, out_dir, figures)
    failed = [path.name for path in paths if not run_notebook(path, out_dir, args.timeout, args.kernel)]
    if failed:
        log.error("%d of %d notebook(s) failed: %s", len(failed), len(paths), ", ".join(failed))
        return 1
    log.info("all %d notebook(s) ran", len(paths))
    if args.html:
        write_html([out_dir / path.name for path in paths], args.html.resolve())
    return 0


def write_html(executed: list[Path], html_dir: Path) -> None:
    """Standalone HTML pages of executed notebooks (figures embedded): readable without running
    anything, in a browser or on the repository's web page."""
    from nbconvert import HTMLExporter

    html_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="classic")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    for path in executed:
        body, _resources = exporter.from_notebook_node(nbformat.read(path, as_version=4))
        target = html_dir / (path.stem + ".html")
        target.write_text(body, encoding="utf-8")
        log.info("%s → %s", path.name, target)


if __name__ == "__main__":
    sys.exit(main())
