"""The text index: stop words (intake/matcher/stopwords.yaml) and the words it keeps."""

from __future__ import annotations

from extractors.vocab.loader import load_file
from intake.matcher.text_index import StopwordsFile, stopwords, tokens


def test_the_stop_words_load_as_words() -> None:
    table = load_file("intake.matcher", "stopwords.yaml", StopwordsFile)
    assert table.source.strip()
    assert table.version.strip()
    # YAML 1.1 reads a bare `no` or `on` as a boolean; both must stay words.
    assert {"no", "on", "nos"} <= stopwords()


def test_tokens_drop_stop_words_and_fold_plurals() -> None:
    assert tokens("The tumors of the lungs, NOS") == ["tumor", "lung"]
    assert tokens("glass mass") == ["glass", "mass"]
