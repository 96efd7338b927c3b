"""The current sources on the bundled sample, through the whole graph: a chip company that is also
in Crunchbase is one company; a company known only from the chip list is scored without a
success probability; Epoch AI's closed rounds are rounds; the list's exits are exits."""

from datetime import date

import pytest

from tests.helpers import query


@pytest.fixture(scope="module")
def replica(pipeline_run):
    if not pipeline_run.on_sample:
        pytest.skip("checks specific to the bundled sample")
    return pipeline_run.replica


def _company(replica, name_norm: str) -> dict:
    rows = query(replica, "SELECT * FROM core.companies WHERE name_norm = ?", [name_norm])
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_chip_company_also_in_crunchbase_is_one_company(replica):
    ids = query(
        replica,
        "SELECT s.source, s.match_method, s.company_id FROM core.company_source_ids AS s "
        "WHERE s.company_id IN (SELECT company_id FROM core.company_source_ids "
        "WHERE source = 'chip_startups' AND source_key = 'hyperfinunipax health') ORDER BY 1",
    )
    assert ids["source"].to_list() == ["chip_startups", "crunchbase"]
    assert ids["match_method"].to_list() == ["domain", "permalink"]
    company = _company(replica, "hyperfinunipax health")
    assert company["primary_source"] == "crunchbase" and company["name"] == "HyperFinunipax Health"
    assert company["tags"] == ["chip_list:ai"]
    assert company["description"] == "Listed by the chip list and by Crunchbase"
    crunchbase_only = query(
        replica,
        "SELECT count(*) AS n FROM core.companies WHERE primary_source = 'crunchbase' "
        "AND (tags <> [] OR description IS NOT NULL) AND company_id NOT IN "
        "(SELECT company_id FROM core.company_source_ids WHERE source <> 'crunchbase')",
    )
    assert crunchbase_only["n"][0] == 0  # Crunchbase alone brings no description or tag


def test_company_known_only_from_the_chip_list_is_scored_without_probability(replica):
    company = _company(replica, "falcon silicon")
    assert company["primary_source"] == "chip_startups"
    assert (company["country_code"], company["founded_on"]) == ("ARE", date(2024, 1, 1))
    scores = query(
        replica,
        "SELECT * FROM marts.company_scores WHERE company_id = ?",
        [company["company_id"]],
    ).row(0, named=True)
    assert scores["success_probability"] is None and not scores["in_population"]
    assert scores["n_rounds"] == 0 and scores["total_score"] is not None
    listed = query(
        replica,
        "SELECT c.name FROM marts.company_scores AS s JOIN core.companies AS c USING (company_id) "
        "WHERE c.primary_source = 'chip_startups' AND c.country_code IN ('FRA', 'ARE') ORDER BY 1",
    )
    assert listed["name"].to_list() == [
        "Falcon Silicon",
        "Gulf Wafer",
        "Oasis RISC",
        "Photonique Calcul",
        "Siliciel Neural",
        "Vigne EDA",
    ]
    listed_founded_later = query(
        replica,
        "SELECT count(*) AS n FROM marts.company_scores AS s JOIN core.companies AS c "
        "USING (company_id) WHERE c.founded_on > s.as_of",
    )
    assert listed_founded_later["n"][0] == 0


def test_epoch_closed_primary_rounds_are_funding_rounds(replica):
    rounds = query(
        replica,
        "SELECT c.name, r.stage, r.funded_on, r.amount_usd FROM core.funding_rounds AS r "
        "JOIN core.companies AS c USING (company_id) WHERE r.round_key LIKE 'epoch:%' ORDER BY 3",
    )
    assert rounds.rows() == [
        ("Lumière Models", "seed", date(2024, 3, 14), 40e6),
        ("Sable AI", "seed", date(2025, 6, 2), 25e6),
        ("Lumière Models", "series_a", date(2025, 9, 30), 200e6),
        ("Sable AI", "series_a", date(2026, 1, 20), 120e6),
    ]
    scores = query(
        replica,
        "SELECT c.name, s.n_rounds, s.last_stage, s.in_population, s.success_probability "
        "FROM marts.company_scores AS s JOIN core.companies AS c USING (company_id) "
        "WHERE c.name_norm IN ('lumiere models', 'sable ai') ORDER BY 1",
    )
    assert scores["n_rounds"].to_list() == [2, 2]
    assert scores["last_stage"].to_list() == ["series_a", "series_a"]
    assert scores["in_population"].all() and scores["success_probability"].is_not_null().all()
    lumiere = _company(replica, "lumiere models")
    assert lumiere["founded_on"] == date(2023, 2, 1)
    assert "epoch_type:foundation" in lumiere["tags"]


def test_chip_list_exit_marks_the_company_exited(replica):
    exits = query(
        replica,
        "SELECT c.name, e.exit_type, e.exited_on FROM core.company_exits AS e "
        "JOIN core.companies AS c USING (company_id) WHERE c.name_norm = 'gulf wafer'",
    )
    assert exits.rows() == [("Gulf Wafer", "ipo", date(2025, 12, 31))]
    scored = query(
        replica,
        "SELECT s.exited FROM marts.company_scores AS s JOIN core.companies AS c "
        "USING (company_id) WHERE c.name_norm = 'gulf wafer'",
    )
    assert scored["exited"].to_list() == [True]
    quarantined = query(
        replica,
        "SELECT column_name, raw_value FROM meta.quarantine WHERE source = 'chip_exits'",
    )
    assert quarantined.rows() == [("Year", "270")]


def test_a_company_of_another_source_needs_a_date_to_be_known(replica):
    """The Crunchbase snapshot makes undated companies of Crunchbase (and, as before, of Epoch AI
    organisations) known, not those of the current sources."""
    undated = query(
        replica,
        "SELECT c.name FROM marts.company_scores AS s JOIN core.companies AS c USING (company_id) "
        "WHERE c.founded_on IS NULL AND c.primary_source NOT IN ('crunchbase', 'epoch') "
        "AND s.n_rounds = 0 "
        "AND coalesce(s.n_models, 0) = 0 AND coalesce(s.n_investors, 0) = 0",
    )
    assert undated.height == 0, undated
    shifted = _company(replica, "shifted sim")  # no founding year, no dated fact: never known
    scored = query(
        replica,
        "SELECT count(*) AS n FROM marts.company_scores WHERE company_id = ?",
        [shifted["company_id"]],
    )
    assert shifted["founded_on"] is None and scored["n"][0] == 0
