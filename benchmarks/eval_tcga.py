"""Measure the extractors on real TCGA pathology reports (../shared/data/tcga_dev), scored strictly.

Scoring is the held-out check's own (`../shared/tools/tcga/tcga_score.py`, as PathRep-Bench
scored its peers): the predicted OncoTree code is translated to a TCGA study by the strict map
beside that scorer, and nothing else. A code that spans several TCGA studies (RCC, glioma NOS,
LUNG, BOWEL, ...) or that the map does not know counts as wrong: a profile must name what the
report names. Stage is scored at the level Stage I-IV over the staged reports
of the 21 staged types, once from the text alone (what the peers were given) and once with the
patient's age at diagnosis (what the product knows from the date of birth).

The dev set is split into two fixed halves by patient id (`half_of`): rules are written on one
half and checked on the other, so every figure is printed for both halves and for all reports.

    python benchmarks/eval_tcga.py [--data PATH] [--half A|B] [--misses TYPE]
                                   [--stage-misses TYPE] [--dump PATH] [--json PATH]

``--dump`` writes one JSON line per report (id, OncoTree code, TCGA type, stage group from the text
alone and with age), so two runs can be compared report by report, and the file can be given to
`tcga_score.py --pred` as it is.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from extractors.extract import extract_facts
from intake.profile import assemble_profile
from models.schemas import Page, Profile, ReadMethod

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_DATA = SHARED / "data" / "tcga_dev" / "reports.jsonl"
SCORER = SHARED / "tools" / "tcga" / "tcga_score.py"
STRICT_MAP = SHARED / "tools" / "tcga" / "oncotree_to_tcga.json"
HALVES = ("A", "B")


def load_scorer() -> ModuleType:
    """Import the shared strict scorer, which is a script, not a package module."""
    spec = importlib.util.spec_from_file_location("tcga_score", SCORER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def half_of(report_id: str) -> str:
    """Return the fixed half ("A" or "B") of a patient, from a hash of the patient id."""
    return HALVES[hashlib.sha256(report_id.encode()).digest()[0] % 2]


@dataclass(frozen=True)
class StrictTypes:
    """OncoTree code -> TCGA study, by the shared strict map alone."""

    mapping: dict[str, str | list[str]]

    @classmethod
    def load(cls) -> StrictTypes:
        raw = json.loads(STRICT_MAP.read_text())
        return cls({k: v for k, v in raw.items() if not k.startswith("_")})

    def entry(self, code: str | None) -> str | list[str] | None:
        return self.mapping.get(code) if code else None

    def tcga_type(self, code: str | None) -> str | None:
        """The one TCGA study of a code, or None when it names none or several."""
        found = self.entry(code)
        return found if isinstance(found, str) else None


@dataclass(frozen=True)
class Prediction:
    report_id: str
    oncotree: str | None
    tcga_type: str | None
    stage_text: str | None
    stage_with_age: str | None
    profile: Profile

    def row(self) -> dict[str, str | None]:
        return {
            "id": self.report_id,
            "oncotree": self.oncotree,
            "tcga_type": self.tcga_type,
            "stage_overall": self.stage_text,
            "stage_with_age": self.stage_with_age,
        }


def predict(reports: list[dict[str, Any]], types: StrictTypes) -> tuple[list[Prediction], float]:
    """Extract every report twice (text alone, text with age); return CPU seconds of the first."""
    extract_facts([Page(number=1, text="warm up", method=ReadMethod.plain_text)])
    profiles: list[Profile] = []
    started = time.process_time()
    for report in reports:
        page = Page(number=1, text=report["text"], method=ReadMethod.plain_text)
        profiles.append(assemble_profile(extract_facts([page]).facts))
    elapsed = time.process_time() - started
    predictions = []
    for report, profile in zip(reports, profiles, strict=True):
        page = Page(number=1, text=report["text"], method=ReadMethod.plain_text)
        aged = assemble_profile(
            extract_facts([page], patient_age=report.get("age_at_diagnosis")).facts
        )
        code = profile.diagnoses[0].oncotree_code if profile.diagnoses else None
        predictions.append(
            Prediction(
                report_id=report["id"],
                oncotree=code,
                tcga_type=types.tcga_type(code),
                stage_text=profile.stage.group if profile.stage else None,
                stage_with_age=aged.stage.group if aged.stage else None,
                profile=profile,
            )
        )
    return predictions, elapsed


def score(
    reports: list[dict[str, Any]], predictions: list[Prediction], scorer: ModuleType
) -> dict[str, Any]:
    """Strict figures as the shared scorer computes them: type, stage from text, stage with age."""
    types, staged, aged = [], [], []
    for report, prediction in zip(reports, predictions, strict=True):
        truth = report["tcga_type"]
        types.append((truth, prediction.tcga_type == truth))
        if report.get("stage_overall") and truth in scorer.STAGE_TYPES:
            gold = scorer.normalize_stage(report["stage_overall"])
            staged.append((truth, scorer.normalize_stage(prediction.stage_text) == gold))
            aged.append((truth, scorer.normalize_stage(prediction.stage_with_age) == gold))
    figures: dict[str, Any] = {"reports": len(reports), "staged": len(staged)}
    for name, results in (("type", types), ("stage", staged), ("stage_with_age", aged)):
        micro, macro, per_type = scorer.accuracy(results)
        figures[name] = {"micro": micro, "macro": macro, "per_type": per_type}
    figures["type_coverage"] = sum(p.oncotree is not None for p in predictions) / len(reports)
    return figures


def _print_summary(by_half: dict[str, dict[str, Any]], speed: float, scorer: ModuleType) -> None:
    print("\nTCGA dev set, strict scoring (../shared/tools/tcga)\n")
    print("| measure | all | half A | half B |\n|---|---:|---:|---:|")
    print("| reports | " + " | ".join(str(by_half[h]["reports"]) for h in by_half) + " |")
    print("| staged reports | " + " | ".join(str(by_half[h]["staged"]) for h in by_half) + " |")
    for key, label in (
        ("type", "cancer type (micro)"),
        ("stage", "stage I-IV, text alone (micro)"),
        ("stage_with_age", "stage I-IV, text and age (micro)"),
    ):
        values = " | ".join(f"{by_half[h][key]['micro']:.3f}" for h in by_half)
        print(f"| {label} | {values} |")
    values = " | ".join(f"{by_half[h]['type']['macro']:.3f}" for h in by_half)
    print(f"| cancer type (macro) | {values} |")
    values = " | ".join(f"{by_half[h]['type_coverage']:.3f}" for h in by_half)
    print(f"| a diagnosis found | {values} |")
    print(f"\nreports per second (one core, text to profile): {speed:.0f}")
    peer = scorer.PEERS[scorer.REFERENCE_PEER]
    print(
        f"{scorer.REFERENCE_PEER} on the held-out test split, for scale: "
        f"type {peer[0]:.3f}, stage {peer[2]:.3f}"
    )


def _print_per_type(figures: dict[str, Any]) -> None:
    print("\n| type | reports | type acc | staged | stage acc | with age |")
    print("|---|---:|---:|---:|---:|---:|")
    for tcga in sorted(figures["type"]["per_type"]):
        right, n = figures["type"]["per_type"][tcga]
        stage = figures["stage"]["per_type"].get(tcga)
        aged = figures["stage_with_age"]["per_type"].get(tcga)
        stage_text = f"{stage[1]} | {stage[0] / stage[1]:.2f}" if stage else "0 | -"
        aged_text = f"{aged[0] / aged[1]:.2f}" if aged else "-"
        print(f"| {tcga} | {n} | {right / n:.2f} | {stage_text} | {aged_text} |")


def evaluate(reports: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[Prediction]]:
    """Score all reports and each half; return the figures by 'all', 'A', 'B' and predictions."""
    scorer = load_scorer()
    predictions, _ = predict(reports, StrictTypes.load())
    return _by_half(reports, predictions, scorer), predictions


def _by_half(
    reports: list[dict[str, Any]], predictions: list[Prediction], scorer: ModuleType
) -> dict[str, dict[str, Any]]:
    by_half = {"all": score(reports, predictions, scorer)}
    for half in HALVES:
        chosen = [i for i, report in enumerate(reports) if half_of(report["id"]) == half]
        by_half[half] = score(
            [reports[i] for i in chosen], [predictions[i] for i in chosen], scorer
        )
    return by_half


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--half", choices=HALVES, help="print the tables of one half only")
    parser.add_argument("--misses", help="print the type misses of this TCGA type (or ALL)")
    parser.add_argument("--stage-misses", help="print the stage misses of this TCGA type (or ALL)")
    parser.add_argument("--dump", type=Path, help="write per-report predictions as JSON Lines")
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()

    reports = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    scorer = load_scorer()
    types = StrictTypes.load()
    predictions, elapsed = predict(reports, types)
    by_half = _by_half(reports, predictions, scorer)
    _print_summary(by_half, len(reports) / elapsed, scorer)
    shown = by_half[args.half] if args.half else by_half["all"]
    _print_per_type(shown)

    confusions: Counter[tuple[str, str]] = Counter()
    for report, prediction in zip(reports, predictions, strict=True):
        if args.half and half_of(report["id"]) != args.half:
            continue
        truth = report["tcga_type"]
        if prediction.tcga_type != truth:
            entry = types.entry(prediction.oncotree)
            got = prediction.tcga_type or ("/".join(entry) if isinstance(entry, list) else "none")
            confusions[(truth, got)] += 1
            if args.misses in (truth, "ALL"):
                print(f"TYPE MISS {report['id']} {truth} -> {got} ({prediction.oncotree})")
        true_stage = scorer.normalize_stage(report.get("stage_overall"))
        missed = scorer.normalize_stage(prediction.stage_text) != true_stage
        if (
            true_stage
            and missed
            and truth in scorer.STAGE_TYPES
            and args.stage_misses
            in (
                truth,
                "ALL",
            )
        ):
            stage = prediction.profile.stage
            tnm = f"{stage.t} {stage.n} {stage.m} {stage.method}" if stage else "-"
            print(
                f"STAGE MISS {report['id']} {truth} true {true_stage} "
                f"got {prediction.stage_text} [{tnm}] ({prediction.oncotree})"
            )
    print("\nWorst confusions (true -> predicted: count)")
    for (truth, got), count in confusions.most_common(12):
        print(f"  {truth} -> {got}: {count}")

    if args.dump:
        with args.dump.open("w") as out:
            for prediction in predictions:
                out.write(json.dumps(prediction.row()) + "\n")
    if args.json:
        args.json.write_text(json.dumps(by_half, indent=1))


if __name__ == "__main__":
    main()
