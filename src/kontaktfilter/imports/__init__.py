"""Importers: LinkedIn exports, generic CSV/JSON/JSONL files and notification mails
(docs/import-formats.md)."""
