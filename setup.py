"""For ``scrapyd-deploy`` only: it builds the egg it uploads to scrapyd with ``setup.py bdist_egg``.

Everything (packages, package data, the ``scrapy`` entry point naming ``crawler.settings``) is in
pyproject.toml; without this file scrapyd-deploy would write a setup.py of its own into the
checkout, one that leaves the package data (the sources registry, the lexicons) out of the egg.
"""

from setuptools import setup

setup()
