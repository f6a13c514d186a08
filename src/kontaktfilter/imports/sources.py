"""Where import data comes from: a file, a folder, or a member of a ZIP archive.

A LinkedIn export arrives as a ZIP. Archives are hostile input like everything else: a member
name may try to escape the folder ("../../.bashrc") and a small archive may inflate to gigabytes.
Members are never extracted to disk; they are read as streams whose inflated size is counted,
so a member that lies about its size in the directory is still stopped at the bound.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from kontaktfilter.bilingual import Detail, say
from kontaktfilter.formats.errors import InputError

MAX_MEMBER_BYTES = 512 * 1024 * 1024
"""The most a single ZIP member may inflate to; LinkedIn's messages.csv is tens of MB at most."""
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)
"""What a damaged, encrypted or exotic ZIP member raises while opened or read (found by the fuzz
tests): each becomes an ImportFailure naming the member."""
MAX_RATIO = 200
"""Inflated/compressed ratio above which a member counts as a decompression bomb (CSV
compresses about 5-20x)."""


class ImportFailure(InputError):
    """Input that cannot be imported; the message names the file, line and field."""


def _german(number: int) -> str:
    """A byte count with German thousands separators (536.870.912), as the English one has
    commas."""
    return f"{number:,}".replace(",", ".")


def _damaged(exc: BaseException) -> Detail:
    return say(f"damaged archive member ({exc})", f"beschädigter Teil des Archivs ({exc})")


def _not_zip(exc: BaseException) -> Detail:
    return say(f"not a readable ZIP archive ({exc})", f"kein lesbares ZIP-Archiv ({exc})")


class BoundedReader:
    """A binary stream that fails once more than `limit` bytes come out of it."""

    def __init__(
        self, stream: BinaryIO, limit: int, name: str, archive: zipfile.ZipFile | None = None
    ) -> None:
        self.stream, self.limit, self.name, self.count = stream, limit, name, 0
        self.archive = archive

    def _account(self, data: bytes) -> bytes:
        self.count += len(data)
        if self.count > self.limit:
            raise ImportFailure(
                self.name,
                say(
                    f"inflates beyond {self.limit:,} bytes; refused",
                    f"entpackt mehr als {_german(self.limit)} Bytes; abgelehnt",
                ),
            )
        return data

    def read(self, size: int = -1) -> bytes:
        try:
            return self._account(self.stream.read(size))
        except DAMAGED as exc:
            raise ImportFailure(self.name, _damaged(exc)) from None

    def readline(self, size: int = -1) -> bytes:
        try:
            return self._account(self.stream.readline(size))
        except DAMAGED as exc:
            raise ImportFailure(self.name, _damaged(exc)) from None

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def close(self) -> None:
        self.stream.close()
        if self.archive is not None:
            self.archive.close()  # the member's archive was opened for this stream alone

    def __enter__(self) -> BoundedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class Source:
    """One importable stream: a plain file or `archive.zip!member`."""

    path: Path
    member: str | None = None
    limit: int = MAX_MEMBER_BYTES

    @property
    def name(self) -> str:
        return f"{self.path.name}!{self.member}" if self.member else self.path.name

    @property
    def basename(self) -> str:
        return PurePosixPath(self.member).name if self.member else self.path.name

    def open(self) -> BinaryIO:
        if self.member is None:
            return self.path.open("rb")
        try:
            archive = zipfile.ZipFile(self.path)
        except DAMAGED as exc:
            raise ImportFailure(self.path.name, _not_zip(exc)) from None
        try:
            member = archive.open(self.member)
        except DAMAGED as exc:
            archive.close()
            raise ImportFailure(
                self.name,
                say(
                    f"cannot open this archive member ({exc})",
                    f"dieser Teil des Archivs lässt sich nicht öffnen ({exc})",
                ),
            ) from None
        return BoundedReader(member, self.limit, self.name, archive)  # type: ignore[return-value]

    def digest(self) -> str:
        """SHA-256 of the content: the identity of an import run."""
        sha = hashlib.sha256()
        with self.open() as stream:
            while chunk := stream.read(1 << 20):
                sha.update(chunk)
        return sha.hexdigest()


def zip_members(path: Path, limit: int = MAX_MEMBER_BYTES) -> list[Source]:
    """The file members of an archive, after refusing unsafe names and bombs."""
    try:
        archive = zipfile.ZipFile(path)
    except DAMAGED as exc:
        raise ImportFailure(path.name, _not_zip(exc)) from exc
    members = []
    with archive:
        for info in archive.infolist():
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if not name or not pure.parts:  # "" or "." names no file
                raise ImportFailure(
                    path.name,
                    say(
                        "a member has no name; the archive is damaged",
                        "ein Teil hat keinen Namen; das Archiv ist beschädigt",
                    ),
                )
            if pure.is_absolute() or ".." in pure.parts or ":" in pure.parts[0]:
                raise ImportFailure(
                    f"{path.name}!{name}",
                    say(
                        "member escapes the archive folder",
                        "der Teil liegt außerhalb des Archivordners",
                    ),
                )
            if info.is_dir():
                continue
            if info.file_size > limit:
                raise ImportFailure(
                    f"{path.name}!{name}",
                    say(
                        f"inflates to {info.file_size:,} bytes (limit {limit:,})",
                        f"entpackt {_german(info.file_size)} Bytes (Grenze {_german(limit)})",
                    ),
                )
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                ratio = info.file_size // info.compress_size
                raise ImportFailure(
                    f"{path.name}!{name}",
                    say(
                        f"compression ratio {ratio}:1 looks like a decompression bomb",
                        f"ein Kompressionsverhältnis von {ratio}:1 sieht nach einer "
                        "Dekompressionsbombe aus",
                    ),
                )
            members.append(Source(path, name, limit))
    return members
