"""Stage: TNM categories, the AJCC stage group, the group derived when unstated, and the groups
of staging systems that are not TNM (FIGO, Ann Arbor / Lugano, ISS, Rai, Binet, BCLC, CNS WHO
grade, Gleason grade group).

Most pathology reports give pT and pN and rarely M or the group; when the group is missing it
is derived from the site's AJCC table, marked `derived` and sent for review, with every
assumption written out.

The modules, in the order a report is read:
- `reading`: TNM statements as OCR'd, flattened reports write them; `stated_group`: a stated
  group; `edition`, `age`: the AJCC edition and the patient's age the report prints;
- `nodes`, `n_category`: lymph node counts, and the N they give where no N is stated;
- `t_findings` (with `t_extents`, `tumour_size`, `t_liver`, `t_melanoma`, `findings`): a T read
  from the findings where no TNM is stated; `m_findings`: a distant metastasis as M1;
- `systems`, `system_groups`: the staging systems that are not TNM (`vocab/staging_systems.yaml`),
  their groups as reports state them, and which system stages a cancer type first;
- `choosing`, `facts`: which of these is the document's stage, as facts;
- `deriving`: the group from T, N and M, with the table chosen by chapter and edition;
- `grouping` (with `categories`, `group_tables`, `group_matching`, `group_doubt`) and
  `chapters`: the AJCC grouping tables and the chapter for a cancer type;
- `tables`: the other staging knowledge kept as data under `extractors/vocab/`.
TNM notation itself (prefixes, numerals, editions) lives in `extractors.tnm`.
"""

from extractors.stage.chapters import chapter_for
from extractors.stage.choosing import extract_stage
from extractors.stage.grouping import M0_ASSUMED, DerivedGroup, derive_group

__all__ = ["M0_ASSUMED", "DerivedGroup", "chapter_for", "derive_group", "extract_stage"]
