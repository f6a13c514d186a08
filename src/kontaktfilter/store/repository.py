"""Reading and writing the store for one user. Writers take a connection so that the caller
decides the transaction: an importer commits a batch of rows together with its checkpoint."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, case, delete, func, select, update

from kontaktfilter.formats.records import parse_profile
from kontaktfilter.formats.verdicts import verdict_summary
from kontaktfilter.model import Detail, Profile, Request, SenderHistory, Verdict
from kontaktfilter.store.clock import as_utc_naive, utcnow
from kontaktfilter.store.schema import (
    ContactRequest,
    Decision,
    FollowUp,
    ImportRun,
    LearnedModelRow,
    Message,
    Person,
    StoredVerdict,
    Template,
    User,
)
from kontaktfilter.store.writes import ImportWrites

OWNED_TABLES = {
    "requests": ContactRequest,
    "profiles": Person,
    "messages": Message,
    "templates": Template,
    "import_runs": ImportRun,
}
REQUEST_TABLES = {"verdicts": StoredVerdict, "decisions": Decision, "followups": FollowUp}
NO_HISTORY = SenderHistory()
"""The history of a sender the source says nothing about; frozen, so one serves every request."""


def verdict_row(request_id: int, verdict: Verdict, scored_at: datetime) -> dict[str, Any]:
    """The verdict as a row of the verdicts table."""
    return {"request_id": request_id, **verdict_fields(verdict), "scored_at": scored_at}


def verdict_fields(verdict: Verdict) -> dict[str, Any]:
    """What a verdict row stores of the verdict itself; apart from the request's id so that a
    process that scores without a store (an import's worker) can build it. Signals keep what
    cannot be derived (name, weight, strength, spans, detail, and the detail in each interface
    language); group and description come from the registry when shown, in the reader's
    language."""
    return {
        **verdict_summary(verdict),
        "signals": [
            {
                "name": hit.name,
                "weight": hit.weight,
                "strength": round(hit.strength, 3),
                "spans": [[span.start, span.end] for span in hit.spans],
                "detail": hit.detail,
                **({"texts": hit.detail.texts} if isinstance(hit.detail, Detail) else {}),
            }
            for hit in verdict.hits
        ],
    }


class Store(ImportWrites):
    """One user's view of the store. Every query is filtered by `user_id`."""

    def __init__(self, engine: Engine, user: str = "local") -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        with engine.begin() as conn:
            conn.execute(
                self._insert(User)
                .values(name=user, profile={}, created_at=utcnow())
                .on_conflict_do_nothing(index_elements=["name"])
            )
            self.user_id: int = conn.execute(select(User.id).where(User.name == user)).scalar_one()
        self.user = user

    def close(self) -> None:
        self.engine.dispose()

    # the user's own profile -----------------------------------------------------------------

    def user_profile_data(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            data = conn.execute(select(User.profile).where(User.id == self.user_id)).scalar_one()
        return dict(data or {})

    def user_profile(self) -> Profile:
        return parse_profile(self.user_profile_data(), "profile")

    def set_user_profile(self, data: Mapping[str, Any]) -> None:
        parse_profile(dict(data), "profile")  # refuse what the engine could not read
        with self.engine.begin() as conn:
            conn.execute(update(User).where(User.id == self.user_id).values(profile=dict(data)))

    # readers --------------------------------------------------------------------------------

    def connected_keys(self) -> set[str]:
        """Keys of the user's existing contacts (their requests are `known`)."""
        with self.engine.connect() as conn:
            return set(
                conn.execute(
                    select(Person.key).where(
                        Person.user_id == self.user_id, Person.connected_on.is_not(None)
                    )
                ).scalars()
            )

    def own_keys(self) -> set[str]:
        """The user's own person keys as imported requests show them (LinkedIn has no other
        place that says which profile URL is the user's)."""
        with self.engine.connect() as conn:
            received = select(ContactRequest.recipient_key).where(
                ContactRequest.user_id == self.user_id,
                ContactRequest.direction == "incoming",
                ContactRequest.recipient_key != "",
            )
            sent = select(ContactRequest.sender_key).where(
                ContactRequest.user_id == self.user_id, ContactRequest.direction == "outgoing"
            )
            return set(conn.execute(received.union(sent)).scalars())

    def incoming_notes(self) -> Iterator[tuple[str, str, str, datetime | None, str]]:
        """(key, sender key, note, sent at, sender name) of stored incoming requests with a note:
        what the template index is built from."""
        query = (
            select(
                ContactRequest.key,
                ContactRequest.sender_key,
                ContactRequest.text,
                ContactRequest.sent_at,
                ContactRequest.sender_name,
            )
            .where(
                ContactRequest.user_id == self.user_id,
                ContactRequest.direction == "incoming",
                ContactRequest.text != "",
            )
            .order_by(ContactRequest.id)
        )
        with self.engine.connect() as conn:
            yield from conn.execute(query)

    def stored_requests(self, batch: int = 2000) -> Iterator[list[tuple[int, Request]]]:
        """Every request as the engine sees it, in id order, batch by batch (for `rescore`)."""
        recipient = self.user_profile()
        connected = self.connected_keys()
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(ContactRequest.__table__, Person.data.label("sender_data"))
                    .outerjoin(
                        Person,
                        (Person.user_id == ContactRequest.user_id)
                        & (Person.key == ContactRequest.sender_key),
                    )
                    .where(ContactRequest.user_id == self.user_id, ContactRequest.id > last)
                    .order_by(ContactRequest.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            yield [
                (row.id, build_request(row._mapping, row.sender_data or {}, recipient, connected))
                for row in rows
            ]
            last = rows[-1].id

    def templates(self) -> list[dict[str, Any]]:
        """The user's template clusters, the one with the most senders first."""
        columns = [Template.key, Template.senders, Template.requests]
        columns += [Template.first_seen, Template.last_seen, Template.example]
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(*columns)
                .where(Template.user_id == self.user_id)
                .order_by(Template.senders.desc(), Template.requests.desc(), Template.key)
            ).all()
        return [dict(row._mapping) for row in rows]

    def categories_by_request(self) -> dict[int, str]:
        with self.engine.connect() as conn:
            return dict(
                conn.execute(
                    select(StoredVerdict.request_id, StoredVerdict.category)
                    .join(ContactRequest, ContactRequest.id == StoredVerdict.request_id)
                    .where(ContactRequest.user_id == self.user_id)
                ).all()
            )

    # decisions and the learned model -------------------------------------------------------

    def standing_decisions(self) -> list[tuple[str, list[dict[str, Any]], str]]:
        """(note, signals of the stored verdict, action) for every incoming request whose newest
        decision was not undone: what the learner is trained on."""
        query = (
            select(ContactRequest.id, ContactRequest.text, StoredVerdict.signals, Decision.action)
            .join(Decision, Decision.request_id == ContactRequest.id)
            .outerjoin(StoredVerdict, StoredVerdict.request_id == ContactRequest.id)
            .where(
                ContactRequest.user_id == self.user_id,
                ContactRequest.direction == "incoming",
                Decision.undone.is_(False),
            )
            .order_by(ContactRequest.id, Decision.decided_at, Decision.id)
        )
        newest: dict[int, tuple[str, list[dict[str, Any]], str]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                newest[row.id] = (row.text, list(row.signals or []), row.action)
        return list(newest.values())

    def decision_count(self) -> int:
        """Decisions taken and not undone (the trigger for retraining)."""
        query = (
            select(func.count())
            .select_from(Decision)
            .join(ContactRequest, ContactRequest.id == Decision.request_id)
            .where(ContactRequest.user_id == self.user_id, Decision.undone.is_(False))
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def learned_model(self) -> Row[Any] | None:
        """The stored model row (model, decisions, trained_at), if the user has one."""
        query = select(
            LearnedModelRow.model, LearnedModelRow.decisions, LearnedModelRow.trained_at
        ).where(LearnedModelRow.user_id == self.user_id)
        with self.engine.connect() as conn:
            return conn.execute(query).one_or_none()

    def save_learned_model(self, blob: bytes, decisions: int, trained_at: datetime) -> None:
        values = {"model": blob, "decisions": decisions, "trained_at": as_utc_naive(trained_at)}
        with self.engine.begin() as conn:
            conn.execute(
                self._insert(LearnedModelRow)
                .values(user_id=self.user_id, **values)
                .on_conflict_do_update(index_elements=["user_id"], set_=values)
            )

    def delete_learned_model(self) -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(LearnedModelRow).where(LearnedModelRow.user_id == self.user_id)
            )
        return bool(gone.rowcount)

    def stats(self) -> dict[str, Any]:
        """Counts per table, per verdict category and per request status, for this user."""
        tables: dict[str, int] = {}
        with self.engine.connect() as conn:
            for name, table in OWNED_TABLES.items():
                tables[name] = conn.execute(
                    select(func.count()).select_from(table).where(table.user_id == self.user_id)
                ).scalar_one()
            for name, table in REQUEST_TABLES.items():
                tables[name] = conn.execute(
                    select(func.count())
                    .select_from(table)
                    .join(ContactRequest, ContactRequest.id == table.request_id)
                    .where(ContactRequest.user_id == self.user_id)
                ).scalar_one()
            categories = dict(
                conn.execute(
                    select(StoredVerdict.category, func.count())
                    .join(ContactRequest, ContactRequest.id == StoredVerdict.request_id)
                    .where(ContactRequest.user_id == self.user_id)
                    .group_by(StoredVerdict.category)
                ).all()
            )
            statuses = dict(
                conn.execute(
                    select(ContactRequest.status, func.count())
                    .where(ContactRequest.user_id == self.user_id)
                    .group_by(ContactRequest.status)
                ).all()
            )
            connected = conn.execute(
                select(func.count())
                .select_from(Person)
                .where(Person.user_id == self.user_id, Person.connected_on.is_not(None))
            ).scalar_one()
            identity = case(
                (Person.key.like("%-apart:%"), "apart"),
                (Person.key.like("%-name:%"), "by_name"),
                else_="by_url",
            )
            people = dict.fromkeys(("by_url", "by_name", "apart"), 0) | dict(
                conn.execute(
                    select(identity, func.count())
                    .where(Person.user_id == self.user_id)
                    .group_by(identity)
                ).all()
            )
        return {
            "user": self.user,
            "tables": tables,
            "categories": dict(sorted(categories.items())),
            "statuses": dict(sorted(statuses.items())),
            "known_contacts": connected,
            "people": people,
        }


def build_request(
    row: Mapping[str, Any],
    sender_data: Mapping[str, Any],
    user: Profile,
    connected: set[str] | frozenset[str],
) -> Request:
    """A request row (stored, or about to be) as the engine's input, read with the user's
    profile and contacts of today. An incoming request is scored as the user receives it; an
    outgoing one as its addressee would (how the user's own request reads)."""
    extra = row.get("extra") or {}
    if row["direction"] == "outgoing":
        sender, recipient = user, Profile(id=row["recipient_key"], name=row["recipient_name"])
        known = False
    else:
        if sender_data:
            fields = {**sender_data, "id": row["sender_key"], "name": row["sender_name"]}
            sender = parse_profile(fields, "sender")
        else:  # what parse_profile makes of an id and a name, without its checks: the hot path
            key = row["sender_key"]
            sender = Profile(
                id=None if key in (None, "") else str(key), name=row["sender_name"] or ""
            )
        recipient = user
        known = row["sender_key"] in connected or bool(extra.get("known_contact"))
    history = extra.get("sender_history")
    return Request(
        text=row["text"],
        id=row["key"],
        lang=row.get("lang"),
        platform=row["platform"],
        kind=row["kind"],
        sent_at=row.get("sent_at"),
        sender=sender,
        recipient=recipient,
        known_contacts=frozenset({sender.id or ""}) if known else frozenset(),
        sender_history=SenderHistory(**history) if history else NO_HISTORY,
    )
