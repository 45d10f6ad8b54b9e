"""Read T for liver and intrahepatic bile duct cancers from the findings (AJCC 7th edition).

T turns on the number of tumours, vascular invasion (a major portal or hepatic vein for
hepatocellular carcinoma), invasion of adjacent organs and, for several hepatocellular tumours,
the size of the largest.
"""

from __future__ import annotations

import re

from extractors.stage.findings import Finding, first_asserted
from extractors.stage.t_extents import INTO, compile_phrases
from extractors.stage.tumour_size import read_tumour_size

# Words of one phrase may be split by an OCR stop ("a similar. appearing lesion").
_LIVER_MULTIPLE = compile_phrases(
    r"satellite|multiple\s(?:tumou?rs|nodules|masses|foci|lesions)|multifocal|multicentric"
    r"|(?:two|three|four|five|several|\d)\s(?:separate\s|distinct\s)?(?:tumou?rs|nodules|masses)"
    r"|tumou?r\snumber\W{1,3}(?:[2-9]|two|three|four|multiple)"
    r"|(?:second|another|additional|separate|similar(?:-|\s)appearing)\s(?:\w+\s)?"
    r"(?:lesion|nodule|tumou?r|mass)"
)
_LIVER_VASCULAR = compile_phrases(
    r"(?:vascular|vessel|venous|angiolymphatic|lymphovascular|microvascular|endotheli\w*"
    r"[- ]lined\sspace|portal\svein|intravascular)\s(?:space\s)?(?:invasion|involvement)"
    r"|(?:with|shows?|showing)\s(?:\w+\s)?vascular\sinvasion"
)
_LIVER_MAJOR_VEIN = re.compile(
    r"(?<!microscopic\s)(?:major|main|large|macroscopic\s(?:large\s)?)\s?(?:vessel|vascular|"
    r"(?:branch\w*\s(?:of\s(?:the\s)?)?)?(?:portal|hepatic)\svein)\s(?:invasion|involvement|thromb)"
    r"|(?:portal|hepatic)\svein\s(?:tumou?r\s)?thromb"
)
_LIVER_ORGANS = re.compile(
    rf"{INTO}(?:\w+\s){{0,2}}?(?:diaphragm|adjacent\sorgans?|stomach|colon|abdominal\swall)"
    r"|perforat\w*\s(?:of\s)?(?:the\s)?visceral\speritoneum"
)


_LIVER_TUMOUR = re.compile(r"hepatocellular\scarcinoma|cholangiocarcinoma|carcinoma|tumou?r")


def read_liver_t(text: str, *, bile_duct: bool = False) -> Finding | None:
    """Liver and intrahepatic bile duct, 7th edition: number of tumours, vascular invasion and,
    for hepatocellular carcinoma, the size of the largest."""
    organs = first_asserted(_LIVER_ORGANS, text)
    if organs:
        category = "T3" if bile_duct else "T4"
        return Finding(organs.start(), organs.end(), category, "invasion of an adjacent organ")
    major = first_asserted(_LIVER_MAJOR_VEIN, text)
    if major and not bile_duct:
        reason = "invasion of a major portal or hepatic vein"
        return Finding(major.start(), major.end(), "T3b", reason)
    multiple = first_asserted(_LIVER_MULTIPLE, text)
    if multiple:
        if bile_duct:
            return Finding(multiple.start(), multiple.end(), "T2b", "multiple tumours")
        size = read_tumour_size(text)
        if size is None:
            # T2 or T3a by the largest tumour: the lower one when in doubt, as AJCC advises.
            reason = "multiple tumours, the size of the largest not read (T3a needs over 5 cm)"
            return Finding(multiple.start(), multiple.end(), "T2", reason)
        category = "T3a" if size[0] > 5 else "T2"
        reason = f"multiple tumours, the largest {size[0]:g} cm"
        return Finding(multiple.start(), multiple.end(), category, reason)
    vascular = first_asserted(_LIVER_VASCULAR, text)
    if vascular:
        category = "T2a" if bile_duct else "T2"
        reason = "a solitary tumour with vascular invasion"
        return Finding(vascular.start(), vascular.end(), category, reason)
    # A solitary tumour without vascular invasion is T1 whatever its size.
    tumour = _LIVER_TUMOUR.search(text)
    if tumour is None:
        return None
    reason = "a solitary tumour; no vascular invasion or second tumour was read"
    return Finding(tumour.start(), tumour.end(), "T1", reason)
