"""How much a mention of a cancer type counts, by where it stands and how it is worded.

These are tuning figures, set against the development reports, not knowledge from a source.
"""

from __future__ import annotations

from extractors.document import AnalyzedPage
from extractors.sections import SectionKind

SITE_WINDOW = 150  # characters before/after a histology where its site is looked for
BACKGROUND_WEIGHT = 0.1  # a test's description, about a disease and not this patient
SECTION_WEIGHT = {
    SectionKind.diagnosis: 3.0,
    SectionKind.synoptic: 2.0,
    SectionKind.addendum: 2.0,
    SectionKind.gross: 0.5,
    SectionKind.clinical_history: 0.5,
    SectionKind.preliminary: 0.5,
    SectionKind.methods: BACKGROUND_WEIGHT,
}
DIRECT_SCORE = 3.0  # a phrase that names the type
PAIR_SCORE = 2.0  # a histology placed at a site
DOCUMENT_SITE_WEIGHT = 0.5  # the site is the report's primary site, not one next to it
DOCUMENT_SITE_CONFIDENCE = 0.7
GENERIC_WEIGHT = 0.5  # "carcinoma" alone says less of the type than "squamous cell carcinoma"
PRIMARY_STATEMENT = 3.0  # support for a site the report calls the primary
STATED_SITE_WEIGHT = 2.0  # a histology placed at the site the report calls the primary
MINOR_WEIGHT = 0.3  # "incidental", "a focus of"
METASTASIS_WEIGHT = 0.5
FORM_WEIGHT = 0.2  # one option of a printed list
HISTORICAL_WEIGHT = 0.5
UNCERTAIN_WEIGHT = 0.7
FIRST_DIAGNOSIS_BONUS = 2.0  # the first type the diagnosis section names is the main one
MISSPELLED_MIN_LENGTH = 8  # letters; shorter words are too often one edit from another
MISSPELLED_CONFIDENCE = 0.8
IMPLIED_WEIGHT = 0.5  # "Clark level III" says melanoma, but less than the word itself
IMPLIED_CONFIDENCE = 0.7
REFERENCE_WINDOW = 500  # characters after a type within which "the carcinoma" is that type
FORM_WINDOW = 80  # characters either side in which a printed form lists its options
FORM_OPTIONS = 3  # other types within the window that make a mention one option of many


def weigh_position(page: AnalyzedPage, position: int) -> float:
    """Return the weight of the section `position` stands in."""
    return SECTION_WEIGHT.get(page.section(position), 1.0)
