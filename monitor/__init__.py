"""Monitoring on top of the database: the nightly job, its report, and per-article signals.

``monitor.nightly`` runs crawl → process → signals → report under a lock; ``monitor.relevance``
scores each article for the two-tier local government rollout; ``monitor.stories`` links the same
story republished by several sites; ``monitor.report`` writes the night report (docs/NIGHTLY.md).
"""
