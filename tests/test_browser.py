"""The HTML notice and the site in a real headless Chromium (Debian chromium + chromedriver).

Locally a missing browser, driver or selenium skips with the reason; in CI (CI=true) it fails,
since .ci/run installs them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import edit

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium (pip install -e '.[test]')"
    tools = [t for t in ("chromium", "chromedriver") if shutil.which(t) is None]
    return ", ".join(tools) or None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must have {missing} (.ci/run installs them)")
    if missing:
        pytest.skip(f"not installed: {missing}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=900,1400"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    yield driver
    driver.quit()


def _open(driver, page: Path):
    driver.get(page.as_uri())
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    return driver


def _visible_paragraphs(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    elements = driver.find_elements(By.CSS_SELECTOR, "h1, h2, p")
    assert all(e.is_displayed() and e.size["width"] > 0 and e.size["height"] > 0 for e in elements)
    return [e.text for e in elements]


def test_html_notice_in_chromium(browser, repo: Path, cli, tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    assert cli("-C", str(repo), "render", "--format", "html", "-o", str(page)).exit_code == 0
    text = cli("-C", str(repo), "render").output
    assert _visible_paragraphs(_open(browser, page)) == [line for line in text.split("\n") if line]
    browser.set_window_size(390, 844)  # a phone: nothing wider than the screen
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.set_window_size(900, 1400)


def test_markup_in_title_shows_as_text(browser, repo: Path, cli, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    edit(next((repo / "data" / "bulletins").glob("*.yaml")), "title: 三明市", f"title: {HOSTILE}三明市")
    page = tmp_path / "notice.html"
    assert cli("-C", str(repo), "render", "--format", "html", "-o", str(page)).exit_code == 0
    _open(browser, page)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith(HOSTILE)
    assert browser.find_elements(By.TAG_NAME, "img") == [] and browser.find_elements(By.TAG_NAME, "script") == []
    site = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(site)).exit_code == 0
    _open(browser, site / "index.html")
    assert HOSTILE in browser.find_element(By.TAG_NAME, "body").text
    assert browser.find_elements(By.TAG_NAME, "img") == []


def test_site_in_chromium(browser, repo: Path, cli, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    site = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(site), "--today", "2024-06-30").exit_code == 0
    _open(browser, site / "index.html")
    _visible_paragraphs(browser)
    bars = browser.find_elements(By.CSS_SELECTOR, "svg rect:nth-of-type(2)")
    widths = [b.size["width"] for b in bars]
    assert len(widths) == 2 and abs(widths[0] - 400) <= 1 and abs(widths[1] - 400 * 7 / 11) <= 1, widths
    browser.find_element(By.LINK_TEXT, "r2-01").click()
    assert browser.current_url.endswith("task-r2-01.html")
    assert "整改进展" in browser.find_element(By.TAG_NAME, "body").text
    for page in sorted(site.glob("*.html")):
        _open(browser, page)
        _visible_paragraphs(browser)
    if os.environ.get("DUFU_SCREENSHOT"):
        _open(browser, site / "index.html").save_screenshot(os.environ["DUFU_SCREENSHOT"])
