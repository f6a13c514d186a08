"""The shipped lexicons' compiled phrase matcher, kept on disk between processes.

Parsing the lexicon YAML and compiling the matcher costs about a quarter of a second, which every
`kontaktfilter check` would pay again; loading the compiled matcher costs a fifth of that. The
file is named by a digest of everything the compiled form depends on (the lexicon files, the code
that parses and compiles them, the Python version), so a changed lexicon or a new version of the
code never reads a stale matcher. A file that cannot be read or is damaged is rebuilt silently,
and a cache folder that cannot be written only costs the time.

The file is a pickle: it lives in the user's own cache folder and is only ever written by this
code, so reading it trusts nothing that the user's shell profile does not already trust.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kontaktfilter.text.lexicon import LEXICON_LANGS, load_lexicon_file
from kontaktfilter.text.matcher import PhraseMatcher

CODE = ("text/lexicon.py", "text/atoms.py", "text/matcher.py", "text/note.py")
"""The modules whose code shapes the compiled matcher (note.fold folds the lexicon words)."""
PREFIX = "matcher-"
CHECK = 32
"""Bytes of the SHA-256 that precedes the pickle in the file."""


def cache_dir() -> Path:
    """Where compiled artefacts are kept (XDG base directory layout)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kontaktfilter"


def builtin_matcher() -> PhraseMatcher:
    """A new matcher of the shipped lexicons (its memos empty, as a freshly compiled one)."""
    return pickle.loads(_compiled())


@lru_cache(maxsize=1)
def _compiled() -> bytes:
    """The pickled matcher: read from the cache folder, else compiled and written there. The
    file begins with the SHA-256 of the pickle, so a truncated or damaged file is never
    unpickled."""
    package = resources.files("kontaktfilter")
    texts = {lang: (package / "lexicons" / f"{lang}.yaml").read_bytes() for lang in LEXICON_LANGS}
    key = hashlib.sha256(repr(sys.version_info[:2]).encode())
    for source in [*texts.values(), *((package / path).read_bytes() for path in CODE)]:
        key.update(hashlib.sha256(source).digest())
    path = cache_dir() / f"{PREFIX}{key.hexdigest()[:32]}.pickle"
    try:
        stored = path.read_bytes()
    except OSError:
        stored = b""
    check, blob = stored[:CHECK], stored[CHECK:]
    if blob and hashlib.sha256(blob).digest() == check:
        return blob
    patterns = []
    for lang, text in texts.items():
        patterns += load_lexicon_file(f"lexicons/{lang}.yaml", text.decode("utf-8"))
    blob = pickle.dumps(PhraseMatcher(patterns), protocol=pickle.HIGHEST_PROTOCOL)
    _write(path, hashlib.sha256(blob).digest() + blob)
    return blob


def _write(path: Path, blob: bytes) -> None:
    """Replace the cached file atomically (a concurrent reader sees the old or the new one) and
    remove the files of earlier lexicons or code."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=PREFIX, delete=False) as file:
            file.write(blob)
        os.replace(file.name, path)
        for stale in path.parent.glob(f"{PREFIX}*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: every start compiles, as before there was a cache
