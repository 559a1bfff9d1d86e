"""Names are shown in the asked language, else in the languages of the place, else any."""

from __future__ import annotations

from app.i18n import COMMUNE_LANGUAGES, names_from, pick_name

BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel", "de": "Brüssel"}
ANTWERP = {"fr": "Anvers", "nl": "Antwerpen", "de": "Antwerpen"}
TONGEREN_BORGLOON = {"nl": "Tongeren-Borgloon"}


def test_asked_language_wins():
    assert pick_name(BRUSSELS, "nl", "04000") == "Brussel"
    assert pick_name(BRUSSELS, "de", "04000") == "Brüssel"


def test_missing_language_falls_back_to_the_region_first_language():
    # English is asked but communes have no English name: Antwerp is shown in Dutch, as signed.
    assert pick_name(ANTWERP, "en", "02000") == "Antwerpen"
    assert pick_name({"fr": "Namur", "nl": "Namen"}, "en", "03000") == "Namur"
    assert pick_name(BRUSSELS, "en", "04000") == "Bruxelles"


def test_region_second_language_comes_before_the_general_order():
    # A Walloon commune with only a German name (the German-speaking Community).
    assert pick_name({"nl": "X", "de": "Eupen"}, "en", "03000") == "Eupen"


def test_without_region_the_order_is_french_dutch_german_english():
    assert pick_name(ANTWERP, None) == "Anvers"
    assert pick_name({"de": "Lüttich", "en": "Liège"}, "nl") == "Lüttich"
    assert pick_name({"en": "Pothole"}, "fr") == "Pothole"


def test_empty_names_are_skipped():
    assert pick_name({"fr": "", "nl": "Tongeren-Borgloon"}, "fr", "02000") == "Tongeren-Borgloon"
    assert pick_name(TONGEREN_BORGLOON, "fr", "02000") == "Tongeren-Borgloon"


def test_unknown_language_or_region_still_gives_a_name():
    assert pick_name(BRUSSELS, "it", "99000") == "Bruxelles"
    assert pick_name({"it": "Bruxelles-Capitale"}, "en") == "Bruxelles-Capitale"


def test_no_names_at_all_gives_an_empty_string():
    assert pick_name({}, "fr", "04000") == ""


def test_names_are_read_from_prefixed_columns_of_a_row_or_a_mapping():
    class Row:
        commune_fr = "Bruxelles"
        commune_nl = "Brussel"
        commune_de = ""
        commune_en = "Brussels"

    assert names_from(Row(), "commune", COMMUNE_LANGUAGES) == {"fr": "Bruxelles", "nl": "Brussel"}
    mapping = {"body_fr": "SPW", "body_en": None}
    assert names_from(mapping, "body") == {"fr": "SPW"}
