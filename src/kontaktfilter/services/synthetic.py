"""Synthetic LinkedIn data exports in the real file layout, for tests, benchmarks and the demo.

The notes are the shipped sample inbox's, with the recipient's name swapped and a sentence of
its own added to most of them, so that the template index sees mostly distinct texts and a few
real templates (the sample's group-pretext copies), as a real inbox would. Deterministic for a
seed. Layout as `imports/linkedin.py` describes it (Connections.csv with its "Notes:" preamble,
Invitations.csv with `M/D/YY, h:mm AM` dates, messages.csv with every field quoted).
"""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

CONNECTIONS_PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\n'
    "\n"
)
FIRST = "Anna Ben Clara David Emma Felix Greta Hannes Ida Jonas Lena Max Nora Paul Sara Tom".split()
LAST = "Albrecht Brenner Claassen Dietz Ebert Falk Gruber Haas Imhof Jung Kern Lutz Mohr".split()
EXTRA_SENTENCES = (
    "Ich bin seit {n} Jahren in der Branche unterwegs.",
    "Wir sitzen in {city} und arbeiten bundesweit.",
    "Viele Grüße aus {city}!",
    "I have been working in this field for {n} years.",
    "Greetings from {city}.",
    "Unser Team ist in den letzten {n} Monaten stark gewachsen.",
)
CITIES = "Bremen Hamburg Kiel Köln Leipzig München Münster Dresden Berlin Hannover".split()
EMPTY_SHARE = 0.55
"""Most LinkedIn invitations carry no note (the platform's default asks for none)."""


def spin(template: str, rng: random.Random) -> str:
    """One rendering of a spintax template: each `{a|b|c}` replaced by one of its options, as
    automation tools vary a text so that no two copies read alike."""
    out, rest = [], template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        options, _, rest = tail.partition("}")
        out += [head, rng.choice(options.split("|"))]
    return "".join(out) + rest


def _sample_notes() -> list[str]:
    text = (resources.files("kontaktfilter.data") / "sample_inbox.jsonl").read_text("utf-8")
    return [json.loads(line)["text"] for line in text.splitlines() if line.strip()]


def _sent_at(moment: datetime) -> str:
    """LinkedIn's `1/29/26, 2:37 PM`."""
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month}/{moment.day}/{moment.strftime('%y')}, {hour}:{moment:%M} {suffix}"


def _person(rng: random.Random, number: int) -> tuple[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    slug = f"{name.lower().replace(' ', '-')}-{number:06x}"
    return name, f"https://www.linkedin.com/in/{slug}"


def _csv(rows: Iterator[list[str]], header: list[str], quote_all: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(
        out, lineterminator="\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_files(
    invitations: int = 1000,
    connections: int = 200,
    messages: int = 200,
    seed: int = 7,
    owner: str = "Katrin Albers",
) -> dict[str, str]:
    """File name -> content of a LinkedIn export with the given numbers of rows."""
    rng = random.Random(seed)
    notes = _sample_notes()
    owner_url = "https://www.linkedin.com/in/katrin-albers"
    start = datetime(2026, 1, 5, 8, 0)
    contacts = [_person(rng, number) for number in range(connections)]

    def connection_rows() -> Iterator[list[str]]:
        for number, (name, url) in enumerate(contacts):
            first, last = name.split(" ", 1)
            connected = start - timedelta(days=3 * number % 2000)
            yield [
                first,
                last,
                url,
                "",
                "Beispiel GmbH",
                "Vertrieb",
                connected.strftime("%d %b %Y"),
            ]

    def invitation_rows() -> Iterator[list[str]]:
        for number in range(invitations):
            moment = start + timedelta(minutes=7 * number)
            if number % 10 == 9:  # the user's own outgoing invitations
                name, url = _person(rng, 10_000_000 + number)
                yield [owner, name, _sent_at(moment), "", "OUTGOING", owner_url, url]
                continue
            if contacts and number % 25 == 0:
                name, url = rng.choice(contacts)
            else:
                name, url = _person(rng, 1_000_000 + number)
            note = ""
            if rng.random() >= EMPTY_SHARE:
                note = rng.choice(notes).replace("Albers", "Meyer").replace("Katrin", "Karin")
                if rng.random() < 0.8:
                    extra = rng.choice(EXTRA_SENTENCES)
                    note += " " + extra.format(n=rng.randint(2, 30), city=rng.choice(CITIES))
            yield [name, owner, _sent_at(moment), note, "INCOMING", url, owner_url]

    def message_rows() -> Iterator[list[str]]:
        for number in range(messages):
            name, url = rng.choice(contacts) if contacts else _person(rng, number)
            moment = start + timedelta(hours=5 * number)
            outgoing = number % 3 == 2
            sender, sender_url = (owner, owner_url) if outgoing else (name, url)
            to, to_url = (name, url) if outgoing else (owner, owner_url)
            body = "Danke für die Nachricht, ich melde mich nächste Woche.\nViele Grüße"
            yield [
                f"2-conv-{number // 2:05d}",
                "",
                sender,
                sender_url,
                to,
                to_url,
                f"{moment:%Y-%m-%d %H:%M:%S} UTC",
                "",
                body,
                "INBOX",
                "",
                "No",
                "No",
            ]

    return {
        "Profile.csv": _csv(
            iter([[*owner.split(" ", 1), "Vertriebstrainerin", "Training"]]),
            ["First Name", "Last Name", "Headline", "Industry"],
        ),
        "Connections.csv": CONNECTIONS_PREAMBLE
        + _csv(
            connection_rows(),
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ],
        ).rstrip("\n"),
        "Invitations.csv": _csv(
            invitation_rows(),
            [
                "From",
                "To",
                "Sent At",
                "Message",
                "Direction",
                "inviterProfileUrl",
                "inviteeProfileUrl",
            ],
        ),
        "messages.csv": _csv(
            message_rows(),
            [
                "CONVERSATION ID",
                "CONVERSATION TITLE",
                "FROM",
                "SENDER PROFILE URL",
                "TO",
                "RECIPIENT PROFILE URLS",
                "DATE",
                "SUBJECT",
                "CONTENT",
                "FOLDER",
                "ATTACHMENTS",
                "IS MESSAGE DRAFT",
                "IS CONVERSATION DRAFT",
            ],
            quote_all=True,
        ),
        "Skills.csv": "Name\nKaltakquise\nVertriebstraining\n",
    }


def write_export(target: Path, zipped: bool = True, **sizes: int) -> Path:
    """Write an export as `Basic_LinkedInDataExport_MM-DD-YYYY.zip` into `target` (or as a
    folder of CSV files when `zipped` is false); returns the ZIP or the folder."""
    files = export_files(**sizes)
    target.mkdir(parents=True, exist_ok=True)
    if not zipped:
        for name, content in files.items():
            (target / name).write_text(content, "utf-8")
        return target
    path = target / "Basic_LinkedInDataExport_11-23-2026.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path
