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
    """Cluster label per note; notes without a near-duplicate get -1.

    One band at a time: each note is checked against the WINDOW notes before it in its
    bucket (more than a chain, so one failed check cannot cut a bucket in two; linear unlike
    all pairs), and the similar pairs are kept as edges. The edges of all bands are folded
    into one star per component whenever they outgrow the notes, so memory stays a few
    arrays of one entry per note instead of every candidate pair of every band."""
    count = len(signatures)
    if count < 2:
        return np.full(count, -1, dtype=np.int64)
    rows = signatures.shape[1] // bands
    empty = signatures[:, 0] == EMPTY_SLOT  # notes with no words never cluster
    edges = [np.empty((2, 0), dtype=np.int64)]
    held = 0
    for band in range(bands):
        keys = band_keys(signatures[:, band * rows : (band + 1) * rows], 1)[:, 0]
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
        for offset in range(1, WINDOW + 1):
            same = np.flatnonzero(ranked[offset:] == ranked[:-offset])
            found = _similar_pairs(signatures, order[same], order[same + offset], threshold)
            found = found[:, ~(empty[found[0]] | empty[found[1]])]
            edges.append(found)
            held += found.shape[1]
        if held > count:
            edges = [_stars(np.concatenate(edges, axis=1), count)]
            held = edges[0].shape[1]
    labels = _components(np.concatenate(edges, axis=1), count)
    sizes = np.bincount(labels)
    return np.where(sizes[labels] > 1, labels, -1)


def _similar_pairs(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, threshold: float
) -> np.ndarray:
    """The pairs (two rows) whose signatures agree in at least `threshold` of the slots,
    compared in cache-sized chunks."""
    similar = np.empty(left.size, dtype=bool)
    for start in range(0, left.size, PAIR_CHUNK):
        stop = start + PAIR_CHUNK
        a, b = signatures[left[start:stop]], signatures[right[start:stop]]
        similar[start:stop] = np.count_nonzero(a == b, axis=1) >= threshold * a.shape[1]
    return np.stack((left[similar], right[similar]))


def _components(edges: np.ndarray, count: int) -> np.ndarray:
    """Connected-component label of each of `count` nodes; labels are numbered by each
    component's smallest node, so equal partitions give equal labels whatever the edges."""
    from scipy.sparse import coo_matrix  # here: scoring never lists clusters, and SciPy
    from scipy.sparse.csgraph import connected_components  # takes 0.2 s to load

    weights = np.ones(edges.shape[1], dtype=np.int8)
    graph = coo_matrix((weights, (edges[0], edges[1])), shape=(count, count))
    return connected_components(graph, directed=False)[1]


def _stars(edges: np.ndarray, count: int) -> np.ndarray:
    """Edges with the same components as `edges`: each member tied to its component's first
    node, at most one edge per node."""
    labels = _components(edges, count)
    _, first = np.unique(labels, return_index=True)
    members = np.flatnonzero(first[labels] != np.arange(count))
    return np.stack((members, first[labels[members]]))
