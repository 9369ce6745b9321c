"""vizlib._frames.itertuples yields what DataFrame.itertuples yields."""

import math

import pandas as pd
import pytest

from vizlib import data
from vizlib._frames import itertuples


def _same(a, b) -> bool:
    """The same type and value; NaN is NaN, pd.NA is pd.NA."""
    if type(a) is not type(b):
        return False
    return a is b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)) or bool(a == b)


FRAMES = {
    "claims": lambda: data.claims(),
    "places": lambda: data.places(),
    "events": lambda: data.events(),
    "regions, a GeoDataFrame": lambda: data.regions(),
    "odd names and a duplicate": lambda: pd.DataFrame([[1, "a", 2.5, None]], columns=["x", "not an id", "x", "1st"]),
    "a named index": lambda: pd.DataFrame({"v": [1, 2]}, index=pd.Index(["p", "q"], name="id")),
    "no rows": lambda: pd.DataFrame({"v": pd.Series([], dtype="int64")}),
    "no columns": lambda: pd.DataFrame(index=[3, 4]),
}


@pytest.mark.parametrize("index", [True, False])
@pytest.mark.parametrize("name", FRAMES)
def test_the_same_rows_fields_and_types_as_pandas(name, index):
    frame = FRAMES[name]()
    ours, theirs = list(itertuples(frame, index=index)), list(frame.itertuples(index=index))
    assert len(ours) == len(theirs)
    for mine, pandas_row in zip(ours, theirs, strict=True):
        assert mine._fields == pandas_row._fields
        assert all(_same(a, b) for a, b in zip(mine, pandas_row, strict=True)), (mine, pandas_row)
