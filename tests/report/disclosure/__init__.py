"""What a reader can work out from everything the committee report publishes for one month.

Written from MEASURES.md ("Suppression") and plain arithmetic, not from outputs.report.suppression, so
the report is checked against the rule and not against itself. The reader is given:

- every figure published for the month: the CSV files for publication, the data drawn in the charts
  (Report.chart_data) and the report's own tables (which must show [c] exactly where the CSVs do);
- what the figures mean (MEASURES.md, DOMAIN.md 4.7): which breakdowns add up to which total (pathways
  to the waiting list, REC groups to the children ceasing care, budget lines and placement types to the
  number looked after, lines to groups to the total in the key activity data, urgent and routine
  eating-disorder starts to the pathway's starts), that a figure published in several places is one
  figure (the CAMHS list by pathway in the CSV, the scorecard and the chart), and how a percentage, an
  average, a rate, a gap or a variance is made from its counts;
- every true zero, even one shown as [c]. No real reader knows that much, so the check is stricter
  than reality; every other [c] is then at least 1 (zero is shown as 0).

The reader narrows each unknown count to an interval with interval arithmetic (a total minus the known
parts bounds the rest; a percentage times a known denominator bounds the numerator; a sum of unknowns
taken from a larger sum of unknowns leaves a sum over the others), again and again until nothing
narrows. A count is disclosed when its interval lies within 1 to 5: it is not zero and
the published figures bound it by 5. Where a breakdown does not add up in truth (a child can be in
two edge-of-care services), the reader's sum would be wrong, so only what still holds is used: no part
exceeds the total, and the parts together cover it.

The package: keys.py (how figures are keyed), reader.py (the arithmetic), truth.py (the marts' true
values), meaning.py (the sums between figures), publication.py (reading what the report publishes).
"""

from tests.report.disclosure.publication import read_publication
from tests.report.disclosure.reader import Reader

__all__ = ["Reader", "read_publication"]
