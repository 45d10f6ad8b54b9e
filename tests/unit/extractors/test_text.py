from __future__ import annotations

from extractors.text import NormalizedText, snippet


def test_normalised_offsets_map_back_to_the_original():
    original = "Invasive   Ductal\n\nCarcinoma, grade 2"
    norm = NormalizedText.of(original)
    assert norm.text == "invasive ductal carcinoma, grade 2"
    start = norm.text.index("ductal carcinoma")
    a, b = norm.span_to_original(start, start + len("ductal carcinoma"))
    assert original[a:b] == "Ductal\n\nCarcinoma"
    assert norm.to_normalized(original.index("Carcinoma")) == norm.text.index("carcinoma")


def test_snippet_keeps_whole_words_on_one_line():
    text = "alpha beta gamma delta epsilon zeta eta theta"
    start = text.index("delta")
    assert snippet(text, start, start + 5, width=8) == "gamma delta epsilon"
