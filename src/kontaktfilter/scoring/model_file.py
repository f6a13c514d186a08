"""The one file format of kontaktfilter's models (the user's learned model, the corpus model): a
compressed NumPy archive holding a JSON header and named arrays. Never pickled; each model checks
its own header fields and shapes after `read_archive`."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

from kontaktfilter.scoring.features import CHAR_GRAMS, N_FEATURES


def model_header(fmt: str, version: int, **fields: Any) -> dict[str, Any]:
    """The header fields every model shares (what it is, and the feature space it was fitted
    in) plus its own `fields`."""
    return {
        "format": fmt,
        "version": version,
        **fields,
        "n_features": N_FEATURES,
        "char_grams": list(CHAR_GRAMS),
    }


def write_archive(header: dict[str, Any], **arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    encoded = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(buffer, header=encoded, **arrays)
    return buffer.getvalue()


def read_archive(
    blob: bytes, fmt: str, names: tuple[str, ...], error: type[ValueError], where: str, what: str
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header (whose `format` must be `fmt`) and the arrays `names`; anything else is an
    `error` naming `where` and saying it is not a kontaktfilter `what`."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            header = json.loads(archive["header"].tobytes().decode("utf-8"))
            arrays = {name: archive[name] for name in names}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise error(f"{where}: not a kontaktfilter {what} ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != fmt:
        raise error(f"{where}: not a kontaktfilter {what}")
    return header, arrays
