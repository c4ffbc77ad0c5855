"""Article extraction and publication dates: hand-written pages, then the real shared pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from crawler.dates import find_published, parse_display_date, parse_iso, to_iso
from crawler.extraction import MIN_TEXT_CHARS, extract_article

SHARED_HTML = Path(__file__).resolve().parents[2] / "shared" / "html"

BODY = (
    "<p>Sáng 3/4, Hội đồng nhân dân phường Xuân Hương – Đà Lạt tổ chức kỳ họp chuyên đề để xem xét, "
    "quyết định một số nội dung quan trọng về tổ chức bộ máy và ngân sách của phường.</p>"
    "<p>Tại kỳ họp, các đại biểu đã thông qua nghị quyết về việc điều chỉnh dự toán thu, chi ngân sách "
    "năm 2025; phường đã tiếp nhận 2.140 hồ sơ, trong đó 97,8% được giải quyết đúng hạn.</p>"
    "<p>Phát biểu bế mạc kỳ họp, Chủ tịch HĐND phường đề nghị Ủy ban nhân dân phường khẩn trương triển "
    "khai các nghị quyết vừa được thông qua, bảo đảm hiệu quả và đúng quy định.</p>"
)
TITLE = "HĐND phường Xuân Hương – Đà Lạt họp kỳ họp chuyên đề"


def page(head: str = "", meta_line: str = "", body: str = BODY, title: str = TITLE) -> str:
    """A small but realistic article page: menus, breadcrumb, date line, body, footer."""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{title} - Báo Lâm Đồng</title>{head}</head><body>
<nav><a href="/">Trang chủ</a> <a href="/chinh-tri">Chính trị</a> <a href="/xa-hoi">Xã hội</a></nav>
<div class="breadcrumb"><a href="/chinh-tri">Chính trị</a></div>
<article><h1 class="title">{title}</h1><div class="meta">{meta_line}</div>
<div class="detail-content">{body}</div></article>
<aside><h3>Tin liên quan</h3><a href="/x-1.html">Tin khác một</a><a href="/x-2.html">Tin khác hai</a></aside>
<footer>Cơ quan chủ quản: Tỉnh ủy Lâm Đồng. Giấy phép số 123/GP-BTTTT.</footer></body></html>"""


def test_article_with_jsonld_datetime() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2025-04-03T10:15:00+07:00"}
    html = page(head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    art = extract_article(html, "https://baolamdong.vn/hdnd-phuong-xuan-huong-123.html")
    assert art is not None
    assert art["title"] == TITLE
    assert art["published"] == "2025-04-03T10:15:00+07:00"
    assert art["text"].startswith("Sáng 3/4, Hội đồng nhân dân phường Xuân Hương")
    assert art["text"].rstrip().endswith("bảo đảm hiệu quả và đúng quy định.")
    assert "Giấy phép" not in art["text"] and "Tin khác" not in art["text"]


def test_displayed_date_is_day_first() -> None:
    # 03/04/2025 is 3 April, never 4 March; no metadata at all, only the date line.
    html = page(meta_line='<span class="date">Thứ Năm, 03/04/2025 - 10:15</span>')
    art = extract_article(html, "https://baolamdong.vn/hdnd-123.html")
    assert art is not None and art["published"] == "2025-04-03T10:15:00+07:00"


def test_date_only_metadata_takes_the_shown_time() -> None:
    ld = {"@type": "NewsArticle", "datePublished": "2026-01-08"}  # like baocantho
    html = page(
        head=f'<script type="application/ld+json">{json.dumps(ld)}</script>',
        meta_line='<span class="pubdate">08/01/2026 - 18:21</span>',
    )
    assert extract_article(html, "https://baocantho.com.vn/a-a1.html")["published"] == "2026-01-08T18:21:00+07:00"


def test_published_time_meta_without_colon_in_offset() -> None:
    html = page(head='<meta property="article:published_time" content="2025-06-17T13:43:02+0700">')
    assert extract_article(html, "https://baolaocai.vn/x-post1.html")["published"] == "2025-06-17T13:43:02+07:00"


def test_non_article_pages_return_none(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="crawler.extraction")
    contact = page(title="Liên hệ tòa soạn", body="<p>Địa chỉ: 38 Quang Trung, Đà Lạt. Điện thoại: 0263 123.</p>")
    assert extract_article(contact, "https://baolamdong.vn/lien-he.html") is None
    assert "main text" in caplog.text
    listing = page(head='<meta property="og:type" content="website">', meta_line="03/04/2025")
    assert extract_article(listing, "https://baolamdong.vn/chinh-tri") is None
    assert "og:type" in caplog.text
    assert extract_article("", "https://baolamdong.vn/") is None
    assert extract_article("<html><body></body></html>", "https://baolamdong.vn/") is None


def test_page_without_any_date_or_article_metadata_is_rejected() -> None:
    # Long text but nothing says "article": a section page whose teasers trafilatura glued together.
    assert extract_article(page(), "https://baolamdong.vn/chinh-tri") is None


def test_css_selectors_override_title_date_body() -> None:
    html = page(
        head='<meta property="og:type" content="article">',
        meta_line='<span class="ngay">Cập nhật: 05/06/2025 lúc 07:30</span>',
        body=BODY + '<div class="tin-lien-quan"><p>' + "Quảng cáo bất động sản. " * 20 + "</p></div>",
    )
    sel = {"title": "h1.title", "date": "span.ngay", "body": "div.detail-content > p"}
    art = extract_article(html, "https://baolamdong.vn/x-1.html", sel)
    assert art["title"] == TITLE
    assert art["published"] == "2025-06-05T07:30:00+07:00"
    assert "Quảng cáo" not in art["text"] and len(art["text"]) >= MIN_TEXT_CHARS
    assert art["text"].count("\n") == 2  # one line per paragraph


def test_canonical_link_is_reported() -> None:
    html = page(head='<meta property="og:type" content="article"><link rel="canonical" href="/hdnd-9.html">')
    art = extract_article(html, "https://baolamdong.vn/hdnd-9.html?utm_source=zalo")
    assert art["canonical_url"] == "/hdnd-9.html"


def test_sapo_is_kept_before_the_body() -> None:
    lead = "Kỳ họp chuyên đề của HĐND phường Xuân Hương – Đà Lạt thông qua 5 nghị quyết quan trọng."
    html = page(
        head=f'<meta name="description" content="{lead}"><meta property="og:type" content="article">',
        meta_line=f'<h2 class="sapo">{lead}</h2>',
    )
    art = extract_article(html, "https://baolamdong.vn/x-1.html")
    assert art["text"].startswith(lead + "\n\nSáng 3/4")


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("08/01/2026 - 18:21", "2026-01-08T18:21:00+07:00"),
        ("Thứ năm, 2/11/2023, 19:20 (GMT+7)", "2023-11-02T19:20:00+07:00"),
        ("17/06/2025 13:43", "2025-06-17T13:43:00+07:00"),
        ("Thứ Tư, 24/12/2025 09:30:00 +07:00", "2025-12-24T09:30:00+07:00"),
        ("10:15, ngày 03/04/2025", "2025-04-03T10:15:00+07:00"),
        ("12/11/2025", "2025-11-12"),
    ],
)
def test_parse_display_date_day_first(shown: str, expected: str) -> None:
    assert to_iso(parse_display_date(shown)) == expected


def test_parse_iso_variants() -> None:
    assert to_iso(parse_iso("2025-12-23T09:02:07.000+07:00")) == "2025-12-23T09:02:07+07:00"
    assert to_iso(parse_iso("2025-12-23T02:02:07Z")) == "2025-12-23T09:02:07+07:00"  # in VN time
    assert to_iso(parse_iso("2025-12-24T09:30:00")) == "2025-12-24T09:30:00+07:00"  # naive = VN
    assert parse_iso("not a date") is None
    assert parse_display_date("31/02/2025") is None


def test_find_published_none_without_dates() -> None:
    html = "<html><body><p>Không có ngày tháng.</p></body></html>"
    assert find_published(lxml_html.fromstring(html), html) is None


# -- the real pages in ../shared/html (never copied into the project) ------------------------


def _manifest() -> list[dict]:
    if not (SHARED_HTML / "manifest.jsonl").exists():
        pytest.skip(f"../shared/html not present: {SHARED_HTML} holds the real test pages")
    with open(SHARED_HTML / "manifest.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _norm(s: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", s).split())


def test_real_pages_title_date_body() -> None:
    """Title, full published datetime, first and last body sentence on all six real articles."""
    articles = [m for m in _manifest() if m["kind"] == "article"]
    assert len(articles) == 6
    misses = []
    for m in articles:
        html = (SHARED_HTML / m["file"]).read_text(encoding="utf-8")
        art = extract_article(html, m["url"])
        if art is None:
            misses.append((m["file"], "None"))
            continue
        text = _norm(art["text"])
        for field, ok in (
            ("title", art["title"] == _norm(m["title"])),
            ("published", art["published"] == m["published"]),
            ("body_first", _norm(m["body_first"]) in text),
            ("body_last", _norm(m["body_last"]) in text),
            ("canonical", art["canonical_url"] == m["url"]),
        ):
            if not ok:
                misses.append((m["file"], field))
    assert misses == []


def test_real_listing_pages_are_not_articles() -> None:
    listings = [m for m in _manifest() if m["kind"] == "listing"]
    assert listings
    for m in listings:
        html = (SHARED_HTML / m["file"]).read_text(encoding="utf-8")
        assert extract_article(html, m["url"]) is None, m["file"]
