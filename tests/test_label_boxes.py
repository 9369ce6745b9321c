"""Box.overlap_sum is the sum of Box.overlap, to the last bit (label placement compares these costs)."""

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
    assert repr(box.overlap_sum(others)) == repr(float(sum(box.overlap(o) for o in others)))


def test_touching_nested_and_apart():
    box = Box(0, 0, 10, 10)
    others = [Box(10, 0, 20, 10), Box(2, 2, 4, 4), Box(-5, -5, 1, 1), Box(30, 30, 40, 40)]
    assert box.overlap_sum(others) == 4 + 1
    assert box.overlap_sum([]) == 0
