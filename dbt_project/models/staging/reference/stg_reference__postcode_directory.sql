select
    postcode_key,
    easting,
    northing,
    district_code,
    package_version
from {{ source('reference', 'postcode_directory') }}
