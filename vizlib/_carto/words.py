"""The words a map prints, by language (legend entries and short labels)."""

WORDS = {
    "en": {
        "highlighted": "{} oblast (highlighted)",
        "town": "City or town",
        "approx": "Approximate position",
        "occupied": "Russian-occupied",
        "ukrainian_held": "Ukrainian-held",
        "unknown": "Status unknown",
        "extra_points": "Added places",
        "extra_areas": "Added areas",
        "approx_label": "position approx.",
    },
    "uk": {
        "highlighted": "{} (виділено)",
        "town": "Місто",
        "approx": "Приблизне розташування",
        "occupied": "Окуповано Росією",
        "ukrainian_held": "Під контролем України",
        "unknown": "Статус невідомий",
        "extra_points": "Додані місця",
        "extra_areas": "Додані території",
        "approx_label": "розташування приблизне",
    },
}
