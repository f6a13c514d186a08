"""The import formats, each registered where its reader is defined (`@import_format`), so that
detection (imports.detect) and the importer (imports.runner) keep no list of their own.

A format says how to recognise a file (`sniff`, from its lower-case name and first bytes; `names`
claims file names of an export outright), where it goes in the import order (`order`: the user's
profile and contacts before requests, invitations before messages), and how to read it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kontaktfilter.imports.csvtable import AUTO
from kontaktfilter.imports.items import Item
from kontaktfilter.imports.sources import Source

if TYPE_CHECKING:
    from kontaktfilter.imports.linkedin import OwnIdentity


@dataclass
class Reading:
    """What a reader may need beside its file: the user's options and what the run learned."""

    encoding: str = AUTO
    columns: Mapping[str, str] = field(default_factory=dict)
    """Field name -> column name, for generic CSV files."""
    own: OwnIdentity | None = None
    """Who the user is, as the files read before showed it."""
    tally: list[Any] = field(default_factory=list)
    """Counts a reader reports beside its items (mails that were not requests)."""


Reader = Callable[[Source, Reading], Iterator[Item]]
Sniff = Callable[[str, bytes, bool], bool]
"""(lower-case file name, first bytes, whether the file is one of a ZIP or folder) -> is it?"""


@dataclass(frozen=True)
class ImportFormat:
    kind: str
    order: int
    read: Reader
    sniff: Sniff
    names: frozenset[str] = frozenset()


FORMATS: dict[str, ImportFormat] = {}


def import_format(
    kind: str, order: int, sniff: Sniff, names: tuple[str, ...] = ()
) -> Callable[[Reader], Reader]:
    """Registers a reader as the format `kind` (ARCHITECTURE.md, "Add an import format")."""

    def decorate(read: Reader) -> Reader:
        if kind in FORMATS:
            raise ValueError(f"import format {kind!r} is registered twice")
        FORMATS[kind] = ImportFormat(kind, order, read, sniff, frozenset(names))
        return read

    return decorate


def by_order() -> list[ImportFormat]:
    """The formats in import order, which is also the order they are tried in."""
    return sorted(FORMATS.values(), key=lambda f: (f.order, f.kind))


def header_of(head: bytes) -> str:
    """The first line of a file's first bytes, as text (for sniffing CSV headers)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.splitlines()[0] if text.strip() else ""
