"""Known-template fingerprints: hashes of collector and outreach templates, shareable without text.

A fingerprint is the MinHash signature of a template's normalised text (64 hash minima), so people
and organisations can exchange what they have seen, as Razor and Pyzor do for mail, without
passing on anyone's message. Files are JSON with a format version; a bad file is refused whole,
with the entry and field named, and nothing already stored is touched.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from kontaktfilter.bilingual import Detail, say, say_with
from kontaktfilter.bulk.index import DEFAULT_NUM_PERM, DEFAULT_THRESHOLD
from kontaktfilter.bulk.minhash import EMPTY_SLOT, MinHasher
from kontaktfilter.bulk.normalise import template_tokens
from kontaktfilter.model import FINGERPRINT_LABELS

FORMAT = "kontaktfilter-fingerprints"
FORMAT_VERSION = 1
HASHER_SEED = 1
"""Fingerprints are only comparable between identical hashers: format, permutations and seed."""
LABELS = FINGERPRINT_LABELS


class FingerprintError(ValueError):
    """A fingerprint file is unusable; the message names the file, the entry and the field."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: tuple[int, ...]
    label: str
    senders: int
    first_seen: str
    last_seen: str


def fingerprint_of(text: str, label: str, senders: int, first: str, last: str) -> Fingerprint:
    """The fingerprint of a template, from one of its notes, with the shared hasher."""
    signature = MinHasher(DEFAULT_NUM_PERM, HASHER_SEED).signatures([template_tokens(text)])[0]
    return Fingerprint(tuple(int(v) for v in signature), label, senders, first, last)


def _wrong(where: str, en: str, de: str) -> FingerprintError:
    """`where: problem` in both languages (`where` names the file and the fingerprint)."""
    return FingerprintError(say_with("{where}: " + en, "{where}: " + de, where=where))


def _entry(raw: object, where: Detail) -> Fingerprint:
    if not isinstance(raw, dict):
        raise _wrong(where, "must be an object", "muss ein Objekt sein")
    signature = raw.get("signature")
    if (
        not isinstance(signature, list)
        or len(signature) != DEFAULT_NUM_PERM
        or not all(isinstance(v, int) and 0 <= v <= 0xFFFFFFFF for v in signature)
    ):
        raise _wrong(
            where,
            f"field 'signature' must be {DEFAULT_NUM_PERM} integers in 0..2**32-1",
            f"Feld 'signature' muss aus {DEFAULT_NUM_PERM} ganzen Zahlen in 0..2**32-1 bestehen",
        )
    if all(v == int(EMPTY_SLOT) for v in signature):
        raise _wrong(
            where,
            "field 'signature' is empty (a note without words)",
            "Feld 'signature' ist leer (eine Nachricht ohne Wörter)",
        )
    label = raw.get("label", "unknown")
    if label not in LABELS:
        names = ", ".join(LABELS)
        raise _wrong(
            where,
            f"field 'label' must be one of {names}",
            f"Feld 'label' muss eins von {names} sein",
        )
    senders = raw.get("senders", 0)
    if not isinstance(senders, int) or senders < 0:
        raise _wrong(
            where,
            "field 'senders' must be a whole number >= 0",
            "Feld 'senders' muss eine ganze Zahl >= 0 sein",
        )
    dates = [raw.get(key, "") for key in ("first_seen", "last_seen")]
    if not all(isinstance(d, str) for d in dates):
        raise _wrong(
            where,
            "fields 'first_seen' and 'last_seen' must be strings",
            "die Felder 'first_seen' und 'last_seen' müssen Texte sein",
        )
    return Fingerprint(tuple(signature), label, senders, dates[0], dates[1])


def read_fingerprints(path: str | Path, text: str | None = None) -> list[Fingerprint]:
    """All fingerprints of a file, or a FingerprintError; never a partial result."""
    try:
        data = json.loads(text if text is not None else Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FingerprintError(
            say(
                f"{path}: cannot read fingerprints: {exc}",
                f"{path}: die Fingerabdrücke lassen sich nicht lesen: {exc}",
            )
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FingerprintError(
            say(
                f"{path}: not a {FORMAT} file (field 'format')",
                f"{path}: keine {FORMAT}-Datei (Feld 'format')",
            )
        )
    if data.get("version") != FORMAT_VERSION:
        version = data.get("version")
        raise FingerprintError(
            say(
                f"{path}: field 'version' is {version!r}, expected {FORMAT_VERSION}",
                f"{path}: Feld 'version' ist {version!r}, erwartet {FORMAT_VERSION}",
            )
        )
    if data.get("num_perm") != DEFAULT_NUM_PERM or data.get("seed") != HASHER_SEED:
        raise FingerprintError(
            say(
                f"{path}: fields 'num_perm'/'seed' do not match this version",
                f"{path}: die Felder 'num_perm'/'seed' passen nicht zu dieser Version",
            )
        )
    entries = data.get("fingerprints")
    if not isinstance(entries, list):
        raise FingerprintError(
            say(
                f"{path}: field 'fingerprints' must be a list",
                f"{path}: Feld 'fingerprints' muss eine Liste sein",
            )
        )
    return [
        _entry(raw, say(f"{path}: fingerprint {n}", f"{path}: Fingerabdruck {n}"))
        for n, raw in enumerate(entries, 1)
    ]


def write_fingerprints(path: str | Path, fingerprints: Iterable[Fingerprint]) -> None:
    """Write atomically, so an interrupted export never leaves half a file."""
    path = Path(path)
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "num_perm": DEFAULT_NUM_PERM,
        "seed": HASHER_SEED,
        "fingerprints": [asdict(f) | {"signature": list(f.signature)} for f in fingerprints],
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream)
        os.chmod(temporary, 0o644)  # hashes only: meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def merge(stored: list[Fingerprint], incoming: list[Fingerprint]) -> list[Fingerprint]:
    """Stored plus incoming, without duplicate signatures (the incoming sender count wins)."""
    by_signature = {f.signature: f for f in stored}
    for fingerprint in incoming:
        by_signature[fingerprint.signature] = fingerprint
    return list(by_signature.values())


def shipped_fingerprints() -> list[Fingerprint]:
    """The fingerprints of known templates that come with kontaktfilter."""
    entry = resources.files("kontaktfilter") / "data" / "fingerprints.json"
    return read_fingerprints("data/fingerprints.json", entry.read_text("utf-8"))


class FingerprintSet:
    """Answers whether a note matches a known template fingerprint."""

    def __init__(self, fingerprints: Iterable[Fingerprint], threshold: float = DEFAULT_THRESHOLD):
        self.fingerprints = list(fingerprints)
        self.threshold = threshold
        self.hasher = MinHasher(DEFAULT_NUM_PERM, HASHER_SEED)
        self._matrix = np.array([f.signature for f in self.fingerprints], dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.fingerprints)

    def signature(self, text: str, names: Iterable[str] = ()) -> np.ndarray:
        return self.hasher.signatures([template_tokens(text, names)])[0]

    def match(
        self, text: str, names: Iterable[str] = (), signature: np.ndarray | None = None
    ) -> tuple[Fingerprint, float] | None:
        """The most similar known fingerprint at or above the threshold, if any; `signature`
        spares hashing a note the template index has hashed already."""
        if not self.fingerprints:
            return None
        if signature is None:
            signature = self.signature(text, names)
        if signature[0] == EMPTY_SLOT:
            return None
        similarity = (self._matrix == signature[None, :]).mean(axis=1)
        best = int(np.argmax(similarity))
        if similarity[best] < self.threshold:
            return None
        return self.fingerprints[best], float(similarity[best])
