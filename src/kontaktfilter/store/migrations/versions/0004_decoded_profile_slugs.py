"""Person keys with percent-encoded profile slugs decoded (issue 24).

LinkedIn's Connections.csv percent-encodes a non-ASCII slug (`j%c3%bcrgen-…`) while
Invitations.csv and messages.csv keep it raw (`jürgen-…`). Keys are now decoded when imported;
this rewrites the keys stored before, so a contact imported earlier is still known when their
next request arrives. Where both spellings of one person are stored, the decoded row stays (a
contact still, if either was) and the encoded one is removed; requests and messages are
re-pointed either way.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PEOPLE = sa.table(
    "profiles", sa.column("id"), sa.column("user_id"), sa.column("key"), sa.column("connected_on")
)
KEY_COLUMNS = {"requests": ("sender_key", "recipient_key"), "messages": ("sender_key",)}


def _decoded(key: str) -> str:
    platform, _, slug = key.partition(":")
    return f"{platform}:{unicodedata.normalize('NFC', unquote(slug)).lower()}"


def upgrade() -> None:
    conn = op.get_bind()
    encoded = conn.execute(
        sa.select(PEOPLE.c.id, PEOPLE.c.user_id, PEOPLE.c.key, PEOPLE.c.connected_on).where(
            PEOPLE.c.key.like("%\\%%", escape="\\")
        )
    ).all()
    for row_id, user_id, key, connected_on in encoded:
        decoded = _decoded(key)
        if decoded == key:
            continue
        taken = conn.execute(
            sa.select(PEOPLE.c.id, PEOPLE.c.connected_on).where(
                PEOPLE.c.user_id == user_id, PEOPLE.c.key == decoded
            )
        ).first()
        if taken is None:
            conn.execute(sa.update(PEOPLE).where(PEOPLE.c.id == row_id).values(key=decoded))
        else:
            conn.execute(sa.delete(PEOPLE).where(PEOPLE.c.id == row_id))
            if taken.connected_on is None and connected_on is not None:
                conn.execute(
                    sa.update(PEOPLE)
                    .where(PEOPLE.c.id == taken.id)
                    .values(connected_on=connected_on)
                )
        for name, columns in KEY_COLUMNS.items():
            table = sa.table(name, sa.column("user_id"), *(sa.column(c) for c in columns))
            for column in columns:
                conn.execute(
                    sa.update(table)
                    .where(table.c.user_id == user_id, table.c[column] == key)
                    .values({column: decoded})
                )


def downgrade() -> None:
    """Nothing to undo: decoded keys are read by every version (they were the raw files' keys)."""
