"""A bundled sample news site ("Báo Tin Cơ Sở") for running the whole pipeline offline.

The articles under ``demo/articles`` were written for this project (no third-party text); units
are real 2025 units, people are invented except where an article says otherwise.
``demo/expected.json`` lists facts a correct extractor must find in each article.
"""

from demo.content import Article, article_files, load_articles

__all__ = ["Article", "article_files", "load_articles"]
