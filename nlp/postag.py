"""underthesea's POS tagger, with its feature extraction done once per token instead of per feature.

``underthesea.pos_tag`` segments a sentence with ``word_tokenize`` (fast: its features are built in
Rust by ``underthesea_core``) and then tags the words with a 2017 CRF whose features are built in
Python by ``tagged_feature.template2features``. That function re-parses the template string with a
regular expression and rebuilds every column for each (token, template) pair, so for a sentence of
n words it does 22·n regex matches and 22·n² list copies: three quarters of ``pos_tag``'s time is
spent there, not in the CRF.

``tag_words`` builds the very same feature strings (the template is read from underthesea's own
predictor, its ``BOS``/``EOS`` rules and ``istitle`` quirks reproduced) and hands them to the very
same ``CRFTagger`` model, so its tags are underthesea's tags; ``tests/test_postag.py`` checks this
sentence by sentence against ``underthesea.pos_tag``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["pos_tag", "segment", "tag_words", "TEMPLATE_RE"]

TEMPLATE_RE = re.compile(r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?")

# The POS model reads a second column that is always the placeholder ``X`` at prediction time.
_PLACEHOLDER = "X"


def _istitle(word: str) -> str:
    """underthesea's ``text_istitle``: every space-separated piece starts with a title-case letter.

    An empty piece (two spaces in a row) raises inside underthesea and counts as ``False``.
    """
    if not word:
        return "False"
    for piece in word.split(" "):
        if not piece or not piece[0].istitle():
            return "False"
    return "True"


def _isallcap(word: str) -> str:
    return str(all(letter.istitle() for letter in word))


def _is_in_dict(word: str) -> str:
    from underthesea.pipeline.pos_tag.tagged_feature import lower_words

    return str(word.lower() in lower_words)


_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "lower": str.lower,
    "istitle": _istitle,
    "isallcap": _isallcap,
    "isdigit": lambda w: str(w.isdigit()),
    "is_in_dict": _is_in_dict,
}


@functools.lru_cache(maxsize=1)
def _model() -> tuple[Any, tuple[tuple[str, int, int | None, int, str | None], ...]]:
    """underthesea's POS CRF and its template, parsed once: (prefix, index1, index2, column, function)."""
    from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

    predictor = CRFPOSTagPredictor.Instance()
    parsed = []
    for syntax in predictor.transformer.template:
        m = TEMPLATE_RE.match(syntax)
        if m is None:  # underthesea would fail on it too
            raise ValueError(f"unknown POS feature template {syntax!r}")
        column = int(m.group("column")) if m.group("column") else 0
        index2 = int(m.group("index2")) if m.group("index2") else None
        if index2 is not None and index2 < int(m.group("index1")):
            raise ValueError(f"POS feature template {syntax!r} runs backwards")
        func = m.group("function")
        if func is not None and func not in _FUNCTIONS:
            raise ValueError(f"unknown POS feature function {func!r}")
        parsed.append((f"{syntax}=", int(m.group("index1")), index2, column, func))
    return predictor.model, tuple(parsed)


def _features(words: Sequence[str]) -> list[list[str]]:
    """The feature strings underthesea's ``TaggedTransformer`` builds for ``words``.

    Built a template at a time: each function is applied once per word (or per pair of words),
    then every position takes its value, or ``BOS``/``EOS`` where the template reaches past an
    end (``BOS`` first, as underthesea checks it first).
    """
    _crf, template = _model()
    n = len(words)
    if n == 0:
        return []
    columns = (list(words), [_PLACEHOLDER] * n)
    applied: dict[tuple[str | None, int, int], list[str]] = {}
    per_template: list[list[str]] = []
    for prefix, index1, index2, column, func in template:
        k2 = index1 if index2 is None else index2
        span = k2 - index1 + 1
        key = (func, column, span)
        values = applied.get(key)
        if values is None:
            col = columns[column]
            joined = col if span == 1 else [" ".join(col[a : a + span]) for a in range(n - span + 1)]
            fn = _FUNCTIONS[func] if func is not None else None
            values = applied[key] = joined if fn is None else [fn(w) for w in joined]
        bos, eos = prefix + "BOS", prefix + "EOS"
        per_template.append([
            bos if i + index1 < 0 else eos if i + k2 >= n else prefix + values[i + index1] for i in range(n)
        ])
    return [list(row) for row in zip(*per_template, strict=True)]


def tag_words(words: Sequence[str]) -> list[str]:
    """POS tags for words already segmented by ``word_tokenize``: underthesea's tags, faster."""
    if not words:
        return []
    crf, _template = _model()
    return list(crf.tag(_features(words)))


def segment(sentence: str) -> list[str]:
    """underthesea's word segmentation (words keep their inner spaces: ``"hồ sơ"``)."""
    from nlp.wordseg import segment as word_segment

    return word_segment(sentence)


def pos_tag(sentence: str) -> list[tuple[str, str]]:
    """``underthesea.pos_tag(sentence)``, the same output in about a third of the time."""
    words = segment(sentence)
    return list(zip(words, tag_words(words), strict=True))
