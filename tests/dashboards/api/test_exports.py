"""The indicators for open-data portals and health information systems: CSV with its data
dictionary, and DHIS2 dataValueSets, each the same figures as the indicators' JSON."""

from __future__ import annotations

import csv
import io

import pytest


def rows_of(answer) -> list[dict]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    data = answer.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with its BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_holds_the_indicators_figures_and_its_dictionary_every_column(read_api):
    token = read_api.token()
    figures = read_api.get("/api/v1/indicators", token).get_json()
    rows = rows_of(read_api.get("/api/v1/export/indicators.csv", token))
    ministry = {r["indicator"]: float(r["value"]) for r in rows if r["org_unit"] == "BYT" and r["value"]}
    assert ministry == pytest.approx({i["code"]: i["value"] for i in figures["items"] if i["value"] is not None})
    by_unit = {(r["indicator"], r["org_unit"]): float(r["value"]) for r in rows if r["org_unit"] != "BYT"}
    assert by_unit == pytest.approx(
        {(i["code"], u): v for i in figures["items"] for u, v in i["by_unit"].items() if v is not None}
    )
    assert {r["week"] for r in rows} == {figures["week"]} and all(r["as_of"].endswith("Z") for r in rows)
    dictionary = rows_of(read_api.get("/api/v1/export/data-dictionary.csv", token))
    assert [d["column"] for d in dictionary] == list(rows[0])
    assert all(d["description_vi"] and d["description_en"] != d["description_vi"] for d in dictionary)


def test_dhis2_data_value_sets_carry_the_same_figures_with_codes_as_identifiers(read_api):
    token = read_api.token()
    for query, org_units in (("", None), ("?province=79", {"79"})):
        figures = read_api.get(f"/api/v1/indicators{query}", token).get_json()
        sets = read_api.get(f"/api/v1/export/dataValueSets.json{query}", token).get_json()
        period = figures["week"].replace("-", "")
        assert sets["period"] == period and {v["period"] for v in sets["dataValues"]} == {period}
        assert all(isinstance(v["value"], str) for v in sets["dataValues"])  # DHIS2 takes values as text
        whole = "79" if query else "BYT"
        mine = {v["dataElement"]: float(v["value"]) for v in sets["dataValues"] if v["orgUnit"] == whole}
        assert mine == pytest.approx(
            {i["code"]: i["value"] for i in figures["items"] if i["value"] is not None}, abs=1e-4
        )
        if org_units:  # a province's set holds the province's figures only
            assert {v["orgUnit"] for v in sets["dataValues"]} == org_units
        else:
            assert {v["orgUnit"] for v in sets["dataValues"]} >= {"BYT", "KCB", "PB"}


def test_exports_follow_the_tokens_scope(read_api):
    token = read_api.token("Sở Y tế TP.HCM", provinces=["79"])
    assert read_api.get("/api/v1/export/indicators.csv", token).status_code == 403
    sets = read_api.get("/api/v1/export/dataValueSets.json?province=79", token).get_json()
    assert {v["orgUnit"] for v in sets["dataValues"]} == {"79"}
