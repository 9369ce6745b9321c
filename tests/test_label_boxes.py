"""Box.overlap_sum is the left-to-right sum of Box.overlap, to the last bit (label placement compares these costs)."""

import functools
import operator

from hypothesis import given
from hypothesis import strategies as st

from vizlib._labels import Box

coordinate = st.floats(min_value=-50, max_value=50, allow_nan=False) | st.integers(-5, 5).map(float)


@st.composite
def boxes(draw):
    x0, y0 = draw(coordinate), draw(coordinate)
    return Box(x0, y0, x0 + draw(st.floats(0, 40) | st.just(0.0)), y0 + draw(st.floats(0, 40)))


@given(boxes(), st.lists(boxes(), max_size=30))
def test_overlap_sum_is_the_sum_of_each_overlap(box, others):
    # left to right, as Python 3.11's sum() adds (3.12's compensates, and could differ in the last bit)
    expected = functools.reduce(operator.add, (box.overlap(o) for o in others), 0.0)
    assert repr(box.overlap_sum(others)) == repr(expected)


def test_touching_nested_and_apart():
    box = Box(0, 0, 10, 10)
    others = [Box(10, 0, 20, 10), Box(2, 2, 4, 4), Box(-5, -5, 1, 1), Box(30, 30, 40, 40)]
    assert box.overlap_sum(others) == 4 + 1
    assert box.overlap_sum([]) == 0
    tiny = [Box(0, 0, 1, 1), Box(0, 0, 1e-8, 1e-8), Box(0, 0, 1e-8, 1e-8)]
    assert box.overlap_sum(tiny) == 1.0  # not 1.0000000000000002: no compensation, on any Python
