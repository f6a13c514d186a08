"""The template index on disk (`kontaktfilter templates --save`, read by `--templates`): one
NumPy archive, never pickled, written atomically so a crash leaves the previous file intact."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from kontaktfilter.bilingual import say
from kontaktfilter.bulk.index import TemplateIndex

FORMAT_VERSION = 1


class IndexFileError(ValueError):
    """A saved index cannot be read; the message names the file."""


def _bytes(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


def save_index(index: TemplateIndex, path: str | Path) -> None:
    path = Path(path)
    settings, strings, arrays = index.state()
    meta = {"version": FORMAT_VERSION, **settings}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, meta=_bytes(meta), strings=_bytes(strings), **arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_index(path: str | Path) -> TemplateIndex:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            if meta.get("version") != FORMAT_VERSION:
                version = meta.get("version")
                raise IndexFileError(
                    say(
                        f"{path}: index format {version!r}, expected {FORMAT_VERSION}",
                        f"{path}: Indexformat {version!r}, erwartet {FORMAT_VERSION}",
                    )
                )
            strings = json.loads(bytes(data["strings"]).decode())
            arrays = {name: data[name] for name in ("signatures", "seen", "sender_codes")}
            return TemplateIndex.from_state(meta, strings, arrays)
    except IndexFileError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise IndexFileError(
            say(
                f"{path}: not a kontaktfilter template index ({exc})",
                f"{path}: kein Vorlagen-Index von kontaktfilter ({exc})",
            )
        ) from exc
