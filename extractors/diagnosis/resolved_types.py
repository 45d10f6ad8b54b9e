"""Resolve a type the report names to the one a classification makes of it
(`rules/resolved_types.yaml`): a glioma named without its type (glioma NOS, oligoastrocytoma)
is a lower-grade glioma at WHO grade 2 or 3 and a glioblastoma at grade 4; an adenocarcinoma
of the gastroesophageal junction is staged as esophageal (AJCC 8th ed.).
"""

from __future__ import annotations

import re

from extractors.diagnosis.tables import resolved_types
from extractors.diagnosis.type_index import types_by_code
from models.schemas import DiagnosisFact


def resolve_type(fact: DiagnosisFact, name: str) -> DiagnosisFact:
    """Return `fact` with the type its grade or its classification decides, or `fact` itself.

    Args:
        name: the words that name the tumour in the report ("anaplastic oligoastrocytoma"),
            which may state the grade by themselves.
    """
    rule = resolved_types().get(fact.oncotree_code)
    if rule is None:
        return fact
    words = re.findall(r"[a-z]+", name.lower())
    grade = next((rule.graded_names[w] for w in words if w in rule.graded_names), fact.grade)
    code = rule.by_grade.get(grade) if grade else None  # type: ignore[call-overload]
    code = code or rule.otherwise
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
