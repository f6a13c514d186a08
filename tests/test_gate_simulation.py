"""The simulated network and its replay are pinned: one small seeded network must give the same
event stream and the same figures, so a change meant only to make the simulation or the gate
faster fails here when it changes what they compute (bench/bench_gate.py reports these figures
at the issue's size). The figures were taken from the code before any of those speed-ups."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from kontaktfilter.gate.events import Event
from kontaktfilter.gate.replay import Replay
from kontaktfilter.gate.simulator import Network

STREAM_SHA256 = "228ee15f7c6aa8d951d5f368bc0eed3a3b4e6afe20110455bf4d5cb44c6241bf"
FIGURES = {
    "gate_recall_bad": 0.8333333333333334,
    "gate_recall_collectors_tools": 1.0,
    "gate_honest_limited": 0.0,
    "gate_busy_limited": 0.0,
    "gate_brigaded_blocked": 0.0,
    "caps_recall_bad": 0.625,
    "caps_recall_collectors_tools": 0.75,
    "caps_honest_limited": 0.0,
    "caps_busy_limited": 0.0,
    "caps_brigaded_blocked": 0.0,
}
COLLECTOR_REASONS = {
    "BEHAVIOUR_RISK": 14,
    "BEH_CONTACTS_PER_MONTH": 4,
    "BEH_FAST_WITHDRAWALS": 14,
    "BEH_INVITE_RATE": 13,
    "BEH_LOW_ACCEPTANCE": 5,
    "BEH_REINVITES": 9,
    "BEH_WITHDRAWN_SHARE": 7,
    "WEEKLY_BUDGET": 1,
}
TOOL_REASONS = {"BEHAVIOUR_RISK": 5, "BEH_FAST_WITHDRAWALS": 5, "BEH_WITHDRAWN_SHARE": 2}
# kind: (senders, limited by the gate, blocked by the gate, limited by the fixed caps)
KINDS = {
    "brigaded": (2, 0, 0, 0),
    "collector": (15, 15, 15, 15),
    "honest": (421, 0, 0, 0),
    "organiser": (3, 0, 0, 0),
    "party": (4, 0, 0, 0),
    "recruiter": (6, 0, 0, 0),
    "salesperson": (2, 0, 0, 0),
    "tool": (5, 5, 5, 0),
}


def hashed(events: Iterator[Event], digest) -> Iterator[Event]:
    for event in events:
        digest.update(event.model_dump_json().encode())
        yield event


@pytest.mark.parametrize("tail_limit", [None, 64])
def test_a_small_seeded_network_gives_the_pinned_stream_and_figures(
    monkeypatch, tail_limit: int | None
) -> None:
    """Also with a template index that merges its tail every 64 notes: how often it merges
    must not change a figure."""
    if tail_limit is not None:
        monkeypatch.setattr("kontaktfilter.bulk.index.TAIL_LIMIT", tail_limit)
    network, digest = Network(600, 12, seed=3), hashlib.sha256()
    replay = Replay(network.truth).run(hashed(network.events(), digest))
    assert digest.hexdigest() == STREAM_SHA256
    assert (replay.events, replay.checks, replay.templated) == (12_356, 5_487, 1_644)
    assert replay.figures() == FIGURES
    kinds = {
        kind: (len(t.senders), len(t.limited), len(t.blocked), len(replay.baseline[kind].limited))
        for kind, t in replay.gate.items()
    }
    assert kinds == KINDS
    assert replay.gate["collector"].reasons == COLLECTOR_REASONS
    assert replay.gate["tool"].reasons == TOOL_REASONS
