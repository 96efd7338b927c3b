import pytest

from transforms.countries import is_valid_iso3, to_iso3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FRA", "FRA"),
        ("fra", "FRA"),
        ("ARE", "ARE"),
        ("FR", "FRA"),
        ("AE", "ARE"),
        ("France", "FRA"),
        ("United Arab Emirates", "ARE"),
        ("UAE", "ARE"),
        ("U.A.E.", "ARE"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("United States of America", "USA"),
        ("Korea (Republic of)", "KOR"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("Russia", "RUS"),
        ("Taiwan", "TWN"),
        ("ROM", "ROU"),
        ("TAN", "TZA"),
        ("BAH", "BHS"),
        ("Hong Kong,China", "HKG"),
        ("Multinational,Germany", "DEU"),
        ("Multinational", None),
        ("", None),
        (None, None),
        ("Atlantis", None),
        ("XXX", None),
    ],
)
def test_to_iso3(value, expected):
    assert to_iso3(value) == expected


def test_every_result_is_a_valid_code():
    for value in ["France", "Korea (Republic of)", "ROM", "Hong Kong,China"]:
        assert is_valid_iso3(to_iso3(value))
