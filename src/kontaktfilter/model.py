"""The vocabulary of the product (ARCHITECTURE.md) as frozen dataclasses and enums: the data every
other module passes around."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple

from kontaktfilter.bilingual import Detail as Detail  # the vocabulary of verdict details
from kontaktfilter.bilingual import say as say


class Category(StrEnum):
    KNOWN = "known"
    PERSONAL = "personal"
    HONEST_PITCH = "honest_pitch"
    VAGUE = "vague"
    GENERIC = "generic"
    COLLECTOR = "collector"
    SPAM = "spam"


GENUINE_CATEGORIES = frozenset({Category.KNOWN, Category.PERSONAL, Category.HONEST_PITCH})


class Label(StrEnum):
    """The four labels of real, hand-labelled requests (eval/real/README.md): what quality is
    measured on and what the combiner is fitted on. Coarser than the categories, because a
    reader of a real note can tell these four apart reliably, not the seven."""

    PERSONAL = "personal"
    GENERIC = "generic"
    COLLECTOR = "collector"
    PITCH = "pitch"


LABEL_OF_CATEGORY = {
    Category.KNOWN: Label.PERSONAL,
    Category.PERSONAL: Label.PERSONAL,
    Category.HONEST_PITCH: Label.PITCH,
    Category.VAGUE: Label.COLLECTOR,
    Category.GENERIC: Label.GENERIC,
    Category.COLLECTOR: Label.COLLECTOR,
    Category.SPAM: Label.PITCH,
}


class Action(StrEnum):
    ACCEPT = "accept"
    ACCEPT_AND_REPLY = "accept_and_reply"
    ASK_DETAILS = "ask_details"
    HOLD_MEET_FIRST = "hold_meet_first"
    REPLY_ONLY = "reply_only"
    """Answer, but do not connect: the honest seller of seed 000 ("charmant, aber passte
    inhaltlich nicht ... 2-3 Mal hin- und hergemailt") gets a reply, not a place in the network."""
    HOLD_WAIT = "hold_wait"
    DECLINE_SILENTLY = "decline_silently"
    DECLINE_WITH_LINK = "decline_with_link"
    REPORT_SPAM = "report_spam"


ACTION_PRIORITY = (
    Action.ACCEPT_AND_REPLY,
    Action.ASK_DETAILS,
    Action.ACCEPT,
    Action.REPLY_ONLY,
    Action.HOLD_MEET_FIRST,
    Action.HOLD_WAIT,
    Action.DECLINE_WITH_LINK,
    Action.DECLINE_SILENTLY,
    Action.REPORT_SPAM,
)
"""What needs the user first: people who asked something, then the rest down to spam."""
HARMFUL_ACTIONS = frozenset({Action.DECLINE_SILENTLY, Action.DECLINE_WITH_LINK, Action.REPORT_SPAM})
"""Harm when the sender is a genuine person (the count quality is judged by first)."""
ACCEPTING_ACTIONS = frozenset({Action.ACCEPT, Action.ACCEPT_AND_REPLY})
"""A leak when the sender is not a genuine person."""

PLATFORMS = ("xing", "linkedin", "other")
KINDS = ("contact_request", "message", "group_invitation")
LANGUAGES = ("de", "en")


@dataclass(frozen=True, slots=True)
class Profile:
    """What is known about one person; every field is optional because sources differ."""

    id: str | None = None
    name: str = ""
    gender: str | None = None  # "m", "f", "x"
    headline: str = ""
    offers: tuple[str, ...] = ()
    seeks: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    publications: tuple[str, ...] = ()
    contacts: int | None = None
    created: date | None = None
    membership: str | None = None  # "basic", "premium"

    @property
    def surname(self) -> str:
        parts = self.name.split()
        return parts[-1] if parts else ""

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if len(parts) > 1 else ""


@dataclass(frozen=True, slots=True)
class SenderHistory:
    """Earlier behaviour of the sender, as far as the caller knows it (seed 001, seed 002)."""

    requests: int = 0
    withdrawn_within_7_days: int = 0
    unanswered_questions: int = 0
    answered_questions: int = 0
    """The sender answered an `ask_details` question: asking once more would only go round."""


@dataclass(frozen=True, slots=True)
class Request:
    """One incoming contact request, group invitation or first message."""

    text: str
    id: str | None = None
    lang: str | None = None
    platform: str = "other"
    kind: str = "contact_request"
    sent_at: datetime | None = None
    sender: Profile = field(default_factory=Profile)
    recipient: Profile = field(default_factory=Profile)
    known_contacts: frozenset[str] = frozenset()
    sender_history: SenderHistory = field(default_factory=SenderHistory)


class Group(StrEnum):
    """What a signal's weight speaks for. Suspicious groups add up against the genuine ones and
    the strongest side decides the category (scoring.categories); `form` only informs; a
    `learned` signal names, hit by hit, the group it pushes (Hit.group)."""

    __hash__ = str.__hash__  # hashed as its text, in C: read per hit on the hot path

    KNOWN = "known"
    PERSONAL = "personal"
    HONEST = "honest"
    GENERIC = "generic"
    COLLECTOR = "collector"
    VAGUE = "vague"
    SPAM = "spam"
    FORM = "form"
    LEARNED = "learned"


GENUINE_GROUPS = frozenset({Group.KNOWN, Group.PERSONAL, Group.HONEST})
SUSPICIOUS_GROUPS = frozenset({Group.GENERIC, Group.COLLECTOR, Group.VAGUE, Group.SPAM})


class Role(StrEnum):
    """What other parts read a signal for, declared where the signal is registered, so no part
    keeps a list of signal names of its own."""

    __hash__ = str.__hash__  # hashed as its text, in C: read per hit on the hot path

    PROTECTS = "protects"
    """Evidence a mass sender cannot fake cheaply (a relationship, a reference matching the
    recipient's real profile): the guard declines no one while enough of it stands."""
    REFERENCE = "reference"
    """Shows only that the sender read the recipient's profile: a seller who read your blog is
    still selling, so against an open pitch it does not count as personal."""
    REASON = "reason"
    """A personal reason to connect: what the lint of one's own request looks for."""
    VAGUE = "vague"
    """A vague promise (synergies, win-win) that the ask_details draft quotes back."""
    MET = "met"
    """An earlier meeting or acquaintance that the accept draft recalls."""
    DECLARES = "declares"
    """The sender says in so many words what the note is for (a wish to win the reader as a
    customer): the combiner takes the label of the signal's group, whatever the wording's style
    suggests. For signals precise by their wording, which real rows show too rarely for the
    combiner to learn a weight that can outvote a note's other words."""


class Stage(IntEnum):
    """When a signal runs. Rule signals read the note; the later stages read the rule signals'
    hits, in this order: the corpus model combines them, then the user's learner sees the
    combiner's opinion."""

    RULES = 0
    COMBINER = 1
    LEARNER = 2


class Span(NamedTuple):
    """A stretch of the note that made a signal fire; offsets index the original note.

    Span, Hit and SignalHit are named tuples rather than frozen dataclasses: a verdict creates
    several of each, and tuples construct three times faster (bench/bench_scoring.py)."""

    start: int
    end: int
    text: str


FINGERPRINT_LABELS = ("collector", "spam", "generic", "vague", "unknown")
"""What a shared template fingerprint says its template is (bulk/fingerprints.py); here so that
the command line can offer them without loading NumPy."""


class Hit(NamedTuple):
    """One firing of a signal, as the signal function yields it."""

    strength: float = 1.0
    spans: tuple[Span, ...] = ()
    detail: str = ""
    group: str = ""
    """Overrides the signal's group for this hit: the learned signal pushes towards decline or
    accept, into the group the rules already lean to."""


class SignalHit(NamedTuple):
    """A hit resolved against its signal: what a verdict reports for explanation."""

    name: str
    group: str
    weight: float
    strength: float
    spans: tuple[Span, ...]
    detail: str
    description: str
    roles: frozenset[Role] = frozenset()
    """The signal's roles (Role), carried so readers need not look the signal up."""

    @property
    def score(self) -> float:
        return self.weight * self.strength


LearnedWeights = tuple[tuple[str, float], ...]
Explain = Callable[[], tuple[tuple[SignalHit, ...], LearnedWeights]]


class Explanation:
    """A verdict's hits and learned weights, the part of it that says why.

    The engine decides a verdict (score, category, action, probabilities) at once but may leave
    what only explains it (the combiner's strongest words and spans, each signal's learned
    weight) to `pending`, worked out the first time anything reads the hits or the weights: a
    caller that only counts categories never pays for it, and every reader (the command line,
    the API, the store, pickling across `score --jobs` workers, equality) sees the whole
    explanation. Resolving is a pure function of the verdict's own request, so two threads
    reading at once compute the same thing.

    The names of the hits, in order, are known before: working the explanation out fills in
    spans and details but neither adds, drops nor reorders a hit, so `names` never resolves
    (the platform gate answers with names only)."""

    __slots__ = ("_hits", "_learned", "_pending", "names")

    def __init__(
        self,
        hits: tuple[SignalHit, ...] = (),
        learned_weights: LearnedWeights = (),
        pending: Explain | None = None,
        names: tuple[str, ...] | None = None,
    ) -> None:
        if pending is not None and names is None:
            raise ValueError("a pending explanation needs the names of its hits")
        self._hits = hits
        self._learned = learned_weights
        self._pending = pending
        self.names: tuple[str, ...] = tuple(hit.name for hit in hits) if names is None else names

    def _resolve(self) -> None:
        pending = self._pending
        if pending is not None:
            self._hits, self._learned = pending()
            self._pending = None  # after the results: a concurrent reader never sees half

    @property
    def hits(self) -> tuple[SignalHit, ...]:
        if self._pending is not None:
            self._resolve()
        return self._hits

    @property
    def learned_weights(self) -> LearnedWeights:
        if self._pending is not None:
            self._resolve()
        return self._learned

    @property
    def resolved(self) -> bool:
        """Whether the explanation has been worked out (for tests of the laziness itself)."""
        return self._pending is None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Explanation):
            return NotImplemented
        return (self.hits, self.learned_weights) == (other.hits, other.learned_weights)

    def __hash__(self) -> int:
        return hash((self.hits, self.learned_weights))

    def __repr__(self) -> str:
        return f"Explanation(hits={self.hits!r}, learned_weights={self.learned_weights!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole: a worker process sends back the explanation, never the pending work."""
        return Explanation, (self.hits, self.learned_weights)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What kontaktfilter concludes about one request, with everything needed to explain it."""

    request_id: str | None
    lang: str
    score: float
    category: Category
    action: Action
    rule: str
    reply: str | None
    reply_note: str | None
    truncated: bool = False
    genuine: float | None = None
    """The combiner's probability that a genuine person wrote the note (None: a known contact,
    or no combiner); the strategy declines only when it is low (strategy/costs.py)."""
    explanation: Explanation = field(default_factory=Explanation)
    """The hits and learned weights, complete whenever read (see Explanation)."""

    @property
    def hits(self) -> tuple[SignalHit, ...]:
        """Every signal that fired, strongest contribution first, with its spans and detail."""
        return self.explanation.hits

    @property
    def learned_weights(self) -> LearnedWeights:
        """Each rule signal's learned weight towards the combiner's likeliest label, as fitted on
        real requests (learning/corpus.py): how much that signal moved this verdict."""
        return self.explanation.learned_weights

    @property
    def signal_names(self) -> tuple[str, ...]:
        """The names of `hits`, in their order, without working the explanation out."""
        return self.explanation.names
