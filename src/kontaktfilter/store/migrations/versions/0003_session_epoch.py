"""Revocable sessions: a counter per user that every session cookie must match.

Logout, a password change and deleting the user revoke every cookie the user holds (issue 19):
the signed cookie carries the counter it was issued under, and a bump makes it stale.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("session_epoch")
