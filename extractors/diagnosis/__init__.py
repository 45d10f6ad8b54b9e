"""Diagnosis: cancer type as an OncoTree code, with site, histology, grade and laterality.

A report names a cancer type either in one phrase ("hepatocellular carcinoma") or as a
histology at a site ("squamous cell carcinoma" of the "lung"). The steps:

1. Read each mention (`mentions`, `misspellings`): weigh it by where it stands (the final
   diagnosis over a frozen section or a test's background) and how it is worded (incidental,
   metastatic, a form's option), and list the sites it is written at (bound by "of", the
   specimen named before it) (`readings`, `placement`).
2. Rank the sites as the report's primary, by the tumours placed there and the sites the
   report calls the primary (`primary_site`); a metastasis, or a histology at a site where
   it cannot arise, is placed at the primary (`candidates`).
3. Sum the support per type, with a bonus for the first type the diagnosis names, and give
   a generic type's support (RCC) to its best-supported descendant (CCRCC) (`principal`).
4. If no more than a class name ("carcinoma") is asserted, read again, closer: names that
   OCR misspelt, and measures taken for one tumour only ("Clark level": melanoma).

Each type found becomes a fact with its grade and side (`facts`, `descriptors`); distant
metastatic sites are read apart (`metastases`). Negated, family and hypothetical mentions
are kept but not asserted. The tuning figures live in `weights`, the data files are loaded
by `tables` and `type_index`.
"""

from extractors.diagnosis.metastases import extract_metastases
from extractors.diagnosis.principal import extract_diagnoses

__all__ = ["extract_diagnoses", "extract_metastases"]
