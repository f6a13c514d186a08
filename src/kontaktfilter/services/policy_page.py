"""The user's page for contact seekers ("Liebe Kontaktsuchende", seed 004), rendered from their
strategy: what happens to which request, and how to write one that gets accepted.

Every text from the strategy file is escaped: a strategy may come from anywhere."""

from __future__ import annotations

from html import escape

from kontaktfilter.strategy import Strategy

TEXTS = {
    "de": {
        "title": "Liebe Kontaktsuchende",
        "intro": (
            "Ich bekomme viele Kontaktanfragen. Damit ich Ihre Anfrage einordnen kann, finden "
            "Sie hier, wie ich mit Anfragen umgehe und was Sie tun können, damit wir uns "
            "wirklich vernetzen."
        ),
        "rules": "So gehe ich mit Anfragen um",
        "tips": "So erreichen Sie mich",
        "tip_items": [
            "Sprechen Sie mich mit meinem Namen an.",
            "Schreiben Sie, woher wir uns kennen oder was Sie von mir gelesen oder gehört haben.",
            "Sagen Sie konkret, was Sie von mir möchten oder was Sie mir anbieten.",
            "Verzichten Sie auf Floskeln wie „Synergien“ oder „Kontakte schaden nur dem, der "
            "keine hat“.",
        ],
        "follow_up": (
            "Wenn ich nachfrage, worum es Ihnen geht, freue ich mich über eine Antwort innerhalb "
            "von {days} Tagen."
        ),
        "closing": "Ich freue mich auf Ihre Nachricht.",
    },
    "en": {
        "title": "Dear contact seekers",
        "intro": (
            "I receive many contact requests. This page tells you how I handle them and what "
            "you can do so that we really connect."
        ),
        "rules": "How I handle requests",
        "tips": "How to reach me",
        "tip_items": [
            "Address me by my name.",
            "Say where we met or what of mine you have read or heard.",
            "Say concretely what you would like from me or what you offer.",
            "Leave out stock phrases such as “synergies” or “your network is your net worth”.",
        ],
        "follow_up": (
            "If I ask what you have in mind, I look forward to an answer within {days} days."
        ),
        "closing": "I look forward to your message.",
    },
}


def render_policy_page(strategy: Strategy, lang: str, owner: str = "") -> str:
    """A complete, self-contained HTML5 document."""
    t = TEXTS[lang]
    title = f"{t['title']} – {owner}" if owner else t["title"]
    rules = [
        f"      <li>{escape(rule.why[lang])}</li>" for rule in strategy.rules if rule.why.get(lang)
    ]
    tips = [f"      <li>{escape(tip)}</li>" for tip in t["tip_items"]]
    days = f"{strategy.follow_up_days:g}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}">',
            "<head>",
            '  <meta charset="utf-8">',
            '  <meta name="viewport" content="width=device-width, initial-scale=1">',
            f"  <title>{escape(title)}</title>",
            "  <style>body{font-family:sans-serif;max-width:40em;margin:2em auto;"
            "line-height:1.5;padding:0 1em}</style>",
            "</head>",
            "<body>",
            "  <main>",
            f"    <h1>{escape(title)}</h1>",
            f"    <p>{escape(t['intro'])}</p>",
            f"    <h2>{escape(t['rules'])}</h2>",
            "    <ul>",
            *rules,
            "    </ul>",
            f"    <p>{escape(t['follow_up'].format(days=days))}</p>",
            f"    <h2>{escape(t['tips'])}</h2>",
            "    <ul>",
            *tips,
            "    </ul>",
            f"    <p>{escape(t['closing'])}</p>",
            "  </main>",
            "</body>",
            "</html>",
            "",
        ]
    )
