"""The Dagster UI in a real browser: Playwright for Python driving Debian's Chromium
(`/usr/bin/chromium`, installed with apt-get when missing and this process may, else the module is
skipped with the reason). One UI on a fresh instance, started as `make ui` does (webserver and
daemon) on the bundled sample with a temporary home; a user
1. opens the lineage page: every asset group is drawn, and "Materialize all" asks for the week only
   (no "Are you sure?", no drop-folder asset);
2. opens the weekly job and clicks "Materialize all", picks the sample's week and launches: no
   warning about assets outside the job, and the daemon runs it to Success;
3. opens `marts/weekly_shortlist`: the week's preview (that week's companies) and the pack link.
Screenshots go to `.artifacts/ui/` (git-ignored)."""

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_AS_OF
from tests.helpers import PROJECT_DIR, SAMPLE_SOURCES, query
from tests.ui_server import graphql, make_ui, new_instance

pytestmark = [pytest.mark.webserver, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
# what works here: no sandbox as root, no GPU, and nothing that calls home
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_DIR / ".artifacts" / "ui"
LOCATION = "pipelines.definitions"
GROUPS = ("ingest", "staging", "drops", "core", "decisions", "scoring", "shortlist", "investors")
TIMEOUT_MS = 60_000


def chromium_missing_reason() -> str | None:
    """None when Debian's Chromium is there (installed now with apt-get when missing, as root);
    else why it cannot be."""
    if CHROMIUM.exists():
        return None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"{CHROMIUM} not found and cannot be installed here (needs root and apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300", "chromium"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"{' '.join(command)} failed:\n{done.stderr[-2000:]}"
    return None if CHROMIUM.exists() else f"apt-get installed chromium but {CHROMIUM} is absent"


@dataclass(frozen=True)
class UI:
    url: str
    home: Path
    week: str
    log: Path


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> Iterator[UI]:
    """`make ui` on a fresh instance, the sample's sources and a temporary home."""
    pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
    if reason := chromium_missing_reason():
        pytest.skip(reason)
    from warehouse.partitions import partition_key_for

    tmp = tmp_path_factory.mktemp("browser")
    home = tmp / "home"
    with make_ui(new_instance(tmp / "dagster_home"), SAMPLE_SOURCES, home, SAMPLE_AS_OF) as up:
        yield UI(up.url, home, partition_key_for(SAMPLE_AS_OF), up.log)


@pytest.fixture(scope="module")
def page(ui: UI):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        yield page
        browser.close()


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def dismiss_pop_ups(page) -> None:
    """The "Join the Dagster community" pop-up of a new browser profile: "Skip" whenever shown."""
    page.add_locator_handler(
        page.get_by_text("Join the Dagster community"),
        # dispatched on the button itself: another dialog (a launch's) may lie over the pop-up,
        # and a pointer click would wait for it forever
        lambda _: page.get_by_role("button", name="Skip").dispatch_event("click"),
    )


def no_are_you_sure(page) -> None:
    """The UI's confirmation before a launch: asked when a selected asset depends on a
    materializable asset outside the selection that was never materialized."""
    assert page.get_by_text("Are you sure?").count() == 0
    assert page.get_by_text("have not been materialized yet").count() == 0


def choose_week(dialog, week: str) -> None:
    """In the partitions dialog: every partition shown, then the week typed in the selection."""
    show_all = dialog.get_by_text("Show all partitions")
    if show_all.count():
        show_all.click()
    box = dialog.locator("input[type=text]").first
    box.fill(week)
    box.press("Enter")


def asset_groups() -> set[str]:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    return {graph.get(key).group_name for key in graph.get_all_asset_keys()}


def test_lineage_page_renders_every_group_and_materialize_all_asks_only_the_week(ui: UI, page):
    dismiss_pop_ups(page)
    page.goto(f"{ui.url}/asset-groups")
    page.get_by_text("Global asset lineage").wait_for()
    groups = asset_groups()
    assert {"ingest", "staging", "drops", "scoring", "shortlist", "publish"} <= groups
    sidebar = page.locator("body")
    for group in sorted(groups):
        sidebar.get_by_text(group, exact=True).first.wait_for()
    shot(page, "1-lineage")

    # "Materialize all": straight to the week's dialog, with no confirmation first
    materialize = page.get_by_role("button", name="Materialize all")
    materialize.first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Partition selection").wait_for()
    no_are_you_sure(page)
    choose_week(dialog, ui.week)
    launch = dialog.get_by_role("button", name="Launch 1 run")
    launch.wait_for()
    assert launch.is_enabled()
    shot(page, "2-lineage-materialize-all")
    dialog.get_by_role(
        "button", name="Cancel", exact=True
    ).click()  # the job's own launch is tested below


@pytest.fixture(scope="module")
def launched_week(ui: UI, page) -> dict:
    """The weekly job launched from its page like a user does: "Materialize all", the week,
    "Launch 1 run"; then the run as the daemon left it."""
    dismiss_pop_ups(page)
    # the job's launchpad: the week and the run's settings, nothing about the drop assets
    page.goto(f"{ui.url}/locations/{LOCATION}/jobs/dealflow_job/playground")
    page.get_by_text("No errors").wait_for()
    page.get_by_role("button", name="Launch Run").wait_for()
    assert page.get_by_text("round_drops").count() == 0
    no_are_you_sure(page)
    shot(page, "3-job-launchpad")

    page.goto(f"{ui.url}/locations/{LOCATION}/jobs/dealflow_job")
    page.get_by_role("button", name="Materialize all").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Partition selection").wait_for()
    no_are_you_sure(page)
    title = dialog.get_by_text("Launch runs to materialize").inner_text()
    choose_week(dialog, ui.week)
    shot(page, "4-job-materialize-all")
    dialog.get_by_role("button", name="Launch 1 run").click()
    no_are_you_sure(page)

    def the_run() -> dict | None:
        found = graphql(
            ui.url,
            '{ runsOrError(filter: {pipelineName: "dealflow_job"}) { ... on Runs { results '
            "{ runId status tags { key value } } } } }",
        )["runsOrError"]["results"]
        return found[0] if found else None

    deadline = time.monotonic() + 300
    run = None
    while time.monotonic() < deadline:
        run = the_run()
        if run and run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    assert run is not None, "no run of dealflow_job after clicking Launch"
    page.goto(f"{ui.url}/runs/{run['runId']}")
    page.get_by_text("Success" if run["status"] == "SUCCESS" else "Fail").first.wait_for()
    page.get_by_text("Loading run logs").wait_for(state="hidden")
    shot(page, "5-run")
    return {**run, "dialog_title": title}


def test_the_weekly_job_launched_from_the_ui_completes(ui: UI, launched_week: dict):
    assert launched_week["status"] == "SUCCESS", ui.log.read_text()[-3000:]
    tags = {t["key"]: t["value"] for t in launched_week["tags"]}
    assert tags["dagster/partition"] == ui.week
    assert tags["dealflow/week"] == ui.week
    assert tags["dealflow/sources"] == str(SAMPLE_SOURCES)
    # the job's assets only, drop-folder assets not among them
    from pipelines.definitions import defs

    n = len(defs.resolve_job_def("dealflow_job").asset_layer.executable_asset_keys)
    assert launched_week["dialog_title"] == f"Launch runs to materialize {n} assets"


def test_shortlist_page_shows_the_weeks_preview_and_the_pack(ui: UI, page, launched_week):
    assert launched_week["status"] == "SUCCESS"
    first = query(
        ui.home / "dealflow.duckdb",
        "SELECT name FROM marts.weekly_shortlist WHERE week_start = ? AND rank = 1",
        [ui.week],
    )["name"].to_list()
    assert len(first) == 1
    page.goto(f"{ui.url}/assets/marts/weekly_shortlist?view=overview")
    page.get_by_text("Latest materialization").wait_for()
    page.get_by_text(ui.week).first.wait_for()
    shot(page, "6-shortlist-overview")

    page.goto(f"{ui.url}/assets/marts/weekly_shortlist?view=events")
    page.get_by_text(f"Partition {ui.week} materialized in run").wait_for()
    report = str(ui.home / "packs" / ui.week / "report.html")
    pack_row = page.locator("tr", has=page.get_by_text("pack_report", exact=True))
    assert report in pack_row.first.inner_text()
    assert (ui.home / "packs" / ui.week / "report.html").is_file()
    pack_row.first.scroll_into_view_if_needed()
    shot(page, "7-shortlist-events")

    # the preview (Markdown longer than the UI renders inline): the week's own rows
    preview_row = page.locator("tr", has=page.get_by_text("preview", exact=True))
    preview_row.first.get_by_text("[Show Markdown]").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(first[0]).first.wait_for()
    rows = [
        line for line in dialog.inner_text().splitlines() if re.match(r"\d{4}-\d\d-\d\d\t", line)
    ]
    assert rows and all(line.startswith(f"{ui.week}\t") for line in rows), rows[:3]
    dialog.get_by_role("button", name="Close").wait_for()
    page.wait_for_timeout(500)  # the dialog's fade-in, for the screenshot only
    dialog.get_by_text(first[0]).first.scroll_into_view_if_needed()
    shot(page, "8-shortlist-preview")
