"""Family history as a finding: the relative, the cancer, the age, on notes written for these
tests."""

from __future__ import annotations

from extractors.family import UNNAMED_RELATIVE, find_relatives, relation_entries
from intake.profile import assemble_profile
from models.schemas import DiagnosisFact, FamilyHistoryFact


def _family(extraction):
    return [fact for fact in extraction.facts if isinstance(fact, FamilyHistoryFact)]


def _summary(extraction):
    return {(f.relation, f.condition, f.age_at_diagnosis) for f in _family(extraction)}


class TestRelativeAndCancer:
    def test_each_row_of_a_family_history_section_gives_its_relative(self, extract):
        extraction = extract(
            "FAMILY HISTORY: Father - renal cell carcinoma at 66. Sister - melanoma, "
            "diagnosed at age 41.\nSOCIAL HISTORY: Retired teacher."
        )
        assert _summary(extraction) == {
            ("father", "renal cell carcinoma", 66),
            ("sister", "melanoma", 41),
        }

    def test_cancer_in_the_relative_written_after_it(self, extract):
        extraction = extract("She reports pancreatic cancer in her maternal grandfather.")
        assert _summary(extraction) == {("maternal grandfather", "pancreatic cancer", None)}

    def test_a_bracketed_relative_owns_the_cancer_before_it(self, extract):
        extraction = extract("Family history: colon cancer (brother, age 48).")
        assert _summary(extraction) == {("brother", "colon cancer", 48)}

    def test_relatives_joined_by_and_share_the_cancer(self, extract):
        extraction = extract("Her mother and a paternal aunt had breast cancer.")
        assert {f.relation for f in _family(extraction)} == {"mother", "paternal aunt"}

    def test_a_counted_relative_joins_the_list(self, extract):
        extraction = extract("FHx: daughter, 3 paternal cousins - melanoma.")
        assert {f.relation for f in _family(extraction)} == {"daughter", "paternal cousin"}

    def test_a_cancer_named_by_its_class_alone(self, extract):
        extraction = extract("Family history notable for lymphoma in his brother (age 29).")
        facts = _family(extraction)
        assert _summary(extraction) == {("brother", "lymphoma", 29)}
        assert facts[0].oncotree_code is None

    def test_a_parents_sibling_is_an_aunt_or_uncle_on_that_side(self, extract):
        extraction = extract("His father's brother had gastric cancer at 57.")
        assert _summary(extraction) == {("paternal uncle", "gastric cancer", 57)}

    def test_degree_of_relationship_is_given(self, extract):
        extraction = extract("FHx: mother with ovarian cancer; first cousin with leukemia.")
        degrees = {f.relation: f.degree for f in _family(extraction)}
        assert degrees["mother"] == 1

    def test_a_family_history_without_a_named_relative(self, extract):
        facts = _family(extract("Strong family history of colorectal cancer."))
        assert [f.relation for f in facts] == [UNNAMED_RELATIVE]
        assert facts[0].confidence < 0.9


class TestAge:
    def test_a_decade_gives_no_age(self, extract):
        extraction = extract("Family history: maternal aunt - endometrial cancer in her 50s.")
        assert _summary(extraction) == {("maternal aunt", "endometrial cancer", None)}

    def test_an_age_of_death_is_not_an_age_at_diagnosis(self, extract):
        extraction = extract("Family history: grandmother - lung cancer, died at 83.")
        assert {f.age_at_diagnosis for f in _family(extraction)} == {None}

    def test_the_age_stays_with_its_own_relative(self, extract):
        extraction = extract(
            "Family history: brother - prostate cancer, uncle - bladder cancer at 70."
        )
        assert _summary(extraction) == {
            ("brother", "prostate cancer", None),
            ("uncle", "bladder cancer", 70),
        }


class TestNotAFinding:
    def test_negated_family_history_is_kept_but_not_asserted(self, extract):
        facts = _family(extract("No family history of breast cancer."))
        assert facts
        assert all(f.negated and not f.asserted for f in facts)

    def test_an_unknown_family_history_gives_nothing(self, extract):
        assert _family(extract("Family history of melanoma is unknown.")) == []

    def test_in_laws_and_step_relatives_are_not_blood_relatives(self):
        assert find_relatives("her brother-in-law and stepfather") == []
        assert [r.relation for r in find_relatives("her brother and father")] == [
            "brother",
            "father",
        ]

    def test_the_patient_named_after_a_relative_owns_the_cancer(self, extract):
        extraction = extract("Seen with her son, the patient has known colon cancer, on FOLFOX.")
        assert _family(extraction) == []

    def test_the_patients_own_cancer_is_not_family_history(self, extract):
        extraction = extract(
            "Patient with invasive ductal carcinoma of the breast. Sister is well."
        )
        assert _family(extraction) == []


def test_a_relatives_cancer_is_family_history_never_a_diagnosis(extract):
    extraction = extract(
        "Invasive ductal carcinoma of the left breast.\n"
        "Family history: mother - ovarian cancer at 61."
    )
    profile = assemble_profile(extraction.facts)
    assert [(f.relation, f.condition, f.age_at_diagnosis) for f in profile.family_history] == [
        ("mother", "ovarian cancer", 61)
    ]
    assert "OVARY" not in {d.oncotree_code for d in profile.diagnoses}
    assert all(isinstance(d, DiagnosisFact) for d in profile.diagnoses)


def test_relation_words_are_lower_case_and_unique():
    words = list(relation_entries())
    assert all(word == word.lower() for word in words)
    assert len(words) == len(set(words))
