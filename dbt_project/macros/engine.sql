{#- What the build does differently on PostgreSQL and DuckDB, each in one place (the models' SQL is otherwise
    the same on both engines; format_dmy in ssda903.sql is the other expression that differs). -#}

{#- A table dbt has just created has no planner statistics on PostgreSQL until autovacuum reaches it,
    and without them the month-end snapshot joins ran as nested loops for minutes. DuckDB keeps its
    own statistics as it writes. Run as every model's and seed's post-hook. -#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    analyze {{ this }}
{%- endmacro %}

{#- Who may read what (on-run-end). On PostgreSQL the analyst role (env CSCW_PG_ANALYST_ROLE, default
    cscw_analyst) reads the marts, the published return and the return's data quality and nothing else:
    USAGE and SELECT on every schema holding a model under models/marts or models/returns (found from
    the project, so a new mart is covered) and on data_quality, whoever writes it (the SSDA903 export
    writes return_status and return_validation_flags there after dbt, outputs/returns/status.py, so the
    schema is made here if missing: its default privileges then cover the tables the first night's
    export creates), default privileges so tables rebuilt later stay readable, no temporary tables.
    Raw, staging, intermediate and the seeds get no grant at all. The loader role running the build
    owns everything it creates. A DuckDB file has no roles: its readers are whoever may read the file. -#}
{% macro grant_published_access() -%}
    {{ return(adapter.dispatch('grant_published_access')()) }}
{%- endmacro %}

{% macro default__grant_published_access() -%}{%- endmacro %}

{% macro postgres__grant_published_access() -%}
    {%- if execute -%}
    {%- set analyst = env_var('CSCW_PG_ANALYST_ROLE', 'cscw_analyst') -%}
    {%- if not run_query("select 1 from pg_roles where rolname = '" ~ analyst ~ "'").rows -%}
        {{ exceptions.raise_compiler_error("PostgreSQL role " ~ analyst ~ " does not exist: create it "
                                           ~ "(create role " ~ analyst ~ " login password '...'), see README") }}
    {%- endif -%}
    {%- set published = ['data_quality'] -%}
    {#- The reference models (the measure dictionary) sit beside the seeds, which stay the loader's: those
        tables alone, not their schema. -#}
    {%- set dictionaries = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.original_file_path.startswith(('models/marts/', 'models/returns/'))
              and node.schema not in published -%}
            {%- do published.append(node.schema) -%}
        {%- elif node.resource_type == 'model' and node.original_file_path.startswith('models/reference/') -%}
            {%- set built = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- if built -%}{%- do dictionaries.append(built) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set existing = run_query("select nspname from pg_namespace").columns[0].values() | list + ['data_quality'] -%}
    create schema if not exists data_quality;
    {%- for schema in published | sort if schema in existing %}
    grant usage on schema {{ adapter.quote(schema) }} to {{ adapter.quote(analyst) }};
    grant select on all tables in schema {{ adapter.quote(schema) }} to {{ adapter.quote(analyst) }};
    alter default privileges in schema {{ adapter.quote(schema) }} grant select on tables to {{ adapter.quote(analyst) }};
    {%- endfor %}
    {%- for relation in dictionaries %}
    grant usage on schema {{ adapter.quote(relation.schema) }} to {{ adapter.quote(analyst) }};
    grant select on {{ relation }} to {{ adapter.quote(analyst) }};
    {%- endfor %}
    -- Nobody else creates objects here: not in public (open to all before PostgreSQL 15), not as temporary tables.
    revoke create on schema public from public;
    revoke temporary on database {{ adapter.quote(target.dbname) }} from public;
    grant connect on database {{ adapter.quote(target.dbname) }} to {{ adapter.quote(analyst) }};
    {%- endif -%}
{%- endmacro %}

{#- The distinct values of a text column, sorted and joined: an aggregate. DuckDB's ordered string_agg
    holds every group's rows until the end and cannot spill, which ran a national build out of memory;
    its list functions do the same in a quarter of the time and memory. -#}
{% macro sorted_distinct_text(column, separator) -%}
    {{ return(adapter.dispatch('sorted_distinct_text')(column, separator)) }}
{%- endmacro %}

{% macro default__sorted_distinct_text(column, separator) -%}
    string_agg(distinct {{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}

{% macro duckdb__sorted_distinct_text(column, separator) -%}
    array_to_string(list_sort(list_distinct(list({{ column }}))), '{{ separator }}')
{%- endmacro %}
