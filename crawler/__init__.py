"""Scrapy project that discovers and fetches Vietnamese provincial news articles.

One generic spider (`news`) reads the sources registry (`sources.toml`), discovers article URLs
from feeds, sitemaps and section pages, never refetches an article already in the SQLite store,
extracts title/date/main text and hands items to the store pipeline.
"""
