{#- The one definition of "looked after on day D" (MEASURES.md; DOMAIN.md 4.1) for a row of
    int_episodes_sequenced: the episode covers D (start <= D < end, an open end runs on) and it is not
    a V3/V4 short break. -#}
{% macro is_looked_after_on(episode, day) -%}
    (not {{ episode }}.is_short_break
     and {{ episode }}.episode_start_date <= {{ day }}
     and ({{ episode }}.episode_end_date is null or {{ episode }}.episode_end_date > {{ day }}))
{%- endmacro %}
