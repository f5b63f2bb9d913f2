-- Each episode with the DfE's postcode derivations (DOMAIN.md 2.5): straight-line miles between
-- home and placement to 1 dp, and the placement's district and upper-tier council. The council
-- comes from the ONS 2021 lookup; a district missing from it (unitaries created since, or any
-- district outside English two-tier areas) is its own upper tier, so current codes still resolve.
-- A postcode missing from the directory leaves distance and location null ("not known").
select
    episodes.*,
    home.postcode_key is not null as is_home_postcode_known,
    placement.postcode_key is not null as is_placement_postcode_known,
    case when home.postcode_key is not null and placement.postcode_key is not null then
        round(cast(sqrt(power(home.easting - placement.easting, 2) + power(home.northing - placement.northing, 2))
                    / 1000 / 1.6093 as decimal(12, 4)), 1)
    end as distance_miles,
    placement.district_code as placement_district_code,
    coalesce(
        authorities.county_code,
        case when placement.district_code not like 'E07%' then placement.district_code end
    ) as placement_council_code
from {{ ref('int_episodes_resolved') }} as episodes
left join {{ ref('stg_reference__postcode_directory') }} as home on home.postcode_key = episodes.home_postcode_key
left join {{ ref('stg_reference__postcode_directory') }} as placement
    on placement.postcode_key = episodes.placement_postcode_key
left join {{ ref('stg_reference__local_authorities') }} as authorities
    on authorities.district_code = placement.district_code
