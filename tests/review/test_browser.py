"""The review app as `make run` serves it (launcher/, waitress), driven in a real headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from launcher.services import ROOT, Settings, review_service, running
from tests.review.conftest import CONVERSATIONS, PASSWORD, add_counsellor_by_command, write

LOCKED_OUT = "sam"
SCREENSHOTS = ROOT / "results" / "screenshots"
LIST_CLIP = {"x": 0, "y": 0, "width": 1280, "height": 470}  # the header, filters and first rows


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(review_port=8190, tracker_db=tmp_path_factory.mktemp("review") / "tracker.db")
    write(settings.tracker_store, CONVERSATIONS)
    for name in ("alex", LOCKED_OUT):
        add_counsellor_by_command(settings, name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REVIEW_SECRET_KEY", "browser-test-secret")
        with running([review_service(settings)], settings, log_dir=ROOT / "results" / "review-logs"):
            yield settings


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.csp_violations = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    yield page
    context.close()


def sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login?next=/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_counsellor_signs_in_and_reviews_the_most_worrying_conversation(review_server, page, tmp_path):
    base = review_server.review_url
    sign_in(page, base, "alex")
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    cookie = next(cookie for cookie in page.context.cookies() if cookie["name"] == "review_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    first = page.locator("table.conversations tbody tr").first
    expect(first).to_contain_text("immediate danger")
    expect(first).to_contain_text("classifier, matcher")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the README's picture: docs/images/
    page.screenshot(path=str(SCREENSHOTS / "review-list.png"), type="png", clip=LIST_CLIP)
    first.get_by_role("link").click()

    flagged = page.locator("li.turn.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("theres a man outside my house")
    expect(flagged.locator(".reason")).to_contain_text(
        "Flagged immediate danger by the intent classifier and phrase detector"
    )

    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.locator("#status")).to_contain_text("reviewed by alex")

    page.get_by_label("Level", exact=True).select_option("self_harm")
    page.get_by_label("Reason (required)").fill("she says he left; she talks about hurting herself")
    page.get_by_role("button", name="Correct level").click()
    expect(page.locator("#current-level")).to_have_text("self harm")

    page.get_by_label("Add a note").fill("Called her school's safeguarding lead.")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".notes")).to_contain_text("Called her school's safeguarding lead.")

    audit = page.locator("table.audit")
    for action in ("marked reviewed", "corrected level", "added note"):
        expect(audit).to_contain_text(action)
    expect(audit).to_contain_text("alex")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export JSON").click()
    saved = Path(tmp_path / "export.json")
    download.value.save_as(saved)
    document = json.loads(saved.read_text())
    assert document["conversation"]["level"] == "self_harm"
    assert any(message["flag"] for message in document["messages"])

    page.get_by_role("link", name="Printable page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("referral copy")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert page.csp_violations == []  # type: ignore[attr-defined]


def test_five_wrong_passwords_lock_the_account(review_server, page):
    base = review_server.review_url
    for _ in range(5):
        sign_in(page, base, LOCKED_OUT, "not my password at all")
        expect(page.locator("#signin-error")).to_have_text("That name and password do not match an account.")
    sign_in(page, base, LOCKED_OUT)
    expect(page.locator("#signin-error")).to_contain_text("Too many failed sign-ins")
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login?next=/")
