"""Cut a page into the units a fact may not cross: rows, list items and the cells of a panel.

Lab reports, NGS reports and clinic notes print results as rows ("ER ........ Positive"), as
panels of name-result pairs side by side ("CD20   positive     CD3   negative") and as lists
(plans, problem lists). Once whitespace is collapsed, the next row's words sit right after this
row's result, so a result, a negation or a status could reach into the neighbour. The starts
of these units join the sentence starts (`extractors.text.sentence_bounds`), which already bound
every extractor's window and every context modifier's scope.

A line is a row when it carries a leader (dots, underscores, dashes), a column gap (two or more
spaces or a tab between words), a list marker or a short label and a colon. Within a row, a
vertical rule ("|") starts a cell, and so does each name-result pair of a panel after the first.
Prose wrapped over several lines is not cut: a line of prose only ends a unit where a sentence
ends, and a row's value that wraps onto a line starting in lower case stays in the row. Text
without line breaks (the flattened TCGA reports) has no rows and is left as it was.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\n]*\n?")
_LEADER = re.compile(r"\S\s*(?:\.{3,}|_{3,}|-{3,}|…+|·{3,})\s*\S")
_GAP = re.compile(r"\S(?: {2,}|\t+)(?=\S)")
_BROKEN_OFF = re.compile(
    r"(?:[,+/&\u2013-]|\b(?:and|or|with|plus|of|to|for|by|then))[ \t]*\n?$", re.IGNORECASE
)
_LIST_MARKER = re.compile(r"[ \t]*(?:[-•*▪◦‣]|\d{1,2}[.)]|[a-z][.)]|\(\w{1,2}\))[ \t]+\S")
# "ER: Positive (95%)", "Plan:", "MGMT promoter: METHYLATED": a short label, a colon, its value.
_LABELLED = re.compile(r"[ \t]*[A-Za-z0-9][\w /().,+-]{0,40}?:(?:[ \t]+\S|[ \t]*$)")
# Results that end a name-result pair in a panel printed side by side. Values (percentages,
# scores) are not among them: in a table of variants the columns after the gene belong to it.
_PANEL_RESULT = re.compile(
    r"(?:positive|negative|pos|neg|detected|not\s+detected|retained|intact|lost|absent|present"
    r"|equivocal|amplified|not\s+amplified|methylated|unmethylated|wild[- ]?type|mutated"
    r"|abnormal|aberrant|[+-])"
    # a result may carry its pattern after it: "ABNORMAL - diffuse strong", "positive (focal)"
    r"(?:\s*\([^)]{0,30}\)|\s+-\s+[a-z ]{1,30})?$",
    re.IGNORECASE,
)

# A vertical rule between two columns ("1+ NEGATIVE   | MLH1 .... Retained"): what follows it
# is another cell, whatever the cell before it holds.
_COLUMN_RULE = re.compile(r"(?<=\s)[|│┃](?=\s)")
# Columns of a row: words separated by single spaces; two or more spaces start a new column.
_CHUNK = re.compile(r"\S+(?: \S+)*")
# The leader inside one column that joins a name to its result.
_LEADER_JOIN = re.compile(r"\s*(?:\.{3,}|_{3,}|-{3,}|…+|·{3,})\s*")


def unit_bounds(text: str) -> list[int]:
    """Return the start offsets in `text` of its rows, list items and panel cells, sorted."""
    if "\n" not in text:
        return []
    starts: list[int] = []
    previous_was_row = False
    previous_line = ""
    item_indent: int | None = None  # where a list item's marker stands
    position = 0
    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        is_row = _is_row(line)
        if previous_was_row and not is_row and _continues(previous_line, line, item_indent):
            # A row's value wrapped onto the next line ("Plan: continue letrozole and
            # recheck in three months") stays in the row.
            previous_line = line
            position = match.end()
            continue
        if is_row or previous_was_row:
            starts.append(position)
        if is_row:
            starts.extend(position + cell for cell in _panel_cells(line))
            starts.extend(position + rule.end() for rule in _COLUMN_RULE.finditer(line))
        previous_was_row = is_row
        previous_line = line
        item_indent = _indent(line) if _LIST_MARKER.match(line) else None
        position = match.end()
    return starts


def _continues(previous: str, line: str, item_indent: int | None) -> bool:
    """Whether a line carries on the row above: it starts in lower case or with a bracket
    ("(45 mg/m2) x 6 doses"), the row above broke off after a comma, a plus, a dash or a
    joining word, or the line hangs indented under a list item's marker."""
    first = line.lstrip()[:1]
    return (
        first.islower()
        or first == "("
        or _BROKEN_OFF.search(previous) is not None
        or (item_indent is not None and _indent(line) > item_indent)
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _is_row(line: str) -> bool:
    body = line.rstrip("\n")
    if not body.strip():
        return False
    return bool(
        _LEADER.search(body)
        or _GAP.search(body.strip())
        or _LIST_MARKER.match(body)
        or _LABELLED.match(body)
    )


def _panel_cells(line: str) -> list[int]:
    """Offsets of the second and later name-result pairs of a panel row, else nothing.

    A pair is a name and its result in two columns ("CD20   positive") or one column joined
    by a leader ("MLH1 ........ Retained"); a row is a panel when every pair ends in a result.
    """
    body = line.rstrip("\n")
    chunks = [(m.start(), m.group()) for m in _CHUNK.finditer(body)]
    pairs: list[tuple[int, str]] = []
    index = 0
    while index < len(chunks):
        start, chunk = chunks[index]
        led = _LEADER_JOIN.search(chunk)
        if led:
            pairs.append((start, chunk[led.end() :]))
            index += 1
        elif index + 1 < len(chunks) and not _LEADER_JOIN.search(chunks[index + 1][1]):
            pairs.append((start, chunks[index + 1][1]))
            index += 2
        else:
            return []
    if len(pairs) < 2 or not all(_PANEL_RESULT.search(result) for _, result in pairs):
        return []
    return [start for start, _ in pairs[1:]]


# A heading that opens a key to results, not results: "Interpretive key (ASCO/CAP 2018):",
# "Legend:", "Scoring criteria:", "Reference ranges:" alone on its line.
_KEY_HEADING = re.compile(
    r"^[ \t]*[^\n:]{0,60}\b(?:key|legend|criteria|cut-?offs?|thresholds?|reference\s+ranges?)"
    r"\b[^\n:]{0,60}:[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# A key whose bands follow its label on the same line: "PD-L1 scoring key (TPS): <1% = no
# expression | 1-49% = low expression |", with its wrapped rest indented below.
_KEY_LINE = re.compile(
    r"^[ \t]*[^\n:]{0,40}\b(?:key|legend|criteria)\b[^\n:]{0,30}:[ \t]*\S",
    re.IGNORECASE | re.MULTILINE,
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def key_blocks(text: str) -> list[tuple[int, int]]:
    """Return the spans of `text` that a key's heading opens, each up to the next blank line.

    The rows of a key ("Group 1  ratio >= 2.0 ... Amplified (positive)") read like results;
    they define the results, so no fact is read in them. A key written on its label's line ends
    with the lines indented under it.
    """
    blocks: list[tuple[int, int]] = []
    for heading in _KEY_HEADING.finditer(text):
        blank = _BLANK_LINE.search(text, heading.end())
        blocks.append((heading.start(), blank.start() if blank else len(text)))
    for line in _KEY_LINE.finditer(text):
        blocks.append((line.start(), _end_of_indented(text, line.start())))
    return sorted(blocks)


def _end_of_indented(text: str, start: int) -> int:
    """The end of the line at `start` and of the lines below it indented deeper than it."""
    indent = len(text[start:]) - len(text[start:].lstrip(" \t"))
    end = text.find("\n", start)
    while end != -1:
        next_end = text.find("\n", end + 1)
        following = text[end + 1 : next_end if next_end != -1 else len(text)]
        if not following.strip() or len(following) - len(following.lstrip(" \t")) <= indent:
            return end
        end = next_end
    return len(text)
