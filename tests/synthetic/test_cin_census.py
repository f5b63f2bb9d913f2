"""The generator's CIN census XML holds the case history its CSVs hold, and Section 47 enquiries fit the plans."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from lxml import etree

from outputs.returns.cin import VALIDATOR_PYTHON, validate
from synthetic import generate
from synthetic.section_47 import working_days_before

END = date(2025, 6, 30)
FIRST_YEAR_START = "2017-04-01"  # the first census the generator writes is 2017/18's


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    landing = tmp_path_factory.mktemp("cin_census") / "landing"
    generate(landing, end_date=END, nights=1, scale=0.2, seed=7, case_format="both", faults="realistic")
    return landing


def _csv(landing, name):
    return pd.read_csv(landing / "case" / END.isoformat() / f"{name}.csv", dtype=str, keep_default_na=False)


def _xml_items(landing) -> dict[str, set]:
    """Across every year's census: children, referrals (child, date), plans and enquiries (child, start)."""
    found = {k: set() for k in ("children", "referrals", "cin_plans", "cp_plans", "section_47")}
    for path in sorted((landing / "cin_census" / END.isoformat()).glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{path.stem[-4:]}-03-31"
        for child in root.iterfind("Children/Child"):
            cid = child.findtext("ChildIdentifiers/LAchildID")
            found["children"].add(cid)
            for d in child.iterfind("CINdetails"):
                found["referrals"].add((cid, d.findtext("CINreferralDate") or ""))
                found["cin_plans"] |= {(cid, p.findtext("CINPlanStartDate")) for p in d.iterfind("CINPlanDates")}
                found["cp_plans"] |= {(cid, p.findtext("CPPstartDate")) for p in d.iterfind("ChildProtectionPlans")}
                found["section_47"] |= {(cid, s.findtext("S47ActualStartDate")) for s in d.iterfind("Section47")}
    return found


def _since(df, start, end):
    """Rows open at any time from the first census year on (end blank = still open)."""
    return df[(df[end] == "") | (df[end] >= FIRST_YEAR_START)]


def test_the_census_files_hold_the_csv_history(both):
    xml = _xml_items(both)
    refs = _since(_csv(both, "referrals"), "referral_date", "closure_date")
    assert xml["referrals"] == set(zip(refs["child_id"], refs["referral_date"], strict=True))
    assert xml["children"] == set(refs["child_id"])
    assert xml["children"] <= set(_csv(both, "children")["child_id"])
    for name in ("cin_plans", "cp_plans"):
        plans = _since(_csv(both, name), "plan_start_date", "plan_end_date")
        assert xml[name] == set(zip(plans["child_id"], plans["plan_start_date"], strict=True)), name
    s47 = _csv(both, "section_47")
    # an enquiry is an item of the years from its start to its conference (its start, without one)
    s47 = s47[s47["icpc_date"].where(s47["icpc_date"] != "", s47["s47_start_date"]) >= FIRST_YEAR_START]
    assert xml["section_47"] == set(zip(s47["child_id"], s47["s47_start_date"], strict=True))


def test_the_planted_faults_are_in_the_census_too(both):
    children = _csv(both, "children").set_index("child_id")
    latest = etree.parse(str(both / "cin_census" / END.isoformat() / "cin_census_2026.xml")).getroot()
    ethnicity = {
        c.findtext("ChildIdentifiers/LAchildID"): c.findtext("ChildCharacteristics/Ethnicity")
        for c in latest.iterfind("Children/Child")
    }
    planted = {cid for cid, code in ethnicity.items() if code in ("WBR", "MIXD", "OTHR")}
    assert planted and planted == {
        cid for cid in ethnicity if children.loc[cid, "ethnicity"] in ("WBR", "MIXD", "OTHR")
    }
    blank = latest.xpath("//CINdetails[not(CINreferralDate)]")
    assert blank, "a blank referral date (a missing required date) reaches the census as a missing element"


def test_only_edge_of_care_stays_in_case_with_cin_xml(tmp_path):
    generate(tmp_path, end_date=END, nights=1, scale=0.05, seed=7, case_format="cin-xml")
    assert sorted(p.name for p in (tmp_path / "case" / END.isoformat()).iterdir()) == ["edge_of_care.csv"]
    years = sorted(p.name for p in (tmp_path / "cin_census" / END.isoformat()).iterdir())
    assert years == [f"cin_census_{y}.xml" for y in range(2018, 2027)]


def test_every_cp_plan_follows_its_enquiry(both):
    cp = _csv(both, "cp_plans")
    s47 = _csv(both, "section_47")
    held = s47[s47["icpc_date"] != ""]
    led = set(zip(held["child_id"], held["icpc_date"], strict=True))
    assert set(zip(cp["child_id"], cp["plan_start_date"], strict=True)) <= led
    # Some enquiries end without a plan, most of those finding no conference needed.
    no_plan = s47[
        ~s47.set_index(["child_id", "icpc_date"]).index.isin(
            list(zip(cp["child_id"], cp["plan_start_date"], strict=True))
        )
    ]
    assert len(no_plan) > 0.1 * len(s47)
    assert (no_plan["icpc_not_required"] == "Y").mean() > 0.6
    # Conferences on weekdays; most within 15 working days of the enquiry's start.
    icpc = pd.to_datetime(held["icpc_date"])
    assert (icpc.dt.dayofweek < 5).all()
    start = pd.to_datetime(held["s47_start_date"])
    epoch = (icpc - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    limit = working_days_before(epoch, np.full(len(epoch), 15))
    within = (start - pd.Timestamp("1970-01-01")).dt.days.to_numpy() >= limit
    assert 0.75 < within.mean() < 0.95
    assert (start <= icpc).all()


@pytest.mark.skipif(not VALIDATOR_PYTHON.exists(), reason="scripts/setup.sh makes .venv-validator-cin")
def test_the_dfe_rules_find_the_planted_faults_on_their_children(both):
    path = both / "cin_census" / END.isoformat() / "cin_census_2026.xml"
    root = etree.parse(str(path)).getroot()
    bad_ethnicity = {
        c.findtext("ChildIdentifiers/LAchildID")
        for c in root.iterfind("Children/Child")
        if c.findtext("ChildCharacteristics/Ethnicity") in ("WBR", "MIXD", "OTHR")
    }
    no_referral_date = {
        c.findtext("ChildIdentifiers/LAchildID")
        for c in root.iterfind("Children/Child")
        if c.xpath("CINdetails[not(CINreferralDate)]")
    }
    report = validate(path, 2026)
    flagged = {r["code"]: {loc["child"] for loc in r["locations"]} for r in report["rules"] if r["status"] == "failed"}
    assert bad_ethnicity and flagged["4220"] == bad_ethnicity
    assert no_referral_date and no_referral_date <= flagged["8600"]


def test_the_command_line_passes_the_case_format_through(monkeypatch):
    from pathlib import Path
    from types import SimpleNamespace

    import synthetic
    from orchestration import cli

    parser = cli.build_parser()
    for command in ("generate", "demo"):
        assert parser.parse_args([command]).case_format == "csv"
        for case_format in synthetic.CASE_FORMATS:
            assert parser.parse_args([command, "--case-format", case_format]).case_format == case_format
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--case-format", "xml"])
    seen = {}
    monkeypatch.setattr(synthetic, "generate", lambda landing, **kw: seen.update(kw) or {})
    settings = SimpleNamespace(landing=Path("unused"), la_ons="E10000003", la_dfe="873")
    cli.cmd_generate(settings, parser.parse_args(["generate", "--case-format", "both", "--end-date", "2025-06-30"]))
    assert seen["case_format"] == "both" and seen["la_dfe"] == "873"
    with pytest.raises(ValueError, match="case_format"):
        generate(Path("unused"), end_date=END, case_format="xml")
