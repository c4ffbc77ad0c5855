"""The item the spider yields for every article page it could extract."""

from __future__ import annotations

import scrapy


class ArticleItem(scrapy.Item):
    """One fetched article; the keys are those ``db.store.Store.add_article`` reads."""

    url = scrapy.Field()  # canonical URL (the page's rel=canonical when on the same site)
    aliases = scrapy.Field()  # other URLs that led to this page (requested, redirected to): never fetched again
    site = scrapy.Field()  # registry name of the source
    province = scrapy.Field()  # the source's 2025 province ("" for national outlets)
    title = scrapy.Field()
    published = scrapy.Field()  # ISO date or datetime (+07:00), or None
    author = scrapy.Field()
    text = scrapy.Field()  # main text, NFC (the store normalises further)
    html = scrapy.Field()  # raw page, kept so extraction can be re-run later
    fetched_at = scrapy.Field()  # ISO UTC timestamp of the download
