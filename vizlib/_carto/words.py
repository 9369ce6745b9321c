"""The words a map prints, in English (the catalogs of :mod:`vizlib.i18n` translate them)."""

from vizlib.i18n import N_

#: Legend entries and short labels, by role.
WORDS = {
    "highlighted": N_("{} oblast (highlighted)"),
    "approx": N_("Approximate position"),
    "occupied": N_("Russian-occupied area"),
    "ukrainian_held": N_("Ukrainian-held area (in Russia)"),
    "unknown": N_("Status unknown (grey zone)"),
    "held_both": N_("Russian-occupied on both dates"),
    "taken": N_("Taken by Russia between the dates"),
    "retaken": N_("No longer shown as occupied between the dates"),
    "extra_points": N_("Added places"),
    "extra_areas": N_("Added areas"),
    "approx_label": N_("position approx."),
}


def and_list(items: list[str], and_: str = " and ") -> str:
    """Join ``items`` as a reader would: ``a``, ``a and b``, ``a, b and c`` (``and_`` translated)."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return and_.join(items)
    return ", ".join(items[:-1]) + and_ + items[-1]
