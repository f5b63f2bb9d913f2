"""Great Expectations suites as code: one module per source, one suite per raw table.

Every expectation carries meta {"rule", "blocking", "column"}: blocking ones refuse the snapshot,
the others load it and are reported. Nothing here imports great_expectations at module import time
(it costs seconds); the suites are built when a snapshot is validated.
"""
