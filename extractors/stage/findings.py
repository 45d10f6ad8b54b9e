"""Whether a finding is asserted: not negated in its clause, before it or just after it.

OCR ends every line with ". ", so a stop ends a clause only after a word that can end one.
"""

from __future__ import annotations

import dataclasses
import re


@dataclasses.dataclass(frozen=True)
class Finding:
    """What the findings say fixes a category, where it is written, and why."""

    start: int
    end: int
    category: str  # T category
    reason: str  # what was read, in words


_NEGATION_BEFORE = re.compile(
    r"\b(?:no|not|without|free\sof|negative\sfor|absence\sof|absent|nor|neither|rather\sthan"
    r"|rule\sout)\b(?!\s(?:through|beyond))[^;:]*$"
    # "bulges into the renal sinus", "pushing into the perinephric fat": not invasion.
    r"|\b(?:push\w*|bulg\w*|compress\w*|abut\w*)\s$"
)
_NEGATION_AFTER = re.compile(
    r"^[^;]{0,35}?\b(?:absent|not\s(?:identified|seen|present|involved|invaded|detected|grossly)"
    r"|negative|uninvolved|free|none|without|(?:does|did|is|are|was)\snot|cannot|no|unknown"
    r"|indeterminate|not\sspecified|not\sapplicable|equivocal|suspicious)\b"
)
# OCR ends every line with ". ", so a stop ends a clause only after a word that can end one:
# "does not appear to. invade the perinephric fat" is one clause.
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bhowever\b|(?P<word>[\w)]+)\.\s")
_RUNS_ON = frozenset(
    (
        *("to", "the", "of", "and", "or", "a", "an", "in", "into", "not", "with", "by", "for"),
        *("at", "on", "from", "that", "is", "are", "was", "were", "be", "appear", "appears"),
        *("does", "did", "gross", "grossly", "any", "its", "their", "this"),
    )
)


def _clause_breaks(text: str) -> list[re.Match[str]]:
    return [m for m in _CLAUSE_BREAK.finditer(text) if _ends_clause(text, m)]


def _ends_clause(text: str, match: re.Match[str]) -> bool:
    word = match.group("word")
    if word == "no":  # "Portal vein invasion: no." ends a field; "No. invasion of" runs on
        return ":" in text[max(0, match.start() - 3) : match.start()]
    return word is None or word not in _RUNS_ON


def is_asserted(text: str, start: int, end: int) -> bool:
    """Whether a finding is asserted: no negation in its clause before it or just after it."""
    before = text[max(0, start - 70) : start]
    breaks = _clause_breaks(before)
    if breaks:
        before = before[breaks[-1].end() :]
    # The word before a stop decides whether it ends the clause, so look from inside the match.
    lead = min(end - start, 20)
    after = text[end - lead : end + 50]
    cuts = [m for m in _clause_breaks(after) if m.end() > lead]
    if cuts:
        after = after[: max(lead, cuts[0].start() + len(cuts[0]["word"] or ""))]
    after = after[lead:]
    return not (_NEGATION_BEFORE.search(before) or _NEGATION_AFTER.search(after))


def first_asserted(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """Return the first match of the pattern that is asserted in its clause."""
    return next((m for m in pattern.finditer(text) if is_asserted(text, m.start(), m.end())), None)
