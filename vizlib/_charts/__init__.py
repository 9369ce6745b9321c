"""Drawing for :mod:`vizlib.charts`, one room per job.

* :mod:`.words`: how claims and claimants read (figures, names, kinds of number);
* :mod:`.marks`: claims as marks (a dot for one number, a bar for a range) and the key;
* :mod:`.events`: dated events as dotted lines with labels in lanes (a phone's: dates, and a list);
* :mod:`.labels`: direct labels of claims, placed by :mod:`vizlib._labels`;
* :mod:`.axes`: date ranges, ticks, axis styles, margins that hold the tick labels;
* :mod:`.timeline`: the timeline's rows, each as tall as its label;
* :mod:`.composition`: the part-to-whole panel of the north-korea chart;
* :mod:`.panels`: the north-korea chart's panels, and the kursk-area chart's panel of undated claims;
* :mod:`.alt`: alt text written from the data.
"""
