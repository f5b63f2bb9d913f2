"""A bad edit to the council's plan seeds fails the build, naming the seed and the rule it breaks.

The dbt project is copied and its seeds under seeds/config/ edited as a council officer might get them
wrong; `dbt build` of those seeds must fail on exactly the tests for each mistake. (The committed seeds
pass the same tests in every night's build: the report tests build them.)
"""

import os
import shutil
import subprocess

from tests.support.warehouse import DBT
from warehouse.settings import DBT_PROJECT_DIR

# Each mistake, the seed file and the row appended to it, and the dbt test that must fail.
MISTAKES = {
    "scorecard_targets.csv": (
        # ends before it starts, for a code not in the registry
        "lac_rate_per_10k,all,,2019-04-01,2018-03-31,,30,,,10,bad edit\n"
        "lac_rate_per_10kk,all,,2019-04-01,,,30,,,10,bad edit\n"
        # a glide path with nowhere to end
        "re_referral_12m_pct,all,,2019-04-01,,,25,,20,10,bad edit\n",
        [
            "after_scorecard_targets_valid_to__valid_from",
            "relationships_scorecard_targets_indicator_code__measure_code__ref_measure_registry_",
            "scorecard_targets_glide_needs_valid_to",
        ],
    ),
    "savings_plan.csv": (
        "S9,Objective,Workstream,BP,2016-17,1,0,1,Y,bad edit\n",
        ["savings_plan_financial_year", "accepted_values_savings_plan_rag"],
    ),
    "action_register.csv": (
        "A1,Outcome,Action,Lead,2016-06-30,2016-05-31,Low,Y,note,bad edit\n",
        [
            "unique_action_register_action_id",
            "after_action_register_revised_date__due_date",
            "accepted_values_action_register_priority",
            "accepted_values_action_register_rag",
        ],
    ),
    "commentary.csv": (
        "not_an_indicator,2016-01-15,Text,Role,bad edit\n",
        ["relationships_commentary_indicator_code", "commentary_period_end_is_a_month_end"],
    ),
}


def test_bad_edits_to_the_plan_seeds_fail_the_build_by_name(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    for name, (rows, _) in MISTAKES.items():
        with open(project / "seeds" / "config" / name, "a", encoding="utf-8") as f:
            f.write(rows)
    result = subprocess.run(
        [
            str(DBT),
            "build",
            "--select",
            "path:seeds/config",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
        ],
        env={
            **os.environ,
            "CSCW_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0, result.stdout[-3000:]
    failed = [line for line in result.stdout.splitlines() if "FAIL " in line]
    for _, (_, tests) in MISTAKES.items():
        for test in tests:
            assert any(test in line for line in failed), f"{test} did not fail:\n" + "\n".join(failed)
    # The committed rows break nothing: only the tests named above fail.
    expected = sum(len(tests) for _, tests in MISTAKES.values())
    assert len(failed) == expected, "\n".join(failed)
