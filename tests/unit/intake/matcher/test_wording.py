"""Plain words for reasons, and their table (intake/matcher/wording.yaml)."""

from __future__ import annotations

from extractors import vocab
from extractors.vocab.loader import load_file
from intake.matcher.wording import WordingFile, join, plain, plain_cancer_types, with_article


def test_the_file_loads_and_names_its_source_and_version() -> None:
    table = load_file("intake.matcher", "wording.yaml", WordingFile)
    assert table.source.strip()
    assert table.version.strip()


def test_every_plain_name_says_something_new() -> None:
    for main_type, words in plain_cancer_types().items():
        assert words, main_type
        assert words != main_type, main_type


def test_every_plain_name_is_for_a_main_type_of_the_vocabulary() -> None:
    main_types = {entry.main_type for entry in vocab.cancer_types()}
    assert sorted(plain_cancer_types().keys() - main_types) == []


def test_an_oncotree_name_is_put_in_lower_case_with_eponyms_kept() -> None:
    assert plain("Diffuse Large B-Cell Lymphoma, NOS") == "diffuse large B-cell lymphoma"
    assert plain("Classical Hodgkin Lymphoma") == "classical Hodgkin lymphoma"


def test_symbols_said_as_words_take_a() -> None:
    assert with_article("ROS1 gene fusion") == "a ROS1 gene fusion"
    assert with_article("MSI result") == "an MSI result"
    assert with_article("ALK gene fusion") == "an ALK gene fusion"


def test_words_are_joined_with_and() -> None:
    assert join(["a", "b", "c"]) == "a, b and c"
    assert join(["a"]) == "a"
