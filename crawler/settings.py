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
# A callback's output is handled one object at a time, in the order yielded: a listing's requests
# reach the scheduler newest first (Scrapy's default, 100 in parallel, shuffles them). Each article
# page yields one item, so item pipelines lose nothing.
CONCURRENT_ITEMS = 1
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
# Scrapy ≥ 2.19 starts an HTTP server that runs posted Python code in the crawl (for its MCP
# server). A nightly crawler needs no remote code execution: off.
REMOTE_CONTROL_ENABLED = False

# Resolves host names like Scrapy's default (cached for the whole crawl) but refuses private,
# loopback and link-local answers for any name that is not a source's own host (crawler/dns.py).
TWISTED_DNS_RESOLVER = "crawler.dns.GuardedResolver"

# Scheduler queues stay Scrapy's LIFO: its disk queue survives a SIGKILL (a FIFO disk queue
# killed mid-crawl replays stale entries and loses new ones on resume). The order of articles
# comes from their priorities instead (crawler.spiders.news: newest first).

# The SQLite database is our seen-URL store; an HTTP cache would only hide server changes.
HTTPCACHE_ENABLED = False

# Refuses private addresses and redirect loops, skips articles already stored (also when a
# resumed JOBDIR queue replays them); before RobotsTxtMiddleware (100) so nothing private is asked.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.GuardMiddleware": 50,
}

# CLOSESPIDER_TIMEOUT (crawl --timeout) drops the requests still queued in the downloader when it
# fires, so that the crawl closes after the downloads in flight (crawler/extensions.py).
EXTENSIONS = {
    "scrapy.extensions.closespider.CloseSpider": None,
    "crawler.extensions.CloseSpider": 0,
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
# New article URLs requested per source and run, newest first (a registry row's ``max_articles``
# or the registry's ``[defaults]`` wins); the rest wait for the next night. A backfill raises it.
MAX_ARTICLES_PER_SOURCE = 300
# Set by crawler.run: the ``runs`` row the parent opened for this crawl (else the pipeline opens one).
NEWS_RUN_ID = None
