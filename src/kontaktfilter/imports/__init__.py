"""Importers: LinkedIn exports, generic CSV/JSON/JSONL files and notification mails
(docs/import-formats.md). Importing the reader modules registers their formats
(imports.formats)."""

from kontaktfilter.imports import generic, linkedin, mail  # noqa: F401  (they register)
