"""kundenstamm matching layer: customer records in, scored pairs and person clusters out.

    from matching.linker import link_records
    from matching.settings import MatchSettings, default_settings

    result = link_records(records, default_settings().replace(link_threshold=0.97))

Modules, in the order a run uses them: `settings` (+ `catalog`, `defaults`), `keys`,
`features` (+ `sharing`), `blocking`, `comparisons` (+ `similarity`), `estimation`,
`scoring` (+ `frequency`), `clustering`, `linker`; `evaluation` scores a partition against
ground truth, `benchmarks/match_quality.py` measures it on demo warehouses.
Only this package imports recordlinkage.
"""
