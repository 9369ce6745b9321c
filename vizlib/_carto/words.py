"""The words a map prints, in English (the catalogs of :mod:`vizlib.i18n` translate them)."""

from vizlib.i18n import N_

#: Legend entries and short labels, by role.
WORDS = {
    "highlighted": N_("{} oblast (highlighted)"),
    "approx": N_("Approximate position"),
    "occupied": N_("Russian-occupied area"),
    "ukrainian_held": N_("Ukrainian-held area (in Russia)"),
    "unknown": N_("Status unknown (grey zone)"),
    "extra_points": N_("Added places"),
    "extra_areas": N_("Added areas"),
    "approx_label": N_("position approx."),
}
