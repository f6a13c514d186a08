"""The notes of the simulated network (simulator.py): collector templates with spintax, and
personal notes built from many frames and a free sentence, so that two genuine notes share few
word pairs, as real ones do (the template index must not see a template in them)."""

from __future__ import annotations

import random

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


def template_note(rng: random.Random, name: str) -> str:
    """One copy of a collector's template, its synonyms spun."""
    text = rng.choice(TEMPLATES)
    return text.format(name=name, **{key: rng.choice(values) for key, values in SPIN.items()})
