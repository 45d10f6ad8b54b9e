"""AJCC stage-group derivation: canonical table cases per chapter and edition, the rules for
missing or vague categories, chapter_for, and checks on the data file itself."""

from __future__ import annotations

import dataclasses
import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from extractors.stage import M0_ASSUMED, DerivedGroup, chapter_for, derive_group
from extractors.stage.group_doubt import factor_options, lowest_outcome
from extractors.stage.group_matching import Outcome
from extractors.stage.group_tables import Factors, GroupingFile, grouping_file, table_for

ONCOTREE = Path("/work/shared/data/oncotree/oncotree_2025_10_03.json")

# (chapter, edition, T, N, M, extra keyword arguments, expected group or None)
Case = tuple[str, int, str, str, str, dict[str, Any], str | None]

BREAST: list[Case] = [
    ("breast", 8, "T2", "N1", "M0", {}, "IIB"),
    ("breast", 8, "T1", "N0", "M0", {}, "IA"),
    ("breast", 8, "T3", "N0", "M0", {}, "IIB"),
    ("breast", 8, "T1mi", "N0", "M0", {}, "IA"),
    ("breast", 8, "T1c", "N0(i+)", "M0", {}, "IA"),
    ("breast", 8, "T1", "N1mi", "M0", {}, "IB"),
    ("breast", 8, "T2", "N1mi", "M0", {}, "IIB"),
    ("breast", 8, "T0", "N1", "M0", {}, "IIA"),
    ("breast", 8, "T2", "N0", "M0(i+)", {}, "IIA"),
    ("breast", 8, "T2", "N2", "M0", {}, "IIIA"),
    ("breast", 8, "T3", "N1", "M0", {}, "IIIA"),
    ("breast", 8, "T4b", "N0", "M0", {}, "IIIB"),
    ("breast", 8, "T1", "N3", "M0", {}, "IIIC"),
    ("breast", 8, "T4d", "N3c", "M0", {}, "IIIC"),
    ("breast", 8, "T2", "N0", "M1", {}, "IV"),
    ("breast", 8, "Tis", "N0", "M0", {}, "0"),
    ("breast", 7, "T1", "N1mi", "M0", {}, "IB"),
    ("breast", 7, "T2", "N0", "M0", {}, "IIA"),
    ("breast", 7, "T3", "N2a", "M0", {}, "IIIA"),
    ("breast", 7, "T4", "N2", "M0", {}, "IIIB"),
]

LUNG: list[Case] = [
    ("lung", 8, "Tis", "N0", "M0", {}, "0"),
    ("lung", 8, "T1mi", "N0", "M0", {}, "IA1"),
    ("lung", 8, "T1a", "N0", "M0", {}, "IA1"),
    ("lung", 8, "T1b", "N0", "M0", {}, "IA2"),
    ("lung", 8, "T1c", "N0", "M0", {}, "IA3"),
    ("lung", 8, "T2a", "N0", "M0", {}, "IB"),
    ("lung", 8, "T2b", "N0", "M0", {}, "IIA"),
    ("lung", 8, "T1", "N1", "M0", {}, "IIB"),
    ("lung", 8, "T3", "N0", "M0", {}, "IIB"),
    ("lung", 8, "T3", "N1", "M0", {}, "IIIA"),
    ("lung", 8, "T4", "N0", "M0", {}, "IIIA"),
    ("lung", 8, "T2a", "N3", "M0", {}, "IIIB"),
    ("lung", 8, "T4", "N2", "M0", {}, "IIIB"),
    ("lung", 8, "T3", "N3", "M0", {}, "IIIC"),
    ("lung", 8, "T1a", "N0", "M1a", {}, "IVA"),
    ("lung", 8, "T2", "N2", "M1b", {}, "IVA"),
    ("lung", 8, "T1a", "N0", "M1c", {}, "IVB"),
    ("lung", 7, "T1a", "N0", "M0", {}, "IA"),
    ("lung", 7, "T2a", "N0", "M0", {}, "IB"),
    ("lung", 7, "T2b", "N0", "M0", {}, "IIA"),
    ("lung", 7, "T1", "N1", "M0", {}, "IIA"),
    ("lung", 7, "T2b", "N1", "M0", {}, "IIB"),
    ("lung", 7, "T3", "N2", "M0", {}, "IIIA"),
    ("lung", 7, "T1b", "N3", "M0", {}, "IIIB"),
    ("lung", 7, "T4", "N2", "M0", {}, "IIIB"),
    ("lung", 7, "T2a", "N0", "M1b", {}, "IV"),
]

COLORECTAL: list[Case] = [
    ("colorectal", 8, "Tis", "N0", "M0", {}, "0"),
    ("colorectal", 8, "T1", "N0", "M0", {}, "I"),
    ("colorectal", 8, "T3", "N0", "M0", {}, "IIA"),
    ("colorectal", 8, "T4a", "N0", "M0", {}, "IIB"),
    ("colorectal", 8, "T4b", "N0", "M0", {}, "IIC"),
    ("colorectal", 8, "T1", "N1", "M0", {}, "IIIA"),
    ("colorectal", 8, "T2", "N1c", "M0", {}, "IIIA"),
    ("colorectal", 8, "T1", "N2a", "M0", {}, "IIIA"),
    ("colorectal", 8, "T3", "N1a", "M0", {}, "IIIB"),
    ("colorectal", 8, "T2", "N2b", "M0", {}, "IIIB"),
    ("colorectal", 8, "T4a", "N2a", "M0", {}, "IIIC"),
    ("colorectal", 8, "T3", "N2b", "M0", {}, "IIIC"),
    ("colorectal", 8, "T4b", "N2a", "M0", {}, "IIIC"),
    ("colorectal", 8, "T3", "N1", "M1a", {}, "IVA"),
    ("colorectal", 8, "T3", "N1", "M1b", {}, "IVB"),
    ("colorectal", 8, "T3", "N1", "M1c", {}, "IVC"),
    ("colorectal", 7, "T3", "N0", "M0", {}, "IIA"),
    ("colorectal", 7, "T4b", "N0", "M0", {}, "IIC"),
    ("colorectal", 7, "T1", "N1", "M0", {}, "IIIA"),
    ("colorectal", 7, "T3", "N1a", "M0", {}, "IIIB"),
    ("colorectal", 7, "T4b", "N2a", "M0", {}, "IIIC"),
    ("colorectal", 7, "T2", "N0", "M1a", {}, "IVA"),
    ("colorectal", 7, "T2", "N0", "M1b", {}, "IVB"),
]

STOMACH_AND_ESOPHAGUS: list[Case] = [
    ("stomach", 8, "T1", "N0", "M0", {}, "IA"),
    ("stomach", 8, "T1", "N1", "M0", {}, "IB"),
    ("stomach", 8, "T2", "N0", "M0", {}, "IB"),
    ("stomach", 8, "T3", "N0", "M0", {}, "IIA"),
    ("stomach", 8, "T1", "N3a", "M0", {}, "IIB"),
    ("stomach", 8, "T4a", "N0", "M0", {}, "IIB"),
    ("stomach", 8, "T4a", "N2", "M0", {}, "IIIA"),
    ("stomach", 8, "T4b", "N0", "M0", {}, "IIIA"),
    ("stomach", 8, "T1", "N3b", "M0", {}, "IIIB"),
    ("stomach", 8, "T4b", "N2", "M0", {}, "IIIB"),
    ("stomach", 8, "T4a", "N3b", "M0", {}, "IIIC"),
    ("stomach", 8, "T2", "N1", "M1", {}, "IV"),
    ("stomach", 7, "T1a", "N0", "M0", {}, "IA"),
    ("stomach", 7, "T1", "N1", "M0", {}, "IB"),
    ("stomach", 7, "T1", "N3a", "M0", {}, "IIB"),
    ("stomach", 7, "T4a", "N0", "M0", {}, "IIB"),
    ("stomach", 7, "T4a", "N2", "M0", {}, "IIIB"),
    ("stomach", 7, "T4b", "N1", "M0", {}, "IIIB"),
    ("stomach", 7, "T4b", "N2", "M0", {}, "IIIC"),
    ("stomach", 7, "T4a", "N3", "M0", {}, "IIIC"),
    ("esophagus_adenocarcinoma", 8, "T1a", "N0", "M0", {"grade_group": 1}, "IA"),
    ("esophagus_adenocarcinoma", 8, "T1b", "N0", "M0", {"grade_group": 2}, "IB"),
    ("esophagus_adenocarcinoma", 8, "T1a", "N0", "M0", {"grade_group": 3}, "IC"),
    ("esophagus_adenocarcinoma", 8, "T2", "N0", "M0", {"grade_group": 1}, "IC"),
    ("esophagus_adenocarcinoma", 8, "T2", "N0", "M0", {"grade_group": 3}, "IIA"),
    ("esophagus_adenocarcinoma", 8, "T3", "N0", "M0", {}, "IIB"),
    ("esophagus_adenocarcinoma", 8, "T1b", "N1", "M0", {}, "IIB"),
    ("esophagus_adenocarcinoma", 8, "T2", "N1", "M0", {}, "IIIA"),
    ("esophagus_adenocarcinoma", 8, "T4a", "N1", "M0", {}, "IIIB"),
    ("esophagus_adenocarcinoma", 8, "T4a", "N2", "M0", {}, "IVA"),
    ("esophagus_adenocarcinoma", 8, "T1a", "N3", "M0", {}, "IVA"),
    ("esophagus_adenocarcinoma", 8, "T3", "N1", "M1", {}, "IVB"),
    ("esophagus_adenocarcinoma", 7, "T1", "N0", "M0", {"grade_group": 2}, "IA"),
    ("esophagus_adenocarcinoma", 7, "T1", "N0", "M0", {"grade_group": 3}, "IB"),
    ("esophagus_adenocarcinoma", 7, "T2", "N0", "M0", {"grade_group": 3}, "IIA"),
    ("esophagus_adenocarcinoma", 7, "T3", "N0", "M0", {}, "IIB"),
    ("esophagus_adenocarcinoma", 7, "T4a", "N0", "M0", {}, "IIIA"),
    ("esophagus_adenocarcinoma", 7, "T3", "N2", "M0", {}, "IIIB"),
    ("esophagus_adenocarcinoma", 7, "T4b", "N0", "M0", {}, "IIIC"),
    ("esophagus_adenocarcinoma", 7, "T2", "N0", "M1", {}, "IV"),
    ("esophagus_squamous", 8, "T1a", "N0", "M0", {"grade_group": 1}, "IA"),
    ("esophagus_squamous", 8, "T1b", "N0", "M0", {}, "IB"),
    ("esophagus_squamous", 8, "T2", "N0", "M0", {"grade_group": 1}, "IB"),
    ("esophagus_squamous", 8, "T2", "N0", "M0", {"grade_group": 2}, "IIA"),
    ("esophagus_squamous", 8, "T3", "N0", "M0", {"grade_group": 1}, "II"),  # IIA/IIB by location
    ("esophagus_squamous", 8, "T1", "N1", "M0", {}, "IIB"),
    ("esophagus_squamous", 8, "T2", "N2", "M0", {}, "IIIB"),
    ("esophagus_squamous", 8, "T4b", "N0", "M0", {}, "IVA"),
    ("esophagus_squamous", 7, "T1", "N0", "M0", {"grade_group": 1}, "IA"),
    ("esophagus_squamous", 7, "T1", "N0", "M0", {"grade_group": 3}, "IB"),
    # Location unknown: grouped with the lower thoracic esophagus, as the 7th edition does.
    ("esophagus_squamous", 7, "T2", "N0", "M0", {"grade_group": 1}, "IB"),
    ("esophagus_squamous", 7, "T3", "N0", "M0", {"grade_group": 3}, "IIA"),
    ("esophagus_squamous", 7, "T2", "N1", "M0", {}, "IIB"),
    ("esophagus_squamous", 7, "T3", "N1", "M0", {}, "IIIA"),
    ("esophagus_squamous", 7, "T4a", "N1", "M0", {}, "IIIC"),
    ("esophagus", 8, "T1a", "N0", "M0", {"histology": "adenocarcinoma", "grade_group": 1}, "IA"),
    ("esophagus", 8, "T1b", "N0", "M0", {"histology": "Squamous cell carcinoma"}, "IB"),
    ("esophagus", 8, "T3", "N1", "M0", {}, "IIIB"),  # both histologies agree
    ("esophagus", 8, "T1a", "N0", "M0", {"grade_group": 1}, "IA"),  # both tables: IA
    ("esophagus", 8, "T1a", "N0", "M0", {"grade_group": 3}, None),  # IC or IB
    ("esophagus", 7, "T4b", "N2", "M0", {}, "IIIC"),
]

GENITOURINARY: list[Case] = [
    ("kidney", 8, "T1a", "N0", "M0", {}, "I"),
    ("kidney", 8, "T2b", "N0", "M0", {}, "II"),
    ("kidney", 8, "T3a", "N0", "M0", {}, "III"),
    ("kidney", 8, "T1", "N1", "M0", {}, "III"),
    ("kidney", 8, "T4", "N0", "M0", {}, "IV"),
    ("kidney", 8, "T1a", "N0", "M1", {}, "IV"),
    ("kidney", 7, "T1b", "N0", "M0", {}, "I"),
    ("kidney", 7, "T3b", "N1", "M0", {}, "III"),
    ("bladder", 8, "Ta", "N0", "M0", {}, "0a"),
    ("bladder", 8, "Tis", "N0", "M0", {}, "0is"),
    ("bladder", 8, "T1", "N0", "M0", {}, "I"),
    ("bladder", 8, "T2a", "N0", "M0", {}, "II"),
    ("bladder", 8, "T3a", "N0", "M0", {}, "IIIA"),
    ("bladder", 8, "T2", "N1", "M0", {}, "IIIA"),
    ("bladder", 8, "T3", "N2", "M0", {}, "IIIB"),
    ("bladder", 8, "T4b", "N0", "M0", {}, "IVA"),
    ("bladder", 8, "T2", "N0", "M1a", {}, "IVA"),
    ("bladder", 8, "T2", "N0", "M1b", {}, "IVB"),
    ("bladder", 7, "T4a", "N0", "M0", {}, "III"),
    ("bladder", 7, "T4b", "N0", "M0", {}, "IV"),
    ("bladder", 7, "T2", "N1", "M0", {}, "IV"),
    ("upper_tract_urothelial", 8, "Ta", "N0", "M0", {}, "0a"),
    ("upper_tract_urothelial", 8, "T3", "N0", "M0", {}, "III"),
    ("upper_tract_urothelial", 8, "T4", "N0", "M0", {}, "IV"),
    ("upper_tract_urothelial", 8, "T2", "N2", "M0", {}, "IV"),
    ("upper_tract_urothelial", 7, "T1", "N3", "M0", {}, "IV"),
    ("prostate", 8, "T1c", "N0", "M0", {"psa": 5.0, "grade_group": 1}, "I"),
    ("prostate", 8, "T2", "N0", "M0", {"psa": 5.0, "grade_group": 1}, "I"),
    ("prostate", 8, "T2a", "N0", "M0", {"psa": 12.0, "grade_group": 1}, "IIA"),
    ("prostate", 8, "T2c", "N0", "M0", {"psa": 5.0, "grade_group": 1}, "IIA"),
    ("prostate", 8, "T1c", "N0", "M0", {"psa": 5.0, "grade_group": 2}, "IIB"),
    ("prostate", 8, "T2b", "N0", "M0", {"psa": 15.0, "grade_group": 3}, "IIC"),
    ("prostate", 8, "T2", "N0", "M0", {"psa": 8.0, "grade_group": 4}, "IIC"),
    ("prostate", 8, "T1c", "N0", "M0", {"psa": 25.0, "grade_group": 1}, "IIIA"),
    ("prostate", 8, "T3a", "N0", "M0", {"psa": 5.0, "grade_group": 2}, "IIIB"),
    ("prostate", 8, "T3b", "N0", "M0", {"psa": 30.0, "grade_group": 5}, "IIIC"),
    ("prostate", 8, "T2", "N1", "M0", {}, "IVA"),
    ("prostate", 8, "T2", "N0", "M1b", {}, "IVB"),
    ("prostate", 7, "T1c", "N0", "M0", {"psa": 5.0, "grade_group": 1}, "I"),
    ("prostate", 7, "T2a", "N0", "M0", {"psa": 5.0, "grade_group": 1}, "I"),
    ("prostate", 7, "T1c", "N0", "M0", {"psa": 5.0, "grade_group": 2}, "IIA"),
    ("prostate", 7, "T1c", "N0", "M0", {"psa": 15.0, "grade_group": 1}, "IIA"),
    ("prostate", 7, "T2b", "N0", "M0", {"psa": 5.0, "grade_group": 3}, "IIA"),
    ("prostate", 7, "T2c", "N0", "M0", {}, "IIB"),
    ("prostate", 7, "T2a", "N0", "M0", {"psa": 25.0, "grade_group": 1}, "IIB"),
    ("prostate", 7, "T1c", "N0", "M0", {"psa": 5.0, "grade_group": 4}, "IIB"),
    ("prostate", 7, "T3a", "N0", "M0", {}, "III"),
    ("prostate", 7, "T4", "N0", "M0", {}, "IV"),
    ("prostate", 7, "T2", "N1", "M0", {}, "IV"),
    ("testis", 8, "T1", "N0", "M0", {}, "I"),
    ("testis", 8, "T3", "N0", "M0", {}, "I"),
    # S not an input: S0-S1, the lower category, is assumed.
    ("testis", 8, "T1", "N1", "M0", {}, "IIA"),
    ("testis", 8, "T2", "N2", "M0", {}, "IIB"),
    ("testis", 8, "T1", "N3", "M0", {}, "IIC"),
    ("testis", 8, "T1", "N0", "M1a", {}, "IIIA"),
    ("testis", 8, "T1", "N0", "M1", {}, "III"),  # IIIA or IIIC
    ("testis", 8, "T2", "N2", "M1b", {}, "IIIC"),
    ("testis", 8, "Tis", "N0", "M0", {}, None),
    ("testis", 7, "T2", "N0", "M0", {}, "I"),
]

HEPATOBILIARY_AND_PANCREAS: list[Case] = [
    ("liver", 8, "T1a", "N0", "M0", {}, "IA"),
    ("liver", 8, "T1b", "N0", "M0", {}, "IB"),
    ("liver", 8, "T2", "N0", "M0", {}, "II"),
    ("liver", 8, "T3", "N0", "M0", {}, "IIIA"),
    ("liver", 8, "T4", "N0", "M0", {}, "IIIB"),
    ("liver", 8, "T2", "N1", "M0", {}, "IVA"),
    ("liver", 8, "T2", "N0", "M1", {}, "IVB"),
    ("liver", 7, "T1", "N0", "M0", {}, "I"),
    ("liver", 7, "T3a", "N0", "M0", {}, "IIIA"),
    ("liver", 7, "T3b", "N0", "M0", {}, "IIIB"),
    ("liver", 7, "T4", "N0", "M0", {}, "IIIC"),
    ("liver", 7, "T1", "N1", "M0", {}, "IVA"),
    ("intrahepatic_bile_duct", 8, "T1a", "N0", "M0", {}, "IA"),
    ("intrahepatic_bile_duct", 8, "T1b", "N0", "M0", {}, "IB"),
    ("intrahepatic_bile_duct", 8, "T3", "N0", "M0", {}, "IIIA"),
    ("intrahepatic_bile_duct", 8, "T4", "N0", "M0", {}, "IIIB"),
    ("intrahepatic_bile_duct", 8, "T1", "N1", "M0", {}, "IIIB"),
    ("intrahepatic_bile_duct", 8, "T2", "N0", "M1", {}, "IV"),
    ("intrahepatic_bile_duct", 7, "T1", "N0", "M0", {}, "I"),
    ("intrahepatic_bile_duct", 7, "T3", "N0", "M0", {}, "III"),
    ("intrahepatic_bile_duct", 7, "T4", "N0", "M0", {}, "IVA"),
    ("intrahepatic_bile_duct", 7, "T1", "N1", "M0", {}, "IVA"),
    ("intrahepatic_bile_duct", 7, "T1", "N0", "M1", {}, "IVB"),
    ("perihilar_bile_duct", 8, "T2a", "N0", "M0", {}, "II"),
    ("perihilar_bile_duct", 8, "T3", "N0", "M0", {}, "IIIA"),
    ("perihilar_bile_duct", 8, "T4", "N0", "M0", {}, "IIIB"),
    ("perihilar_bile_duct", 8, "T2", "N1", "M0", {}, "IIIC"),
    ("perihilar_bile_duct", 8, "T1", "N2", "M0", {}, "IVA"),
    ("perihilar_bile_duct", 8, "T1", "N0", "M1", {}, "IVB"),
    ("perihilar_bile_duct", 7, "T2b", "N0", "M0", {}, "II"),
    ("perihilar_bile_duct", 7, "T2", "N1", "M0", {}, "IIIB"),
    ("perihilar_bile_duct", 7, "T4", "N1", "M0", {}, "IVA"),
    ("perihilar_bile_duct", 7, "T1", "N2", "M0", {}, "IVB"),
    ("distal_bile_duct", 8, "T1", "N0", "M0", {}, "I"),
    ("distal_bile_duct", 8, "T1", "N1", "M0", {}, "IIA"),
    ("distal_bile_duct", 8, "T2", "N0", "M0", {}, "IIA"),
    ("distal_bile_duct", 8, "T3", "N1", "M0", {}, "IIB"),
    ("distal_bile_duct", 8, "T2", "N2", "M0", {}, "IIIA"),
    ("distal_bile_duct", 8, "T4", "N0", "M0", {}, "IIIB"),
    ("distal_bile_duct", 7, "T2", "N0", "M0", {}, "IB"),
    ("distal_bile_duct", 7, "T3", "N0", "M0", {}, "IIA"),
    ("distal_bile_duct", 7, "T1", "N1", "M0", {}, "IIB"),
    ("distal_bile_duct", 7, "T4", "N0", "M0", {}, "III"),
    ("gallbladder", 8, "T1b", "N0", "M0", {}, "I"),
    ("gallbladder", 8, "T2a", "N0", "M0", {}, "IIA"),
    ("gallbladder", 8, "T2b", "N0", "M0", {}, "IIB"),
    ("gallbladder", 8, "T2", "N1", "M0", {}, "IIIB"),
    ("gallbladder", 8, "T4", "N0", "M0", {}, "IVA"),
    ("gallbladder", 8, "T2", "N2", "M0", {}, "IVB"),
    ("gallbladder", 7, "T2", "N0", "M0", {}, "II"),
    ("gallbladder", 7, "T3", "N0", "M0", {}, "IIIA"),
    ("gallbladder", 7, "T4", "N1", "M0", {}, "IVA"),
    ("pancreas", 8, "T1c", "N0", "M0", {}, "IA"),
    ("pancreas", 8, "T2", "N0", "M0", {}, "IB"),
    ("pancreas", 8, "T3", "N0", "M0", {}, "IIA"),
    ("pancreas", 8, "T2", "N1", "M0", {}, "IIB"),
    ("pancreas", 8, "T1", "N2", "M0", {}, "III"),
    ("pancreas", 8, "T4", "N0", "M0", {}, "III"),
    ("pancreas", 8, "T2", "N0", "M1", {}, "IV"),
    ("pancreas", 7, "T3", "N0", "M0", {}, "IIA"),
    ("pancreas", 7, "T1", "N1", "M0", {}, "IIB"),
    ("pancreas", 7, "T4", "N1", "M0", {}, "III"),
    ("pancreas_neuroendocrine", 8, "T1", "N0", "M0", {}, "I"),
    ("pancreas_neuroendocrine", 8, "T3", "N0", "M0", {}, "II"),
    ("pancreas_neuroendocrine", 8, "T4", "N0", "M0", {}, "III"),
    ("pancreas_neuroendocrine", 8, "T2", "N1", "M0", {}, "III"),
    ("pancreas_neuroendocrine", 8, "T1", "N0", "M1b", {}, "IV"),
    ("pancreas_neuroendocrine", 7, "T2", "N0", "M0", {}, "IB"),  # the exocrine table
    ("pancreas_neuroendocrine", 7, "T3", "N1", "M0", {}, "IIB"),
]

HEAD_NECK_AND_THYROID: list[Case] = [
    ("oral_cavity", 8, "Tis", "N0", "M0", {}, "0"),
    ("oral_cavity", 8, "T1", "N0", "M0", {}, "I"),
    ("oral_cavity", 8, "T2", "N0", "M0", {}, "II"),
    ("oral_cavity", 8, "T3", "N0", "M0", {}, "III"),
    ("oral_cavity", 8, "T2", "N1", "M0", {}, "III"),
    ("oral_cavity", 8, "T4a", "N0", "M0", {}, "IVA"),
    ("oral_cavity", 8, "T2", "N2b", "M0", {}, "IVA"),
    ("oral_cavity", 8, "T1", "N3b", "M0", {}, "IVB"),
    ("oral_cavity", 8, "T4b", "N0", "M0", {}, "IVB"),
    ("oral_cavity", 8, "T1", "N0", "M1", {}, "IVC"),
    ("oral_cavity", 7, "T3", "N1", "M0", {}, "III"),
    ("oral_cavity", 7, "T4a", "N2c", "M0", {}, "IVA"),
    ("larynx", 8, "T3", "N0", "M0", {}, "III"),
    ("larynx", 7, "T4a", "N1", "M0", {}, "IVA"),
    ("hypopharynx", 8, "T2", "N2a", "M0", {}, "IVA"),
    ("hypopharynx", 7, "T4b", "N1", "M0", {}, "IVB"),
    ("oropharynx", 7, "T2", "N1", "M0", {}, "III"),
    ("oropharynx", 8, "T2", "N1", "M0", {"histology": "p16_negative"}, "III"),
    ("oropharynx", 8, "T2", "N1", "M0", {"histology": "p16-positive"}, "I"),
    ("oropharynx", 8, "T2", "N1", "M0", {}, None),  # p16 status decides
    ("oropharynx_hpv", 8, "T2", "N1", "M0", {}, "I"),
    ("oropharynx_hpv", 8, "T1", "N2", "M0", {}, "II"),
    ("oropharynx_hpv", 8, "T3", "N0", "M0", {}, "II"),
    ("oropharynx_hpv", 8, "T4", "N2", "M0", {}, "III"),
    ("oropharynx_hpv", 8, "T2", "N0", "M1", {}, "IV"),
    ("oropharynx_hpv", 7, "T2", "N1", "M0", {}, "III"),
    ("nasopharynx", 8, "T1", "N0", "M0", {}, "I"),
    ("nasopharynx", 8, "T1", "N1", "M0", {}, "II"),
    ("nasopharynx", 8, "T2", "N0", "M0", {}, "II"),
    ("nasopharynx", 8, "T3", "N0", "M0", {}, "III"),
    ("nasopharynx", 8, "T1", "N2", "M0", {}, "III"),
    ("nasopharynx", 8, "T4", "N0", "M0", {}, "IVA"),
    ("nasopharynx", 8, "T1", "N3", "M0", {}, "IVA"),
    ("nasopharynx", 8, "T1", "N0", "M1", {}, "IVB"),
    ("nasopharynx", 7, "T2", "N1", "M0", {}, "II"),
    ("nasopharynx", 7, "T4", "N2", "M0", {}, "IVA"),
    ("nasopharynx", 7, "T1", "N3a", "M0", {}, "IVB"),
    ("nasopharynx", 7, "T1", "N0", "M1", {}, "IVC"),
    ("thyroid", 8, "T3", "N1", "M0", {"age": 40}, "I"),
    ("thyroid", 8, "T2", "N0", "M1", {"age": 40}, "II"),
    ("thyroid", 8, "T2", "N0", "M0", {"age": 60}, "I"),
    ("thyroid", 8, "T1b", "NX", "M0", {"age": 60}, "I"),
    ("thyroid", 8, "T1", "N1a", "M0", {"age": 60}, "II"),
    ("thyroid", 8, "T3a", "N0", "M0", {"age": 60}, "II"),
    ("thyroid", 8, "T4a", "N1b", "M0", {"age": 60}, "III"),
    ("thyroid", 8, "T4b", "N0", "M0", {"age": 60}, "IVA"),
    ("thyroid", 8, "T1", "N0", "M1", {"age": 60}, "IVB"),
    ("thyroid", 7, "T4b", "N1b", "M0", {"age": 30}, "I"),
    ("thyroid", 7, "T1", "N0", "M1", {"age": 30}, "II"),
    ("thyroid", 7, "T1", "N0", "M0", {"age": 50}, "I"),
    ("thyroid", 7, "T2", "N0", "M0", {"age": 50}, "II"),
    ("thyroid", 7, "T3", "N0", "M0", {"age": 50}, "III"),
    ("thyroid", 7, "T1", "N1a", "M0", {"age": 50}, "III"),
    ("thyroid", 7, "T2", "N1b", "M0", {"age": 50}, "IVA"),
    ("thyroid", 7, "T4a", "N0", "M0", {"age": 50}, "IVA"),
    ("thyroid", 7, "T4b", "N0", "M0", {"age": 50}, "IVB"),
    ("thyroid", 7, "T1", "N0", "M1", {"age": 50}, "IVC"),
    ("thyroid_anaplastic", 8, "T2", "N0", "M0", {}, "IVA"),
    ("thyroid_anaplastic", 8, "T1", "N1a", "M0", {}, "IVB"),
    ("thyroid_anaplastic", 8, "T3b", "N0", "M0", {}, "IVB"),
    ("thyroid_anaplastic", 8, "T4a", "N0", "M0", {}, "IVB"),
    ("thyroid_anaplastic", 8, "T2", "N0", "M1", {}, "IVC"),
    ("thyroid_anaplastic", 7, "T4a", "N0", "M0", {}, "IVA"),
    ("thyroid_anaplastic", 7, "T4b", "N1", "M0", {}, "IVB"),
    ("thyroid_anaplastic", 7, "T4a", "N0", "M1", {}, "IVC"),
    ("thyroid_medullary", 8, "T1", "N0", "M0", {}, "I"),
    ("thyroid_medullary", 8, "T3", "N0", "M0", {}, "II"),
    ("thyroid_medullary", 8, "T2", "N1a", "M0", {}, "III"),
    ("thyroid_medullary", 8, "T2", "N1b", "M0", {}, "IVA"),
    ("thyroid_medullary", 8, "T4a", "N0", "M0", {}, "IVA"),
    ("thyroid_medullary", 8, "T4b", "N0", "M0", {}, "IVB"),
    ("thyroid_medullary", 7, "T1", "N0", "M1", {}, "IVC"),
]

SKIN_EYE_AND_OTHERS: list[Case] = [
    ("melanoma", 8, "Tis", "N0", "M0", {}, "0"),
    ("melanoma", 8, "T1a", "N0", "M0", {}, "IA"),
    ("melanoma", 8, "T1b", "N0", "M0", {}, "IA"),
    ("melanoma", 8, "T2a", "N0", "M0", {}, "IB"),
    ("melanoma", 8, "T2b", "N0", "M0", {}, "IIA"),
    ("melanoma", 8, "T3b", "N0", "M0", {}, "IIB"),
    ("melanoma", 8, "T4b", "N0", "M0", {}, "IIC"),
    ("melanoma", 8, "T1a", "N1a", "M0", {}, "IIIA"),
    ("melanoma", 8, "T2a", "N2a", "M0", {}, "IIIA"),
    ("melanoma", 8, "T1b", "N1b", "M0", {}, "IIIB"),
    ("melanoma", 8, "T3a", "N2b", "M0", {}, "IIIB"),
    ("melanoma", 8, "T0", "N1b", "M0", {}, "IIIB"),
    ("melanoma", 8, "T0", "N2c", "M0", {}, "IIIC"),
    ("melanoma", 8, "T2b", "N3a", "M0", {}, "IIIC"),
    ("melanoma", 8, "T4a", "N1a", "M0", {}, "IIIC"),
    ("melanoma", 8, "T4b", "N2c", "M0", {}, "IIIC"),
    ("melanoma", 8, "T4b", "N3a", "M0", {}, "IIID"),
    ("melanoma", 8, "T2a", "N0", "M1c(1)", {}, "IV"),
    ("melanoma", 7, "T1a", "N0", "M0", {}, "IA"),
    ("melanoma", 7, "T1b", "N0", "M0", {}, "IB"),
    ("melanoma", 7, "T2a", "N0", "M0", {}, "IB"),
    ("melanoma", 7, "T4b", "N0", "M0", {}, "IIC"),
    ("melanoma", 7, "T2a", "N1a", "M0", {}, "IIIA"),
    ("melanoma", 7, "T2b", "N1a", "M0", {}, "IIIB"),
    ("melanoma", 7, "T3a", "N2b", "M0", {}, "IIIB"),
    ("melanoma", 7, "T3b", "N2b", "M0", {}, "IIIC"),
    ("melanoma", 7, "T1a", "N3", "M0", {}, "IIIC"),
    ("melanoma", 7, "T1a", "N0", "M1a", {}, "IV"),
    ("uveal_melanoma", 8, "T1a", "N0", "M0", {}, "I"),
    ("uveal_melanoma", 8, "T1b", "N0", "M0", {}, "IIA"),
    ("uveal_melanoma", 8, "T2a", "N0", "M0", {}, "IIA"),
    ("uveal_melanoma", 8, "T3a", "N0", "M0", {}, "IIB"),
    ("uveal_melanoma", 8, "T2c", "N0", "M0", {}, "IIIA"),
    ("uveal_melanoma", 8, "T4b", "N0", "M0", {}, "IIIB"),
    ("uveal_melanoma", 8, "T4e", "N0", "M0", {}, "IIIC"),
    ("uveal_melanoma", 8, "T1a", "N1", "M0", {}, "IV"),
    ("uveal_melanoma", 7, "T3d", "N0", "M0", {}, "IIIB"),
    ("adrenal_cortical", 8, "T1", "N0", "M0", {}, "I"),
    ("adrenal_cortical", 8, "T2", "N0", "M0", {}, "II"),
    ("adrenal_cortical", 8, "T1", "N1", "M0", {}, "III"),
    ("adrenal_cortical", 8, "T4", "N1", "M0", {}, "III"),
    ("adrenal_cortical", 8, "T1", "N0", "M1", {}, "IV"),
    ("adrenal_cortical", 7, "T3", "N0", "M0", {}, "III"),
    ("adrenal_cortical", 7, "T3", "N1", "M0", {}, "IV"),
    ("adrenal_cortical", 7, "T4", "N0", "M0", {}, "IV"),
    ("pleural_mesothelioma", 8, "T1", "N0", "M0", {}, "IA"),
    ("pleural_mesothelioma", 8, "T3", "N0", "M0", {}, "IB"),
    ("pleural_mesothelioma", 8, "T1", "N1", "M0", {}, "II"),
    ("pleural_mesothelioma", 8, "T3", "N1", "M0", {}, "IIIA"),
    ("pleural_mesothelioma", 8, "T2", "N2", "M0", {}, "IIIB"),
    ("pleural_mesothelioma", 8, "T4", "N0", "M0", {}, "IIIB"),
    ("pleural_mesothelioma", 8, "T1", "N0", "M1", {}, "IV"),
    ("pleural_mesothelioma", 7, "T1a", "N0", "M0", {}, "IA"),
    ("pleural_mesothelioma", 7, "T1b", "N0", "M0", {}, "IB"),
    ("pleural_mesothelioma", 7, "T2", "N0", "M0", {}, "II"),
    ("pleural_mesothelioma", 7, "T3", "N1", "M0", {}, "III"),
    ("pleural_mesothelioma", 7, "T1", "N3", "M0", {}, "IV"),
    ("gist", 8, "T2", "N1", "M0", {}, "IV"),
    ("gist", 8, "T2", "N0", "M1", {}, "IV"),
    ("gist", 8, "T2", "N0", "M0", {}, None),  # needs mitotic rate
    ("gist", 7, "T4", "N1", "M0", {}, "IV"),
]

# AJCC 6th edition tables, kept where their groups differ from the 7th edition's at the level of
# the stage numeral.
SIXTH_EDITION: list[Case] = [
    ("breast", 6, "T1", "N1mi", "M0", {}, "IIA"),  # no IB in the 6th edition
    ("breast", 6, "T3", "N1", "M0", {}, "IIIA"),
    ("lung", 6, "T2", "N0", "M0", {}, "IB"),  # T2 is not split by size
    ("lung", 6, "T4", "N0", "M0", {}, "IIIB"),
    ("stomach", 6, "T2b", "N1", "M0", {}, "II"),  # subserosa is T2b
    ("stomach", 6, "T3", "N1", "M0", {}, "IIIA"),
    ("stomach", 6, "T4", "N1", "M0", {}, "IV"),
    ("esophagus", 6, "T3", "N1", "M0", {"histology": "squamous"}, "III"),
    ("esophagus_adenocarcinoma", 6, "T2", "N0", "M0", {}, "IIA"),
    ("esophagus_squamous", 6, "T1", "N1", "M0", {}, "IIB"),
    ("kidney", 6, "T3", "N2", "M0", {}, "IV"),  # N2: more than one node
    ("kidney", 6, "T2", "N1", "M0", {}, "III"),
    ("liver", 6, "T1", "N1", "M0", {}, "IIIC"),  # node-positive is stage III
    ("liver", 6, "T3", "N0", "M0", {}, "IIIA"),
]

ALL_CASES = (
    SIXTH_EDITION
    + BREAST
    + LUNG
    + COLORECTAL
    + STOMACH_AND_ESOPHAGUS
    + GENITOURINARY
    + HEPATOBILIARY_AND_PANCREAS
    + HEAD_NECK_AND_THYROID
    + SKIN_EYE_AND_OTHERS
)


def _case_id(case: Case) -> str:
    chapter, edition, t, n, m, extra, _ = case
    suffix = "".join(f"-{k}={v}" for k, v in extra.items())
    return f"{chapter}-{edition}-{t}{n}{m}{suffix}"


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_id)
def test_canonical_table_cases(case: Case) -> None:
    chapter, edition, t, n, m, extra, expected = case
    result = derive_group(chapter, t=t, n=n, m=m, edition=edition, **extra)
    assert (result.group if result else None) == expected
    if result is not None:
        assert (result.chapter, result.edition) == (chapter, edition)


def test_every_chapter_with_tables_has_cases_for_both_editions() -> None:
    covered = {(chapter, edition) for chapter, edition, *_ in ALL_CASES}
    for key, chapter in grouping_file().chapters.items():
        for edition in chapter.tables:
            assert (key, edition) in covered, (key, edition)


# --- missing and vague categories --------------------------------------------------------------


@pytest.mark.parametrize("m", [None, "", "MX", "cMX"])
def test_missing_or_mx_m_assumes_m0_with_a_note(m: str | None) -> None:
    result = derive_group("breast", t="T2", n="N1", m=m)
    assert result is not None
    assert result.group == "IIB"
    assert M0_ASSUMED in result.assumptions


def test_stated_m0_adds_no_m_assumption() -> None:
    result = derive_group("breast", t="T2", n="N1", m="M0")
    assert result is not None
    assert M0_ASSUMED not in result.assumptions


@pytest.mark.parametrize("n", ["NX", None, ""])
def test_unknown_n_returns_none_when_it_matters(n: str | None) -> None:
    assert derive_group("breast", t="T2", n=n, m="M0") is None
    assert derive_group("colorectal", t="T3", n=n, m="M0") is None


def test_unknown_n_is_fine_when_the_group_does_not_depend_on_it() -> None:
    result = derive_group("breast", t="T2", n="NX", m="M1")
    assert result is not None
    assert result.group == "IV"
    assert any("NX" in note for note in result.assumptions)
    pancreas = derive_group("pancreas", t="T4", n=None, m="M0", edition=7)
    assert pancreas is not None
    assert pancreas.group == "III"


def test_thyroid_groups_nx_explicitly() -> None:
    result = derive_group("thyroid", t="T1", n=None, m="M0", age=70)
    assert result is not None
    assert result.group == "I"
    assert "N not stated: grouped as NX" in result.assumptions
    assert derive_group("thyroid", t="T1", n="NX", m="M0", edition=7, age=70) is None


@pytest.mark.parametrize("t", [None, "", "  ", "garbage", "N1"])
def test_missing_or_unreadable_t_returns_none(t: str | None) -> None:
    assert derive_group("breast", t=t, n="N0", m="M0") is None


def test_tx_gives_a_group_only_when_every_t_agrees() -> None:
    result = derive_group("breast", t="TX", n="N3", m="M0")
    assert result is not None
    assert result.group == "IIIC"
    assert any("TX" in note for note in result.assumptions)
    assert derive_group("breast", t="TX", n="N0", m="M0") is None


def test_unreadable_n_or_m_returns_none() -> None:
    assert derive_group("breast", t="T2", n="lymph nodes", m="M0") is None
    assert derive_group("breast", t="T2", n="N1", m="distant") is None


@pytest.mark.parametrize(
    ("t", "n", "m", "expected"),
    [
        ("pT2", "pN1a", "cM0", "IIB"),
        ("ypT1c", "ypN0(i+)", "M0(i+)", "IA"),
        ("pT1mic", "pN0(sn)", None, "IA"),
        ("pT1c", "pN1(mi)", "M0", "IB"),
        ("t2", "n1", "m0", "IIB"),
        ("pTis (DCIS)", "pN0", "M0", "0"),
        ("T2(m)", "N0(mol+)", "M0", "IIA"),
    ],
)
def test_report_spellings_are_normalised(t: str, n: str, m: str | None, expected: str) -> None:
    result = derive_group("breast", t=t, n=n, m=m)
    assert result is not None
    assert result.group == expected


def test_parent_category_with_split_table_reports_shared_prefix() -> None:
    result = derive_group("lung", t="T1", n="N0", m="M0")
    assert result is not None
    assert result.group == "IA"
    assert any("IA1/IA2/IA3" in note for note in result.assumptions)


def test_parent_category_with_split_table_and_agreeing_children_needs_no_note() -> None:
    result = derive_group("lung", t="T1", n="N1", m="M0")
    assert result == DerivedGroup("IIB", "lung", 8, ())


@pytest.mark.parametrize(
    ("chapter", "t", "n", "m", "expected"),
    [
        ("lung", "T2", "N0", "M0", "IB"),  # IB or IIA: the lower, as AJCC advises in doubt
        ("lung", "T3", "N1", "M1", "IV"),  # IVA or IVB
        ("colorectal", "T4", "N0", "M0", "II"),  # IIB or IIC
        ("colorectal", "T1", "N2", "M0", "III"),  # IIIA or IIIB
        ("bladder", "T4", "N0", "M0", "IIIA"),  # IIIA or IVA: the lower
        ("melanoma", "T1", "N0", "M0", "IA"),  # T1a and T1b both IA
        ("melanoma", "T2", "N0", "M0", "IB"),  # IB or IIA: the lower
        ("melanoma", "T3b", "N1", "M0", "IIIC"),  # every N1 sub-category
    ],
)
def test_parent_categories(chapter: str, t: str, n: str, m: str, expected: str | None) -> None:
    result = derive_group(chapter, t=t, n=n, m=m)
    assert (result.group if result else None) == expected


def test_parent_category_whose_children_differ_in_numeral_takes_the_lower_with_a_note() -> None:
    # 7th edition thyroid at 45 or older: nodes in the central neck (N1a) are III, lateral
    # (N1b) IVA; "N1" alone leaves the doubt, and the AJCC general rules take the lower.
    result = derive_group("thyroid", t="T1b", n="N1", m="M0", edition=7, age=61)
    assert result is not None
    assert result.group == "III"
    assert result.assumptions == (
        "N1 could be N1a/N1b: these give III/IVA; the lowest, III, was assigned, as AJCC rules "
        "advise when in doubt",
    )


def test_category_from_another_edition_is_grouped_over_its_siblings() -> None:
    result = derive_group("lung", t="T1c", n="N0", m="M0", edition=7)
    assert result is not None
    assert result.group == "IA"
    assert any("T1c is not in this table" in note for note in result.assumptions)
    colon = derive_group("colorectal", t="T3", n="N1a", m="M1c", edition=7)
    assert colon is not None
    assert colon.group == "IV"


def test_sixth_edition_uses_seventh_edition_tables_with_a_note() -> None:
    result = derive_group("colorectal", t="T3", n="N1", m="M0", edition=6)
    assert result is not None
    assert (result.group, result.edition) == ("IIIB", 7)
    assert any("6th edition" in note for note in result.assumptions)


def test_sixth_edition_table_is_used_where_the_chapter_has_one() -> None:
    result = derive_group("lung", t="T2", n="N0", m="M0", edition=6)
    assert result is not None
    assert (result.group, result.edition) == ("IB", 6)
    assert not any("closest available" in note for note in result.assumptions)


def test_thyroid_without_age_takes_the_lower_group_and_names_the_other() -> None:
    result = derive_group("thyroid", t="T3", n="N0", m="M0", edition=7)
    assert result is not None
    assert result.group == "I"
    assert result.assumptions == (
        "age not known: the lower group was assigned, as AJCC rules advise when in doubt; "
        "at 45 or older it would be III",
    )
    distant = derive_group("thyroid", t="T1", n="N0", m="M1", edition=7)
    assert distant is not None
    assert distant.group == "II"
    assert any("at 45 or older it would be IVC" in note for note in distant.assumptions)
    eighth = derive_group("thyroid", t="T4a", n="N1b", m="M0", edition=8)
    assert eighth is not None
    assert eighth.group == "I"
    assert any("at 55 or older it would be III" in note for note in eighth.assumptions)


def test_thyroid_without_age_when_every_age_agrees_needs_no_doubt() -> None:
    result = derive_group("thyroid", t="T1", n="N0", m="M0", edition=7)
    assert result is not None
    assert result.group == "I"
    assert result.assumptions == ("age not stated: every value gives the same group",)


def test_thyroid_without_age_names_every_group_the_older_band_could_give() -> None:
    # At 45 or older T2 N1 is III (N1a) or IVA (N1b); under 45 it is I whatever N is.
    result = derive_group("thyroid", t="T2", n="N1", m="M0", edition=7)
    assert result is not None
    assert result.group == "I"
    assert any("at 45 or older it would be III or IVA" in note for note in result.assumptions)


@pytest.mark.parametrize(
    ("edition", "t", "age", "expected"),
    [
        (7, "T3", 44, "I"),
        (7, "T3", 45, "III"),
        (7, "T4a", 30, "I"),
        (7, "T4a", 70, "IVA"),
        (8, "T3a", 54, "I"),
        (8, "T3a", 55, "II"),
    ],
)
def test_thyroid_with_age_uses_its_band(edition: int, t: str, age: int, expected: str) -> None:
    result = derive_group("thyroid", t=t, n="N0", m="M0", edition=edition, age=age)
    assert result is not None
    assert result.group == expected
    assert not any("not known" in note for note in result.assumptions)


def test_prostate_without_psa_or_grade_group_takes_the_lowest_group() -> None:
    result = derive_group("prostate", t="T1c", n="N0", m="M0")
    assert result is not None
    assert result.group == "I"
    assert any(
        note.startswith("PSA and grade not known: the lowest group their values allow")
        and note.endswith("other values would give IIA, IIB, IIC, IIIA or IIIC")
        for note in result.assumptions
    )
    locally_advanced = derive_group("prostate", t="T3a", n="N0", m="M0")
    assert locally_advanced is not None
    assert locally_advanced.group == "IIIB"  # IIIC only with Grade Group 5
    node_positive = derive_group("prostate", t="T3a", n="N1", m="M0")
    assert node_positive is not None
    assert node_positive.group == "IVA"
    with_psa = derive_group("prostate", t="T2a", n="N0", m="M0", edition=7, psa=15.0)
    assert with_psa is not None
    assert with_psa.group == "IIA"
    assert any("with grade 4 or 5 it would be IIB" in note for note in with_psa.assumptions)
    # An unknown N is not a prognostic factor: its values must still agree.
    assert derive_group("prostate", t="T2", n="NX", m="M0", psa=5.0, grade_group=1) is None


def test_esophagus_histology_and_grade() -> None:
    unknown = derive_group("esophagus", t="T1a", n="N0", m="M0")
    assert unknown is not None
    assert unknown.group == "IA"  # grade 1 in both tables
    assert any("(adenocarcinoma table)" in note for note in unknown.assumptions)
    assert any("(squamous cell carcinoma table)" in note for note in unknown.assumptions)
    squamous = derive_group("esophagus", t="T1b", n="N0", m="M0", histology="SCC")
    assert squamous is not None
    assert squamous.group == "IB"
    assert any("pathological" in note for note in squamous.assumptions)
    # An unknown histology is not a prognostic factor: grade 3 gives IC or IB, so no group.
    assert derive_group("esophagus", t="T1a", n="N0", m="M0", grade_group=3) is None
    # Grade 4 is outside the 8th edition table: a stated grade, not an unknown one.
    assert derive_group("esophagus_adenocarcinoma", t="T2", n="N0", m="M0", grade_group=4) is None


def test_the_lower_group_is_not_taken_when_another_value_could_give_a_lower_one() -> None:
    table = table_for("esophagus_adenocarcinoma", 7)
    options = [
        (Factors(grade=1), Outcome("II", (), frozenset({"II"}))),
        (Factors(grade=2), Outcome(None, (), frozenset({"I", "III"}))),
    ]
    assert lowest_outcome(options, ["grade"], table).group is None
    undetermined = [options[0], (Factors(grade=3), Outcome(None))]
    assert lowest_outcome(undetermined, ["grade"], table).group is None


def test_testis_stage_i_notes_missing_serum_markers() -> None:
    result = derive_group("testis", t="T1", n="N0", m="M0")
    assert result is not None
    assert any("SX" in note for note in result.assumptions)


def test_node_positive_testis_assumes_the_lower_serum_marker_category_and_says_so() -> None:
    result = derive_group("testis", t="T3", n="N2", m="M0", edition=7)
    assert result is not None
    assert result.group == "IIB"
    assert any("S0-S1 assumed" in note and "S3 IIIC" in note for note in result.assumptions)


def test_squamous_esophagus_without_location_names_the_location_it_assumed() -> None:
    result = derive_group(
        "esophagus", t="T3", n="N0", m="M0", edition=7, grade_group=2, histology="squamous"
    )
    assert result is not None
    assert result.group == "IIA"
    assert any("upper or middle would be IIB" in note for note in result.assumptions)


@pytest.mark.parametrize("chapter", ["cervix", "uterus", "ovary"])
def test_figo_sites_are_not_derived_here(chapter: str) -> None:
    assert derive_group(chapter, t="T1", n="N0", m="M0") is None


def test_unknown_chapter_or_edition_is_an_error() -> None:
    with pytest.raises(ValueError, match="chapter"):
        derive_group("spleen", t="T1", n="N0", m="M0")
    with pytest.raises(ValueError, match="edition"):
        derive_group("breast", t="T1", n="N0", m="M0", edition=9)


def test_derived_group_is_frozen() -> None:
    result = derive_group("breast", t="T1", n="N0", m="M0")
    assert result is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.group = "IV"  # type: ignore[misc]


# --- chapter_for -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "chapter"),
    [
        ("IDC", "breast"),
        ("ILC", "breast"),
        ("MDLC", "breast"),
        ("IMMC", "breast"),
        ("BRCA", "breast"),
        ("DCIS", "breast"),
        ("LUAD", "lung"),
        ("LUSC", "lung"),
        ("NSCLC", "lung"),
        ("SCLC", "lung"),
        ("LUNE", "lung"),
        ("COAD", "colorectal"),
        ("READ", "colorectal"),
        ("COADREAD", "colorectal"),
        ("MACR", "colorectal"),
        ("STAD", "stomach"),
        ("ESCC", "esophagus_squamous"),
        ("ESCA", "esophagus_adenocarcinoma"),
        ("GEJ", "esophagus_adenocarcinoma"),
        ("CCRCC", "kidney"),
        ("PRCC", "kidney"),
        ("CHRCC", "kidney"),
        ("BLCA", "bladder"),
        ("UTUC", "upper_tract_urothelial"),
        ("HCC", "liver"),
        ("IHCH", "intrahepatic_bile_duct"),
        ("PHCH", "perihilar_bile_duct"),
        ("GBC", "gallbladder"),
        ("PAAD", "pancreas"),
        ("PANEC", "pancreas"),
        ("PANET", "pancreas_neuroendocrine"),
        ("OCSC", "oral_cavity"),
        ("LXSC", "larynx"),
        ("HPHSC", "hypopharynx"),
        ("OPHSC", "oropharynx"),
        ("NPC", "nasopharynx"),
        ("THPA", "thyroid"),
        ("THFO", "thyroid"),
        ("THHC", "thyroid"),
        ("THAP", "thyroid_anaplastic"),
        ("THME", "thyroid_medullary"),
        ("SKCM", "melanoma"),
        ("ACRM", "melanoma"),
        ("UM", "uveal_melanoma"),
        ("PRAD", "prostate"),
        ("SEM", "testis"),
        ("NSGCT", "testis"),
        ("EMBCA", "testis"),
        ("MGCT", "testis"),
        ("ACC", "adrenal_cortical"),
        ("PLMESO", "pleural_mesothelioma"),
        ("GIST", "gist"),
        ("CESC", "cervix"),
        ("CEAD", "cervix"),
        ("UEC", "uterus"),
        ("USC", "uterus"),
        ("UCS", "uterus"),
        ("HGSOC", "ovary"),
        ("SOC", "ovary"),
        ("OVT", "ovary"),
        ("idc", "breast"),
    ],
)
def test_chapter_for_oncotree_codes(code: str, chapter: str) -> None:
    assert chapter_for(code) == chapter


@pytest.mark.parametrize("code", ["DLBCLNOS", "AML", "CLLSLL", "HL", "GB", "BCC", "CSCC", "CUP"])
def test_chapter_for_types_without_a_table(code: str) -> None:
    assert chapter_for(code) is None


def test_known_no_table_code_does_not_fall_back_to_the_site() -> None:
    assert chapter_for("DLBCLNOS", "Mature B-Cell Neoplasms", "stomach") is None
    assert chapter_for("EMALT", None, "stomach") is None
    assert chapter_for("ADNOS", "Cancer of Unknown Primary", "liver") is None
    assert chapter_for("RWDNET", None, "rectum") is None


def test_ambiguous_code_falls_back_to_main_type_then_site() -> None:
    assert chapter_for("HNSC", "Head and Neck Cancer", "larynx") == "larynx"
    assert chapter_for("EGC", None, "stomach") == "stomach"
    assert chapter_for("EHCH", "Hepatobiliary Cancer", None) is None
    assert chapter_for("NOT_A_CODE", "Breast Cancer") == "breast"


@pytest.mark.parametrize(
    ("main_type", "chapter"),
    [
        ("Breast Cancer", "breast"),
        ("Non-Small Cell Lung Cancer", "lung"),
        ("Small Cell Lung Cancer", "lung"),
        ("Colorectal Cancer", "colorectal"),
        ("Renal Cell Carcinoma", "kidney"),
        ("Prostate Cancer", "prostate"),
        ("thyroid cancer", "thyroid"),
        ("Leukemia", None),
        ("Non-Hodgkin Lymphoma", None),
        ("Glioma", None),
        ("Melanoma", None),  # cutaneous, uveal and mucosal melanoma have different tables
    ],
)
def test_chapter_for_main_types(main_type: str, chapter: str | None) -> None:
    assert chapter_for(None, main_type) == chapter


@pytest.mark.parametrize(
    ("site", "chapter"),
    [
        ("breast", "breast"),
        ("colon", "colorectal"),
        ("rectum", "colorectal"),
        ("Oral Cavity", "oral_cavity"),
        ("tongue", "oral_cavity"),
        ("oropharynx", "oropharynx"),
        ("tonsil", "oropharynx"),
        ("gastroesophageal_junction", "esophagus"),
        ("renal_pelvis", "upper_tract_urothelial"),
        ("extrahepatic_bile_duct", None),  # perihilar or distal
        ("adrenal_gland", None),
        ("thyroid", "thyroid"),
        ("pleura", "pleural_mesothelioma"),
        ("cervix", "cervix"),
        ("skin", None),  # basal cell, squamous cell or melanoma
        ("eye", None),
        ("brain", None),
    ],
)
def test_chapter_for_sites(site: str, chapter: str | None) -> None:
    assert chapter_for(None, None, site) == chapter


def test_chapter_for_nothing() -> None:
    assert chapter_for(None) is None
    assert chapter_for("", "", "") is None


def test_every_mapped_chapter_can_be_derived_or_is_figo() -> None:
    data = grouping_file()
    for mapping in (data.chapter_for.oncotree_code, data.chapter_for.main_type):
        for chapter in mapping:
            assert chapter == "none" or chapter in data.chapters


# --- the data file -----------------------------------------------------------------------------


def _raw_file() -> dict[str, Any]:
    text = resources.files("extractors.vocab").joinpath("ajcc_groups.yaml").read_text("utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return raw


def test_data_file_states_its_source() -> None:
    data = grouping_file()
    assert data.source == (
        "Stage groupings transcribed for this project from the AJCC Cancer Staging Manual, "
        "6th (where it differs from the 7th), 7th and 8th editions"
    )
    assert data.version


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda raw: raw.update(extra=1),
        lambda raw: raw["chapters"]["breast"]["tables"][8]["rows"][0].update(stage="0"),
        lambda raw: raw["chapters"]["breast"]["tables"][8]["rows"][0].update(group="IIE"),
        lambda raw: raw["chapters"]["breast"]["tables"][8]["rows"][0].update(t=["pT1"]),
        lambda raw: raw["chapters"]["larynx"]["tables"][8]["same_as"].update(chapter="spleen"),
        lambda raw: raw["chapter_for"]["site"]["breast"].append("lung"),
        lambda raw: raw["chapter_for"]["main_type"].update(spleen=["Spleen Cancer"]),
    ],
)
def test_data_file_validation_rejects_mistakes(corrupt: Any) -> None:
    raw = _raw_file()
    corrupt(raw)
    with pytest.raises(ValidationError):
        GroupingFile.model_validate(raw)


def _table_keys() -> list[tuple[str, int]]:
    chapters = grouping_file().chapters
    return [(key, edition) for key, chapter in chapters.items() for edition in chapter.tables]


@pytest.mark.parametrize(("chapter", "edition"), _table_keys())
def test_tables_have_no_conflicting_rows(chapter: str, edition: int) -> None:
    """No two rows give different groups for the same categories and factors."""
    table = table_for(chapter, edition)
    axes = [sorted(table.vocab(axis) | {f"{axis}?"}) for axis in "TNM"]
    factors = factor_options(table, Factors())
    for tnm, f in itertools.product(itertools.product(*axes), factors):
        exact = [
            row
            for row in table.rows
            if row.accepts(f)
            and all(
                listed is None or category in listed
                for category, listed in zip(tnm, (row.t, row.n, row.m), strict=True)
            )
        ]
        assert len({row.group for row in exact}) <= 1, (tnm, f, exact)


@pytest.mark.skipif(not ONCOTREE.exists(), reason="OncoTree reference not available")
def test_oncotree_codes_and_main_types_exist() -> None:
    tree = json.loads(ONCOTREE.read_text(encoding="utf-8"))
    codes: set[str] = set()
    main_types: set[str] = set()
    stack = [tree["TISSUE"]]
    while stack:
        node = stack.pop()
        codes.add(node["code"])
        main_types.add(node.get("mainType") or "")
        stack.extend((node.get("children") or {}).values())
    mapping = grouping_file().chapter_for
    listed_codes = {c for names in mapping.oncotree_code.values() for c in names}
    listed_types = {t for names in mapping.main_type.values() for t in names}
    assert listed_codes - codes == set()
    assert listed_types - main_types == set()
