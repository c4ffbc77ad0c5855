"""``nlp.lexicon``: one reader for the data files, spaCy PhraseMatchers for their phrases."""

from __future__ import annotations

from pathlib import Path

from spacy.tokens import Doc

from nlp.document import analyze, get_nlp
from nlp.extractors import officials
from nlp.lexicon import Phrase, PhraseLexicon, build_lexicon, phrase_words, read_rows
from nlp.normalize import normalize_text


def _doc(words: list[str]) -> Doc:
    return Doc(get_nlp().vocab, words=words)


def test_read_rows_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("# a comment\n\n  # indented comment\nPhó Chủ tịch \tPhó Chủ tịch\n\nUBND\tỦy ban\tabbr\n",
                    encoding="utf-8")
    assert read_rows(path) == [["Phó Chủ tịch", "Phó Chủ tịch"], ["UBND", "Ủy ban", "abbr"]]


def test_read_rows_reads_the_project_data_by_name() -> None:
    rows = read_rows("positions.tsv")
    assert rows and all(r[0] and not r[0].startswith("#") for r in rows)


def test_phrase_words_cut_like_article_text() -> None:
    assert phrase_words("TP.") == ("TP", ".")
    assert phrase_words("khoá") == ("khóa",)  # normalised like the article text it is matched against


def test_lower_phrases_ignore_case_exact_phrases_do_not() -> None:
    lex = PhraseLexicon([Phrase(("phó", "chủ", "tịch"), "pct"), Phrase(("TUV",), "tuv", exact=True)])
    doc = _doc(["Phó", "Chủ", "tịch", "TUV", "tuv"])
    hits = {(h.start, h.end, h.key) for h in lex(doc)}
    assert hits == {(0, 3, "pct"), (3, 4, "tuv")}


def test_table_gives_longest_first_by_start_and_by_end() -> None:
    lex = PhraseLexicon([
        Phrase(("chủ", "tịch"), "short"),
        Phrase(("phó", "chủ", "tịch"), "pct"),
        Phrase(("phó", "chủ", "tịch", "thường", "trực"), "long"),
    ])
    doc = _doc(["Phó", "Chủ", "tịch", "Thường", "trực", "xã"])
    table = lex.table(doc)
    assert [h.key for h in table.starting(0)] == ["long", "pct"]
    assert table.longest_at(1).key == "short"
    assert table.longest_ending(3).key == "pct"
    assert [h.key for h in table.ending(3)] == ["pct", "short"]
    assert table.longest_at(5) is None


def test_equal_matches_keep_the_order_phrases_were_listed() -> None:
    lex = PhraseLexicon([Phrase(("tp",), "first"), Phrase(("xã",), "x"), Phrase(("tp",), "later")])
    assert [h.key for h in lex.table(_doc(["TP"])).starting(0)] == ["first", "later"]


def test_a_span_reports_doc_indices() -> None:
    lex = PhraseLexicon([Phrase(("ubnd",), "u")])
    doc = _doc(["Chủ", "tịch", "UBND", "xã"])
    assert [(h.start, h.end) for h in lex(doc[1:4])] == [(2, 3)]


def test_build_lexicon_builds_once_per_phrase_set() -> None:
    phrases = (Phrase(("bí", "thư"), "bt"),)
    assert build_lexicon(phrases) is build_lexicon(tuple(phrases))


def test_officials_lookup_stays_inside_the_token_list() -> None:
    """A token list that stops inside a long phrase still finds the shorter one that fits."""
    adoc = analyze(normalize_text("Phó Chủ tịch Thường trực UBND tỉnh Lê Văn An phát biểu."))
    toks = officials._blocks(adoc)[0]
    positions = officials._positions()
    assert positions.match(toks, 0).value == "Phó Chủ tịch Thường trực"
    assert positions.match(toks[:3], 0).value == "Phó Chủ tịch"
    assert positions.match_ending(toks, 3).value == "Phó Chủ tịch"
    orgs = officials._organisations()
    assert orgs.match(toks, 5).kind == "abbr"
    assert orgs.match_ending(toks, 6).kind == "abbr"
