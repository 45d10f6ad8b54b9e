"""Measure the extractors on real TCGA pathology reports (../shared/data/tcga_dev).

Prints cancer-type accuracy over all reports (OncoTree codes mapped to TCGA study codes here,
in the benchmark only), stage accuracy at the level I/II/III/IV over reports with a true stage,
coverage, a per-type table, the worst confusions, and reports per second on one core.

    python benchmarks/eval_tcga.py [--data PATH] [--misses TYPE] [--stage-misses TYPE] [--dump PATH]

``--dump`` writes one JSON line per report (id, predicted type code, predicted stage group), so two
runs can be compared report by report.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from extractors.extract import extract_facts
from intake.profile import assemble_profile
from models.schemas import Page, Profile, ReadMethod

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tcga_dev" / "reports.jsonl"
ONCOTREE = ROOT.parent / "shared" / "data" / "oncotree" / "oncotree_2025_10_03.json"

# From the most specific OncoTree ancestor to the TCGA study that collects it.
TCGA_BY_ONCOTREE = {
    "ULMS": "SARC",
    "UCS": "UCS",
    "UTERUS": "UCEC",
    "GB": "GBM",
    "GBM": "GBM",
    "BRAIN": "LGG",
    "LUAD": "LUAD",
    "LUSC": "LUSC",
    "LUNG": "LUAD",
    "CCRCC": "KIRC",
    "PRCC": "KIRP",
    "CHRCC": "KICH",
    "KIDNEY": "KIRC",
    "READ": "READ",
    "BOWEL": "COAD",
    "ESCC": "ESCA",
    "ESCA": "ESCA",  # OncoTree ESCA is esophageal adenocarcinoma (there is no EAC)
    "GEJ": "ESCA",
    "STOMACH": "STAD",
    "IHCH": "CHOL",
    "EHCH": "CHOL",
    "PHCH": "CHOL",
    "CHOL": "CHOL",
    "BILIARY_TRACT": "CHOL",
    "GBC": "CHOL",
    "LIVER": "LIHC",
    "PHC": "PCPG",
    "PGNG": "PCPG",
    "ACC": "ACC",
    "ADRENAL_GLAND": "ACC",
    "PSEC": "OV",  # primary peritoneal serous carcinoma: Mullerian, not mesothelial
    "PLEURA": "MESO",
    "PEMESO": "MESO",
    "PERITONEUM": "MESO",
    "UM": "UVM",
    "OM": "UVM",
    "EYE": "UVM",
    "SKIN": "SKCM",
    "BREAST": "BRCA",
    "PANCREAS": "PAAD",
    "PROSTATE": "PRAD",
    "BLADDER": "BLCA",
    "TESTIS": "TGCT",
    "THYROID": "THCA",
    "THYMUS": "THYM",
    "SOFT_TISSUE": "SARC",
    "MPNST": "SARC",  # one of the TCGA SARC subtypes, filed under PNS in OncoTree
    "BONE": "SARC",
    "OVARY": "OV",
    "CERVIX": "CESC",
    "HEAD_NECK": "HNSC",
    "LYMPH": "DLBC",
}


def _ancestors() -> dict[str, list[str]]:
    tree = json.loads(ONCOTREE.read_text())["TISSUE"]
    chains: dict[str, list[str]] = {}

    def walk(node: dict, chain: list[str]) -> None:
        chain = [node["code"], *chain]
        chains[node["code"]] = chain
        for child in node["children"].values():
            walk(child, chain)

    walk(tree, [])
    return chains


def tcga_type(code: str | None, chains: dict[str, list[str]]) -> str | None:
    if code is None:
        return None
    for ancestor in chains.get(code, [code]):
        if ancestor in TCGA_BY_ONCOTREE:
            return TCGA_BY_ONCOTREE[ancestor]
    return None


def stage_level(group: str | None) -> str | None:
    if not group:
        return None
    for level in ("IV", "III", "II", "I"):
        if group.upper().startswith(level):
            return level
    return None


def _dump_predictions(
    path: Path, reports: list[dict], profiles: list[Profile], chains: dict[str, list[str]]
) -> None:
    with path.open("w") as out:
        for report, profile in zip(reports, profiles, strict=True):
            code = profile.diagnoses[0].oncotree_code if profile.diagnoses else None
            row = {
                "id": report["id"],
                "oncotree": code,
                "type": tcga_type(code, chains),
                "stage_group": profile.stage.group if profile.stage else None,
            }
            out.write(json.dumps(row) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--misses", help="print the type misses of this TCGA type (or ALL)")
    parser.add_argument("--stage-misses", help="print the stage misses of this TCGA type (or ALL)")
    parser.add_argument("--dump", type=Path, help="write per-report predictions as JSON Lines")
    args = parser.parse_args()

    reports = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    chains = _ancestors()
    profiles: list[Profile] = []
    # Vocabularies load once per process, on the first call; a worker pays that at start-up.
    extract_facts([Page(number=1, text="warm up", method=ReadMethod.plain_text)])
    started = time.process_time()
    for report in reports:
        page = Page(number=1, text=report["text"], method=ReadMethod.plain_text)
        profiles.append(assemble_profile(extract_facts([page]).facts))
    elapsed = time.process_time() - started

    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    confusions: Counter[tuple[str, str]] = Counter()
    type_right = covered = stage_total = stage_right = stage_covered = 0
    for report, profile in zip(reports, profiles, strict=True):
        truth = report["tcga_type"]
        code = profile.diagnoses[0].oncotree_code if profile.diagnoses else None
        predicted = tcga_type(code, chains)
        counts = per_type[truth]
        counts["n"] += 1
        covered += predicted is not None
        if predicted == truth:
            type_right += 1
            counts["type_right"] += 1
        else:
            confusions[(truth, predicted or "none")] += 1
            if args.misses in (truth, "ALL"):
                print(f"TYPE MISS {report['id']} {truth} -> {predicted} ({code})")
        true_stage = stage_level((report.get("stage_overall") or "").replace("Stage ", ""))
        if true_stage:
            stage_total += 1
            counts["staged"] += 1
            group = profile.stage.group if profile.stage else None
            stage_covered += group is not None
            if stage_level(group) == true_stage:
                stage_right += 1
                counts["stage_right"] += 1
            elif args.stage_misses in (truth, "ALL"):
                s = profile.stage
                tnm = f"{s.t} {s.n} {s.m} {s.method} {s.assumptions}" if s else "-"
                print(
                    f"STAGE MISS {report['id']} {truth} true {true_stage} "
                    f"got {group} [{tnm}] ({code})"
                )

    if args.dump:
        _dump_predictions(args.dump, reports, profiles, chains)

    n = len(reports)
    print(f"\nTCGA dev set: {n} reports, {stage_total} with a true stage\n")
    print("| measure | value |\n|---|---:|")
    print(f"| cancer type accuracy | {type_right / n:.3f} |")
    print(f"| cancer type coverage | {covered / n:.3f} |")
    print(f"| stage accuracy (I-IV) | {stage_right / stage_total:.3f} |")
    print(f"| stage coverage | {stage_covered / stage_total:.3f} |")
    print(f"| reports per second (one core, text to facts) | {n / elapsed:.0f} |")
    print("\n| type | reports | type acc | staged | stage acc |\n|---|---:|---:|---:|---:|")
    for tcga in sorted(per_type):
        c = per_type[tcga]
        stage = f"{c['stage_right'] / c['staged']:.2f}" if c["staged"] else "-"
        print(f"| {tcga} | {c['n']} | {c['type_right'] / c['n']:.2f} | {c['staged']} | {stage} |")
    print("\nWorst confusions (true -> predicted: count)")
    for (truth, predicted), count in confusions.most_common(12):
        print(f"  {truth} -> {predicted}: {count}")


if __name__ == "__main__":
    main()
