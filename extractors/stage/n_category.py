"""Choose the N categories to group over when a statement gives no N (or NX).

N is read from the node counts where the chapter's N is a count, from the thoracic node
stations (lung, pleural mesothelioma), or from colorectal tumour deposits (N1c); it is taken as
N1 (the lowest category, as AJCC advises when in doubt) where involved nodes are reported but
what fixes N there is not read, and assumed N0 when no node is reported.
"""

from __future__ import annotations

import re

from extractors.stage.findings import first_asserted
from extractors.stage.nodes import NodeCount
from extractors.stage.tables import n_by_count, n_by_station
from extractors.tnm import strip_prefix


def _n_by_count(chapter: str, edition: int, positive: int) -> str | None:
    # An edition without counts of its own counts as the 7th edition does.
    table = n_by_count()
    steps = table.get((chapter, edition)) or table.get((chapter, 7))
    if steps is None:
        return None
    return next((category for least, category in reversed(steps) if positive >= least), None)


def n_options(
    chapter: str, edition: int, n: str | None, nodes: NodeCount | None
) -> tuple[list[str], list[str]]:
    """The N categories to group over, with what was assumed to get them."""
    if n is not None and n.upper() != "NX":
        return [n], []
    written = "NX stated" if n else "no N category stated"
    if nodes is not None and nodes.mentions and nodes.positive_max == 0:
        return ["N0"], [f"{written}: N0 read from the lymph node counts (no involved node)"]
    stations = nodes.lung_stations if nodes is not None else ()
    by_station = n_by_station()
    mapping = by_station.get((chapter, edition)) or by_station.get((chapter, 7))
    if mapping is not None and stations and None not in stations:
        ns = [mapping[max(s or "" for s in stations)]]
        return ns, [f"{written}: {ns[0]} read from the stations of the involved lymph nodes"]
    if nodes is not None and nodes.positive_max > 0:
        counts = sorted({nodes.positive_max, nodes.positive_sum})
        options = [_n_by_count(chapter, edition, count) for count in counts]
        if None in options:
            # AJCC and UICC: when in doubt between two categories, assign the lower one.
            return ["N1"], [
                f"{written}: involved lymph nodes are reported, but not what fixes N here "
                "(where they are, or their size); N1, the lowest category for involved nodes, "
                "was assigned, as AJCC rules advise when in doubt"
            ]
        ns = sorted({o for o in options if o is not None})
        return ns, [f"{written}: {'/'.join(ns)} read from the count of involved lymph nodes"]
    examined = (
        "no regional lymph node was examined"
        if nodes and nodes.none_examined
        else ("no lymph node count was read")
    )
    return ["N0"], [
        f"{written} and {examined}: N0 assumed, as pathologists group such cases with the "
        "clinical N, which is usually cN0"
    ]


# Colorectal, AJCC 7th edition: tumour deposits in the pericolorectal fat without regional
# node metastasis are N1c. CAP checklists write them as "Tumor deposits: present" or, in the
# older form, "Non-lymph node pericolonic tumor: present".
_DEPOSITS = re.compile(
    r"(?:tumou?r\sdeposits?|non-lymph\snode\s\w+\stumou?r)(?:\s(?:in|within)\s[a-z\s]{0,40}?)?"
    r"\W{0,3}(?:present|identified|yes)\b"
)


def n_from_deposits(
    chapter: str | None, text: str, n: str | None, nodes: NodeCount | None
) -> tuple[str | None, list[str]]:
    """N1c where the report gives no N, no involved node and tumour deposits; else `n`."""
    if chapter != "colorectal" or (n is not None and strip_prefix(n) != "NX"):
        return n, []
    if nodes is not None and nodes.positive_max > 0:
        return n, []
    if first_asserted(_DEPOSITS, text) is None:  # not "no tumor deposits identified"
        return n, []
    return "N1c", ["no N category stated: N1c read from tumour deposits without involved nodes"]
