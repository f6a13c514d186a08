"""Signatures and LSH band keys of many notes at once, for jobs that spread the template index's
work over many machines (the network sweep): the same hasher, normalisation and band keys as
`TemplateIndex`, so a bucket on a cluster is the bucket the single process would have made."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from kontaktfilter.bulk.band_columns import band_keys as _band_keys
from kontaktfilter.bulk.index import DEFAULT_BANDS, DEFAULT_NUM_PERM
from kontaktfilter.bulk.minhash import MinHasher
from kontaktfilter.bulk.normalise import template_tokens


def note_signatures(
    notes: Sequence[tuple[str, Iterable[str]]], num_perm: int = DEFAULT_NUM_PERM, seed: int = 1
) -> np.ndarray:
    """One uint32 row of MinHash minima per (text, names) pair, as `TemplateIndex.add_many`
    computes them (names are removed from the note before hashing)."""
    documents = [template_tokens(text, names) for text, names in notes]
    return MinHasher(num_perm, seed).signatures(documents)


def band_keys(signatures: np.ndarray, bands: int = DEFAULT_BANDS) -> np.ndarray:
    """One uint64 key per note and band: notes sharing a key in any band are candidates."""
    return _band_keys(signatures, bands)
