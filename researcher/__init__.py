"""The researchers' layer: Datasette over the nightly database (read-only) and its metadata.

``researcher.serve.serve(db_path)`` runs the browser interface; ``build_datasette(db_path)`` builds
the same instance for tests. The pandas API lives in ``db.api``.
"""
