"""Tell a stage of a condition other than cancer ("CKD stage 3b", "stage 2 pressure injury",
"stage III lymphedema") from the patient's cancer stage.

The conditions are data (`vocab/stage_non_cancer.yaml`). A stage is the condition's when the
condition is named within a word after its group ("stage 2 sacral pressure injury"), or, unless a
cancer is named there ("stage II breast cancer"), in the clause just before the stage word
("chronic kidney disease (CKD) stage 3", "CKD, stage 3b"). The clause before ends at a sentence
stop, an opening bracket or a word joining two phrases ("lymphedema after stage II breast
cancer"); it reaches back across commas and closing brackets ("Pressure ulcer, left heel, stage
3"), but not past a phrase that names a cancer ("hypertension, colon cancer, stage II").
"""

from __future__ import annotations

import functools
import re

from extractors.stage.tables import cancer_heads, non_cancer_words

_WINDOW = 80  # characters before a stage word in which its clause is looked for
_JOINING = (
    r"after|with|and|from|following|for|in|of|to|on|at|by|or|without|plus|vs|versus|since|"
    r"secondary|due|then|now|but"
)
_HARD_BREAK = re.compile(rf"[.;(\[]|\b(?:{_JOINING})\b")
_SOFT_BREAK = re.compile(r"[,:)\]]")


def _words_pattern(words: tuple[str, ...]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return rf"(?<![a-z0-9])(?:{'|'.join(map(re.escape, ordered))})(?![a-z0-9])"


@functools.cache
def _condition() -> re.Pattern[str]:
    return re.compile(_words_pattern(non_cancer_words()))


@functools.cache
def _named_after(kind: str) -> re.Pattern[str]:
    """The group, then at most one word that joins nothing, then a condition or a cancer."""
    words = non_cancer_words() if kind == "condition" else cancer_heads()
    return re.compile(rf"\W{{0,3}}(?:(?!(?:{_JOINING})\b)[a-z]+\s+)?{_words_pattern(words)}")


@functools.cache
def _cancer() -> re.Pattern[str]:
    return re.compile(_words_pattern(cancer_heads()))


def _clause_before(text: str, position: int) -> str:
    window = text[max(0, position - _WINDOW) : position]
    hard = max((m.end() for m in _HARD_BREAK.finditer(window)), default=0)
    clause = window[hard:]
    for soft in reversed([m.start() for m in _SOFT_BREAK.finditer(clause)]):
        if _cancer().search(clause, soft + 1):
            return clause[soft + 1 :]  # "hypertension, colon cancer, stage II": the cancer's
    return clause


def names_other_condition(text: str, stage_start: int, group_end: int) -> bool:
    """Whether the stage whose word starts at `stage_start` and whose group ends at `group_end`
    stages a condition other than cancer."""
    if _named_after("condition").match(text, group_end):
        return True
    if _named_after("cancer").match(text, group_end):
        return False
    return _condition().search(_clause_before(text, stage_start)) is not None
