"""Which importer reads a path: a LinkedIn export (ZIP or folder), one of its CSV files, a generic
CSV/JSON/JSONL file, or notification mails (.eml, mbox). Decided by name and first bytes."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from kontaktfilter.bilingual import say
from kontaktfilter.imports.formats import FORMATS, by_order
from kontaktfilter.imports.sources import ImportFailure, Source, zip_members

SNIFF_BYTES = 4096


@dataclass(frozen=True)
class PlannedSource:
    source: Source
    kind: str
    digest: str


def _kind(source: Source, container: bool) -> str | None:
    """The format of one file: by an export's file name, else by sniffing its name and first
    bytes, formats tried in import order. None for a file of an export that is not ours."""
    name = source.basename.lower()
    formats = by_order()
    for candidate in formats:
        if name in candidate.names:
            return candidate.kind
    with source.open() as stream:
        head = stream.read(SNIFF_BYTES)
    for candidate in formats:
        if candidate.sniff(name, head, container):
            return candidate.kind
    return None


def _sources(path: Path) -> tuple[list[Source], bool]:
    """The candidate sources, and whether they come from a container (ZIP or folder) in which
    unreadable files are simply not ours."""
    if path.is_dir():
        return [Source(p) for p in sorted(path.iterdir()) if p.is_file()], True
    if not path.exists():
        raise ImportFailure(
            str(path), say("no such file or folder", "diese Datei oder diesen Ordner gibt es nicht")
        )
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
                say(
                    "cannot tell the format (expected a LinkedIn export ZIP or folder, .csv, "
                    ".json, .jsonl, .eml or an mbox)",
                    "das Format ist nicht zu erkennen (erwartet: ein LinkedIn-Export als ZIP "
                    "oder Ordner, .csv, .json, .jsonl, .eml oder eine mbox)",
                ),
            )
        planned.append(PlannedSource(source, kind, source.digest()))
    if not planned:
        raise ImportFailure(
            str(path),
            say(
                "nothing to import here (no LinkedIn files, CSV, JSON, mail)",
                "hier gibt es nichts zu importieren (keine LinkedIn-Dateien, CSV, JSON, Mails)",
            ),
        )
    planned.sort(key=lambda p: FORMATS[p.kind].order)
    return planned
