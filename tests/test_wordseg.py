"""``nlp.wordseg``: underthesea's segmenter, and word starts read without it only where certain.

The promise: wherever ``Boundaries`` answers, its answer is the one segmenting the sentence gives
(``nlp.document`` reads it either way, so the facts cannot change). Checked token by token on
every text the project ships and, where ``../shared`` is beside the checkout, on the dev gold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import project_texts
from underthesea import word_tokenize

from nlp import wordseg
from nlp.document import _split_sentences, analyze
from nlp.normalize import normalize_text


def _normalized(texts: list[str]) -> list[str]:
    return [normalize_text(t) for t in texts]


def _assert_certain_answers_are_the_segmenters(texts: list[str]) -> None:
    """Every answer given without segmenting equals the answer after segmenting (``eager``)."""
    asked = answered = 0
    for text in texts:
        eager = analyze(text, eager=True)
        lazy = analyze(text)
        analysis = lazy.analysis
        for i, token in enumerate(analysis.tokens):
            r = analysis._sentence_of[i]
            if r < 0 or token.isspace():
                continue
            asked += 1
            got = analysis._certain_wstart(r, i)
            if got is not None:
                answered += 1
                assert got == eager.wstart(i), (text[analysis.ranges[r][0] : analysis.ranges[r][1]], token)
        assert lazy.segmenter_runs == 0  # answering never segmented anything
    # The point of it: nearly every question is answered without the segmenter.
    assert answered > 0.95 * asked, (answered, asked)


@pytest.mark.slow
def test_certain_word_starts_equal_segmentation_on_the_projects_texts() -> None:
    _assert_certain_answers_are_the_segmenters(_normalized(project_texts()))


@pytest.mark.slow
def test_certain_word_starts_equal_segmentation_on_the_dev_gold(shared_dir: Path) -> None:
    lines = (shared_dir / "dev" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    _assert_certain_answers_are_the_segmenters(_normalized([json.loads(x)["text"] for x in lines if x.strip()]))


@pytest.mark.slow
def test_segment_equals_word_tokenize_on_the_projects_texts() -> None:
    sentences = [t[s:e] for t in _normalized(project_texts()) for s, e in _split_sentences(t)]
    assert len(sentences) > 100
    assert [wordseg.segment(s) for s in sentences] == [word_tokenize(s) for s in sentences]


@pytest.mark.parametrize("sentence", ["", "A", "Ông Lê Văn Hòa, Chủ tịch UBND xã.", "“Xã , phường” –  ( 99,2% ) …"])
def test_segment_equals_word_tokenize(sentence: str) -> None:
    assert wordseg.segment(sentence) == word_tokenize(sentence)


SENTENCE = "Bà Hồ Thị Lan, Bí thư Đảng ủy xã Diễn Châu cho biết trụ sở làm việc đã xong."


def test_answers_at_syllable_starts_and_inside_syllables() -> None:
    bounds = wordseg.Boundaries(SENTENCE, wordseg.syllables(SENTENCE))
    words = wordseg.segment(SENTENCE)
    starts, pos = set(), 0
    for word in words:
        pos = SENTENCE.index(word.split()[0], pos)
        starts.add(pos)
        pos += len(word.split()[0])
    for k, start in enumerate(bounds.starts or []):
        assert bounds.at(start) in (start in starts, None), wordseg.syllables(SENTENCE)[k]
    assert bounds.at(0) is True  # the first syllable always starts a word
    assert bounds.at(1) is False  # inside ``Bà``


def test_no_answer_where_syllables_are_not_the_text() -> None:
    # More white space between two syllables than ``nlp.document`` bridges inside a word.
    sentence = "Bí thư     Đảng ủy xã."
    bounds = wordseg.Boundaries(sentence, wordseg.syllables(sentence))
    assert bounds.starts is None
    assert bounds.at(0) is None


def test_no_answer_when_the_model_is_not_as_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise ValueError("unexpected model")

    wordseg._model.cache_clear()
    monkeypatch.setattr(wordseg, "_oracle_transitions", refuse)
    try:
        bounds = wordseg.Boundaries(SENTENCE, wordseg.syllables(SENTENCE))
        assert bounds.at(0) is None
        assert wordseg.segment(SENTENCE) == word_tokenize(SENTENCE)  # segmenting still works
        adoc = analyze(normalize_text(SENTENCE))
        lan = next(t for t in adoc.doc if t.text == "Lan")
        assert adoc.wstart(lan.i) is False  # ``Hồ Thị Lan`` is one word: read by segmenting
        assert adoc.segmenter_runs == 1
    finally:
        wordseg._model.cache_clear()


def test_a_question_answered_without_segmenting() -> None:
    adoc = analyze(normalize_text(SENTENCE))
    xa = next(t for t in adoc.doc if t.text == "xã")
    assert adoc.wstart(xa.i) is True
    assert adoc.segmenter_runs == 0 and adoc.analysed_sentences == (1, 0)
    assert adoc.tag(xa.i) == "N"  # a tag still needs the words: the sentence is segmented now
    assert adoc.segmenter_runs == 1 and adoc.analysed_sentences == (1, 1)
