"""The analysed document: sentences, underthesea words and a spaCy Doc over the exact text."""

from __future__ import annotations

from nlp.document import analyze
from nlp.normalize import normalize_text

TEXT = normalize_text(
    "Chiều 7/8, đồng chí Lê Văn Hòa, Phó Chủ tịch UBND tỉnh, làm việc với xã Đông Thành.\n\n"
    "Trung tâm đã tiếp nhận 1.250 hồ sơ, đạt 99,2% đúng hạn. Ảnh: Minh Anh"
)


def test_doc_text_is_the_article_text_and_offsets_hold() -> None:
    adoc = analyze(TEXT)
    assert adoc.doc.text == TEXT
    for token in adoc.doc:
        assert TEXT[token.idx : token.idx + len(token.text)] == token.text
    for word in adoc.words:
        assert TEXT[word.start : word.end] == word.text


def test_sentences_split_per_line_and_by_underthesea() -> None:
    adoc = analyze(TEXT)
    texts = [s.text for s in adoc.sentences]
    assert texts[0].startswith("Chiều 7/8") and texts[0].endswith("Đông Thành.")
    assert any(t.startswith("Trung tâm đã tiếp nhận") for t in texts)
    offset = TEXT.index("1.250")
    assert "1.250" in adoc.sentence_at(offset).text


def test_numbers_are_single_tokens_and_carry_tags() -> None:
    adoc = analyze(TEXT)
    tokens = [t.text for t in adoc.doc]
    assert "1.250" in tokens and "99,2" in tokens and "%" in tokens and "7/8" in tokens
    names = [w for w in adoc.words if w.text == "Lê Văn Hòa"]
    assert names and names[0].tag == "Np"


def test_hostile_text_does_not_break_analysis() -> None:
    for text in ["", "   ", "%%%///...", "ạ" * 5000, "a\n" * 300, "\U0001f600 🛠️ ##"]:
        adoc = analyze(normalize_text(text))
        assert adoc.doc.text == normalize_text(text)
