"""The real-press evaluation set: check its passages against their hashes, then score them.

The set (``tests/data/real/``) keeps only facts and, per passage, a manifest line: the url, the
search query that finds it in the stored public pages, and the sha256 of its text. The texts are
third-party and never enter the repository; ``tests/data/real/README.md`` says how to restore them
into a folder of your own. Then::

    .venv/bin/python -m bench.real_press --texts /tmp/vn-local-press-real
    .venv/bin/python -m bench.real_press --texts /tmp/vn-local-press-real --agreement
    .venv/bin/python -m bench.real_press restore SEARCH_RESPONSES_DIR --texts /tmp/vn-local-press-real

The first scores the extractor on every passage whose text matches its hash (and says which do not);
the second scores the second annotator's labels against the first (``second_annotation.jsonl``):
their agreement; ``restore`` writes the passages from saved search responses (the JSON the search
tool returns), one ``<id>.txt`` per manifest line whose url it finds. It is a benchmark to run by
hand: CI cannot reach the stored pages.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("bench.real_press")

HERE = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
DEFAULT_TEXTS = Path("/tmp/vn-local-press-real")


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_texts(manifest: list[dict[str, Any]], texts: Path) -> tuple[dict[str, str], list[str], list[str]]:
    """The texts that match their hash, and the ids whose text is missing or differs."""
    good: dict[str, str] = {}
    missing: list[str] = []
    differ: list[str] = []
    for entry in manifest:
        path = texts / f"{entry['id']}.txt"
        if not path.is_file():
            missing.append(entry["id"])
            continue
        text = path.read_text(encoding="utf-8")
        if sha256(text) != entry["sha256"]:
            differ.append(entry["id"])
            continue
        good[entry["id"]] = text
    return good, missing, differ


def restore(responses: Path, manifest: list[dict[str, Any]], texts: Path) -> int:
    """Write ``<id>.txt`` for each manifest line whose url a saved search response holds."""
    by_url = {m["url"]: m for m in manifest}
    texts.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in sorted(responses.glob("*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            log.warning("skipping %s: %s", path, exc)
            continue
        for result in payload.get("results") or []:
            entry = by_url.get(result.get("url"))
            excerpt = result.get("excerpt")
            if entry is None or not isinstance(excerpt, str):
                continue
            if sha256(excerpt) != entry["sha256"]:
                log.warning("%s: the excerpt for %s differs from the recorded one", path.name, entry["id"])
                continue
            (texts / f"{entry['id']}.txt").write_text(excerpt, encoding="utf-8")
            written += 1
    return written


def score_set(gold: list[dict[str, Any]], texts: dict[str, str]) -> dict[str, Any]:
    """Scores of the extractor on the passages present, exactly as ``pipeline.py evaluate``."""
    from nlp.evaluate import score
    from pipeline import predict

    lines = [{**g, "text": texts[g["id"]]} for g in gold if g["id"] in texts]
    return {"passages": len(lines), "scores": score(lines, predict(lines))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.real_press", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="score", choices=("score", "restore"))
    parser.add_argument("responses", nargs="?", type=Path, help="restore: folder of saved search responses")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="folder of <id>.txt passages")
    parser.add_argument("--agreement", action="store_true", help="score the second annotation against the first")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON to this file")
    parser.add_argument("--details", help="list misses and false positives of one kind")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from nlp.evaluate import format_details, format_scores, score

    manifest = _lines(HERE / "manifest.jsonl")
    if args.command == "restore":
        if args.responses is None or not args.responses.is_dir():
            parser.error("restore needs the folder of saved search responses")
        n = restore(args.responses, manifest, args.texts)
        log.info("%d passages written to %s", n, args.texts)
        return 0
    gold = _lines(HERE / "gold.jsonl")
    texts, missing, differ = check_texts(manifest, args.texts)
    log.info("%d of %d passages present and matching their hash", len(texts), len(manifest))
    if missing:
        log.info("missing: %s", " ".join(missing))
    if differ:
        log.info("text differs from its hash: %s", " ".join(differ))
    if args.agreement:
        second = {s["id"]: s for s in _lines(HERE / "second_annotation.jsonl")}
        first = [g for g in gold if g["id"] in second]
        scores = score(first, second)
        header = f"Agreement of the second annotation with the first on {len(first)} passages " \
                 "(first = gold, second = prediction):"
    else:
        if not texts:
            log.error("no passage text found in %s: see tests/data/real/README.md to restore them", args.texts)
            return 2
        result = score_set(gold, texts)
        scores = result["scores"]
        header = f"Extractor on {result['passages']} real passages:"
    print(header)
    print(format_scores(scores))
    if args.details:
        print(format_details(scores[args.details]))
    if args.json:
        args.json.write_text(
            json.dumps({k: v.as_dict() for k, v in scores.items()}, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
