"""Resolve an unspecific type by the grade the report gives it: a glioma named without its
type (glioma NOS, oligoastrocytoma) is a lower-grade glioma at WHO grade 2 or 3 and a
glioblastoma at grade 4 (`rules/graded_types.yaml`).
"""

from __future__ import annotations

import re

from extractors.diagnosis.tables import graded_types
from extractors.diagnosis.type_index import types_by_code
from models.schemas import DiagnosisFact


def resolve_by_grade(fact: DiagnosisFact, name: str) -> DiagnosisFact:
    """Return `fact` with the type its grade decides, or `fact` itself.

    Args:
        name: the words that name the tumour in the report ("anaplastic oligoastrocytoma"),
            which may state the grade by themselves.
    """
    rule = graded_types().get(fact.oncotree_code)
    if rule is None:
        return fact
    words = re.findall(r"[a-z]+", name.lower())
    grade = next((rule.graded_names[w] for w in words if w in rule.graded_names), fact.grade)
    code = rule.by_grade.get(grade) if grade else None  # type: ignore[call-overload]
    if code is None:
        return fact
    entry = types_by_code()[code]
    return fact.model_copy(
        update={
            "oncotree_code": entry.code,
            "name": entry.name,
            "main_type": entry.main_type,
            "icd10": entry.icd10,
            "grade": grade,
        }
    )
