"""Scrapy settings for the `crawler` project.

Polite by default: we crawl public newspapers run on small provincial budgets, so we obey
robots.txt, keep at most two requests in flight per domain and let AutoThrottle slow down further
when a site answers slowly.  Tests override the delays with ``-s`` (see ``crawler.run``).
"""

BOT_NAME = "vn-local-press"

SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves with a contact URL so site operators can reach us instead of blocking blindly.
USER_AGENT = "vn-local-press/0.1 (+https://github.com/vn-local-press; research crawler)"

# Scrapy's global default is False; the project template sets True. Be explicit.
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1

DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# The SQLite database is our seen-URL store; an HTTP cache would only hide server changes.
HTTPCACHE_ENABLED = False

# Refuses private addresses and redirect loops, skips articles already stored (also when a
# resumed JOBDIR queue replays them); before RobotsTxtMiddleware (100) so nothing private is asked.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.GuardMiddleware": 50,
}

ITEM_PIPELINES = {
    "crawler.pipelines.StoreArticlePipeline": 300,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# --- project settings -------------------------------------------------------------------------
# SQLite file the pipeline writes to and the spider reads known URLs from (relative to the cwd).
NEWS_DB = "data/news.db"
# How many pages of one section (page 1 included) the spider follows through pagination links.
MAX_SECTION_PAGES = 5
