"""Registry data: the canonical format, validation, ingest of extracts and the synthetic registry."""
