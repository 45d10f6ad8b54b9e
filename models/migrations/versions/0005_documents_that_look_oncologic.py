"""documents that look oncologic

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 18:19:32.801647
"""

from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("looks_oncologic", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("looks_oncologic")
