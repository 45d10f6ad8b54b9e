"""Score the extractors on the record corpus (tests/records): facts right, missed, wrong, inverted.

Each record is a YAML file with the record's text and a hand-written gold (see
tests/records/README.md). The text is read as the product reads an upload (`read_pages`), the
facts extracted and assembled into a profile, and each expectation and trap is checked against
what the profile asserts. A record marked `scanned` is also rendered as an image-only PDF and read
by OCR (`--ocr`; tesseract must be installed).

    python benchmarks/eval_records.py [--records DIR] [--ocr] [--json PATH] [--verbose]

An **inverted** result is the worst error and is counted on its own: a result of the opposite
polarity, or a drug never given shown as given.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from extractors import vocab
from extractors.extract import extract_facts
from extractors.reader import read_pages
from extractors.terms import TermCategory, default_matcher
from intake.profile import assemble_profile
from models.schemas import (
    BiomarkerFact,
    FamilyHistoryFact,
    Profile,
    RiskScoreFact,
    TreatmentStatus,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RECORDS = ROOT / "tests" / "records"

Result = Literal[
    "positive",
    "negative",
    "detected",
    "not detected",
    "mutated",
    "wild type",
    "amplified",
    "not amplified",
    "methylated",
    "unmethylated",
    "codeleted",
    "not codeleted",
    "lost",
    "intact",
    "deficient",
    "proficient",
    "equivocal",
    "high",
    "low",
    "stable",
    "ultralow",
    "normal",
]
Kind = Literal[
    "pathology",
    "ihc_addendum",
    "ngs_report",
    "germline_panel",
    "clinic_note",
    "surgery_note",
    "radiation_note",
    "discharge_summary",
    "radiology",
    "operative_note",
    "treatment_summary",
    "lab_report",
]

# Polarity of each result word: +1 abnormal/present, -1 normal/absent; words of no polarity
# (equivocal, low, ultralow) are absent. "low" is not the opposite of "negative": HER2-low is a
# kind of HER2-negative.
_POLARITY = {
    "positive": 1,
    "detected": 1,
    "mutated": 1,
    "amplified": 1,
    "methylated": 1,
    "codeleted": 1,
    "lost": 1,
    "deficient": 1,
    "high": 1,
    "negative": -1,
    "not detected": -1,
    "wild type": -1,
    "not amplified": -1,
    "unmethylated": -1,
    "not codeleted": -1,
    "intact": -1,
    "proficient": -1,
    "stable": -1,
    "normal": -1,
}
# What a word is about; the general words (positive, negative, detected) are about anything.
_ASPECT = {
    "mutated": "mutation",
    "wild type": "mutation",
    "amplified": "amplification",
    "not amplified": "amplification",
    "methylated": "methylation",
    "unmethylated": "methylation",
    "codeleted": "codeletion",
    "not codeleted": "codeletion",
    "lost": "mmr",
    "intact": "mmr",
    "deficient": "mmr",
    "proficient": "mmr",
    "high": "level",
    "stable": "level",
    "normal": "level",
}
_GIVEN = frozenset({TreatmentStatus.current, TreatmentStatus.past, TreatmentStatus.stopped})
_ACTIVE = _GIVEN | {TreatmentStatus.planned}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DiagnosisGold(_Strict):
    oncotree: str


class StageGold(_Strict):
    group: str | None = None
    t: str | None = None
    n: str | None = None
    m: str | None = None
    system: str | None = None


class BiomarkerGold(_Strict):
    marker: str
    result: Result | list[Result] | None = None
    value: str | None = None

    @property
    def results(self) -> list[str]:
        if self.result is None:
            return []
        return [self.result] if isinstance(self.result, str) else list(self.result)


class TreatmentGold(_Strict):
    name: str
    status: TreatmentStatus | None = None


class MetastasisGold(_Strict):
    site: str


class FamilyGold(_Strict):
    relation: str
    condition: str
    age: int | None = None


class RiskScoreGold(_Strict):
    score: str  # the extractors' key: IPI, FLIPI, Oncotype DX RS, MammaPrint, IMDC, ELN ...
    value: str | None = None  # as written: "3", "18", "0.72"
    band: str | None = None  # a word of the band: "high-intermediate", "low"


class Expected(_Strict):
    diagnoses: list[DiagnosisGold] = Field(default_factory=list)
    stage: StageGold | None = None
    biomarkers: list[BiomarkerGold] = Field(default_factory=list)
    treatments: list[TreatmentGold] = Field(default_factory=list)
    metastases: list[MetastasisGold] = Field(default_factory=list)
    family_history: list[FamilyGold] = Field(default_factory=list)
    risk_scores: list[RiskScoreGold] = Field(default_factory=list)


class Traps(_Strict):
    diagnoses: list[DiagnosisGold] = Field(default_factory=list)
    risk_scores: list[RiskScoreGold] = Field(default_factory=list)
    biomarkers: list[BiomarkerGold] = Field(default_factory=list)
    treatments: list[TreatmentGold] = Field(default_factory=list)
    metastases: list[MetastasisGold] = Field(default_factory=list)


class Record(_Strict):
    kind: Kind
    cancer: str
    scanned: bool = False
    text: str
    expect: Expected = Field(default_factory=Expected)
    traps: Traps = Field(default_factory=Traps)
    note: str | None = None


Outcome = Literal["right", "missed", "wrong"]


@dataclass
class Check:
    """One expectation or trap, and how the profile met it."""

    what: str
    outcome: Outcome
    inverted: bool = False
    got: str | None = None


@dataclass
class RecordScore:
    name: str
    kind: str
    cancer: str
    read: str
    checks: list[Check] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(check.outcome == outcome for check in self.checks)

    @property
    def inverted(self) -> int:
        return sum(check.inverted for check in self.checks)


def load_records(folder: Path) -> dict[str, Record]:
    """Every record of the corpus by file stem, validated."""
    return {
        path.stem: Record.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.yaml"))
    }


@functools.cache
def _marker_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for entry in vocab.biomarkers():
        for name in (entry.key, entry.label, *entry.synonyms):
            labels.setdefault(name.lower(), entry.label)
    return labels


def canonical_marker(name: str) -> str:
    """The extractors' label for a marker named in a gold file (HER2 for ERBB2, ...)."""
    return _marker_labels().get(name.lower(), name)


def _opposite(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return False
    if _POLARITY.get(first, 0) * _POLARITY.get(second, 0) >= 0:
        return False
    aspects = {_ASPECT.get(first), _ASPECT.get(second)} - {None}
    return len(aspects) <= 1


def _value_fits(gold: BiomarkerGold, fact: BiomarkerFact) -> bool:
    if gold.value is None:
        return True
    shown = " ".join(filter(None, (fact.value, fact.variant))).lower().replace(" ", "")
    return gold.value.lower().replace(" ", "") in shown


def _describe(fact: BiomarkerFact) -> str:
    return " ".join(filter(None, (fact.marker, fact.result, fact.value, fact.variant)))


def _check_biomarker(gold: BiomarkerGold, profile: Profile) -> Check:
    label = canonical_marker(gold.marker)
    what = f"biomarker {gold.marker} {'/'.join(gold.results) or 'reported'}"
    found = [f for f in profile.biomarkers if f.marker.lower() == label.lower()]
    if not found:
        return Check(what, "missed")
    fitting = [
        f for f in found if (not gold.results or f.result in gold.results) and _value_fits(gold, f)
    ]
    if fitting:
        return Check(what, "right")
    inverted = any(_opposite(f.result, r) for f in found for r in gold.results)
    return Check(what, "wrong", inverted, "; ".join(_describe(f) for f in found))


def _biomarker_trap(trap: BiomarkerGold, profile: Profile) -> Check:
    label = canonical_marker(trap.marker)
    what = f"trap: biomarker {trap.marker} {'/'.join(trap.results) or 'any result'}"
    # A variant not found ("IDH1 R132H not detected") says nothing of the gene's other
    # variants, so it does not fall into a trap about the whole gene; a variant found does.
    hits = [
        f
        for f in profile.biomarkers
        if f.marker.lower() == label.lower()
        and (not trap.results or f.result in trap.results)
        and (trap.value or f.variant is None or _POLARITY.get(f.result or "", 0) >= 0)
        and _value_fits(trap, f)
    ]
    if not hits:
        return Check(what, "right")
    inverted = any(_POLARITY.get(f.result or "", 0) for f in hits)
    return Check(what, "wrong", inverted, "; ".join(_describe(f) for f in hits))


def _treatments_named(name: str, profile: Profile) -> list[Any]:
    wanted = name.lower()
    return [t for t in profile.treatments if wanted in (t.name.lower(), (t.regimen or "").lower())]


def _check_treatment(gold: TreatmentGold, profile: Profile) -> Check:
    what = f"treatment {gold.name} {gold.status or ''}".strip()
    found = [t for t in _treatments_named(gold.name, profile) if t.status in _ACTIVE]
    if not found:
        return Check(what, "missed")
    # "stopped" is a past treatment that ended early: right where the gold says past.
    statuses = {t.status for t in found} | (
        {TreatmentStatus.past} if TreatmentStatus.stopped in {t.status for t in found} else set()
    )
    if gold.status is None or gold.status in statuses:
        return Check(what, "right")
    inverted = gold.status == TreatmentStatus.planned and any(t.status in _GIVEN for t in found)
    return Check(what, "wrong", inverted, ", ".join(str(t.status) for t in found))


def _treatment_trap(trap: TreatmentGold, profile: Profile) -> Check:
    what = f"trap: treatment {trap.name} as planned or given"
    hits = [t for t in _treatments_named(trap.name, profile) if t.status in _ACTIVE]
    if not hits:
        return Check(what, "right")
    inverted = any(t.status in _GIVEN for t in hits)
    return Check(what, "wrong", inverted, ", ".join(str(t.status) for t in hits))


def _cancer_codes(condition: str) -> set[str]:
    """The OncoTree codes a condition's words name, as the extractors' matcher reads them."""
    text = " ".join(condition.lower().split())
    return {
        match.key
        for match in default_matcher().find(text)
        if match.category is TermCategory.cancer_type
    }


def _same_condition(gold: str, fact: FamilyHistoryFact) -> bool:
    """Whether a relative's cancer reads the same: the same words, or the same OncoTree code."""
    wanted, got = " ".join(gold.lower().split()), " ".join(fact.condition.lower().split())
    if wanted == got:
        return True
    return fact.oncotree_code is not None and fact.oncotree_code in _cancer_codes(gold)


def _describe_family(fact: FamilyHistoryFact) -> str:
    age = f" at {fact.age_at_diagnosis}" if fact.age_at_diagnosis is not None else ""
    return f"{fact.relation}: {fact.condition}{age}"


def _check_family(gold: FamilyGold, profile: Profile) -> Check:
    """Right when the relative has the cancer (and, where the gold gives one, the age)."""
    age = f" at {gold.age}" if gold.age is not None else ""
    what = f"family history {gold.relation}: {gold.condition}{age}"
    relation = " ".join(gold.relation.lower().split())
    found = [f for f in profile.family_history if f.relation.lower() == relation]
    if not found:
        return Check(what, "missed")
    fitting = [
        f
        for f in found
        if _same_condition(gold.condition, f)
        and (gold.age is None or f.age_at_diagnosis == gold.age)
    ]
    if fitting:
        return Check(what, "right")
    if not any(_same_condition(gold.condition, f) for f in found):
        return Check(what, "missed", got="; ".join(_describe_family(f) for f in found))
    return Check(what, "wrong", got="; ".join(_describe_family(f) for f in found))


def _describe_risk(fact: RiskScoreFact) -> str:
    return " ".join(filter(None, (fact.score, fact.value, fact.band)))


def _risk_fits(gold: RiskScoreGold, fact: RiskScoreFact) -> bool:
    value_fits = gold.value is None or (
        fact.value is not None and float(fact.value) == float(gold.value)
    )
    band_fits = gold.band is None or (
        fact.band is not None and gold.band.lower() in fact.band.lower().split(" ")
    )
    return value_fits and band_fits


def _risk_scores_named(score: str, profile: Profile) -> list[RiskScoreFact]:
    return [r for r in profile.risk_scores if r.score.lower() == score.lower()]


def _check_risk_score(gold: RiskScoreGold, profile: Profile) -> Check:
    """Right when the profile holds the score with the value and band the gold gives."""
    what = " ".join(filter(None, ("risk score", gold.score, gold.value, gold.band)))
    found = _risk_scores_named(gold.score, profile)
    if not found:
        return Check(what, "missed")
    if any(_risk_fits(gold, f) for f in found):
        return Check(what, "right")
    return Check(what, "wrong", got="; ".join(_describe_risk(f) for f in found))


def _risk_score_trap(trap: RiskScoreGold, profile: Profile) -> Check:
    """A threshold or a band table read as the patient's score: wrong when the profile shows it."""
    what = " ".join(filter(None, ("trap: risk score", trap.score, trap.value, trap.band)))
    hits = [f for f in _risk_scores_named(trap.score, profile) if _risk_fits(trap, f)]
    if not hits:
        return Check(what, "right")
    return Check(what, "wrong", got="; ".join(_describe_risk(f) for f in hits))


def _check_diagnoses(golds: list[DiagnosisGold], profile: Profile) -> list[Check]:
    codes = [d.oncotree_code for d in profile.diagnoses]
    checks = []
    for index, gold in enumerate(golds):
        what = f"diagnosis {gold.oncotree}" + (" (principal)" if index == 0 else "")
        present = codes[:1] if index == 0 else codes
        if gold.oncotree in present:
            checks.append(Check(what, "right"))
        elif codes:
            checks.append(Check(what, "wrong", got=", ".join(codes)))
        else:
            checks.append(Check(what, "missed"))
    return checks


def _same_category(gold: str, got: str) -> bool:
    """Whether a T, N, M or group reads the same; a gold without prefix ("M0") or without the
    suffix the record adds ("pN1a" for "pN1a(sn)") accepts the more detailed form."""
    gold, got = gold.lower(), got.lower()
    if "(" not in gold:
        got = got.split("(")[0]
    if gold[:1] not in ("c", "p", "y", "r", "a") and got[:1] in ("c", "p"):
        got = got.lstrip("yrcpa")
    return gold == got


def _check_stage(gold: StageGold, profile: Profile) -> list[Check]:
    stage = profile.stage
    checks = []
    wanted = {"group": gold.group, "t": gold.t, "n": gold.n, "m": gold.m, "system": gold.system}
    for name, value in wanted.items():
        if value is None:
            continue
        got = getattr(stage, name) if stage else None
        if got is None:
            checks.append(Check(f"stage {name} {value}", "missed"))
        elif _same_category(value, str(got)):
            checks.append(Check(f"stage {name} {value}", "right"))
        else:
            checks.append(Check(f"stage {name} {value}", "wrong", got=str(got)))
    return checks


def _site_named(site: str, profile: Profile) -> bool:
    wanted = site.lower()
    return any(wanted in m.site.lower() or m.site.lower() in wanted for m in profile.metastases)


def score_record(name: str, record: Record, profile: Profile, read: str) -> RecordScore:
    """Check every expectation and trap of one record against its profile."""
    score = RecordScore(name, record.kind, record.cancer, read)
    expect, traps = record.expect, record.traps
    score.checks += _check_diagnoses(expect.diagnoses, profile)
    if expect.stage:
        score.checks += _check_stage(expect.stage, profile)
    score.checks += [_check_biomarker(gold, profile) for gold in expect.biomarkers]
    score.checks += [_check_treatment(gold, profile) for gold in expect.treatments]
    for gold in expect.metastases:
        outcome: Outcome = "right" if _site_named(gold.site, profile) else "missed"
        score.checks.append(Check(f"metastasis {gold.site}", outcome))
    score.checks += [_check_family(gold, profile) for gold in expect.family_history]
    score.checks += [_check_risk_score(gold, profile) for gold in expect.risk_scores]
    codes = {d.oncotree_code for d in profile.diagnoses}
    for trap in traps.diagnoses:
        outcome = "wrong" if trap.oncotree in codes else "right"
        score.checks.append(Check(f"trap: diagnosis {trap.oncotree}", outcome))
    score.checks += [_biomarker_trap(trap, profile) for trap in traps.biomarkers]
    score.checks += [_treatment_trap(trap, profile) for trap in traps.treatments]
    score.checks += [_risk_score_trap(trap, profile) for trap in traps.risk_scores]
    for trap in traps.metastases:
        outcome = "wrong" if _site_named(trap.site, profile) else "right"
        score.checks.append(Check(f"trap: metastasis {trap.site}", outcome))
    return score


def profile_of(data: bytes) -> Profile:
    """Read an upload's bytes and assemble its profile, as the pipeline does."""
    return assemble_profile(extract_facts(read_pages(data)).facts)


def _scanned(text: str) -> bytes:
    # The benchmark helpers import each other as top-level modules, as scripts run them.
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    from records import scanned_layout_pdf

    return scanned_layout_pdf(text)


def evaluate(folder: Path = DEFAULT_RECORDS, *, ocr: bool = False) -> list[RecordScore]:
    """Score every record (and, with `ocr`, the scanned copies of those marked scanned)."""
    scores = []
    for name, record in load_records(folder).items():
        profile = profile_of(record.text.encode("utf-8"))
        scores.append(score_record(name, record, profile, "text"))
        if ocr and record.scanned:
            scores.append(score_record(name, record, profile_of(_scanned(record.text)), "ocr"))
    return scores


def summarise(scores: list[RecordScore]) -> dict[str, Any]:
    """Totals overall and by document kind."""

    def totals(chosen: list[RecordScore]) -> dict[str, Any]:
        counts = Counter(check.outcome for s in chosen for check in s.checks)
        checks = sum(counts.values())
        return {
            "records": len(chosen),
            "checks": checks,
            "right": counts["right"],
            "missed": counts["missed"],
            "wrong": counts["wrong"],
            "inverted": sum(s.inverted for s in chosen),
            "share_right": counts["right"] / checks if checks else 1.0,
        }

    by_kind: dict[str, list[RecordScore]] = defaultdict(list)
    for s in scores:
        by_kind[s.kind].append(s)
    return {
        "overall": totals(scores),
        "by_kind": {kind: totals(chosen) for kind, chosen in sorted(by_kind.items())},
    }


def _print(scores: list[RecordScore], summary: dict[str, Any], verbose: bool) -> None:
    print("\n| kind | records | checks | right | missed | wrong | inverted | share right |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [*summary["by_kind"].items(), ("**all**", summary["overall"])]
    for kind, t in rows:
        print(
            f"| {kind} | {t['records']} | {t['checks']} | {t['right']} | {t['missed']} | "
            f"{t['wrong']} | {t['inverted']} | {t['share_right']:.3f} |"
        )
    for s in scores:
        bad = [c for c in s.checks if c.outcome != "right"]
        if not bad or not (verbose or s.inverted):
            continue
        print(f"\n{s.name} ({s.read}): {s.count('right')}/{len(s.checks)} right")
        for check in bad:
            flag = " INVERTED" if check.inverted else ""
            got = f" (got: {check.got})" if check.got else ""
            print(f"  {check.outcome.upper()}{flag}: {check.what}{got}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=Path, default=DEFAULT_RECORDS)
    parser.add_argument("--ocr", action="store_true", help="also read scanned copies by OCR")
    parser.add_argument("--json", type=Path, help="write the summary as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every miss of every record")
    args = parser.parse_args()
    scores = evaluate(args.records, ocr=args.ocr)
    summary = summarise(scores)
    _print(scores, summary, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    sys.exit(main())
