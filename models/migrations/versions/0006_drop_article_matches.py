"""drop article_matches

Articles are matched to a profile when it is read (intake.matcher); no code ever wrote or read
this table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:40:00.000000
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_matches_patient_id"))
    op.drop_table("article_matches")


def downgrade() -> None:
    op.create_table(
        "article_matches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("article_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "article_id", name="uq_article_matches"),
    )
    with op.batch_alter_table("article_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_matches_patient_id"), ["patient_id"], unique=False
        )
