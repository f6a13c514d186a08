"""A network to try the gate on: honest members, busy honest senders (recruiters, event
organisers, a new salesperson who writes personal notes), collectors, automation tools
(templates, quick withdrawals, re-invites just past the cooldown), contact parties and report
brigades against honest members. It writes the event stream in time order and the truth per
member; `gate replay` and bench/bench_gate.py measure the gate against that truth.

Memory is bounded by the members (their contacts) and the answers still to come, not by the
length of the stream: events are produced a day at a time through a heap of scheduled ones.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kontaktfilter.gate.events import (
    Event,
    GroupJoined,
    InvitationAnswered,
    InvitationSent,
    MessageSent,
    ProfileUpdated,
    Reported,
)
from kontaktfilter.gate.policies import Privacy

START = datetime(2026, 1, 5)
BAD_KINDS = ("collector", "tool", "party")
"""Members the gate should limit; every other kind is a genuine person."""


@dataclass(frozen=True, slots=True)
class Kind:
    """How one kind of member behaves: invitations per day (and how bursty), notes, what
    recipients answer, withdrawals, re-invites, reports received, messages."""

    name: str
    share: float
    per_day: float
    template_share: float
    note_share: float
    accept: float
    decline: float
    report: float
    withdraw_after: tuple[float, float] | None = None
    """Unanswered invitations are withdrawn after this many days (uniform)."""
    reinvite: float = 0.0
    """Share of withdrawn invitations sent again just after the 21-day cooldown."""
    profile_months: tuple[int, int] = (24, 120)
    contacts: tuple[int, int] = (50, 500)
    burst_every: int = 0
    """Event organisers: all of a week's invitations on one day."""


KINDS = (
    Kind("honest", 0.925, 0.12, 0.0, 0.5, 0.65, 0.12, 0.002),
    Kind("recruiter", 0.008, 4.0, 0.0, 0.9, 0.40, 0.25, 0.004),
    Kind("organiser", 0.004, 4.0, 0.0, 0.7, 0.75, 0.08, 0.002, burst_every=7),
    Kind(
        "salesperson",
        0.004,
        4.0,
        0.0,
        1.0,
        0.28,
        0.40,
        0.01,
        profile_months=(1, 4),
        contacts=(20, 150),
    ),
    Kind("brigaded", 0.004, 0.12, 0.0, 0.5, 0.65, 0.12, 0.002),
    Kind(
        "collector",
        0.03,
        20.0,
        0.7,
        0.8,
        0.20,
        0.40,
        0.04,
        withdraw_after=(1.0, 3.0),
        reinvite=0.1,
        profile_months=(2, 10),
        contacts=(600, 3000),
    ),
    Kind(
        "tool",
        0.015,
        12.5,
        1.0,
        1.0,
        0.15,
        0.35,
        0.03,
        withdraw_after=(1.0, 2.0),
        reinvite=0.3,
        profile_months=(3, 12),
        contacts=(300, 1200),
    ),
    Kind("party", 0.01, 0.2, 0.0, 0.3, 0.6, 0.1, 0.003, contacts=(200, 900)),
)
PARTY_SIZE = 30
PARTY_EVERY = 10
BRIGADE_SIZE = 40
IGNORED_AFTER = 21.0
TEMPLATES = (
    "Hallo {name}, wir sind in derselben Gruppe. Vielleicht ergeben sich {syn}. "
    "Ich freue mich auf {fut}. Gerne schicke ich Ihnen mein kostenloses E-Book.",
    "Guten Tag {name}, ich habe Ihr Profil gesehen und fand es {adj}. Lassen Sie uns "
    "vernetzen, sicher ergeben sich {syn}. {fut} freut mich.",
    "Hi {name}, I came across your profile and found it {adj}. I am always looking to grow "
    "my network with like-minded professionals. Looking forward to {fut}.",
    "Sehr geehrte/r {name}, Kontakte schaden nur dem, der keine hat! Ich lade Sie zu meinem "
    "Webinar ein, {syn} garantiert. Auf {fut}!",
)
SPIN = {
    "syn": ("Synergien", "wertvolle Synergien", "spannende Synergien", "synergies"),
    "fut": ("einen Austausch", "eine Vernetzung", "connecting", "gute Zusammenarbeit"),
    "adj": ("sehr interessant", "spannend", "beeindruckend", "interesting"),
}
GREETINGS = (
    "Guten Tag {name},",
    "Hallo {name},",
    "Liebe {name},",
    "Moin {name},",
    "Dear {name},",
    "Hi {name},",
    "Sehr geehrte {name},",
    "Servus {name},",
)
OPENERS = (
    "ich habe {when} {what} über {a} gehört",
    "wir haben uns {when} bei der {b} getroffen",
    "Ihr Beitrag zu {a} hat mich {how} beschäftigt",
    "I read your {what} on {a} {when}",
    "mein Kollege {person} hat mir von Ihrer Arbeit an {a} erzählt",
    "seit {when} arbeite ich selbst an {a} in {city}",
    "we spoke {when} at {b} about {a}",
    "auf der {b} haben Sie {when} zu {a} gesprochen",
)
ASKS = (
    "Darf ich Ihnen eine Frage zu {a2} stellen",
    "Wir suchen für {city} jemanden mit {a2}",
    "Hätten Sie {when2} Zeit für ein kurzes Telefonat über {a2}",
    "Could you share the slides about {a2}",
    "Ich würde gern Ihre Meinung zu {a2} hören",
    "Mich interessiert, wie Sie {a2} in {city} gelöst haben",
    "Für unser Projekt zu {a2} brauchen wir {need}",
    "I am hiring a {role} for {a2} in {city}",
)
CLOSINGS = (
    "Viele Grüße",
    "Beste Grüße aus {city}",
    "Danke und schöne Grüße",
    "Best, {person}",
    "Herzliche Grüße",
    "Bis bald",
    "Cheers",
    "Freundliche Grüße aus {city}",
)
WORDS = {
    "a": (
        "Lieferketten",
        "Datenschutz",
        "Kältetechnik",
        "Pflegeplanung",
        "Rust-Compilern",
        "Tarifrecht",
        "Solarstatik",
        "Hafenlogistik",
        "Onkologie",
        "Bauakustik",
        "Fördertechnik",
        "Wärmepumpen",
        "Kita-Software",
        "Biogas",
        "Orgelbau",
        "Steuerrecht",
        "Glasfaser",
        "Schienenverkehr",
        "Lebensmittelchemie",
        "Akustik",
        "Hochwasserschutz",
        "Holzbau",
        "Zahnmedizin",
        "Quantensensorik",
    ),
    "b": (
        "Hannover Messe",
        "re:publica",
        "IHK Köln",
        "DevConf",
        "Fachtagung Bau",
        "Uni Jena",
        "Bauma",
        "Medica",
        "Gamescom",
        "Hafentag Kiel",
        "Pflegetag Berlin",
        "OOP München",
    ),
    "when": (
        "gestern",
        "letzte Woche",
        "im März",
        "vorgestern",
        "last week",
        "im Herbst",
        "neulich",
        "2019",
        "vor zwei Jahren",
        "yesterday",
    ),
    "when2": ("nächste Woche", "im Mai", "Donnerstag", "nach Ostern", "morgen"),
    "what": ("Podcast", "Vortrag", "Artikel", "Interview", "paper", "Blogpost", "Buch"),
    "how": ("lange", "sehr", "noch Tage", "seitdem"),
    "city": (
        "Leipzig",
        "Bremen",
        "Passau",
        "Kiel",
        "Graz",
        "Basel",
        "Dortmund",
        "Erfurt",
        "Ulm",
        "Trier",
        "Rostock",
        "Mainz",
    ),
    "person": ("Jana", "Ömer", "Piotr", "Katrin", "Malte", "Aylin", "Jonas", "Greta"),
    "need": ("eine Gutachterin", "zwei Tage Beratung", "einen Partner", "Messdaten"),
    "role": ("developer", "Bauleiterin", "site engineer", "Pflegeleitung"),
}


VOCABULARY = tuple(
    """Projekt Kunde Anlage Messung Termin Angebot Frage Lösung Team Standort Fertigung Studie
    Daten Norm Prüfung Entwurf Bericht Stelle Schicht Werk Labor Rechnung Vertrag Zeitplan
    Bauteil Versuch Modell Netz Planung Ausschreibung Förderung Konzept Auswertung Gerät Anbau
    Umbau Klinik Schule Verein Gemeinde Hafen Brücke Halle Dach Keller Leitung Pumpe Sensor
    Ventil Motor Achse Rahmen Platte Schraube Kabel Server Datenbank Schnittstelle Modul Kurs
    Seminar Praktikum Abschluss Thesis Gutachten Antrag Zulassung Muster Serie Charge Los
    neue alte kleine große schnelle genaue offene geplante laufende erste zweite letzte
    eigene gemeinsame regionale technische rechtliche medizinische digitale mobile
    prüfen planen bauen messen rechnen testen liefern ändern klären teilen zeigen helfen
    suchen finden lesen schreiben fragen lernen lehren führen leiten starten öffnen
    morgen heute bald später früher dort hier damals wieder gerade zuerst danach
    mit ohne für gegen über unter neben zwischen nach vor seit bis durch um bei""".split()
)


def personal_note(rng: random.Random, name: str) -> str:
    """A note about the recipient: many frames, many words, so that two notes rarely share
    more than a few word pairs (as genuine notes do not)."""
    words = {key: rng.choice(values) for key, values in WORDS.items()}
    words["a2"] = rng.choice(WORDS["a"])
    parts = [rng.choice(GREETINGS).format(name=name), rng.choice(OPENERS).format(**words) + "."]
    own = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(10, 18)))
    parts.append(own[0].upper() + own[1:] + ".")
    parts.append(rng.choice(ASKS).format(**words) + "?")
    parts.append(rng.choice(CLOSINGS).format(**words))
    return " ".join(parts)


@dataclass(slots=True)
class Member:
    key: str
    kind: Kind
    created: date
    contacts: list[int]
    groups: tuple[str, ...] = ()


class Network:
    """`events()` yields the stream; `truth` maps each member to their kind."""

    def __init__(self, users: int, days: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.days, self.count = days, 0
        self.members: list[Member] = []
        self.queue: list[tuple[datetime, int, Event | tuple[int, int]]] = []
        self._order = itertools.count()
        kinds = self.rng.choices(KINDS, weights=[k.share for k in KINDS], k=users)
        for index, kind in enumerate(kinds):
            months = self.rng.randint(*kind.profile_months)
            created = (START - timedelta(days=30 * months)).date()
            self.members.append(Member(f"u{index}", kind, created, []))
        self.by_kind: dict[str, list[int]] = {}
        for index, member in enumerate(self.members):
            self.by_kind.setdefault(member.kind.name, []).append(index)
        self.honest = self.by_kind.get("honest", [0])
        self.truth = {m.key: m.kind.name for m in self.members}

    def _id(self) -> str:
        self.count += 1
        return f"s{self.count}"

    def _push(self, event: Event) -> None:
        heapq.heappush(self.queue, (event.at, next(self._order), event))

    def _setup(self) -> None:
        groups = max(len(self.members) // 200, 1)
        parties = self.by_kind.get("party", [])
        for index, member in enumerate(self.members):
            privacy = self.rng.choice(tuple(Privacy))
            self._push(
                ProfileUpdated.model_construct(
                    event_id=self._id(),
                    kind="profile_updated",
                    at=START,
                    user=member.key,
                    created=member.created,
                    contacts=self.rng.randint(*member.kind.contacts),
                    privacy=privacy,
                )
            )
            mine = {f"g{self.rng.randrange(groups)}" for _ in range(self.rng.randint(0, 3))}
            if member.kind.name == "party":
                mine.add(f"party{parties.index(index) // PARTY_SIZE}")
            member.groups = tuple(sorted(mine))
            for group in member.groups:
                self._push(
                    GroupJoined.model_construct(
                        event_id=self._id(),
                        kind="group_joined",
                        at=START,
                        user=member.key,
                        group=group,
                    )
                )

    def _note(self, kind: Kind, recipient: Member) -> str:
        rng = self.rng
        if rng.random() >= kind.note_share:
            return ""
        name = f"Frau {recipient.key.upper()}" if rng.random() < 0.5 else recipient.key
        if rng.random() < kind.template_share:
            text = rng.choice(TEMPLATES)
            return text.format(name=name, **{k: rng.choice(v) for k, v in SPIN.items()})
        return personal_note(rng, name)

    def _invite(self, sender: int, recipient: int, at: datetime, reinvite: bool = True) -> None:
        rng, member, target = self.rng, self.members[sender], self.members[recipient]
        kind = member.kind
        key = self._id()
        self._push(
            InvitationSent.model_construct(
                event_id=key,
                kind="invitation_sent",
                at=at,
                invitation_id=key,
                sender=member.key,
                recipient=target.key,
                note=self._note(kind, target),
            )
        )
        roll = rng.random()
        answer_at = at + timedelta(days=rng.expovariate(1 / 2.0))
        if roll < kind.accept:
            outcome = "accepted"
        elif roll < kind.accept + kind.decline:
            outcome = "declined"
        else:
            outcome, answer_at = "ignored", at + timedelta(days=IGNORED_AFTER)
        if kind.withdraw_after:
            withdraw_at = at + timedelta(days=rng.uniform(*kind.withdraw_after))
            if withdraw_at < answer_at:
                outcome, answer_at = "withdrawn", withdraw_at
                if reinvite and rng.random() < kind.reinvite:
                    again = withdraw_at + timedelta(days=21.2 + rng.random())
                    heapq.heappush(self.queue, (again, next(self._order), (sender, recipient)))
        comment = "Danke, kein Bedarf." if outcome == "declined" and rng.random() < 0.3 else ""
        self._push(
            InvitationAnswered.model_construct(
                event_id=self._id(),
                kind=f"invitation_{outcome}",
                at=answer_at,
                invitation_id=key,
                comment=comment,
            )
        )
        if outcome == "accepted":
            member.contacts.append(recipient)
            target.contacts.append(sender)
        if outcome != "accepted" and rng.random() < kind.report / (1 - kind.accept):
            self._push(
                Reported.model_construct(
                    event_id=self._id(),
                    kind="reported",
                    at=answer_at,
                    reporter=target.key,
                    reported=member.key,
                )
            )

    def _day(self, today: int) -> None:
        rng, base = self.rng, START + timedelta(days=today)
        for index, member in enumerate(self.members):
            kind = member.kind
            if kind.burst_every and today % kind.burst_every:
                continue
            rate = kind.per_day * (kind.burst_every or 1)
            for _ in range(_poisson(rng, rate)):
                at = base + timedelta(seconds=rng.randrange(86_400))
                recipient = rng.randrange(len(self.members))
                if recipient != index:
                    self._invite(index, recipient, at)
            if member.contacts and rng.random() < 0.15:
                at = base + timedelta(seconds=rng.randrange(86_400))
                self._push(
                    MessageSent.model_construct(
                        event_id=self._id(),
                        kind="message_sent",
                        at=at,
                        sender=member.key,
                        recipient=self.members[rng.choice(member.contacts)].key,
                    )
                )
        if today % PARTY_EVERY == 3:
            self._party(base)
        if today % 7 == 2:
            self._brigade(base, today)

    def _party(self, base: datetime) -> None:
        """Every party member invites every other member of the party within a few hours."""
        parties = self.by_kind.get("party", [])
        for start in range(0, len(parties), PARTY_SIZE):
            group = parties[start : start + PARTY_SIZE]
            for sender in group:
                for recipient in group:
                    if recipient != sender and self.rng.random() < 0.6:
                        at = base + timedelta(hours=18 + self.rng.random() * 4)
                        self._invite(sender, recipient, at)

    def _brigade(self, base: datetime, today: int) -> None:
        """New accounts (and a few old ones the target never met) report an honest member."""
        brigaded = self.by_kind.get("brigaded", [])
        if not brigaded:
            return
        target = self.members[brigaded[(today // 7) % len(brigaded)]]
        for n in range(BRIGADE_SIZE):
            key, old = f"b{today}_{n}", n % 4 == 0
            created = (base - timedelta(days=400 if old else 1)).date()
            self.truth[key] = "brigade"
            at = base + timedelta(minutes=n)
            self._push(
                ProfileUpdated.model_construct(
                    event_id=self._id(),
                    kind="profile_updated",
                    at=at,
                    user=key,
                    created=created,
                    contacts=3,
                    privacy="everyone",
                )
            )
            self._push(
                Reported.model_construct(
                    event_id=self._id(),
                    kind="reported",
                    at=at + timedelta(seconds=30),
                    reporter=key,
                    reported=target.key,
                )
            )

    def events(self) -> Iterator[Event]:
        """The stream in time order, one simulated day produced at a time."""
        self._setup()
        for today in range(self.days):
            self._day(today)
            end = START + timedelta(days=today + 1)
            while self.queue and self.queue[0][0] < end:
                at, _, item = heapq.heappop(self.queue)
                if isinstance(item, tuple):  # a re-invite falls due
                    self._invite(item[0], item[1], at, reinvite=False)
                    continue
                yield item


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: rates here are small, and random.Random has no Poisson."""
    limit, count, product = pow(2.718281828459045, -rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
