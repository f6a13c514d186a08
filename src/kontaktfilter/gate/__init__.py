"""The platform gate: the network operator's mode of kontaktfilter (issue 22).

Events of a whole network come in (invitations, answers, reports, messages, profiles, groups);
per-sender state lives in the gate's own tables; decisions go out with their reasons: may this
invitation be sent (allow, hold, limit, block), may this person message that one. The note's
verdict comes from the same `Engine` the recipients use, its bulk share from the same template
index. One job per module: policies, events, activity, signals, reputation, decisions, store,
service, simulator, replay.
"""
