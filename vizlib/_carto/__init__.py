"""Cartography for :mod:`vizlib.maps`, one room per job.

* :mod:`.projection`: the conic conformal frame, lon/lat to pixels and back;
* :mod:`.geometry`: shapely to plotly lon/lat arrays (holes cut), distances;
* :mod:`.mapcanvas`: a map under construction (data, frame, words, labels);
* :mod:`.land`: land, highlighted oblasts, borders and coasts;
* :mod:`.layers`: control areas and the user's own layers;
* :mod:`.towns`: towns, approximate places, distance lines;
* :mod:`.names`: names of oblasts and countries;
* :mod:`.inset`: the locator inset;
* :mod:`.scalebar`: the scale bar;
* :mod:`.legend`: the legend and the room it takes.
"""
