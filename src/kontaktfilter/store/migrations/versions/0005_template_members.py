"""Template membership and decision batches: which cluster a request belongs to, and which
decisions were taken together.

The templates page lists a cluster's senders and requests and declines all of them at once
(issue 21); one undo takes the whole batch back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("template_key", sa.String(300), nullable=True))
        table.create_index("ix_requests_template_key", ["template_key"])
    with op.batch_alter_table("decisions") as table:
        table.add_column(sa.Column("batch", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as table:
        table.drop_column("batch")
    with op.batch_alter_table("requests") as table:
        table.drop_index("ix_requests_template_key")
        table.drop_column("template_key")
