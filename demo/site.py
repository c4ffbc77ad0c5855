"""Render the bundled articles into a static news site that looks like a real provincial paper.

The point of the demo site is to exercise the crawler and the main-text extractor the way a real
Vietnamese news site would: menus, breadcrumbs, share buttons, an ad slot, related links, a
"latest news" sidebar, comment form and footer all surround the article body, and the crawler
must find articles through RSS, a sitemap and paginated section pages while skipping the
non-article pages (contact, search). Only the standard library is used so the demo runs anywhere
the project's venv does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from demo.content import SECTIONS, Article, load_articles

logger = logging.getLogger(__name__)

SITE_NAME = "Báo Tin Cơ Sở"
SITE_TAGLINE = "Tin tức chính quyền cơ sở, đời sống và kinh tế địa phương"
PAGE_SIZE = 5  # articles per section page
RSS_ITEMS = 10
HOME_LATEST = 8
SIDEBAR_LATEST = 6
RELATED = 4
VN_TZ = timezone(timedelta(hours=7))
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
SECTION_COLOURS = {
    "chinh-tri": "#b71c1c",
    "xa-hoi": "#1565c0",
    "kinh-te": "#2e7d32",
    "van-hoa-the-thao": "#6a1b9a",
}

STYLE_CSS = """\
body{margin:0;font-family:Arial,Helvetica,sans-serif;color:#222;background:#f5f5f5}
a{color:#0b3d91;text-decoration:none}a:hover{text-decoration:underline}
.site-header{background:#b71c1c;color:#fff}.site-header .brand{padding:12px 24px;font-size:28px}
.site-header .brand a{color:#fff;font-weight:bold}.tagline{font-size:13px;opacity:.85}
.main-nav ul{list-style:none;margin:0;padding:0 24px;display:flex;gap:18px;background:#8e0000}
.main-nav a{color:#fff;display:block;padding:10px 0}
.container{max-width:1100px;margin:0 auto;display:flex;gap:24px;padding:16px}
main{flex:3;background:#fff;padding:16px}aside.sidebar{flex:1;background:#fff;padding:16px}
.breadcrumb{font-size:13px;margin-bottom:8px}.article-title{font-size:30px;line-height:1.3}
.article-meta{color:#666;font-size:13px}.sapo{font-weight:bold;font-size:17px}
.article-content p{font-size:17px;line-height:1.6}.article-image img{max-width:100%}
.article-image figcaption{font-size:13px;color:#555;font-style:italic}
.ad-block{margin:16px 0;padding:12px;background:#fff8e1;border:1px dashed #ccc;font-size:13px}
.share-buttons button{margin-right:6px}.pagination a,.pagination span{margin-right:8px}
.site-footer{background:#263238;color:#cfd8dc;padding:16px 24px;font-size:13px}
.site-footer a{color:#fff}.story{overflow:hidden;margin-bottom:16px}.story img{float:left;margin-right:12px}
"""


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------


def vn_datetime(dt: datetime) -> str:
    """The visible date as Vietnamese papers print it: ``Thứ Ba, 08/07/2025 - 15:30``."""
    local = dt.astimezone(VN_TZ)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y - %H:%M}"


def _e(text: str) -> str:
    """HTML-escape text for element content and double-quoted attributes."""
    return escape(text, quote=True)


def _json_ld(data: dict) -> str:
    """Serialise JSON-LD for a ``<script>`` element (``</`` must not close the element early)."""
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def section_page_path(section: str, page: int) -> str:
    """Root-relative path of page ``page`` (1-based) of a section listing."""
    return f"/{section}/" if page == 1 else f"/{section}/trang-{page}.html"


def _write(out_dir: Path, path: str, content: str) -> None:
    """Write ``content`` at URL ``path``; a path ending in ``/`` becomes ``index.html``."""
    rel = path.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    target = out_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")


def newest_first(articles: Iterable[Article]) -> list[Article]:
    """Articles ordered as a news site lists them: newest first, id breaking ties."""
    return sorted(articles, key=lambda a: (a.published_at, a.id), reverse=True)


# ---------------------------------------------------------------------------------------------
# page chrome
# ---------------------------------------------------------------------------------------------


class _Renderer:
    """Holds the article set and base URL so every page shares menus, sidebar and footer."""

    def __init__(self, articles: Sequence[Article], base_url: str) -> None:
        self.base = base_url.rstrip("/")
        self.articles = newest_first(articles)

    def abs(self, path: str) -> str:
        """Absolute URL for a root-relative path."""
        return self.base + path

    def header(self) -> str:
        items = "".join(
            f'<li><a href="{self.abs(section_page_path(slug, 1))}">{_e(name)}</a></li>'
            for slug, name in SECTIONS.items()
        )
        return f"""<header class="site-header">
  <div class="brand"><a href="{self.abs("/")}"><img src="{self.abs("/static/logo.svg")}" alt="{_e(SITE_NAME)}"
   width="40" height="40"> {_e(SITE_NAME)}</a>
   <div class="tagline">{_e(SITE_TAGLINE)}</div></div>
  <nav class="main-nav" aria-label="Chuyên mục"><ul>
    <li><a href="{self.abs("/")}">Trang chủ</a></li>{items}
    <li><a href="{self.abs("/tim-kiem/")}">Tìm kiếm</a></li>
    <li><a href="{self.abs("/lien-he.html")}">Liên hệ</a></li>
  </ul></nav>
</header>"""

    def sidebar(self, exclude: Article | None = None) -> str:
        latest = [a for a in self.articles if a is not exclude][:SIDEBAR_LATEST]
        items = "".join(
            f'<li><a href="{self.abs(a.path)}">{_e(a.title)}</a>'
            f' <span class="time">{a.published_at:%d/%m/%Y}</span></li>'
            for a in latest
        )
        return f"""<aside class="sidebar">
  <section class="latest-news"><h2>Tin mới nhất</h2><ul>{items}</ul></section>
  <section class="ad-block ad-sidebar"><p>QUẢNG CÁO</p>
    <p><a href="{self.abs("/lien-he.html")}">Liên hệ đặt quảng cáo trên {_e(SITE_NAME)}</a></p></section>
  <section class="newsletter"><h2>Nhận bản tin</h2>
    <form action="{self.abs("/tim-kiem/")}" method="get"><input type="email" name="email"
    placeholder="Email của bạn"> <button type="submit">Đăng ký</button></form></section>
</aside>"""

    def footer(self) -> str:
        return f"""<footer class="site-footer">
  <p><strong>{_e(SITE_NAME)}</strong> – Cơ quan của Câu lạc bộ Báo chí Cơ sở (trang mẫu, không phải báo thật).</p>
  <p>Giấy phép hoạt động báo điện tử số 00/GP-DEMO (giấy phép giả định dùng cho dữ liệu mẫu).</p>
  <p>Tổng Biên tập: Ban Biên tập trang mẫu · Địa chỉ: số 1 đường Mẫu, phường Xuân Hương - Đà Lạt,
  tỉnh Lâm Đồng · Điện thoại: 0000 000 000</p>
  <p>© 2025 {_e(SITE_NAME)}. Ghi rõ nguồn khi phát hành lại thông tin từ website này.
  · <a href="{self.abs("/gioi-thieu.html")}">Giới thiệu</a>
  · <a href="{self.abs("/lien-he.html")}">Liên hệ</a>
  · <a href="{self.abs("/rss.xml")}">RSS</a></p>
</footer>"""

    def page(
        self,
        *,
        title: str,
        canonical_path: str,
        main: str,
        description: str = SITE_TAGLINE,
        head_extra: str = "",
        sidebar_exclude: Article | None = None,
        robots: str = "index, follow",
    ) -> str:
        """A full HTML document with the shared chrome around ``main``."""
        return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<meta name="description" content="{_e(description)}">
<meta name="robots" content="{robots}">
<link rel="canonical" href="{self.abs(canonical_path)}">
<link rel="alternate" type="application/rss+xml" title="{_e(SITE_NAME)} – Tin mới" href="{self.abs("/rss.xml")}">
<link rel="stylesheet" href="{self.abs("/static/style.css")}">
<link rel="icon" href="{self.abs("/static/logo.svg")}">
{head_extra}
</head>
<body>
{self.header()}
<div class="container">
<main>
{main}
</main>
{self.sidebar(sidebar_exclude)}
</div>
{self.footer()}
<script>/* thống kê truy cập (giả lập) */ window.dataLayer = window.dataLayer || [];</script>
</body>
</html>
"""

    def story(self, art: Article, *, with_lead: bool = True) -> str:
        """One teaser in a listing: thumbnail, linked title, date and (optionally) the sapo."""
        lead = f'<p class="summary">{_e(art.lead)}</p>' if with_lead else ""
        return f"""<div class="story">
  <a href="{self.abs(art.path)}"><img src="{self.abs(image_path(art))}" alt="{_e(art.title)}" width="160"
   height="100"></a>
  <h3 class="story-title"><a href="{self.abs(art.path)}">{_e(art.title)}</a></h3>
  <div class="story-meta">{_e(art.section_name)} · {vn_datetime(art.published_at)}</div>
  {lead}
</div>"""

    # -----------------------------------------------------------------------------------------
    # pages
    # -----------------------------------------------------------------------------------------

    def home(self) -> str:
        top, rest = self.articles[0], self.articles[1:HOME_LATEST]
        blocks = []
        for slug, name in SECTIONS.items():
            in_section = [a for a in self.articles if a.section == slug][:3]
            stories = "".join(self.story(a, with_lead=False) for a in in_section)
            blocks.append(
                f'<section class="home-section"><h2><a href="{self.abs(section_page_path(slug, 1))}">'
                f"{_e(name)}</a></h2>{stories}</section>"
            )
        main = f"""<h1 class="visually-hidden">{_e(SITE_NAME)} – {_e(SITE_TAGLINE)}</h1>
<section class="featured"><h2>Tiêu điểm</h2>{self.story(top)}</section>
<section class="home-latest"><h2>Tin mới</h2>{"".join(self.story(a) for a in rest)}</section>
<div class="ad-block"><p>QUẢNG CÁO – Không gian dành cho đối tác</p></div>
{"".join(blocks)}"""
        head = f'<meta property="og:type" content="website">\n<meta property="og:title" content="{_e(SITE_NAME)}">'
        return self.page(title=f"{SITE_NAME} – {SITE_TAGLINE}", canonical_path="/", main=main, head_extra=head)

    def section_pages(self, section: str) -> list[tuple[str, str]]:
        """(path, html) for every page of a section listing, linked by rel=prev/next."""
        name = SECTIONS[section]
        items = [a for a in self.articles if a.section == section]
        pages = max(1, -(-len(items) // PAGE_SIZE))
        out = []
        for page in range(1, pages + 1):
            chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            links, head = [], ['<meta property="og:type" content="website">']
            if page > 1:
                prev_url = self.abs(section_page_path(section, page - 1))
                links.append(f'<a class="prev" rel="prev" href="{prev_url}">« Trang trước</a>')
                head.append(f'<link rel="prev" href="{prev_url}">')
            for n in range(1, pages + 1):
                links.append(
                    f'<span class="current">{n}</span>'
                    if n == page
                    else f'<a href="{self.abs(section_page_path(section, n))}">{n}</a>'
                )
            if page < pages:
                next_url = self.abs(section_page_path(section, page + 1))
                links.append(f'<a class="next" rel="next" href="{next_url}">Trang sau »</a>')
                head.append(f'<link rel="next" href="{next_url}">')
            suffix = "" if page == 1 else f" – Trang {page}"
            main = f"""<nav class="breadcrumb"><a href="{self.abs("/")}">Trang chủ</a> › <span>{_e(name)}</span></nav>
<h1 class="section-title">{_e(name)}{suffix}</h1>
<div class="story-list">{"".join(self.story(a) for a in chunk)}</div>
<nav class="pagination" aria-label="Phân trang">{" ".join(links)}</nav>"""
            path = section_page_path(section, page)
            out.append(
                (
                    path,
                    self.page(
                        title=f"{name}{suffix} | {SITE_NAME}",
                        canonical_path=path,
                        main=main,
                        description=f"Tin tức {name.lower()} trên {SITE_NAME}",
                        head_extra="\n".join(head),
                    ),
                )
            )
        return out

    def related(self, art: Article) -> list[Article]:
        """Same-section articles closest in time: what a CMS's "Tin liên quan" box shows."""
        same = [a for a in self.articles if a.section == art.section and a is not art]
        same.sort(key=lambda a: abs((a.published_at - art.published_at).total_seconds()))
        return same[:RELATED]

    def article_page(self, art: Article) -> str:
        url = self.abs(art.path)
        img = self.abs(image_path(art))
        caption = art.image_caption or art.title
        credit = f" (Ảnh: {_e(art.image_credit)})" if art.image_credit else ""
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": art.title,
            "description": art.lead,
            "image": [img],
            "datePublished": art.published_at.isoformat(),
            "dateModified": art.modified_at.isoformat(),
            "author": {"@type": "Person", "name": art.author},
            "publisher": {
                "@type": "Organization",
                "name": SITE_NAME,
                "logo": {"@type": "ImageObject", "url": self.abs("/static/logo.svg")},
            },
            "articleSection": art.section_name,
            "keywords": ", ".join(art.tags),
            "inLanguage": "vi",
        }
        head = "\n".join(
            [
                '<meta property="og:type" content="article">',
                f'<meta property="og:title" content="{_e(art.title)}">',
                f'<meta property="og:description" content="{_e(art.lead)}">',
                f'<meta property="og:url" content="{url}">',
                f'<meta property="og:image" content="{img}">',
                f'<meta property="og:site_name" content="{_e(SITE_NAME)}">',
                f'<meta property="article:published_time" content="{art.published_at.isoformat()}">',
                f'<meta property="article:modified_time" content="{art.modified_at.isoformat()}">',
                f'<meta property="article:section" content="{_e(art.section_name)}">',
                f'<meta name="author" content="{_e(art.author)}">',
                f'<script type="application/ld+json">\n{_json_ld(ld)}\n</script>',
            ]
        )
        paragraphs = "\n".join(f"<p>{_e(p)}</p>" for p in art.body)
        tags = " ".join(f'<span class="tag">{_e(t)}</span>' for t in art.tags)
        related = "".join(f'<li><a href="{self.abs(a.path)}">{_e(a.title)}</a></li>' for a in self.related(art))
        main = f"""<nav class="breadcrumb"><a href="{self.abs("/")}">Trang chủ</a> ›
  <a href="{self.abs(section_page_path(art.section, 1))}">{_e(art.section_name)}</a></nav>
<article class="article-detail" data-id="{art.id:06d}">
  <h1 class="article-title">{_e(art.title)}</h1>
  <div class="article-meta">
    <span class="article-date"><time datetime="{art.published}">{vn_datetime(art.published_at)}</time></span>
    | <span class="article-author-top">{_e(art.author)}</span>
  </div>
  <div class="share-buttons" aria-label="Chia sẻ">
    <button type="button" data-share="facebook" data-url="{url}">Facebook</button>
    <button type="button" data-share="zalo" data-url="{url}">Zalo</button>
    <button type="button" data-share="copy" data-url="{url}">Sao chép liên kết</button>
    <button type="button" onclick="window.print()">In bài</button>
  </div>
  <h2 class="sapo">{_e(art.lead)}</h2>
  <figure class="article-image">
    <img src="{img}" alt="{_e(caption)}" width="800" height="450">
    <figcaption>{_e(caption)}{credit}</figcaption>
  </figure>
  <div class="article-content">
{paragraphs}
  </div>
  <p class="article-author"><strong>{_e(art.author)}</strong></p>
  <div class="article-tags">Từ khóa: {tags}</div>
  <div class="ad-block ad-in-article"><p>QUẢNG CÁO</p>
    <p>Đặt quảng cáo trên {_e(SITE_NAME)}: <a href="{self.abs("/lien-he.html")}">xem bảng giá</a></p></div>
  <section class="related-news"><h2>Tin liên quan</h2><ul>{related}</ul></section>
  <section class="comments"><h2>Ý kiến bạn đọc</h2>
    <form class="comment-form" action="{self.abs("/tim-kiem/")}" method="get">
      <textarea name="noi-dung" rows="4" placeholder="Mời bạn để lại bình luận"></textarea>
      <input type="text" name="ho-ten" placeholder="Họ và tên"> <input type="email" name="email" placeholder="Email">
      <button type="submit">Gửi bình luận</button>
    </form>
    <p class="comment-note">Bình luận sẽ được biên tập trước khi đăng.</p>
  </section>
</article>"""
        return self.page(
            title=f"{art.title} | {SITE_NAME}",
            canonical_path=art.path,
            main=main,
            description=art.lead,
            head_extra=head,
            sidebar_exclude=art,
        )

    def static_page(self, path: str, title: str, paragraphs: Sequence[str], extra: str = "") -> str:
        body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
        main = f"""<nav class="breadcrumb"><a href="{self.abs("/")}">Trang chủ</a> › <span>{_e(title)}</span></nav>
<h1>{_e(title)}</h1>{body}{extra}"""
        return self.page(
            title=f"{title} | {SITE_NAME}",
            canonical_path=path,
            main=main,
            head_extra='<meta property="og:type" content="website">',
        )

    def search_page(self) -> str:
        form = f"""<form class="search-form" action="{self.abs("/tim-kiem/")}" method="get">
  <input type="search" name="q" placeholder="Nhập từ khóa"> <button type="submit">Tìm</button></form>
<p>Nhập từ khóa để tìm bài viết. Kết quả tìm kiếm không được lưu trữ.</p>"""
        return self.page(
            title=f"Tìm kiếm | {SITE_NAME}",
            canonical_path="/tim-kiem/",
            main=f"<h1>Tìm kiếm</h1>{form}",
            head_extra='<meta property="og:type" content="website">',
            robots="noindex, follow",
        )

    def rss(self, now: datetime) -> str:
        items = []
        for art in self.articles[:RSS_ITEMS]:
            url = self.abs(art.path)
            items.append(
                f"""  <item>
    <title>{xml_escape(art.title)}</title>
    <link>{xml_escape(url)}</link>
    <guid isPermaLink="true">{xml_escape(url)}</guid>
    <pubDate>{format_datetime(art.published_at)}</pubDate>
    <category>{xml_escape(art.section_name)}</category>
    <description>{xml_escape(art.lead)}</description>
  </item>"""
            )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{xml_escape(SITE_NAME)} – Tin mới nhất</title>
  <link>{xml_escape(self.abs("/"))}</link>
  <description>{xml_escape(SITE_TAGLINE)}</description>
  <language>vi</language>
  <lastBuildDate>{format_datetime(now)}</lastBuildDate>
  <atom:link href="{xml_escape(self.abs("/rss.xml"))}" rel="self" type="application/rss+xml"/>
{chr(10).join(items)}
</channel>
</rss>
"""

    def sitemap(self) -> str:
        urls = "\n".join(
            f"  <url><loc>{xml_escape(self.abs(a.path))}</loc><lastmod>{a.modified_at.isoformat()}</lastmod></url>"
            for a in self.articles
        )
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""

    def robots(self) -> str:
        return f"User-agent: *\nAllow: /\nDisallow: /tim-kiem/\n\nSitemap: {self.abs('/sitemap.xml')}\n"


def image_path(art: Article) -> str:
    """Root-relative path of an article's (placeholder) photo, dated like a CMS upload folder."""
    return f"/uploads/{art.published_at:%Y/%m}/{art.id:06d}.svg"


def _placeholder_svg(art: Article) -> str:
    """A small SVG standing in for the article photo, so image URLs resolve instead of 404ing."""
    colour = SECTION_COLOURS.get(art.section, "#455a64")
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" viewBox="0 0 800 450">
<rect width="800" height="450" fill="{colour}"/>
<text x="40" y="240" font-family="Arial" font-size="28" fill="#fff">{xml_escape(art.title[:60])}</text>
</svg>
"""


LOGO_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">
<circle cx="20" cy="20" r="19" fill="#fff"/><text x="8" y="27" font-family="Arial" font-size="18"
font-weight="bold" fill="#b71c1c">TC</text></svg>
"""


def build_site(out_dir: Path, base_url: str, articles: Sequence[Article] | None = None) -> None:
    """Render the whole static site into ``out_dir`` with every link under ``base_url``.

    ``articles`` defaults to the bundled ones; tests may pass a subset. The base URL is baked into
    the pages (canonical links, RSS, sitemap) because real sites emit absolute URLs there, and
    the crawler must cope with them.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    arts = list(articles) if articles is not None else load_articles()
    if not arts:
        raise ValueError("no articles to render")
    r = _Renderer(arts, base_url)
    now = max(a.modified_at for a in arts)

    _write(out_dir, "/", r.home())
    for section in SECTIONS:
        for path, html_text in r.section_pages(section):
            _write(out_dir, path, html_text)
    for art in r.articles:
        _write(out_dir, art.path, r.article_page(art))
        _write(out_dir, image_path(art), _placeholder_svg(art))
    _write(
        out_dir,
        "/lien-he.html",
        r.static_page(
            "/lien-he.html",
            "Liên hệ",
            [
                f"{SITE_NAME} là trang tin mẫu đi kèm dự án, dùng để thử bộ thu thập và bóc tách dữ liệu.",
                "Tòa soạn: số 1 đường Mẫu, phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng.",
                "Đường dây nóng: 0000 000 000 · Thư điện tử: toasoan@example.invalid",
                "Liên hệ quảng cáo: phòng Quảng cáo – Phát hành, điện thoại 0000 000 001.",
            ],
        ),
    )
    _write(
        out_dir,
        "/gioi-thieu.html",
        r.static_page(
            "/gioi-thieu.html",
            "Giới thiệu",
            [
                f"{SITE_NAME} đưa tin về hoạt động của chính quyền địa phương hai cấp, đời sống, kinh tế,"
                " văn hóa và thể thao ở cơ sở.",
                "Các bài viết trên trang này do nhóm phát triển dự án tự viết; tên người trong bài là hư cấu,"
                " trừ khi bài viết ghi rõ khác.",
            ],
        ),
    )
    _write(out_dir, "/tim-kiem/", r.search_page())
    _write(out_dir, "/rss.xml", r.rss(now))
    _write(out_dir, "/sitemap.xml", r.sitemap())
    _write(out_dir, "/robots.txt", r.robots())
    _write(out_dir, "/static/style.css", STYLE_CSS)
    _write(out_dir, "/static/logo.svg", LOGO_SVG)
    logger.info("built demo site: %d articles into %s for %s", len(arts), out_dir, base_url)
