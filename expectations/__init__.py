"""Great Expectations suites as code: one module per source, one suite per raw table.

Every expectation carries meta {"rule", "column"}; what a failing row does (refuse the snapshot,
quarantine the row, load and flag it) is the rule's kind in ingest/rules.py, the one classification.
Nothing here imports great_expectations at module import time (it costs seconds); the suites are
built when a snapshot is validated.
"""
