"""URL canonicalisation and the article/pagination heuristics."""

from __future__ import annotations

import re

import pytest

from crawler.urls import canonical_url, host_allowed, looks_like_article, page_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://baocantho.com.vn/x-a196670.html", "https://baocantho.com.vn/x-a196670.html"),
        (
            "https://baocantho.com.vn/x-a196670.html?utm_source=zalo&utm_medium=zalo&zarsrc=30",
            "https://baocantho.com.vn/x-a196670.html",
        ),
        ("https://sggp.org.vn/a-post1.html?fbclid=IwAR0&gclid=x#binh-luan", "https://sggp.org.vn/a-post1.html"),
        ("HTTPS://WWW.SGGP.ORG.VN:443/A-post1.html", "https://www.sggp.org.vn/A-post1.html"),  # path case kept
        ("http://127.0.0.1:8000/tin?b=2&a=1", "http://127.0.0.1:8000/tin?a=1&b=2"),
        ("http://example.vn", "http://example.vn/"),
        ("https://x.vn/bão-lũ-1.html", "https://x.vn/b%C3%A3o-l%C5%A9-1.html"),
        ("  https://x.vn/a-1.html  ", "https://x.vn/a-1.html"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_canonical_url_is_idempotent_and_resolves_relative_links() -> None:
    url = canonical_url("../chinh-tri/a-12.html?utm_campaign=x&page=2#top", "https://x.vn/xa-hoi/index.html")
    assert url == "https://x.vn/chinh-tri/a-12.html?page=2"
    assert canonical_url(url) == url


@pytest.mark.parametrize("bad", ["", "javascript:void(0)", "mailto:toasoan@x.vn", "tel:0263", "ftp://x.vn/a", "#top"])
def test_non_http_links_have_no_canonical_url(bad: str) -> None:
    assert canonical_url(bad) is None


def test_host_allowed_matches_domain_and_subdomains_only() -> None:
    assert host_allowed("https://www.sggp.org.vn/a", ["sggp.org.vn"])
    assert host_allowed("https://sggp.org.vn/a", ["sggp.org.vn"])
    assert not host_allowed("https://evilsggp.org.vn/a", ["sggp.org.vn"])
    assert not host_allowed("https://sggp.org.vn.evil.com/a", ["sggp.org.vn"])
    assert host_allowed("http://127.0.0.1:8123/x", ["127.0.0.1"])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.vn/chinh-quyen-dia-phuong-2-cap-10304595.html", True),
        ("https://x.vn/doan-ket-chung-suc-a464618.html", True),
        ("https://x.vn/song-dep-post404649.html", True),
        ("https://x.vn/chinh-tri/", False),
        ("https://x.vn/dai-hoi-dang-event123.html", False),  # topic hub
        ("https://x.vn/chinh-tri/trang-2.html", False),  # pagination
        ("https://x.vn/lien-he.html", False),
    ],
)
def test_default_article_heuristic(url: str, expected: bool) -> None:
    assert looks_like_article(url) is expected


def test_source_pattern_overrides_the_heuristic() -> None:
    pattern = re.compile(r"^/[^/]+/\d{6}/[^/]+-[0-9a-f]{7}/$")  # baodongnai
    assert looks_like_article("https://baodongnai.com.vn/tin-moi/202507/anh-hinh-anh-83102d4/", pattern)
    assert not looks_like_article("https://baodongnai.com.vn/tin-moi/", pattern)


@pytest.mark.parametrize(
    ("url", "n"),
    [
        ("https://x.vn/chinh-tri/trang-3.html", 3),
        ("https://x.vn/chinh-tri/trang-3/", 3),
        ("https://x.vn/chinh-tri/page/4", 4),
        ("https://x.vn/chinh-tri?page=5", 5),
        ("https://baoangiang.com.vn/an-giang-24-gio/?p=6", 6),
        ("https://x.vn/chinh-tri/", None),
        ("https://x.vn/tin-3.html", None),
    ],
)
def test_page_number(url: str, n: int | None) -> None:
    assert page_number(url) == n
