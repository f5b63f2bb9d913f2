{#- The one definition of "looked after on day D" (MEASURES.md; DOMAIN.md 4.1) for a row of
    int_episodes_sequenced: the episode covers D (start <= D < end, an open end runs on) and it is not
    a V3/V4 short break. -#}
{% macro is_looked_after_on(episode, day) -%}
    (not {{ episode }}.is_short_break
     and {{ episode }}.episode_start_date <= {{ day }}
     and ({{ episode }}.episode_end_date is null or {{ episode }}.episode_end_date > {{ day }}))
{%- endmacro %}

{#- The one definition of "unaccompanied asylum-seeking child on day D" (DOMAIN.md 4.1): a UASC
    table row whose DUC has not passed by D, or the case system's UASC flag. `uasc` is a row of
    stg_placements__uasc and `case_child` of stg_case__children, both left-joined on the child. -#}
{% macro is_uasc_on(uasc, case_child, day) -%}
    (({{ uasc }}.child_id is not null
      and ({{ uasc }}.uasc_ceased_date is null or {{ uasc }}.uasc_ceased_date > {{ day }}))
     or coalesce({{ case_child }}.is_uasc, false))
{%- endmacro %}
