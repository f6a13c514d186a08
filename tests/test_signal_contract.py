"""One contract over the whole registry, like scikit-learn's estimator checks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kontaktfilter.engine import Engine
from kontaktfilter.model import Profile, Request, Role, SenderHistory, Stage
from kontaktfilter.signals import REGISTRY
from kontaktfilter.signals.phrases import CANCELLING_FAMILIES, PHRASE_FAMILIES
from kontaktfilter.signals.registry import NAME_FORMAT, SignalDefinitionError, register
from kontaktfilter.text.lexicon import load_builtin_lexicons

DOCS = Path(__file__).parent.parent / "docs" / "signals.md"
RECIPIENT = Profile(
    name="Thomas Kilian",
    gender="m",
    interests=("Segeln",),
    offers=("Vertriebstraining",),
    publications=("Die 10 schlechtesten Gründe für eine Kontaktanfrage",),
)
SAMPLES = [
    Request(text=""),
    Request(text="Hallo Frau Kilian, wie ich lese, sind Sie auch in der Gruppe X. Synergien!"),
    Request(
        text="Danke für die Kontaktbestätigung! Mein Webinar: https://x.example/y",
        sender=Profile(contacts=999, created=None),
        sender_history=SenderHistory(withdrawn_within_7_days=3, unanswered_questions=1),
    ),
    Request(
        text="Sehr geehrter Herr Kilian, Ihr Artikel über die 10 schlechtesten Gründe war toll. "
        "Können Sie uns ein Vertriebstraining anbieten? Ich habe gesehen, dass Sie sich auch "
        "für Segeln interessieren.",
        recipient=RECIPIENT,
    ),
    Request(text="I'd love to explore synergies. Your network is your net worth! " * 40),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def test_names_and_descriptions() -> None:
    for name, signal in REGISTRY.items():
        assert NAME_FORMAT.match(name)
        assert signal.description.strip() and signal.description_de.strip()
        assert signal.description != signal.description_de, f"{name}: German text missing"


@pytest.mark.parametrize("request_", SAMPLES, ids=range(len(SAMPLES)))
def test_hits_are_well_formed_and_deterministic(engine: Engine, request_: Request) -> None:
    first, second = engine.score(request_), engine.score(request_)
    assert first == second
    for hit in first.hits:
        low = -1.0 if hit.name.startswith("LEARN_") else 0.0  # the learned signal is two-sided
        assert low <= hit.strength <= 1.0, hit
        for span in hit.spans:
            assert 0 <= span.start < span.end <= len(request_.text)
            assert request_.text[span.start : span.end] == span.text


def test_samples_exercise_most_signals(engine: Engine) -> None:
    fired = {name for r in SAMPLES for name in engine.score(r).signal_names}
    assert len(fired) >= 15, fired


def test_every_signal_is_documented() -> None:
    text = DOCS.read_text("utf-8")
    for name, signal in REGISTRY.items():
        match = re.search(rf"^### {name}\n\n\*\*weight\*\* `([-+0-9.]+)`", text, re.MULTILINE)
        assert match, f"{name} is missing from docs/signals.md"
        assert float(match.group(1)) == signal.weight, f"{name}: documented weight is stale"


def test_no_documented_signal_is_gone() -> None:
    documented = set(re.findall(r"^### ([A-Z0-9_]+)$", DOCS.read_text("utf-8"), re.MULTILINE))
    assert documented <= set(REGISTRY), documented - set(REGISTRY)


def test_every_lexicon_family_feeds_a_signal() -> None:
    used = {family for signal in REGISTRY.values() for family in signal.families}
    families = {p.family for p in load_builtin_lexicons()}
    assert families <= used | CANCELLING_FAMILIES, families - used - CANCELLING_FAMILIES
    assert families >= PHRASE_FAMILIES, PHRASE_FAMILIES - families


@pytest.mark.parametrize(
    ("name", "weight", "group", "message"),
    [
        ("bad_name", 1.0, "spam", "does not match"),
        ("PHRASE_SYNERGIES", 1.0, "vague", "registered twice"),
        ("PHRASE_NEW_ONE", float("nan"), "vague", "non-finite"),
        ("PHRASE_NEW_ONE", 1.0, "nonsense", "unknown group"),
    ],
)
def test_decorator_refuses_bad_declarations(name, weight, group, message) -> None:
    with pytest.raises(SignalDefinitionError, match=message):
        register(name, weight, group, "x", "y")(lambda request, ctx: iter(()))


def test_decorator_refuses_missing_description() -> None:
    with pytest.raises(SignalDefinitionError, match="description"):
        register("PHRASE_NEW_ONE", 1.0, "vague", "x", " ")(lambda request, ctx: iter(()))


def test_no_list_of_signal_names_outside_the_signals_package() -> None:
    """Roles are declared where a signal is registered (Role, Stage, Group; issue 18): outside
    kontaktfilter/signals/, no collection literal, dict or call names two or more signals, so a
    new signal cannot be forgotten in a list somewhere else."""
    root = Path(__file__).parent.parent / "src" / "kontaktfilter"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] == "signals":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                elements = node.elts
            elif isinstance(node, ast.Dict):
                elements = [key for key in node.keys if key is not None]
            elif isinstance(node, ast.Call):
                elements = node.args
            else:
                continue
            names = [
                element.value
                for element in elements
                if isinstance(element, ast.Constant)
                and isinstance(element.value, str)
                and NAME_FORMAT.match(element.value)
            ]
            if len(names) >= 2:
                offenders.append(f"{path.relative_to(root)}:{node.lineno}: {names}")
    assert offenders == []


def test_roles_are_declared_with_the_signals() -> None:
    """Each role has its signals, and the guard's protection covers what a mass sender cannot
    fake cheaply: a relationship and references to the recipient's real profile."""
    by_role = {role: {n for n, s in REGISTRY.items() if role in s.roles} for role in Role}
    assert all(by_role.values())
    assert {"GOOD_KNOWN_CONTACT", "GOOD_MET_IN_PERSON", "GOOD_PUBLICATION_MATCH"} <= by_role[
        Role.PROTECTS
    ]
    assert "GOOD_CONCRETE_QUESTION" not in by_role[Role.PROTECTS]  # spam asks questions too
    stages = sorted(s.stage for s in REGISTRY.values() if s.late)
    assert stages == [Stage.COMBINER, Stage.LEARNER]
