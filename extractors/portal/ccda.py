"""Read a C-CDA document (a Continuity of Care Document, a discharge summary) from a portal.

Parsed with defusedxml, which refuses a DTD, entity declarations and external references:
a C-CDA document needs none of them, and they are how an XML file expands to gigabytes
(billion laughs) or reads files of the server (external entities).

Sections are told by their LOINC code. Read: the patient (`recordTarget`: name, birthTime);
Problems (11450-4: problem observations' value, negationInd, effectiveTime, status);
Medications (10160-0) and Plan of Treatment (18776-5): substanceAdministration (moodCode,
statusCode, effectiveTime, consumable); Results (30954-2) and Vital Signs: observations (code,
value, effectiveTime), TNM stage observations by LOINC; Procedures (47519-4): procedure, act,
observation (code, statusCode, moodCode, effectiveTime); Family History (10157-6): organizers
(relatedSubject, observations' value and age at onset). Every section's narrative (`text`) is
read as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from extractors.portal import bounds
from extractors.portal.codes import code_meaning, parse_date, short_system
from extractors.portal.entries import (
    Coding,
    Entry,
    EntryKind,
    Narrative,
    PortalRecord,
    RecordFormat,
)
from extractors.portal.markup import element_text
from models.errors import UnreadableDocument
from models.schemas import RecordRefusal, TreatmentStatus

_V3 = "{urn:hl7-org:v3}"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_PROBLEMS, _MEDICATIONS, _RESULTS, _VITALS = "11450-4", "10160-0", "30954-2", "8716-3"
_PROCEDURES, _FAMILY, _PLAN = "47519-4", "10157-6", "18776-5"
_PROBLEM_STATUS = "33999-4"  # LOINC "Status": the problem status observation, not a problem
_AGE_AT_ONSET = "445518008"  # SNOMED CT "Age at onset of clinical finding"
_PLANNED_MOODS = frozenset({"INT", "RQO", "PRP", "PRMS", "APT", "ARQ"})
# statusCode of an act that happened (moodCode EVN), by the treatment status it means.
_STATUSES = {
    "active": TreatmentStatus.current,
    "completed": TreatmentStatus.past,
    "aborted": TreatmentStatus.stopped,
    "cancelled": TreatmentStatus.stopped,
    "suspended": TreatmentStatus.stopped,
    "held": TreatmentStatus.stopped,
    "new": TreatmentStatus.planned,
}
_RESOLVED = frozenset({"resolved", "inactive"})


def read_ccda(data: bytes) -> PortalRecord:
    """Read a C-CDA document; refuse unsafe or damaged XML and documents past the bounds."""
    root = _parse(data)
    record = PortalRecord(RecordFormat.ccda)
    _read_patient(root, record)
    narrative_ids = _narrative_ids(root)
    stages: dict[str | None, dict[str, str | None]] = {}
    count = 0
    for section in root.iter(f"{_V3}section"):
        code = _attr(section.find(f"{_V3}code"), "code")
        title = _text_of(section.find(f"{_V3}title")) or "Section"
        text = section.find(f"{_V3}text")
        if text is not None:
            record.narratives.append(Narrative(title, element_text(text)))
        for entry in section.findall(f"{_V3}entry"):
            count += 1
            if count > bounds.MAX_ENTRIES:
                raise bounds.too_many_entries(count)
            for item in _read_entry(entry, code, narrative_ids, stages):
                record.entries.append(item)
    record.entries.extend(_stage_entries(stages))
    return record


def _parse(data: bytes) -> Element:
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnreadableDocument(
            "This XML file declares a DTD, entities or external references, which a medical "
            "record does not need and which can be used to attack a server. It was not read.",
            reason=RecordRefusal.unsafe_xml,
        ) from error
    except ParseError as error:
        raise UnreadableDocument(
            "This C-CDA file is damaged: it is not well-formed XML. Please export it again.",
            reason=RecordRefusal.broken_record,
        ) from error
    _check_size(root)
    return root


def _check_size(root: Element) -> None:
    stack: list[tuple[Element, int]] = [(root, 1)]
    seen = 0
    while stack:
        element, depth = stack.pop()
        seen += 1
        if depth > bounds.MAX_NESTING:
            raise bounds.too_deeply_nested()
        if seen > bounds.MAX_XML_ELEMENTS:
            raise bounds.too_many_entries(seen)
        stack.extend((child, depth + 1) for child in element)


def _attr(element: Element | None, name: str) -> str | None:
    if element is None:
        return None
    value = element.get(name)
    return value.strip() if value and value.strip() else None


def _text_of(element: Element | None) -> str | None:
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def _read_patient(root: Element, record: PortalRecord) -> None:
    patient = root.find(f"{_V3}recordTarget/{_V3}patientRole/{_V3}patient")
    if patient is None:
        return
    name = patient.find(f"{_V3}name")
    if name is not None:
        given = [_text_of(g) for g in name.findall(f"{_V3}given")]
        family = _text_of(name.find(f"{_V3}family"))
        record.patient_name = " ".join(w for w in [*given, family] if w) or _text_of(name)
    record.birth_date = parse_date(_attr(patient.find(f"{_V3}birthTime"), "value"))


def _narrative_ids(root: Element) -> dict[str, str]:
    """Narrative elements by their ID, for `originalText/reference value="#id"`."""
    return {
        element.get("ID", ""): " ".join("".join(element.itertext()).split())
        for element in root.iter()
        if element.get("ID")
    }


def _concept(
    element: Element | None, narrative_ids: dict[str, str]
) -> tuple[str | None, tuple[Coding, ...]]:
    """A coded element's text (originalText, its narrative reference, displayName) and codes."""
    if element is None:
        return None, ()
    codings = []
    for coded in (element, *element.findall(f"{_V3}translation")):
        code = _attr(coded, "code")
        if code is not None:
            codings.append(
                Coding(short_system(_attr(coded, "codeSystem")), code, _attr(coded, "displayName"))
            )
    original = element.find(f"{_V3}originalText")
    text = None
    if original is not None:
        reference = _attr(original.find(f"{_V3}reference"), "value")
        text = narrative_ids.get(reference.lstrip("#")) if reference else None
        text = text or _text_of(original)
    text = (
        text
        or _attr(element, "displayName")
        or next((c.display for c in codings if c.display), None)
    )
    if text is None and element.get(_XSI_TYPE, "").endswith("ST"):
        text = _text_of(element)
    return text, tuple(codings)


def _dates(element: Element) -> tuple[str | None, str | None]:
    time = element.find(f"{_V3}effectiveTime")
    if time is None:
        return None, None
    low, high = time.find(f"{_V3}low"), time.find(f"{_V3}high")
    start = _attr(low, "value") or _attr(time, "value")
    return start, _attr(high, "value")


def _read_entry(
    entry: Element,
    section: str | None,
    narrative_ids: dict[str, str],
    stages: dict[str | None, dict[str, str | None]],
) -> Iterator[Entry]:
    if section == _PROBLEMS:
        yield from _problems(entry, narrative_ids)
    elif section in (_MEDICATIONS, _PLAN):
        for activity in entry.iter(f"{_V3}substanceAdministration"):
            medication = _medication(activity, narrative_ids)
            if medication is not None:
                yield medication
        if section == _PLAN:
            for child in entry:
                if child.tag in (f"{_V3}procedure", f"{_V3}act"):
                    yield from _procedure(child, narrative_ids)
    elif section in (_RESULTS, _VITALS):
        yield from _results(entry, narrative_ids, stages)
    elif section == _PROCEDURES:
        for child in entry:
            if child.tag in (f"{_V3}procedure", f"{_V3}act", f"{_V3}observation"):
                yield from _procedure(child, narrative_ids)
    elif section == _FAMILY:
        for organizer in entry.iter(f"{_V3}organizer"):
            yield from _family(organizer, narrative_ids)


def _problems(entry: Element, narrative_ids: dict[str, str]) -> Iterator[Entry]:
    for observation in entry.iter(f"{_V3}observation"):
        if _attr(observation.find(f"{_V3}code"), "code") == _PROBLEM_STATUS:
            continue
        value = observation.find(f"{_V3}value")
        text, codings = _concept(value, narrative_ids)
        if text is None:
            continue
        status = next(
            (
                (_text_of(s.find(f"{_V3}value")) or _attr(s.find(f"{_V3}value"), "displayName"))
                for s in observation.iter(f"{_V3}observation")
                if _attr(s.find(f"{_V3}code"), "code") == _PROBLEM_STATUS
            ),
            None,
        )
        start, end = _dates(observation)
        yield Entry(
            EntryKind.problem,
            text,
            codings,
            negated=observation.get("negationInd") == "true",
            historical=(status or "").lower() in _RESOLVED or end is not None,
            start=parse_date(start),
            end=parse_date(end),
            details=(f"Status: {status}",) if status else (),
        )


def _treatment_status(element: Element) -> tuple[TreatmentStatus | None, str]:
    status = _attr(element.find(f"{_V3}statusCode"), "code") or "unknown"
    if element.get("moodCode") in _PLANNED_MOODS:
        return TreatmentStatus.planned, f"{status} (planned)"
    return _STATUSES.get(status), status


def _medication(activity: Element, narrative_ids: dict[str, str]) -> Entry | None:
    material = activity.find(
        f"{_V3}consumable/{_V3}manufacturedProduct/{_V3}manufacturedMaterial/{_V3}code"
    )
    name, codings = _concept(material, narrative_ids)
    status, status_text = _treatment_status(activity)
    if name is None or status is None:
        return None
    start, end = _dates(activity)
    return Entry(
        EntryKind.medication,
        name,
        codings,
        status=status,
        status_text=status_text,
        negated=activity.get("negationInd") == "true",
        start=parse_date(start),
        end=parse_date(end),
    )


def _procedure(element: Element, narrative_ids: dict[str, str]) -> Iterator[Entry]:
    name, codings = _concept(element.find(f"{_V3}code"), narrative_ids)
    status, status_text = _treatment_status(element)
    if name is None or status is None:
        return
    start, end = _dates(element)
    yield Entry(
        EntryKind.procedure,
        name,
        codings,
        status=status,
        status_text=status_text,
        negated=element.get("negationInd") == "true",
        start=parse_date(start),
        end=parse_date(end),
    )


def _results(
    entry: Element,
    narrative_ids: dict[str, str],
    stages: dict[str | None, dict[str, str | None]],
) -> Iterator[Entry]:
    for observation in entry.iter(f"{_V3}observation"):
        name, codings = _concept(observation.find(f"{_V3}code"), narrative_ids)
        value = observation.find(f"{_V3}value")
        if name is None or value is None:
            continue
        meaning = next(
            (m for c in codings if (m := code_meaning(c.system, c.code)) is not None), None
        )
        value_text, value_codings = _value(value, narrative_ids)
        if meaning is not None and meaning.stage is not None:
            stages.setdefault(meaning.classification, {})[meaning.stage] = value_text
            continue
        if value_text is None:
            continue
        start, _end = _dates(observation)
        yield Entry(
            EntryKind.result,
            name,
            codings,
            value_text=value_text,
            value_codings=value_codings,
            start=parse_date(start),
        )


def _value(value: Element, narrative_ids: dict[str, str]) -> tuple[str | None, tuple[Coding, ...]]:
    kind = value.get(_XSI_TYPE, "").rsplit(":", 1)[-1]
    if kind in ("PQ", "INT", "REAL"):
        number, unit = _attr(value, "value"), _attr(value, "unit")
        if number is None:
            return None, ()
        return (f"{number} {unit}" if unit and unit != "1" else number), ()
    if kind in ("CD", "CE", "CO", "CV"):
        return _concept(value, narrative_ids)
    return _text_of(value), ()


def _family(organizer: Element, narrative_ids: dict[str, str]) -> Iterator[Entry]:
    relative = organizer.find(f"{_V3}subject/{_V3}relatedSubject/{_V3}code")
    relation, _codes = _concept(relative, narrative_ids)
    if relation is None:
        return
    for observation in organizer.findall(f"{_V3}component/{_V3}observation"):
        condition, codings = _concept(observation.find(f"{_V3}value"), narrative_ids)
        if condition is None:
            continue
        age = next(
            (
                _attr(o.find(f"{_V3}value"), "value")
                for o in observation.iter(f"{_V3}observation")
                if _attr(o.find(f"{_V3}code"), "code") == _AGE_AT_ONSET
            ),
            None,
        )
        yield Entry(
            EntryKind.family_history,
            condition,
            codings,
            relation=relation.lower(),
            age_at_onset=int(float(age)) if age and age.replace(".", "", 1).isdigit() else None,
            negated=observation.get("negationInd") == "true",
        )


def _stage_entries(stages: dict[str | None, dict[str, str | None]]) -> Iterator[Entry]:
    for classification, parts in stages.items():
        yield Entry(
            EntryKind.stage,
            "TNM stage",
            value_text=parts.get("stage_group"),
            classification=classification,
            t=parts.get("t"),
            n=parts.get("n"),
            m=parts.get("m"),
        )
