"""Phrases around marker mentions: lists of markers, the phrase that leads into a marker, signs
attached to it, clause ends, and the wording of statements that are not results.

These are patterns of sentence structure, kept as code; the result words they read are in
extractors/vocab/biomarker_results.yaml.
"""

from __future__ import annotations

import re

# "ER+/PR+/HER2-", "HER2 (-)": a sign attached to the marker, not a dash between words.
SIGN = re.compile(r"(?:(?P<a>[+-])(?=$|[\s/,;:.)])|\s*\(\s*(?P<b>[+-])\s*\))")
# A sign set apart right after the marker, after its bracketed alias, or after the alias inside
# its brackets, is its result whatever words follow: "CD117 (c-kit) +, vimentin neg",
# "CD20 -, CD3 +". A dash followed by a word is a separator ("ER - positive"), so a minus must
# end its cell.
ADJACENT_SIGN = re.compile(
    r"(?:\s*\([^()]{1,20}\)|\))?\s+(?:(?P<plus>\+)(?=\s*(?:$|[,;/).]|[a-z]))"
    r"|(?P<minus>-)(?=\s*(?:$|[,;/).])))"
)
# A phrase that gives the result of the marker right after it.
LEAD = re.compile(
    r"(?<![a-z])(?P<cue>positive|negative|pos|neg|immunopositive|immunonegative|immunoreactive"
    r"|reactive|loss|lost|retained|intact|preserved|absent|absence|lack|no|without|mutations?|equivocal"
    r"|mutated|mutant|(?:pathogenic\s+)?variants?|alterations?|amplification|amplified"
    r"|overexpression|overexpressed|methylated|unmethylated|methylation|wild[- ]?type|high|low"
    r"|elevated|raised|rising|increased"
    r"|deficient|deficiency|proficient|ha[sd]|have|harbou?r(?:s|ing)?|carr(?:ies|ying)|with"
    r"|show(?:s|ed|ing)?|demonstrat\w*|reveal\w*|confirm\w*|germline|somatic)"
    r"(?:\s+(?:nuclear|cytoplasmic|membranous|strong(?:ly)?|weak(?:ly)?|diffuse(?:ly)?"
    r"|focal(?:ly)?|any|detectable|evidence|of|the|an?|protein|gene|expression|staining"
    r"|immunoreactivity|pathogenic|deleterious|activating|somatic|germline|mutations?"
    r"|variants?|alterations?))*"
    r"(?P<prep>\s+(?:for|of|in|involving|within)(?:\s+(?:the|an?))?"
    r"(?:\s+(?:[\w./+-]+\s+){0,2}[\w./+-]+(?:\s*,\s*|\s+(?:and|or)\s+)){0,4})?"
    r"\s*$"
)
LEAD_NEGATION = re.compile(
    # "no IHC evidence of MSI-H", "no molecular evidence of": a test named before "evidence".
    r"(?<![a-z])(?:no|without|absence\s+of|lack\s+of|negative\s+for"
    r"|no(?:\s+[a-z/-]+){1,2}?\s+evidence\s+of)"
    r"(?:\s+(?:evidence\s+of|an?|any|the|pathogenic|deleterious|detectable|activating|somatic"
    r"|germline))*\s*$"
)
NEGATION_CUES = frozenset({"no", "without", "absence", "lack"})
JOINER_BEFORE = re.compile(r"(?:\b(?:and|but|with|while|whereas)|,)\s*$")
PRESENCE_VERB = re.compile(
    r"ha[sd]|have|harbou?r|carr|with|show|demonstrat|reveal|confirm|positive|pos|immuno|reactive"
)
# Markers joined only by list words share the result after the last one.
LIST_GAP = re.compile(r"\s*(?:[,/&]\s*)?(?:(?:and|or|nor)\s+)?")
# The last dot of a leader ("BRAF V600E ....... Negative") ends no clause: the result follows;
# nor does a stop inside brackets ("1,240 U/mL (H; ref < 35)").
CLAUSE_END = re.compile(
    r"(?:(?<!\.\.)\.|;)\s(?![^()]{0,40}\))|\b(?:but|while|whereas|however|except)\b"
)
# General statements about a marker, as in method notes: "BRAF mutations can be found in 14%
# of colorectal cancers", "Greater than 2.0: EGFR amplification".
GENERIC = re.compile(
    r"\b(?:can|may|might|could)\s+(?:be|occur|have)\b|\b(?:rarely|often|commonly|frequently"
    r"|typically|usually)\b|\bassociated\s+with\b|\bshown\s+to\b|\breported\s+in\b"
)
DEFINITION_BEFORE = re.compile(r"(?:greater|less|more)\s+than\s+[\d.]+\s*:|[<>]\s*[\d.]+\s*:")
# A test named but not reported: "EGFR mutation testing was sent".
TEST_NOUN = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:test(?:s|ing)?|studies|study|analysis|assay|evaluation|panel"
    r"|was\s+(?:not\s+)?(?:performed|done|ordered))\b"
)
# Scoring rules quoted in a report ("negative (0 or 1+), equivocal (2+)") are not results.
SCALE_ENTRY = re.compile(r"(negative|equivocal|positive)\s*\(\s*(?:score\s*)?(?:[0-3]|zero)")
DEFINITION = re.compile(
    r"\b(?:cut-?off|threshold|criteria|defined\s+as|(?:is|are)\s+considered|reference\s+range"
    r"|scored\s+as|as\s+follows)\b"
    # "positive when >= 75% of cells stain", "high if 10 or more"
    r"|\b(?:positive|negative|high|low|equivocal)\s+(?:when|if)\b"
    # a band that labels the words after it: "TPS 1-49%: low expression", "< 1%: negative"
    r"|(?:\d\s*%?\s*(?:-|\u2013|to)\s*\d+(?:\.\d+)?|[<>≥≤]=?\s*\d+(?:\.\d+)?)\s*%\s*:\s*[a-z]"
    # several scores sharing one result, as in a scoring key: "0 and 1+ negative"
    r"|(?<![\d.])[0-3]\+?\s*(?:,|and|or)\s*[0-3]\+\s*(?:negative|equivocal|positive)"
)
# A panel of genes named after one negative statement: "negative for pathogenic variants in
# BRCA1, BRCA2 and PALB2", "No reportable alterations in: ALK, BRAF, ...", "no mutations were
# identified in the following genes: ...". The genes already listed before the group count.
_PANEL_HEAD = (
    r"(?<![a-z])(?:no|without|negative\s+for|absence\s+of)\s+(?:[\w/-]+\s+){0,4}?"
    r"(?:variants?|alterations?|mutations?|fusions?|rearrangements?|amplifications?"
    r"|abnormalities|findings)"
    r"(?:\s+(?:were|was|are|is|have\s+been|has\s+been))?"
    r"(?:\s+(?:identified|detected|found|observed|reported|seen))?"
    r"(?:\s+(?:in|for|of|involving|within)(?:\s+the)?(?:\s+following)?(?:\s+genes?)?\s*:?"
    # "Genes with no reportable alterations: ALK, ...": the list follows the colon at once.
    r"|\s*:)\s*"
)
PANEL_NEGATION = re.compile(_PANEL_HEAD + r"(?:[\w./+-]+\s*(?:,|\band\b|\bor\b)\s*){0,12}$")
# The phrase of a panel negation, then the list of genes up to the group being read, however
# long: each member may carry its own aside ("ATM (other than the VUS above)", "ERBB2 (no
# amplification)"), which is that member's alone.
PANEL_LIST = re.compile(
    _PANEL_HEAD + r"(?:[\w./+-]+(?:\s*\([^()]{0,60}\))?\s*(?:,|\band\b|\bor\b)\s*)*$"
)
# A negation right before the phrase that leads into a marker: "No loss of MLH1".
NEGATION_BEFORE = re.compile(r"(?<![a-z])(?:no|not|without|absence\s+of|lack\s+of)\s+$")
# The marker is named as an example or as what a test cannot see, not as a finding:
# "(e.g., V600K)", "such as BRCA2", "non-V600E variants".
EXAMPLE_BEFORE = re.compile(r"(?:\be\.?g\.?,?|\bfor\s+example,?|\bsuch\s+as|\bnon-)\s*$")
# A result named as a probability or an association, not found: "a low probability of
# MSI-high", "associated with MSI-H".
HEDGE_BEFORE = re.compile(
    r"\b(?:probability|likelihood|risk|chance|possibility|suggestive)\s+(?:of|for)\s+(?:an?\s+)?$"
    r"|\bassociated\s+with\s+(?:an?\s+)?$|\b(?:to\s+)?(?:rule\s+out|exclude|screen\s+for)\s+$"
)
# A key to results, not a result: "Key: TMB High (>= 10 mut/Mb)", "Reference range:".
KEY_BEFORE = re.compile(r"\b(?:key|legend|reference(?:\s+ranges?)?|cut-?offs?)\s*:")
# A result word followed by its band is a definition: "High (>= 10 mut/Mb)", "positive (≥ 1%)".
BAND_AFTER = re.compile(r"\s*\(?\s*(?:>=|=>|≥|<=|≤|at\s+least|greater\s+than\s+or\s+equal)\s*\d")
# A variant named as the target of a drug: "KRAS G12C-directed agents", "G12D inhibitors".
THERAPY_AFTER = re.compile(
    r"[\s-]*(?:directed|targeted|targeting|specific\s+(?:inhibitors?|agents?|therap\w*)"
    r"|inhibitors?|agents?|tkis?|therap(?:y|ies)|drugs?)\b"
)
# An assay whose name holds a variant tests for that protein: "IDH1 R132H (IHC)", "BRAF V600E
# (VE1)"; its positive is the protein detected, not a sequenced mutation.
ASSAY_WORDS = re.compile(
    r"\b(?:ihc|immunohisto\w*|immunostain\w*|antibody|antibodies|clone|mutation-specific"
    r"|mutant-specific|stain(?:ing)?)\b"
)
