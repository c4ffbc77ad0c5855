"""Rule-based extractors, one module per fact kind; each exposes ``extract(adoc) -> list[Fact]``."""
