"""`cluster_labels` skips the comparisons whose notes are joined already; its labels must be those
of the plain rule: every candidate pair of every band compared, components of the similar ones."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from kontaktfilter.bulk.band_columns import band_keys
from kontaktfilter.bulk.clustering import WINDOW, bucket_order, cluster_labels
from kontaktfilter.bulk.minhash import EMPTY_SLOT

BANDS, THRESHOLD = 16, 0.45


def _plain_rule(signatures: np.ndarray) -> np.ndarray:
    count, rows = len(signatures), signatures.shape[1] // BANDS
    empty = signatures[:, 0] == EMPTY_SLOT
    left, right = [], []
    for band in range(BANDS):
        keys = band_keys(signatures[:, band * rows : (band + 1) * rows], 1)[:, 0]
        order = np.argsort(keys, kind="stable")
        for offset in range(1, WINDOW + 1):
            same = np.flatnonzero(keys[order][offset:] == keys[order][:-offset])
            a, b = order[same], order[same + offset]
            equal = np.count_nonzero(signatures[a] == signatures[b], axis=1)
            keep = (equal >= THRESHOLD * signatures.shape[1]) & ~empty[a] & ~empty[b]
            left.append(a[keep])
            right.append(b[keep])
    edges = (np.concatenate(left), np.concatenate(right))
    graph = coo_matrix((np.ones(edges[0].size), edges), shape=(count, count))
    labels = connected_components(graph, directed=False)[1]
    return np.where(np.bincount(labels)[labels] > 1, labels, -1)


def _signatures(seed: int, count: int) -> np.ndarray:
    """Few distinct slot values, so that buckets are crowded and many pairs sit near the
    threshold; copies, near copies and notes without words among them."""
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, rng.integers(2, 6), size=(count, 64)).astype(np.uint32)
    copies = rng.integers(0, count, size=count // 3)
    signatures[rng.integers(0, count, size=copies.size)] = signatures[copies]
    noise = rng.random(signatures.shape) < rng.uniform(0, 0.7, size=(count, 1))
    signatures[noise] = rng.integers(0, 1000, size=int(noise.sum()))
    signatures[rng.integers(0, count, size=count // 20)] = EMPTY_SLOT
    return signatures


@pytest.mark.parametrize("seed", range(8))
def test_labels_are_those_of_comparing_every_candidate_pair(seed: int) -> None:
    signatures = _signatures(seed, 3000)
    expected = _plain_rule(signatures)
    assert (expected >= 0).any() and (expected < 0).any()
    assert np.array_equal(cluster_labels(signatures, BANDS, THRESHOLD), expected)


def test_one_note_and_none() -> None:
    assert cluster_labels(np.zeros((1, 64), dtype=np.uint32), BANDS, THRESHOLD).tolist() == [-1]
    assert cluster_labels(np.zeros((0, 64), dtype=np.uint32), BANDS, THRESHOLD).size == 0


@pytest.mark.parametrize(
    "keys",
    [
        [5, 4, 5, 4, 5],  # equal but for the low bits that hold the row: the stable sort decides
        [2**64 - 1, 0, 2**64 - 1, 7, 0, 7],
        [3],
        [],
    ],
)
def test_bucket_order_is_the_stable_sort(keys: list[int]) -> None:
    array = np.array(keys, dtype=np.uint64)
    order, ranked = bucket_order(array)
    assert order.tolist() == np.argsort(array, kind="stable").tolist()
    assert ranked.tolist() == sorted(keys)


def test_bucket_order_of_many_keys_with_repeats() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 2**64 - 1, size=50_000, dtype=np.uint64)
    keys[rng.integers(0, keys.size, 20_000)] = keys[rng.integers(0, 50, 20_000)]
    assert np.array_equal(bucket_order(keys)[0], np.argsort(keys, kind="stable"))
