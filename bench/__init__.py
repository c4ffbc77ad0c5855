"""Benchmarks: run by hand (``make bench-crawl``), never by pytest, because timings are not tests."""
