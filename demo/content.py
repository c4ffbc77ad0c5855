"""The bundled articles: a tiny header-plus-paragraphs file format and its loader.

Articles are kept as plain UTF-8 text files so that they can be read and corrected by a person
without any tooling, and so that the demo does not need PyYAML. Each file looks like::

    title: Xã Đông Giang nâng cao chất lượng phục vụ người dân
    id: 250801
    date: 2025-08-08T15:30:00+07:00
    author: Minh Khang
    section: chinh-tri
    section_name: Chính trị
    province: Lâm Đồng
    tags: hành chính công, Đông Giang
    image: Caption of the lead photo (optional)
    image_credit: Minh Khang (optional)
    lead: The sapo, one paragraph.
    ---
    First body paragraph.

    Second body paragraph.

Keys are case-sensitive, one per line, ``key: value``; the header ends at a line holding only
``---``. Body paragraphs are separated by blank lines; a paragraph may span several lines, which
are joined with a single space.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

logger = logging.getLogger(__name__)

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"

#: Section slug → display name, in menu order. The site renders exactly these sections.
SECTIONS: dict[str, str] = {
    "chinh-tri": "Chính trị",
    "xa-hoi": "Xã hội",
    "kinh-te": "Kinh tế",
    "van-hoa-the-thao": "Văn hóa - Thể thao",
}

REQUIRED_KEYS = ("title", "id", "date", "author", "section", "section_name", "lead")

#: How long after publication the (fictional) newsroom last touched an article. Real CMSs emit a
#: dateModified later than datePublished, and date extractors must learn to prefer the latter.
MODIFIED_AFTER = timedelta(hours=3, minutes=20)


class ArticleFormatError(ValueError):
    """An article file does not follow the header-plus-paragraphs format."""


@dataclass(frozen=True)
class Article:
    """One bundled article, as written (not as rendered)."""

    slug: str  # the file stem, e.g. ``01-dong-giang-hanh-chinh-cong``; the key in expected.json
    id: int  # six-digit id that ends the URL, as Vietnamese CMSs do
    title: str
    published: str  # ISO 8601 with +07:00, exactly as the file gives it (what the crawler should store)
    author: str
    section: str
    section_name: str
    province: str | None
    lead: str
    body: tuple[str, ...]
    tags: tuple[str, ...] = ()
    image_caption: str | None = None
    image_credit: str | None = None
    source_file: Path | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        """The main text a perfect extractor returns: the sapo and body paragraphs, no boilerplate."""
        return "\n\n".join((self.lead, *self.body))

    @property
    def published_at(self) -> datetime:
        """:attr:`published` as a timezone-aware datetime."""
        return datetime.fromisoformat(self.published)

    @property
    def modified_at(self) -> datetime:
        """The dateModified shown in JSON-LD: a few hours after publication."""
        return self.published_at + MODIFIED_AFTER

    @property
    def url_slug(self) -> str:
        """ASCII slug of the title, the way Vietnamese news CMSs build article URLs."""
        return slugify(self.title)

    @property
    def path(self) -> str:
        """Root-relative URL path of the article page: ``/<section>/<title-slug>-<id>.html``."""
        return f"/{self.section}/{self.url_slug}-{self.id:06d}.html"

    def url(self, base_url: str) -> str:
        """Absolute URL of the article page on a site served at ``base_url``."""
        return base_url.rstrip("/") + self.path

    @property
    def word_count(self) -> int:
        """Whitespace-separated words in :attr:`text` (the brief asks for 150–450)."""
        return len(self.text.split())


def slugify(text: str) -> str:
    """Fold Vietnamese to ASCII and join words with hyphens (``Đông Giang`` → ``dong-giang``).

    ``đ`` has no Unicode decomposition, so it is mapped by hand before stripping combining marks.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text


def parse_article(source: str, slug: str, source_file: Path | None = None) -> Article:
    """Parse one article file's text. Raises :class:`ArticleFormatError` with the slug on problems."""
    source = unicodedata.normalize("NFC", source.replace("\r\n", "\n").replace("\r", "\n"))
    head, sep, rest = source.partition("\n---\n")
    if not sep:
        raise ArticleFormatError(f"{slug}: no '---' line ends the header")
    meta: dict[str, str] = {}
    for lineno, line in enumerate(head.split("\n"), start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise ArticleFormatError(f"{slug}: header line {lineno} has no 'key: value'")
        key = key.strip()
        if key in meta:
            raise ArticleFormatError(f"{slug}: header key {key!r} repeated")
        meta[key] = value.strip()
    missing = [k for k in REQUIRED_KEYS if not meta.get(k)]
    if missing:
        raise ArticleFormatError(f"{slug}: missing header keys {missing}")
    section = meta["section"]
    if section not in SECTIONS:
        raise ArticleFormatError(f"{slug}: unknown section {section!r}")
    if SECTIONS[section] != meta["section_name"]:
        raise ArticleFormatError(f"{slug}: section_name {meta['section_name']!r} != {SECTIONS[section]!r}")
    try:
        published = datetime.fromisoformat(meta["date"])
    except ValueError as exc:
        raise ArticleFormatError(f"{slug}: bad date {meta['date']!r}") from exc
    if published.tzinfo is None:
        raise ArticleFormatError(f"{slug}: date must carry a UTC offset (+07:00)")
    if not re.fullmatch(r"\d{6}", meta["id"]):
        raise ArticleFormatError(f"{slug}: id must be six digits")
    body = tuple(
        " ".join(line.strip() for line in block.split("\n") if line.strip())
        for block in re.split(r"\n\s*\n", rest)
        if block.strip()
    )
    if not body:
        raise ArticleFormatError(f"{slug}: empty body")
    tags = tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip())
    return Article(
        slug=slug,
        id=int(meta["id"]),
        title=meta["title"],
        published=published.isoformat(),
        author=meta["author"],
        section=section,
        section_name=meta["section_name"],
        province=meta.get("province") or None,
        lead=meta["lead"],
        body=body,
        tags=tags,
        image_caption=meta.get("image") or None,
        image_credit=meta.get("image_credit") or None,
        source_file=source_file,
    )


def article_files(directory: Path = ARTICLES_DIR) -> list[Path]:
    """The article files in name order (the numeric prefix keeps that order stable)."""
    return sorted(directory.glob("*.md"))


def load_articles(directory: Path = ARTICLES_DIR) -> list[Article]:
    """Load and check every bundled article; ids and URL paths must be unique."""
    articles = [parse_article(p.read_text(encoding="utf-8"), p.stem, p) for p in article_files(directory)]
    for attr in ("id", "path"):
        seen: dict[object, str] = {}
        for art in articles:
            key = getattr(art, attr)
            if key in seen:
                raise ArticleFormatError(f"{art.slug}: {attr} {key!r} already used by {seen[key]}")
            seen[key] = art.slug
    logger.debug("loaded %d demo articles from %s", len(articles), directory)
    return articles
