"""Biomarkers: marker, result, value, assay method and variant, read around each marker mention.

A mention's result comes, in this order, from the words after it ("ER positive (95%)",
"HER2 by IHC: 1+"), from the words after the list it closes ("ER, PR and HER2 negative"),
from a phrase just before it ("negative for ER, PR and HER2", "loss of MLH1 and PMS2") and
from the matched term itself ("MSI-H", "HER2 amplification", "BRAF V600E"). Words are read
as an aspect (mutation, amplification, fusion, methylation, codeletion) and a polarity
(positive, negative); the pair names the result ("no EGFR mutation" is EGFR not detected).
A negation in front of a marker is its result, so biomarker facts are never flagged negated.

`BiomarkerFact` has one `value`, so: a percent is the value of ER/PR ("95%"), with the Allred
score after it ("95%, Allred 8/8") and the staining intensity only when no number is given; a
serum level carries its date ("4.2 ng/mL on 2024-03-12"); an antibody clone is part of the
method ("IHC 22C3"); and a BRCA result without another value says "germline" or "somatic".

Modules, in reading order: `mentions` finds markers and groups lists of them, `phrases` holds
the sentence patterns around them, `results` reads result words (extractors/vocab/
biomarker_results.yaml), `values`, `serum`, `variants`, `fusions` and `methods` read what goes
with a result, `reader` puts one mention's reading together and `facts` makes the facts.
"""

from extractors.biomarkers.facts import extract_biomarkers

__all__ = ["extract_biomarkers"]
