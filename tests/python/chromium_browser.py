"""BrowserCommand for the real-browser tests: headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright) opens the authorization URL, logs in on the sandbox's sign-in page, presses
Approve (or Deny with --deny) on the consent page, and follows the redirect to the driver's
loopback listener, then waits for its answer page.

usage: chromium_browser.py [--deny] URL      (account: SANDBOX_USER, SANDBOX_API_TOKEN)
Also: revoke_all(site_url) presses Revoke on every row of "View OAuth Access Tokens"."""

import os
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def launch(p):
    # --no-sandbox: these machines run tests as root, where Chromium's sandbox cannot start.
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])


def sign_in(page):
    page.fill("#username", os.environ["SANDBOX_USER"])
    page.fill("#password", os.environ["SANDBOX_API_TOKEN"])
    page.click("#login-submit")


def consent(url, decision):
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.goto(url)
        if page.locator("#form-login").count():
            sign_in(page)
        page.wait_for_selector("#consent-form")
        page.click(f"#{decision}")
        # The driver's listener answers with a page that says what happened.
        page.wait_for_selector("#result", timeout=30000)
        text = page.inner_text("#result")
        browser.close()
        return text


def revoke_all(site_url):
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.goto(site_url + "/plugins/servlet/oauth/users/access-tokens")
        if page.locator("#form-login").count():
            sign_in(page)
        page.wait_for_selector("#oauth-access-tokens, #no-tokens")
        n = 0
        while page.locator("#oauth-access-tokens button").count():
            page.locator("#oauth-access-tokens button").first.click()
            page.wait_for_load_state()
            n += 1
        left = page.locator("#no-tokens").count()
        browser.close()
        return n, left


if __name__ == "__main__":
    print(consent(sys.argv[-1], "deny" if "--deny" in sys.argv else "approve"))
