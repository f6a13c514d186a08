"""Clusters of MinHash signatures: candidate pairs from each band's buckets (band_columns.py's
keys), verified by estimated Jaccard similarity, joined into connected components. `TemplateIndex`
lists its clusters with it; `network/templates.py` follows the same rule across machines."""

from __future__ import annotations

import numpy as np

from kontaktfilter.bulk.band_columns import band_keys
from kontaktfilter.bulk.minhash import EMPTY_SLOT

WINDOW = 4
"""Each note is checked against this many notes before it in its bucket."""
PAIR_CHUNK = 1 << 14
"""Candidate pairs compared per NumPy step: their two signature blocks (8 MB) stay in the cache,
which makes the comparison about four times faster than steps of 2**18 pairs."""


def cluster_labels(signatures: np.ndarray, bands: int, threshold: float) -> np.ndarray:
    """Cluster label per note; notes without a near-duplicate get -1. Labels number the
    clusters in order of their first note, counting the unclustered notes too (as
    `connected_components` numbers components).

    One band at a time: each note is checked against the WINDOW notes before it in its
    bucket (more than a chain, so one failed check cannot cut a bucket in two; linear unlike
    all pairs), and the similar pairs join their components. A pair whose notes are joined
    already, by an earlier band or through the notes between them in its bucket, is not
    compared: after the first band most candidates of a template are, which saves most of the
    comparisons and leaves the components as they were.
    Memory stays a few arrays of one entry per note."""
    count = len(signatures)
    if count < 2:
        return np.full(count, -1, dtype=np.int64)
    rows = signatures.shape[1] // bands
    empty = signatures[:, 0] == EMPTY_SLOT  # notes with no words never cluster
    first = np.arange(count)  # the first note of each note's component
    for band in range(bands):
        keys = band_keys(signatures[:, band * rows : (band + 1) * rows], 1)[:, 0]
        order, ranked = bucket_order(keys)
        edges, links = [], None
        for offset in range(1, WINDOW + 1):
            same = np.flatnonzero(ranked[offset:] == ranked[:-offset])
            if links is not None:  # joined through the notes between them in this bucket
                same = same[links[same] != links[same + offset]]
            left, right = order[same], order[same + offset]
            already = first[left] == first[right]
            apart = ~already & ~(empty[left] | empty[right])
            similar = _similar(signatures, left[apart], right[apart], threshold)
            edges.append(np.stack((left[apart][similar], right[apart][similar])))
            if links is None:  # runs of notes joined to the next one in the bucket
                joined = np.zeros(count, dtype=bool)
                joined[same] = already
                joined[same[apart][similar]] = True
                links = np.concatenate(([0], np.cumsum(~joined[:-1])))
        first = _joined(first, np.concatenate(edges, axis=1))
    roots = first == np.arange(count)
    labels = np.cumsum(roots)[first] - 1
    sizes = np.bincount(first, minlength=count)
    return np.where(sizes[first] > 1, labels, -1)


def bucket_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.argsort(keys, kind="stable")` and the keys in that order, about a third faster: the
    row number goes into the low bits of each key, and sorting these values (no indices to
    carry, SIMD) orders by key and then by row. Exact unless two different keys share all
    their other bits; then the stable sort is done after all."""
    bits = np.uint64(max(1, (keys.size - 1).bit_length()))
    packed = (keys >> bits) << bits | np.arange(keys.size, dtype=np.uint64)
    packed.sort()
    order = (packed & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64)
    ranked = keys[order]
    packed >>= bits
    if ((packed[1:] == packed[:-1]) & (ranked[1:] != ranked[:-1])).any():
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
    return order, ranked


def _similar(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float
) -> np.ndarray:
    """Whether each pair's signatures agree in at least `threshold` of the slots, compared in
    cache-sized chunks."""
    similar = np.empty(left.size, dtype=bool)
    for start in range(0, left.size, PAIR_CHUNK):
        stop = start + PAIR_CHUNK
        a, b = signatures[left[start:stop]], signatures[right[start:stop]]
        similar[start:stop] = np.count_nonzero(a == b, axis=1) >= threshold * a.shape[1]
    return similar


def _joined(first: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """`first` (each note's component, named by its first note) after joining the components
    of each edge's two notes: only the components the edges touch are looked at."""
    if edges.shape[1] == 0:
        return first
    from scipy.sparse import coo_matrix  # here: scoring never lists clusters, and SciPy
    from scipy.sparse.csgraph import connected_components  # takes 0.2 s to load

    touched, ends = np.unique(first[edges], return_inverse=True)
    ends = ends.reshape(2, -1)
    weights = np.ones(ends.shape[1], dtype=np.int8)
    graph = coo_matrix((weights, (ends[0], ends[1])), shape=(touched.size, touched.size))
    merged = connected_components(graph, directed=False)[1]
    _, lowest = np.unique(merged, return_index=True)  # touched is sorted: first is lowest
    renamed = np.arange(first.size)
    renamed[touched] = touched[lowest[merged]]
    return renamed[first]
