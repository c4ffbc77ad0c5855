"""The sources registry: the bundled file loads, and bad rows fail with a message naming them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.registry import DEFAULT_SOURCES_FILE, SourceError, load_sources, parse_sources, sources_as_dicts

GOOD = {
    "name": "baocantho",
    "province": "Thành phố Cần Thơ",
    "kind": "provincial",
    "homepage": "https://baocantho.com.vn",
    "feeds": ["/rss/cate/thoi-su/"],
    "sections": ["https://baocantho.com.vn/thoi-su"],
}


def test_bundled_registry_loads() -> None:
    sources = load_sources()
    assert len(sources) >= 34  # every province, plus national outlets (tests/test_crawler_sources.py)
    names = [s.name for s in sources]
    assert len(names) == len(set(names))
    for s in sources:
        assert s.homepage.startswith("https://")
        # a homepage is enough (listings are discovered at crawl time); guesses are flagged
        assert set(s.guessed) <= {*s.feeds, *s.sitemaps, *s.sections}, s.name
        assert s.allowed_domains
        assert (s.kind == "national") == (s.province == "")
        s.article_re  # noqa: B018 - compiles
    assert {s.province for s in sources if s.kind == "provincial"} >= {"Hà Nội", "Cần Thơ"}
    assert DEFAULT_SOURCES_FILE.name == "sources.toml"


def test_relative_paths_resolve_against_homepage_and_domain_defaults() -> None:
    [s] = parse_sources([{**GOOD, "homepage": "https://www.sggp.org.vn", "feeds": ["/rss/home.rss"], "sections": []}])
    assert s.feeds == ("https://www.sggp.org.vn/rss/home.rss",)
    assert s.allowed_domains == ("sggp.org.vn",)


def test_allowed_domains_are_cleaned_of_ports_and_schemes() -> None:
    row = {
        **GOOD,
        "homepage": "http://127.0.0.1:8000/",
        "feeds": [],
        "sections": ["/"],
        "allowed_domains": ["127.0.0.1:8000"],
    }
    assert parse_sources([row])[0].allowed_domains == ("127.0.0.1",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"homepage": None}, "source #1 ('baocantho'): missing 'homepage'"),
        ({"homepage": "baocantho.com.vn"}, "not an absolute http(s) URL"),
        ({"homepage": "ftp://baocantho.com.vn"}, "not an absolute http(s) URL"),
        ({"name": ""}, "source #1: missing 'name'"),
        ({"kind": "local"}, "kind 'local'"),
        ({"province": ""}, "needs its (2025) province"),
        ({"feeds": "javascript:alert(1)"}, "feeds entry"),
        ({"feeds": [1, 2]}, "'feeds' must be a list of strings"),
        ({"sections": ["https://other.vn/x"]}, "outside allowed_domains"),
        ({"article_url_pattern": "([a-"}, "not a regex"),
        ({"selectors": {"headline": "h1"}}, "selectors must map"),
        ({"homepge": "https://x.vn"}, "unknown key(s) ['homepge']"),
        ({"max_section_pages": 0}, "max_section_pages"),
    ],
)
def test_invalid_rows_name_the_row(change: dict, message: str) -> None:
    row = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(SourceError) as err:
        parse_sources([row], "test.toml")
    assert message in str(err.value)
    assert "test.toml" in str(err.value)


def test_second_row_is_named_and_duplicates_rejected() -> None:
    with pytest.raises(SourceError, match=r"source #2 \('b'\): missing 'homepage'"):
        parse_sources([GOOD, {"name": "b", "province": "Huế"}])
    with pytest.raises(SourceError, match="duplicate source name 'baocantho'"):
        parse_sources([GOOD, GOOD])
    with pytest.raises(SourceError, match="non-empty list"):
        parse_sources([])


def test_json_and_toml_files(tmp_path: Path) -> None:
    j = tmp_path / "s.json"
    j.write_text(json.dumps({"source": [GOOD]}), encoding="utf-8")
    assert load_sources(j)[0].name == "baocantho"
    j.write_text(json.dumps([GOOD]), encoding="utf-8")
    assert load_sources(j)[0].feeds == ("https://baocantho.com.vn/rss/cate/thoi-su/",)
    t = tmp_path / "s.toml"
    t.write_text('[[source]]\nname = "x"\nkind = "national"\nhomepage = "https://x.vn"\n', encoding="utf-8")
    assert load_sources(t)[0].allowed_domains == ("x.vn",)
    t.write_text("[[source]\nname=", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid"):
        load_sources(t)
    with pytest.raises(SourceError, match="cannot read"):
        load_sources(tmp_path / "missing.toml")


def test_sources_as_dicts_round_trip() -> None:
    dicts = sources_as_dicts()
    assert dicts[0]["feeds"] and isinstance(dicts[0]["feeds"], list)
    assert [s.name for s in parse_sources(dicts)] == [d["name"] for d in dicts]
