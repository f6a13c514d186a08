"""The scoring engine: request in, verdict out. The same object serves the CLI, API and batch jobs.

Pipeline (ARCHITECTURE.md): analyse the note once, match every phrase family in one pass, run the
registered signals against that shared context, add the weights per group, pick the category,
let the strategy choose the action, and draft the reply.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from kontaktfilter.config import DEFAULT_POLICY_URL
from kontaktfilter.model import (
    Action,
    Category,
    Explanation,
    Label,
    LearnedWeights,
    Request,
    Role,
    SignalHit,
    Stage,
    Verdict,
)
from kontaktfilter.replies.drafts import draft_reply
from kontaktfilter.scoring.categories import categorise
from kontaktfilter.scoring.corpus_model import LABELS, CorpusModel, shipped_corpus_model
from kontaktfilter.signals import PREPARERS, REGISTRY, Signal
from kontaktfilter.signals.context import Context, History
from kontaktfilter.signals.corpus import CATEGORY_OF_GROUP
from kontaktfilter.signals.registry import HitExplainer
from kontaktfilter.strategy import GUARD_RULE, Costs, Strategy, decide, default_strategy
from kontaktfilter.text.lexicon import Pattern
from kontaktfilter.text.lexicon_cache import builtin_matcher
from kontaktfilter.text.matcher import PhraseMatch, PhraseMatcher
from kontaktfilter.text.note import analyse, guess_language

if TYPE_CHECKING:  # the model needs NumPy; the engine only passes it on
    from kontaktfilter.scoring.learned_model import LearnedModel

_RUN_MEMO_LIMIT = 10_000
SHIPPED: Literal["shipped"] = "shipped"
"""Engine(corpus=SHIPPED), the default: the corpus model that ships with the package."""
SUBSTANTIAL_NOTE_TOKENS = 15
"""A note this long without a stock phrase is likely written for its recipient: ask, not decline."""


_RULES, _COMBINER, _LEARNER = Stage.RULES, Stage.COMBINER, Stage.LEARNER
_REFERENCE = Role.REFERENCE
"""Members read once: an enum member's attribute look-up costs more than the test per hit."""


def _is_reference(hit: SignalHit) -> bool:
    """A reference to the profile (Role.REFERENCE), including to what the recipient offers (a
    seller targets that); answering what the recipient seeks is more than a reference."""
    return _REFERENCE in hit.roles and not hit.detail.startswith("seeks:")


def _contribution(hit: SignalHit) -> float:
    """Sort key, strongest first: the hit's score (weight times strength) without the property."""
    return -abs(hit.weight * hit.strength)


class ConfigurationError(ValueError):
    """A weight override or setting names something that does not exist."""


class Engine:
    """Scores requests. Construct once (compiling lexicons is the costly part), call often."""

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        patterns: Sequence[Pattern] | None = None,
        policy_url: str = DEFAULT_POLICY_URL,
        signals: Mapping[str, Signal] | None = None,
        history: History | None = None,
        strategy: Strategy | None = None,
        learner: LearnedModel | None = None,
        corpus: CorpusModel | Literal["shipped"] | None = SHIPPED,
        costs: Costs | None = None,
    ) -> None:
        self.history = history
        self.costs = costs or Costs()
        self.learner = learner
        self.corpus = shipped_corpus_model() if isinstance(corpus, str) else corpus
        self.strategy = strategy or default_strategy()
        registry = dict(signals if signals is not None else REGISTRY)
        overrides = dict(weights or {})
        unknown = sorted(set(overrides) - set(registry))
        if unknown:
            raise ConfigurationError(f"weights: unknown signal(s) {', '.join(unknown)}")
        self.signals: tuple[tuple[Signal, float], ...] = tuple(
            (signal, float(overrides.get(name, signal.weight))) for name, signal in registry.items()
        )
        active = [entry for entry in self.signals if entry[1] != 0.0]  # weight 0 switches off
        self._always = tuple(e for e in active if not e[0].families and not e[0].late)
        self._late = tuple(sorted((e for e in active if e[0].late), key=lambda e: e[0].stage))
        self._stages = {signal.name: signal.stage for signal, _ in self.signals}
        self._explainers: dict[str, HitExplainer] = {
            signal.name: signal.explainer
            for signal, _ in self.signals
            if signal.explainer is not None
        }
        self._by_family: dict[str, list[int]] = defaultdict(list)
        for index, (signal, weight) in enumerate(self.signals):
            if weight == 0.0:
                continue
            for family in signal.families:
                self._by_family[family].append(index)
        self._to_run: dict[tuple[str, ...], tuple[tuple[Signal, float], ...]] = {}
        """The signals to run for the families a note matched, in registry order; the same few
        combinations of families come back again and again."""
        self.matcher = PhraseMatcher(patterns) if patterns is not None else builtin_matcher()
        self.policy_url = policy_url

    def with_history(self, history: History | None) -> Engine:
        """The same engine reading another history (an importer's own template index);
        the compiled lexicons are shared, not rebuilt."""
        twin = copy.copy(self)
        twin.history = history
        return twin

    def with_strategy(self, strategy: Strategy) -> Engine:
        """The same engine deciding actions by another strategy."""
        twin = copy.copy(self)
        twin.strategy = strategy
        return twin

    def with_corpus(self, corpus: CorpusModel | None) -> Engine:
        """The same engine with another corpus model, or none (the rules and the user's learner
        decide alone)."""
        twin = copy.copy(self)
        twin.corpus = corpus
        return twin

    def with_learner(self, learner: LearnedModel | None) -> Engine:
        """The same engine with a user's learned model (kontaktfilter.learning), or without."""
        twin = copy.copy(self)
        twin.learner = learner
        return twin

    def context(self, request: Request, now: datetime | None = None) -> Context:
        """The shared, read-only view of a request that every signal receives."""
        note = analyse(request.text)
        fallback = "de" if request.platform == "xing" else "en"
        lang = request.lang or guess_language(note, fallback)
        moment = now or request.sent_at or datetime.now(UTC)
        phrases: dict[str, list[PhraseMatch]] = defaultdict(list)
        for match in self.matcher.find(note):
            phrases[match.family].append(match)
        return Context(
            note=note,
            lang=lang,
            now=moment,
            phrases=phrases,
            history=self.history,
            learner=self.learner,
            corpus=self.corpus,
        )

    def hits(self, request: Request, ctx: Context) -> list[SignalHit]:
        """Every signal that fired, strongest contribution first, each with its spans and
        detail."""
        return self._explain(request, ctx, self._decisive_hits(request, ctx))

    def _decisive_hits(self, request: Request, ctx: Context) -> list[SignalHit]:
        """Every signal that fired, strongest contribution first, as far as deciding needs:
        a signal with an explainer (Signal.explainer) has its spans and detail still empty.
        Late signals (the user's learner, the corpus model) run last and see the others' hits
        and the category those alone give."""
        families = tuple(ctx.phrases)
        signals = self._to_run.get(families)
        if signals is None:
            triggered = sorted({i for family in families for i in self._by_family.get(family, ())})
            signals = self._always + tuple(self.signals[i] for i in triggered)
            if len(self._to_run) >= _RUN_MEMO_LIMIT:
                self._to_run.clear()
            self._to_run[families] = signals
        found = self._run(signals, request, ctx)
        if self._late and (ctx.learner is not None or ctx.corpus is not None):
            ctx.rule_hits = tuple(found)
            ctx.rules_category = self.category_of(found, ctx)
            if ctx.corpus is not None and ctx.note.tokens:  # an empty note: the rules decide
                ctx.reading = ctx.corpus.read(ctx.note, [(h.name, h.strength) for h in found])
            for late in self._late:  # in Stage order: the learner sees the combiner's opinion
                spoken = self._run((late,), request, ctx)
                if spoken and late[0].stage is Stage.COMBINER:
                    ctx.rules_category = CATEGORY_OF_GROUP[spoken[0].group]
                found += spoken
        found.sort(key=_contribution)
        return found

    @staticmethod
    def _run(
        signals: Sequence[tuple[Signal, float]], request: Request, ctx: Context
    ) -> list[SignalHit]:
        found: list[SignalHit] = []
        german = ctx.lang == "de"
        new = tuple.__new__  # a SignalHit without the Python frame of SignalHit(...) or _make
        for signal, weight in signals:
            hits = signal.function(request, ctx)
            if hits:
                description = signal.description_de if german else signal.description
                name, group, roles = signal.name, signal.group, signal.roles
                for hit in hits:
                    found.append(
                        new(
                            SignalHit,
                            (
                                name,
                                hit.group or group,
                                weight,
                                hit.strength,
                                hit.spans,
                                hit.detail,
                                description,
                                roles,
                            ),
                        )
                    )
        return found

    def decide(self, hits: Sequence[SignalHit], ctx: Context) -> Category:
        """The category, in this order of authority: the user's own learner when it pushes
        elsewhere (its push added to the rules' weights); else the corpus model when it has an
        opinion (which the learner may also confirm); else the rules' weights alone."""
        opinion = learned = None
        rest = []
        for hit in hits:
            stage = self._stages.get(hit.name)
            if stage is _COMBINER:
                opinion = hit
                continue
            if stage is _LEARNER:
                learned = hit
            rest.append(hit)
        if opinion is not None and (learned is None or learned.group == opinion.group):
            return CATEGORY_OF_GROUP[opinion.group]
        return self.category_of(rest, ctx)

    def _explain(self, request: Request, ctx: Context, hits: list[SignalHit]) -> list[SignalHit]:
        """The hits with the spans and detail their signals' explainers work out; the order
        stays, for an explainer changes neither weight nor strength."""
        explainers = self._explainers
        for index, hit in enumerate(hits):
            explain = explainers.get(hit.name)
            if explain is not None:
                spans, detail = explain(request, ctx, hit)
                hits[index] = hit._replace(spans=spans, detail=detail)
        return hits

    def _explanation(self, request: Request, ctx: Context, hits: list[SignalHit]) -> Explanation:
        """The verdict's explanation, worked out when first read (model.Explanation): the
        decision above never reads the spans and details an explainer adds, nor the learned
        weights."""

        def complete() -> tuple[tuple[SignalHit, ...], LearnedWeights]:
            explained = self._explain(request, ctx, list(hits))
            return tuple(explained), self.learned_weights(explained, ctx)

        return Explanation(pending=complete, names=tuple(hit.name for hit in hits))

    def learned_weights(self, hits: Sequence[SignalHit], ctx: Context) -> LearnedWeights:
        """Each rule signal's learned push towards the combiner's likeliest label (its weight
        in the combiner times the hit's strength), for the explanation."""
        if ctx.corpus is None or ctx.reading is None:
            return ()
        target = ctx.corpus_label
        if target is None:  # read but silent (a known sender): towards the likeliest label
            probabilities = ctx.reading.probabilities
            target = max(range(len(LABELS)), key=probabilities.__getitem__)
        return tuple(
            (hit.name, round(ctx.corpus.signal_push(hit.name, target) * min(hit.strength, 1.0), 3))
            for hit in hits
            if self._stages.get(hit.name) is _RULES
        )

    def genuine_probability(self, hits: Sequence[SignalHit], ctx: Context) -> float | None:
        """The combiner's probability that a genuine person wrote the note, when the combiner
        spoke (not for a known contact, whose acceptance rests on the fact)."""
        if ctx.reading is None:
            return None
        stages = self._stages
        if not any(stages.get(hit.name) is _COMBINER for hit in hits):
            return None
        return ctx.reading.probabilities[LABELS.index(Label.PERSONAL)]

    @staticmethod
    def category_of(hits: Sequence[SignalHit], ctx: Context) -> Category:
        """The category these hits give, by the weight each signal group gathered."""
        groups: dict[str, float] = defaultdict(float)
        for hit in hits:
            groups[hit.group] += hit.weight * hit.strength  # the score, without the property
        references = sum(-hit.score for hit in hits if _is_reference(hit))
        return categorise(groups, len(ctx.note.tokens) >= SUBSTANTIAL_NOTE_TOKENS, references)

    def draft(self, request: Request, action: Action) -> tuple[str | None, str | None]:
        """The reply draft (and its note) for an action the user chose, which may differ from
        the recommended one: the screener drafts what the user is about to do."""
        ctx = self.context(request)
        return self._draft(request, action, self._decisive_hits(request, ctx), ctx.lang)

    def _draft(
        self,
        request: Request,
        action: Action,
        hits: Sequence[SignalHit],
        lang: str,
        guarded: bool = False,
    ) -> tuple[str | None, str | None]:
        return draft_reply(
            action,
            hits,
            lang,
            request.sender,
            request.recipient,
            self.policy_url,
            guarded=guarded,
            text=request.text,
        )

    def score(self, request: Request, now: datetime | None = None) -> Verdict:
        """The verdict for one request; `now` defaults to its sending time, else the clock."""
        return self._verdict(request, self.context(request, now))

    def score_many(self, requests: Iterable[Request], now: datetime | None = None) -> list[Verdict]:
        """The verdicts for a batch of requests, in input order, identical to score() on each.

        What costs more in per-call overhead than in arithmetic is done once for the batch: the
        template signatures in one vectorised MinHash call (the registered batch preparers) and
        the corpus model's rows of every new sentence in one gather. Batch callers (score,
        import, rescore, the network sweep) come through here."""
        batch = list(requests)
        contexts = [self.context(request, now) for request in batch]
        for prepare in PREPARERS:
            prepare(batch, contexts)
        if self.corpus is not None:
            self.corpus.prepare(ctx.note for ctx in contexts)
        return [self._verdict(r, ctx) for r, ctx in zip(batch, contexts, strict=True)]

    def _verdict(self, request: Request, ctx: Context) -> Verdict:
        hits = self._decisive_hits(request, ctx)
        category = self.decide(hits, ctx)
        genuine = self.genuine_probability(hits, ctx)
        action, rule = decide(self.strategy, category, hits, request, ctx.now, genuine, self.costs)
        reply, note = self._draft(request, action, hits, ctx.lang, rule == GUARD_RULE)
        return Verdict(
            request_id=request.id,
            lang=ctx.lang,
            score=round(sum([hit.weight * hit.strength for hit in hits]), 3),
            category=category,
            action=action,
            rule=rule,
            reply=reply,
            reply_note=note,
            truncated=ctx.note.truncated,
            genuine=None if genuine is None else round(genuine, 3),
            explanation=self._explanation(request, ctx, hits),
        )
