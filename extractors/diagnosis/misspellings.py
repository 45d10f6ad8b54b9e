"""Read type and histology names that OCR misspelt by one edit ("astrcytoma").

One-word names are indexed by themselves and each one-letter deletion, so that a word and a
name one edit apart (a letter dropped, added, changed or two swapped) share an entry. A
misspelt last word may end a longer name ("papillary renal cell darcinoma").
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from extractors import vocab
from extractors.diagnosis.mentions import Mention
from extractors.diagnosis.weights import MISSPELLED_MIN_LENGTH
from extractors.document import AnalyzedPage

_LONG_WORD = re.compile(rf"[a-z]{{{MISSPELLED_MIN_LENGTH},}}")


@functools.cache
def _misspellings() -> tuple[
    frozenset[str],
    dict[str, tuple[str | None, str | None] | None],
    dict[str, frozenset[str]],
]:
    """Index one-word type and histology names by themselves and each one-letter deletion.

    An entry two names share is ambiguous (None). Also return the names behind each entry,
    so that a misspelt word can be read as the end of a longer name.
    """
    names: dict[str, tuple[str | None, str | None]] = {}
    for entry in vocab.cancer_types():
        for synonym in entry.synonyms:
            if len(synonym) >= MISSPELLED_MIN_LENGTH and synonym.isalpha():
                names[synonym] = (entry.code, names.get(synonym, (None, None))[1])
    for histology in vocab.histologies():
        for name in (histology.label.lower(), *histology.synonyms):
            if len(name) >= MISSPELLED_MIN_LENGTH and name.isalpha():
                names[name] = (names.get(name, (None, None))[0], histology.key)
    index: dict[str, tuple[str | None, str | None] | None] = {}
    spelt: dict[str, set[str]] = defaultdict(set)
    for name, target in names.items():
        for variant in {name, *_deletions(name)}:
            index[variant] = target if index.get(variant, target) == target else None
            spelt[variant].add(name)
    return frozenset(names), index, {key: frozenset(value) for key, value in spelt.items()}


@functools.cache
def _names_ending_in() -> dict[str, list[tuple[str, str | None, str | None]]]:
    """Map a one-word name to the longer names that end in it, as (the words before it,
    type code, histology key), longest first: "carcinoma" to "papillary renal cell ".
    """
    one_word, _, _ = _misspellings()
    longer: dict[str, tuple[str | None, str | None]] = {}
    for entry in vocab.cancer_types():
        for synonym in entry.synonyms:
            longer[synonym] = (entry.code, longer.get(synonym, (None, None))[1])
    for entry_of_histology in vocab.histologies():
        for name in (entry_of_histology.label.lower(), *entry_of_histology.synonyms):
            longer[name] = (longer.get(name, (None, None))[0], entry_of_histology.key)
    ending: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
    for name, (code, histology_key) in longer.items():
        prefix, _, last = name.rpartition(" ")
        if prefix and last in one_word:
            ending[last].append((f"{prefix} ", code, histology_key))
    return {last: sorted(found, key=lambda item: -len(item[0])) for last, found in ending.items()}


def _deletions(word: str) -> list[str]:
    return [word[:index] + word[index + 1 :] for index in range(len(word))]


def find_misspelled_mentions(page: AnalyzedPage) -> list[Mention]:
    """Find OCR misspellings of names whose last word is misspelt ("astrcytoma",
    "papillary renal cell darcinoma"), the longest name that fits.
    """
    names, index, spelt = _misspellings()
    text = page.text
    found: list[Mention] = []
    for word in _LONG_WORD.finditer(text):
        token = word.group()
        if token in names:
            continue  # spelt right: the matcher has read it
        for variant in (token, *_deletions(token)):
            target = index.get(variant)
            if target is not None:
                found.append(
                    _longer_name(text, word.start(), word.end(), spelt[variant])
                    or Mention(word.start(), word.end(), *target, misspelled=True)
                )
                break
    return found


def _longer_name(text: str, start: int, end: int, last_words: frozenset[str]) -> Mention | None:
    """Read the words before a misspelt word as the start of a longer name, if they are."""
    ending = _names_ending_in()
    best: tuple[str, str | None, str | None] | None = None
    for last in last_words:
        for prefix, code, histology in ending.get(last, ()):
            begin = start - len(prefix)
            if (
                begin >= 0
                and text.startswith(prefix, begin)
                and not text[begin - 1 : begin].isalnum()
                and (best is None or len(prefix) > len(best[0]))
            ):
                best = (prefix, code, histology)
                break
    if best is None:
        return None
    return Mention(start - len(best[0]), end, best[1], best[2], misspelled=True)
