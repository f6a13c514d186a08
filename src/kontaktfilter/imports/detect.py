"""Which importer reads a path: a LinkedIn export (ZIP or folder), one of its CSV files, a generic
CSV/JSON/JSONL file, or notification mails (.eml, mbox). Decided by name and first bytes."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from kontaktfilter.imports.linkedin import FILES as LINKEDIN_FILES
from kontaktfilter.imports.sources import ImportFailure, Source, zip_members

ORDER = (
    "linkedin-profile",
    "linkedin-connections",
    "linkedin-invitations",
    "linkedin-messages",
    "jsonl",
    "json",
    "csv",
    "mail",
)
"""Import order: the user's profile and contacts first, so requests are scored knowing them;
invitations before messages, so messages know which side is the user."""
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class PlannedSource:
    source: Source
    kind: str
    digest: str


def _csv_kind(head: str) -> str:
    """A LinkedIn export file recognised by its header, else a generic CSV."""
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    if first.startswith("Notes:") or ("First Name" in head and "Connected On" in head):
        return "linkedin-connections"
    if "Direction" in first and "Sent At" in first:
        return "linkedin-invitations"
    if "CONVERSATION ID" in first:
        return "linkedin-messages"
    if all(column in first for column in ("From", "To", "Date", "Content", "Direction")):
        return "linkedin-messages"  # the 2018 layout
    if "First Name" in first and "Headline" in first:
        return "linkedin-profile"
    return "csv"


def _kind(source: Source, container: bool) -> str | None:
    """The importer for one file, or None for files an export holds that are not read (in a
    container, a CSV without a 'text' column is one of the export's other files)."""
    name = source.basename.lower()
    if name in LINKEDIN_FILES:
        return LINKEDIN_FILES[name]
    with source.open() as stream:
        head = stream.read(SNIFF_BYTES)
    if name.endswith(".csv"):
        kind = _csv_kind(head.decode("utf-8", errors="replace"))
        if kind == "csv" and container and b"text" not in head.split(b"\n", 1)[0]:
            return None
        return kind
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".eml", ".mbox")) or head.startswith(b"From "):
        return "mail"
    return None


def _sources(path: Path) -> tuple[list[Source], bool]:
    """The candidate sources, and whether they come from a container (ZIP or folder) in which
    unreadable files are simply not ours."""
    if path.is_dir():
        return [Source(p) for p in sorted(path.iterdir()) if p.is_file()], True
    if not path.exists():
        raise ImportFailure(str(path), "no such file or folder")
    if zipfile.is_zipfile(path):
        return zip_members(path), True
    return [Source(path)], False


def plan_sources(path: Path) -> list[PlannedSource]:
    """Every source under `path` with its importer, in import order."""
    sources, container = _sources(path)
    planned = []
    for source in sources:
        kind = _kind(source, container)
        if kind is None:
            if container:
                continue
            raise ImportFailure(
                source.name,
                "cannot tell the format (expected a LinkedIn export ZIP or folder, .csv, "
                ".json, .jsonl, .eml or an mbox)",
            )
        planned.append(PlannedSource(source, kind, source.digest()))
    if not planned:
        raise ImportFailure(
            str(path), "nothing to import here (no LinkedIn files, CSV, JSON, mail)"
        )
    planned.sort(key=lambda p: ORDER.index(p.kind))
    return planned
