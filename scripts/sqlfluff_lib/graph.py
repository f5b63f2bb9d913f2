"""dbt's `graph` for sqlfluff's jinja templater: a model that lists the project's sources from it (the
placements files_present model) lints with none of them, as it does before dbt has read the project."""

sources: dict = {}
