"""Spiders of the crawler project (only the generic `news` spider)."""
