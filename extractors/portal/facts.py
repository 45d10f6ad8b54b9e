"""Turn a structured record's coded entries into facts (`origin: structured`).

The concept of an entry is named by the same readers as any text (the diagnosis reader maps a
problem's words and ICD-10-CM code to OncoTree, the treatment reader a drug to its generic
name, the stage reader a TNM line), run on the entry's own head line only. What the record
codes is then taken as coded, never read from words: a result by its LOINC code and coded value,
a treatment's status and dates, whether a problem was refuted or resolved. The evidence of each
fact is its entry's block on the structured page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID

from extractors.biomarkers import extract_biomarkers
from extractors.biomarkers.mentions import marker_entries
from extractors.diagnosis import extract_diagnoses, extract_metastases
from extractors.diagnosis.type_index import types_by_code
from extractors.document import AnalyzedPage, analyze_page
from extractors.family import extract_family_history
from extractors.portal.codes import ClinicalCode, code_meaning
from extractors.portal.entries import Entry, EntryKind
from extractors.portal.rendering import PlacedEntry
from extractors.stage import extract_stage
from extractors.text import snippet
from extractors.treatments import extract_treatments
from models.schemas import (
    BiomarkerFact,
    BiomarkerResult,
    DiagnosisFact,
    Evidence,
    Fact,
    Origin,
    Page,
    ReadMethod,
    StageFact,
    TreatmentStatus,
)

# A coded entry is what the record's author chose from a list: surer than words read by rule,
# short of a clinician's confirmation here.
STRUCTURED_CONFIDENCE = 0.95


def structured_facts(
    placed: Sequence[PlacedEntry],
    pages: Sequence[Page],
    document_id: UUID | None,
    primary: DiagnosisFact | None = None,
) -> list[Fact]:
    """Return the facts of every entry; a coded stage is read for the first coded diagnosis,
    or for `primary` (the narrative's) when the record codes none."""
    texts = {page.number: page.text for page in pages}
    facts: list[Fact] = []
    for item in placed:
        if item.entry.kind is EntryKind.stage:
            continue
        facts.extend(_facts_of(item))
    primary = next((f for f in facts if isinstance(f, DiagnosisFact) and f.asserted), primary)
    for item in placed:
        if item.entry.kind is EntryKind.stage:
            facts.extend(_stage(item, primary))
    return [_as_structured(fact, item, texts, document_id) for fact, item in _owned(facts, placed)]


def _owned(facts: list[Fact], placed: Sequence[PlacedEntry]) -> list[tuple[Fact, PlacedEntry]]:
    """Pair each fact with its entry, whose block start `_coded` noted in the evidence."""
    by_start = {item.start: item for item in placed}
    return [(fact, by_start[fact.evidence.start]) for fact in facts]


def _as_structured(
    fact: Fact, item: PlacedEntry, texts: dict[int, str], document_id: UUID | None
) -> Fact:
    text = texts.get(item.page, "")
    evidence = Evidence(
        document_id=document_id,
        page=item.page,
        start=item.start,
        end=item.end,
        snippet=snippet(text, item.start, item.end, width=0) or item.head,
    )
    return fact.model_copy(update={"evidence": evidence})


def _read(head: str) -> list[AnalyzedPage]:
    return [analyze_page(Page(number=1, text=head, method=ReadMethod.plain_text))]


def _coded(fact: Fact, entry: Entry, index: int) -> Fact:
    """Take what the entry codes over what the words said; mark the fact as structured."""
    update: dict[str, object] = {
        "origin": Origin.structured,
        "confidence": max(fact.confidence, STRUCTURED_CONFIDENCE),
        "negated": entry.negated,
        "uncertain": entry.uncertain,
        "historical": entry.historical,
        "hypothetical": False,
        # Where the fact came from, until `_as_structured` writes its real evidence.
        "evidence": fact.evidence.model_copy(update={"start": index}),
    }
    if fact.fact != "family_history":
        update["family"] = False
    return fact.model_copy(update=update)


def _facts_of(item: PlacedEntry) -> list[Fact]:
    readers: dict[EntryKind, Callable[[PlacedEntry], list[Fact]]] = {
        EntryKind.problem: _problem,
        EntryKind.result: _result,
        EntryKind.medication: _treatment,
        EntryKind.procedure: _treatment,
        EntryKind.family_history: _family,
    }
    return readers[item.entry.kind](item)


def _problem(item: PlacedEntry) -> list[Fact]:
    codes = next(iter(item.entry.codings), None)
    head = item.head + ("\n" + _code_rows(item.entry) if codes else "")
    pages = _read(head)
    diagnoses = _coded_type(item.entry, extract_diagnoses(pages))
    primary = next((d for d in diagnoses if d.asserted), None)
    found: list[Fact] = [*diagnoses, *extract_metastases(pages, primary)]
    return [
        _coded(
            fact.model_copy(update={"date": item.entry.start})
            if isinstance(fact, DiagnosisFact)
            else fact,
            item.entry,
            item.start,
        )
        for fact in found
    ]


def _coded_type(entry: Entry, read: list[DiagnosisFact]) -> list[DiagnosisFact]:
    """An OncoTree code the entry carries names its type: the reading of that type is kept
    ("Breast Ductal Carcinoma In Situ" also reads as ductal carcinoma), or the type is taken
    from the vocabulary when the words name it in no way the readers know."""
    known = types_by_code()
    coded = next((code for code in entry.codes_of("oncotree") if code in known), None)
    if coded is None:
        return read
    kept = [fact for fact in read if fact.oncotree_code == coded]
    if kept:
        return kept
    vocabulary = known[coded]
    return [
        DiagnosisFact(
            oncotree_code=vocabulary.code,
            name=vocabulary.name,
            main_type=vocabulary.main_type,
            icd10=vocabulary.icd10,
            evidence=Evidence(page=1, start=0, end=0, snippet=entry.text),
            confidence=STRUCTURED_CONFIDENCE,
        )
    ]


def _code_rows(entry: Entry) -> str:
    """ICD-10-CM codes as the diagnosis reader reads a code field ("ICD-10-CM: C50.412")."""
    return "\n".join(f"ICD-10-CM: {code}" for code in entry.codes_of("icd10"))


def _result(item: PlacedEntry) -> list[Fact]:
    entry = item.entry
    meaning = next(
        (
            m
            for c in entry.codings
            if (m := code_meaning(c.system, c.code)) is not None and m.marker
        ),
        None,
    )
    if meaning is None or meaning.marker is None:
        read = extract_biomarkers(_read(item.head))
        named = _marker_named(entry.text)
        if not read and named is not None:
            # A marker the record names by its symbol or label (a genomic finding's "gene
            # studied", a stain's "SMA"), which the text readers take only with context when it
            # is also a word (ATM, MET) or an abbreviation of something else.
            read = [_symbol_result(entry, named)]
        # One finding per marker, result and variant: with the record's result applied, two
        # readings of one line ("not detected" and "p.R132H") are the same finding.
        recorded: dict[tuple[str, str | None, str | None], BiomarkerFact] = {}
        for fact in (_as_recorded(reading, entry) for reading in read):
            recorded.setdefault((fact.marker, fact.result, fact.variant), fact)
        return [_coded(fact, entry, item.start) for fact in recorded.values()]
    return [_coded(_coded_result(entry, meaning, meaning.marker), entry, item.start)]


def _marker_named(name: str) -> str | None:
    """The key of the marker a coded result names by its key or its label ("ACTA2", "SMA")."""
    entries = marker_entries()
    if name in entries:
        return name
    return next((key for key, e in entries.items() if e.label == name), None)


def _symbol_result(entry: Entry, key: str) -> BiomarkerFact:
    return BiomarkerFact(
        marker=marker_entries()[key].label,
        evidence=Evidence(page=1, start=0, end=0, snippet=entry.text),
        confidence=STRUCTURED_CONFIDENCE,
    )


def _recorded_result(entry: Entry) -> str | None:
    """The result the record gives: its own result word ("not detected p.R132H"), else its
    coded value (Present, Absent, a SNOMED CT qualifier)."""
    written = (entry.value_text or "").lower()
    words = sorted((str(r) for r in BiomarkerResult), key=len, reverse=True)
    word = next((w for w in words if written == w or written.startswith(f"{w} ")), None)
    if word is not None:
        return word
    coded = next(
        (
            m.result
            for c in entry.value_codings
            if (m := code_meaning(c.system, c.code)) is not None and m.result
        ),
        None,
    )
    return str(coded) if coded is not None else None


def _as_recorded(fact: BiomarkerFact, entry: Entry) -> BiomarkerFact:
    """A reading of a result line, with the record's result, variant and assay where it gives
    them: the words of a line are not to turn "not detected p.R132H" into a mutation."""
    update: dict[str, object] = {}
    result = _recorded_result(entry)
    if result is not None:
        update["result"] = result
    if entry.variant:
        update["variant"] = entry.variant
    if entry.measure:
        update["value"] = entry.measure
    if entry.method and not fact.method:
        update["method"] = entry.method
    return fact.model_copy(update=update)


def _coded_result(entry: Entry, meaning: ClinicalCode, marker: str) -> BiomarkerFact:
    """A result named by its LOINC code; its result word from the coded value, else read from
    the value as written, as a report's result would be."""
    label = marker_entries()[marker].label
    coded = _recorded_result(entry)
    read = next(
        (
            fact
            for fact in extract_biomarkers(_read(f"{label}: {entry.value_text or ''}"))
            if fact.marker == label
        ),
        None,
    )
    result = coded if coded is not None else (read.result if read else None)
    value = entry.measure or (read.value if read and read.value else None)
    if value is None and result is None:
        value = entry.value_text
    return BiomarkerFact(
        marker=label,
        result=result,
        value=value,
        method=meaning.method or (read.method if read else None),
        variant=read.variant if read else None,
        evidence=Evidence(page=1, start=0, end=0, snippet=entry.text),
        confidence=STRUCTURED_CONFIDENCE,
    )


def _treatment(item: PlacedEntry) -> list[Fact]:
    entry = item.entry
    found = extract_treatments(_read(item.head))
    return [
        _coded(
            fact.model_copy(
                update={
                    "status": entry.status or TreatmentStatus.mentioned,
                    "start_date": entry.start,
                    "end_date": entry.end,
                }
            ),
            entry,
            item.start,
        )
        for fact in found
    ]


def _family(item: PlacedEntry) -> list[Fact]:
    # Read as a sentence the family reader knows: "Mother: breast cancer, diagnosed at age 52."
    head = item.head.removeprefix("Family history: ")
    return [_coded(fact, item.entry, item.start) for fact in extract_family_history(_read(head))]


def _stage(item: PlacedEntry, primary: DiagnosisFact | None) -> list[Fact]:
    entry = item.entry
    stages = extract_stage(_read(item.head), primary)
    # The categories the record codes stand as coded, whatever the line's reading made of them.
    update: dict[str, object] = {
        name: value for name, value in (("t", entry.t), ("n", entry.n), ("m", entry.m)) if value
    }
    if entry.classification:
        update["classification"] = entry.classification
    if entry.edition:
        update["edition"] = entry.edition
    return [
        _coded(stage.model_copy(update=update), entry, item.start)
        for stage in stages
        if isinstance(stage, StageFact)
    ][:1]
