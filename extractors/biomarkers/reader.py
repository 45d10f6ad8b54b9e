"""Read the result, value, method and variant of each marker in a group that shares a result.

A mention's result comes, in this order, from the words after the group, from a sign attached
to the marker ("ER+"), from the phrase that leads into the group ("negative for ER, PR and
HER2"), from the matched term itself ("MSI-H", "HER2 amplification") and from a variant in
scope ("BRAF V600E"). A result that is pending leaves only the words after the marker to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import vocab
from extractors.biomarkers.mentions import Mention, marker_entries
from extractors.biomarkers.methods import clone_pattern, read_methods
from extractors.biomarkers.phrases import (
    ADJACENT_SIGN,
    ASSAY_WORDS,
    BAND_AFTER,
    DEFINITION,
    DEFINITION_BEFORE,
    EXAMPLE_BEFORE,
    GENERIC,
    HEDGE_BEFORE,
    KEY_BEFORE,
    LEAD,
    LEAD_NEGATION,
    NEGATION_BEFORE,
    PANEL_LIST,
    PANEL_NEGATION,
    PRESENCE_VERB,
    SCALE_ENTRY,
    SIGN,
    TEST_NOUN,
    THERAPY_AFTER,
)
from extractors.biomarkers.results import (
    FUSION,
    MUTATION,
    Decisive,
    decide,
    name_result,
    negate_result,
    read_tokens,
    relabel_result,
    serum_results,
)
from extractors.biomarkers.scope import Found, Scope
from extractors.biomarkers.serum import read_serum
from extractors.biomarkers.values import (
    read_her2,
    read_hrd,
    read_pd_l1,
    read_receptor,
    read_tmb,
    read_vaf,
)
from extractors.biomarkers.variants import coding_change, find_variant
from extractors.document import AnalyzedPage
from extractors.sections import SectionKind
from extractors.terms import TermCategory

_ORIGIN = re.compile(r"\b(?P<origin>germline|somatic|gbrca|sbrca)\b")
# A stain's intensity written alone after a protein in a panel: "PAX5 weak", "CD20 dim".
_INTENSITY_ONLY = re.compile(r"\s+(weak(?:ly)?|dim|bright)\s*(?=$|[,;.)/])")
# Room after a marker for an attached sign: "ER+", "HER2 (-)".
_SIGN_REACH = 6
# Room between a marker and the variant its assay is named after: "IDH1 R132H", "BRAF (V600E)".
_ASSAY_VARIANT_GAP = 3
# What a positive and a negative mean for an assay named after a variant. Its antibody binds
# the mutant protein only (IDH1 R132H clone H09, BRAF V600E clone VE1, H3 K27M; WHO CNS 2021),
# so a positive stain is that mutation found; a negative is only that variant not detected,
# never the gene wild type ("IDH1 R132H (IHC): negative" leaves IDH1 R132C and IDH2 open).
_ASSAY_RESULTS = {1: "mutated", -1: "not detected"}
# Level words, which a gene with a variant on its row takes from another column.
_LEVELS = frozenset({"normal", "high", "low", "stable"})
# A heading that classes the variants listed after it ("Variants of uncertain significance:
# ARID1A p.S1071N") gives each its class; AMP/ASCO/CAP tier III is never a pathogenic result.
_UNCERTAIN = "uncertain significance"
_CLASSING_LABELS = frozenset({_UNCERTAIN})
_BRACKETS = re.compile(r"\([^()]*\)")
_NUMBER = re.compile(r"\d")
# The words before a group when it continues a list: only list words, symbols and asides
# (the first perhaps cut by the window: "...than the VUS above), AXIN2, ").
_LISTED_LEAD = re.compile(
    r"(?:[^()]{0,60}\))?[\s,]*(?:[\w./+-]+(?:\s*\([^()]{0,60}\))?\s*(?:,|\band\b|\bor\b)\s*)*"
)
# An aside in brackets right after a marker: "ERBB2 (no amplification)".
_ASIDE = re.compile(r"\s*\([^()]*\)")
# Between a marker and the alteration named after it: spaces, a colon or a dash.
_HEAD_GAP = re.compile(r"[\s:-]*")
_STATUS_AFTER = re.compile(r"\s*(?:status|testing|test)\b")
# A leader or a column gap joining a row's cells: "FGFR2 fusion ........ pemigatinib".
_COLUMN_JOIN = re.compile(r"\.{3,}|_{3,}|…|\S {2,}\S|\t")
# A test's name, not its result: "IGHV mutation status".
_STATUS = re.compile(r"\bstatus$")


@dataclass(slots=True)
class Reading:
    """What was read for one mention, and the span of the words read."""

    result: str | None
    value: str | None
    variant: str | None
    method: str | None
    start: int
    end: int


class Reader:
    """Read one group of markers that share a result, on one page."""

    def __init__(
        self,
        page: AnalyzedPage,
        group: list[Mention],
        lead_start: int,
        tail_end: int,
        sentence_start: int | None = None,
    ):
        self.page = page
        self.group = group
        text = page.text
        self.lead_start = lead_start
        self.lead = text[lead_start : group[0].start]
        self.tail_start = group[-1].end
        self.tail = text[self.tail_start : tail_end]
        self.tail_tokens = read_tokens(self.tail, self.tail_start)
        self.lead_match = LEAD.search(self.lead)
        negation = LEAD_NEGATION.search(self.lead)
        self.lead_negation = negation.start() if negation else None
        self.panel = self._find_panel(sentence_start)

    def _find_panel(self, sentence_start: int | None) -> tuple[int, int] | None:
        """The page span of a panel negation that the group's list continues: in the lead, or
        earlier in the sentence when the list of genes is long ("No pathogenic variants were
        detected in: APC, ATM, AXIN2, ... BRCA1, ...")."""
        panel = PANEL_NEGATION.search(self.lead)
        if panel:
            return self.lead_start + panel.start(), self.lead_start + panel.end()
        if (
            sentence_start is None
            or sentence_start >= self.lead_start
            or not _LISTED_LEAD.fullmatch(self.lead)
        ):
            return None
        start = self.group[0].start
        listed = PANEL_LIST.search(self.page.text, sentence_start, start)
        return (listed.start(), listed.end()) if listed else None

    def read(self, mention: Mention, index: int) -> Reading | None:
        """Return what the page says of the group's `index`-th mention, or None if nothing."""
        text = self.page.text
        key = mention.key
        entry = marker_entries()[key]
        term = text[mention.start : mention.end]
        term_tokens = read_tokens(term, mention.start)
        term_aspect = next((token.aspect for token, _, _ in term_tokens if token.aspect), None)
        scope = Scope(term, mention.start, self.tail, self.tail_start)
        variant = find_variant(scope, key)
        used: list[Found] = []
        start = mention.start
        if self._not_a_finding(mention, variant):
            return None

        decisive = decide(self.tail_tokens)
        adjacent = ADJACENT_SIGN.match(text, mention.end)
        if adjacent:
            which = "plus" if adjacent.group("plus") else "minus"
            polarity = 1 if which == "plus" else -1
            decisive = Decisive(None, None, polarity, adjacent.start(which), adjacent.end(which))
        if decisive and self._negates_another(decisive, variant):
            decisive = None
        if decisive and self.panel and index < len(self.group) - 1 and self._aside(decisive):
            decisive = None  # "KRAS, BRAF, ERBB2 (no amplification)": the aside is ERBB2's
        if decisive and entry.kind == "gene" and variant and decisive.label in _LEVELS:
            decisive = None  # "TP53  p.R273H ... copy number 2 (normal)": another column's word
        # "HER2 IHC 2+, FISH pending", "HER2 testing: IHC 3+": nothing more than the words
        # after the marker may give its result, but a value there still counts.
        only_after = False
        if decisive and decisive.label == "pending":
            decisive, only_after = None, True
        elif decisive is None:
            sign = SIGN.match(text, mention.end, mention.end + _SIGN_REACH)
            intensity = _INTENSITY_ONLY.match(text, mention.end)
            if sign:
                polarity = 1 if (sign.group("a") or sign.group("b")) == "+" else -1
                decisive = Decisive(None, None, polarity, sign.start(), sign.end())
            elif intensity and entry.kind == "protein":
                # "CD30+, CD15+, CD20-, PAX5 weak": a stain's intensity alone says it stained.
                decisive = Decisive(None, None, 1, intensity.start(1), intensity.end(1))
            else:
                only_after = not self.tail_tokens and bool(TEST_NOUN.match(self.tail))
        if decisive is None and not only_after and self.panel:
            # "No pathogenic variants detected in: BRCA1, BRCA2, ...": each is not found.
            panel_start, panel_end = self.panel
            phrase = read_tokens(text[panel_start:panel_end], panel_start)
            panel_aspect = next((t.aspect for t, _, _ in phrase if t.aspect), MUTATION)
            decisive = Decisive(None, panel_aspect, -1, panel_start, panel_start + 2)
            if panel_start >= self.lead_start:
                start = min(start, panel_start)
        if decisive is None and variant and not only_after:
            decisive = self._classing_label(mention.start)
        from_lead = False
        if decisive is None and self.lead_match and not only_after:
            decisive = self._lead_decisive()
            from_lead = decisive is not None
            if decisive:
                start = min(start, decisive.start)
        if decisive is None and not only_after:
            decisive = decide(term_tokens)
            if decisive and decisive.label is None and not decisive.sign:
                decisive = None
            if decisive is None and term_aspect and not _STATUS.search(term):
                decisive = Decisive(None, term_aspect, 1, mention.start, mention.end)
            if decisive is None and term_aspect is None:
                decisive = self._named_alteration()
            if decisive and decisive.label is None and self._names_therapy(mention):
                return None  # "IDH1 mutation ....... ivosidenib": a drug for the alteration
        assay = variant is not None and self._names_assay(mention, variant, decisive)
        if decisive is None and variant and not only_after and not assay:
            kind = FUSION if "::" in variant.text else MUTATION
            decisive = Decisive(None, kind, 1, variant.start, variant.end)
        if decisive and self.lead_negation is not None and not from_lead:
            # "No EGFR mutation was identified", "no evidence of BRAF p.V600E": the negation
            # before the marker turns what it names around; one it cannot name with
            # confidence ("no IHC evidence of MSI-H") leaves the marker unread.
            negated = _negate(decisive)
            if negated is None:
                return None
            decisive = negated
            start = min(start, self.lead_start + self.lead_negation)
        if DEFINITION.search(self._unbracketed_tail(decisive)) or (
            len(set(SCALE_ENTRY.findall(self.tail))) >= 2
        ):
            return None
        if decisive and (self._generic(decisive, mention) or self._band(decisive)):
            return None

        aspect = term_aspect
        if aspect is None and variant:
            aspect = FUSION if "::" in variant.text else MUTATION
        if assay:
            if decisive is None:
                return None
            result: str | None = _ASSAY_RESULTS.get(decisive.sign) or decisive.label
        else:
            result = name_result(decisive, aspect) if decisive else None
        if decisive:
            used.append(Found(decisive.start, decisive.end, ""))
        # A result said of an aspect is already specific: no variant found in MLH1 (germline)
        # is MLH1 not detected, never its protein lost.
        if not (decisive and (decisive.aspect or aspect) and decisive.sign):
            result = relabel_result(key, entry.kind, result)
        value, result = self._value(key, entry.kind, scope, result, used, index)
        coding = None
        if value is None and variant and variant.text.startswith("p."):
            # "BRCA2 c.6275_6276del (p.Leu2092Profs*7)": the protein change is the variant,
            # the coding change the value, as germline reports name a variant by it.
            coding = coding_change(scope.text)
        if variant:
            used.append(variant)
        regions = [
            (self.lead, self.lead_start),
            (term, mention.start),
            (self.tail, self.tail_start),
        ]
        method, method_found = read_methods(regions)
        used.extend(found for found in method_found if found.start >= mention.start)
        if value is None and key in vocab.gene_group(vocab.GeneGroup.germline_tested_genes):
            origin = _ORIGIN.search(f"{self.lead} {term} {self.tail}")
            if origin:
                word = origin.group("origin")
                value = {"gbrca": "germline", "sbrca": "somatic"}.get(word, word)
        if coding:
            value = f"{coding}, {value}" if value else coding
        if result is None and value is None:
            return None
        if entry.kind == "serum" and value is None and result not in serum_results():
            return None
        end = max([mention.end, *(found.end for found in used)])
        return Reading(result, value, variant.text if variant else None, method, start, end)

    def _not_a_finding(self, mention: Mention, variant: Found | None) -> bool:
        """Whether the marker is named as an example, in a key, as a probe's locus or as a
        drug's target."""
        text = self.page.text
        before = text[self.lead_start : mention.start]
        if EXAMPLE_BEFORE.search(before) or KEY_BEFORE.search(before):
            return True
        if (
            text[mention.start - 1 : mention.start] == "["
            and text[mention.end : mention.end + 1] == "]"
        ):
            return True  # a FISH probe's locus, "del(17p13.1) [TP53]": the lesion is the result
        ends = [mention.end]
        if variant and variant.start - mention.end <= _ASSAY_VARIANT_GAP:
            ends.append(variant.end)
        return any(THERAPY_AFTER.match(text, end) for end in ends)

    def _names_assay(self, mention: Mention, variant: Found, decisive: Decisive | None) -> bool:
        """Whether the variant after the marker names an assay ("IDH1 R132H (IHC)") rather
        than a finding: it follows the marker at once, and a stain, an antibody or a clone
        is named before the result."""
        if variant.start - mention.end > _ASSAY_VARIANT_GAP:
            return False
        text = self.page.text
        end = self.tail_start + len(self.tail)
        if decisive and decisive.start >= mention.end:
            end = decisive.start
        words = text[self.lead_start : end]
        return bool(ASSAY_WORDS.search(words) or clone_pattern().search(words))

    def _negates_another(self, decisive: Decisive, variant: Found | None) -> bool:
        """Whether a bare negation in the tail speaks of something after the marker's own
        alteration: "TP53 mutation (p.R273H) in the absence of a 17p deletion"."""
        if decisive.label or decisive.sign >= 0 or decisive.aspect is None:
            return False
        before = [t for t, start, _ in self.tail_tokens if start < decisive.start and t.aspect]
        return bool(before) or (variant is not None and variant.end <= decisive.start)

    def _named_alteration(self) -> Decisive | None:
        """The alteration named right after the marker, as a table's cell or a finding:
        "PDGFRA   amplification   -   9", "CDKN2A/B homozygous deletion"; not a test's name
        ("EGFR mutation analysis", "MGMT methylation status")."""
        if not self.tail_tokens:
            return None
        token, start, end = self.tail_tokens[0]
        if token.aspect is None or token.sign or token.label:
            return None
        if not _HEAD_GAP.fullmatch(self.page.text, self.tail_start, start):
            return None
        if TEST_NOUN.match(self.page.text, end) or _STATUS_AFTER.match(self.page.text, end):
            return None
        return Decisive(None, token.aspect, 1, start, end)

    def _names_therapy(self, mention: Mention) -> bool:
        """Whether the row pairs the marker with drugs, as a table of therapies matched to
        alterations does: a leader or a column gap, then a drug, and no result between."""
        end = self.tail_start + len(self.tail)
        original_start, original_end = self.page.norm.span_to_original(mention.end, end)
        join = _COLUMN_JOIN.search(self.page.page.text, original_start, original_end)
        if join is None:
            return False
        joined = self.page.norm.to_normalized(join.start())
        return any(joined <= match.start < end for match in self.page.matches_of(TermCategory.drug))

    def _unbracketed_tail(self, decisive: Decisive | None) -> str:
        """The tail without the brackets after its result: "NOT detected (4% of nuclei;
        cut-off 20%)" gives the assay's threshold beside a result, not a definition."""
        if decisive is not None and decisive.end > self.tail_start:
            split = decisive.end - self.tail_start
        else:
            # "CPS 15 (threshold for positivity CPS >= 1)": the value comes first.
            number = _NUMBER.search(self.tail)
            if number is None or _BRACKETS.match(self.tail, self._bracket_start(number.start())):
                return self.tail
            split = number.end()
        return self.tail[:split] + _BRACKETS.sub(" ", self.tail[split:])

    def _bracket_start(self, position: int) -> int:
        """The start of the bracket that holds `position` in the tail, or `position`."""
        opened = self.tail.rfind("(", 0, position)
        return opened if opened >= 0 and ")" not in self.tail[opened:position] else position

    def _aside(self, decisive: Decisive) -> bool:
        """Whether the deciding word stands in brackets right after the group's last marker."""
        opened = _ASIDE.match(self.tail)
        return opened is not None and decisive.start < self.tail_start + opened.end()

    def _band(self, decisive: Decisive) -> bool:
        """Whether the result word is followed by its band, as in a key: "High (>= 10)"."""
        return BAND_AFTER.match(self.page.text, decisive.end) is not None

    def _generic(self, decisive: Decisive, mention: Mention) -> bool:
        """Whether the words that give the result make a general statement, not a finding."""
        text = self.page.text
        if HEDGE_BEFORE.search(self.lead):
            return True
        if decisive.start >= mention.end:
            return bool(GENERIC.search(text, mention.end, decisive.start))
        if DEFINITION_BEFORE.search(self.lead):
            return True
        return bool(GENERIC.search(text, decisive.end, mention.start))

    def _classing_label(self, position: int) -> Decisive | None:
        for token, start, end in read_tokens(self.lead, self.lead_start):
            if token.label in _CLASSING_LABELS:
                return Decisive(token.label, None, 0, start, end)
        if self.page.section(position) is SectionKind.uncertain_variants:
            return Decisive(_UNCERTAIN, None, 0, position, position)
        return None

    def _lead_decisive(self) -> Decisive | None:
        match = self.lead_match
        if match is None:
            return None
        phrase_end = match.end("prep") if match.group("prep") else match.end()
        tokens = read_tokens(self.lead[match.start() : phrase_end], self.lead_start + match.start())
        bare = [(t, a, b) for t, a, b in tokens if t.sign < 0 and not t.label and not t.aspect]
        negation = bool(bare) or bool(NEGATION_BEFORE.search(self.lead, 0, match.start()))
        worded = decide([item for item in tokens if item not in bare])
        decisive = worded or decide(tokens)
        if decisive and decisive.label != "pending":
            if negation and worded is not None:
                return _negate(worded)
            return decisive
        if PRESENCE_VERB.match(match.group("cue")):
            return Decisive(
                None, None, 1, self.lead_start + match.start(), self.lead_start + match.end("cue")
            )
        return None

    def _value(
        self,
        key: str,
        kind: str,
        scope: Scope,
        result: str | None,
        used: list[Found],
        index: int,
    ) -> tuple[str | None, str | None]:
        """Return (value, result) for the marker; some results follow from the value."""
        if key == "HER2":
            return read_her2(scope, result, used, self.tail_tokens)
        if kind == "serum":
            return read_serum(self.tail, self.tail_start, self.lead, result, used)
        if key == "PD-L1":
            return read_pd_l1(scope, result, used)
        if key == "TMB":
            return read_tmb(scope, result, used)
        if key == "HRD":
            return read_hrd(scope, result, used)
        if kind in ("gene", "signature"):
            return read_vaf(scope, result, used)
        group = (index, len(self.group))
        return read_receptor(key, result, used, self.tail, self.tail_start, group)


def _negate(decisive: Decisive) -> Decisive | None:
    """Return the reading a negation in front of `decisive` makes ("no loss of" is intact),
    or None when the negated result cannot be named with confidence."""
    if decisive.sign > 0 and decisive.aspect:
        return Decisive(None, decisive.aspect, -1, decisive.start, decisive.end)
    if decisive.sign < 0:
        return None  # "no negative ...": a double negative is not read
    label = name_result(decisive, None)
    negated = negate_result(label) if label else None
    if negated is None:
        return None
    return Decisive(negated, decisive.aspect, 0, decisive.start, decisive.end)
