"""The demo data generator: German multi-source exports with a known truth.

    from pipelines.demo import generate_landing
    summary = generate_landing(Path("landing"), Path("truth.csv"), people=1000, days=7, seed=42)

`people` builds persons in households; `writers` writes one reference format each
(SOURCES.md §1-5) with the errors of `corrupt.NOISE`; `generator` runs the export days and
`ledger` writes the truth `source,source_key,person_id` (§8) while counting rows.
"""

from pipelines.demo.generator import START, generate_landing
from pipelines.demo.ledger import GenerationSummary

__all__ = ["START", "GenerationSummary", "generate_landing"]
