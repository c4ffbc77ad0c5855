"""Vietnamese text processing and rule-based fact extraction.

``EXTRACTOR_VERSION`` is stored with every fact: bump it when a rule changes so that
``pipeline.py process --reprocess`` results can be told apart from older ones.
"""

EXTRACTOR_VERSION = "0.3.0"
