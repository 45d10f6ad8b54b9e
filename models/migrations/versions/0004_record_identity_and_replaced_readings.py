"""record identity and replaced readings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 17:29:03.031901
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("record_birth_date", sa.Date(), nullable=True))

    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "replaces",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )

    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_review_items_document_id"), ["document_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_review_items_document_id", "documents", ["document_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_constraint("fk_review_items_document_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_review_items_document_id"))
        batch_op.drop_column("document_id")

    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_column("replaces")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("record_birth_date")
        batch_op.drop_column("record_name")
