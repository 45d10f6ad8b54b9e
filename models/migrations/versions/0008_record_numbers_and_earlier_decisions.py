"""record numbers and earlier decisions

Documents keep the medical record number they print, so clinicians find a patient by it;
review items keep what a clinician decided earlier about the same fact, so a re-raised item
says what it was and what it is now.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:30:00.000000
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_mrn", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_documents_record_mrn"), ["record_mrn"], unique=False)

    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "previous",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("review_items", schema=None) as batch_op:
        batch_op.drop_column("previous")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_record_mrn"))
        batch_op.drop_column("record_mrn")
