from dagster_dbt import DbtProject

from warehouse.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Parses only under `dagster dev`; scripts/setup.sh prepares manifest.json for every other entry point.
dbt_project.prepare_if_dev()
