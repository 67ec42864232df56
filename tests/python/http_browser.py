"""A minimal user agent for the OAuth tests' BrowserCommand: given the authorization URL, it signs
in to the sandbox as a user (HTTP Basic, which the sandbox's sign-in accepts), reads the consent
page, presses Approve or Deny, and follows the redirect to the driver's loopback listener, as a
person's browser would. The real-browser test uses headless Chromium instead.

usage: http_browser.py [--deny] [--tamper-state] [--ignore] URL
The account comes from SANDBOX_USER and SANDBOX_API_TOKEN."""

import base64
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def consent(url, decision="approve"):
    """Signs in, answers the consent page, and returns where the server redirects the browser."""
    auth = "Basic " + base64.b64encode(f"{os.environ['SANDBOX_USER']}:{os.environ['SANDBOX_API_TOKEN']}".encode()).decode()
    opener = urllib.request.build_opener(NoRedirect)
    page = opener.open(urllib.request.Request(url, headers={"Authorization": auth})).read().decode()
    request_id = re.search(r'name="request_id" value="([^"]+)"', page).group(1)
    # The consent form posts where its action says (Cloud's consent endpoint, or Data Center's
    # authorize page itself).
    action = re.search(r'<form method="post" action="([^"]+)" id="consent-form"', page).group(1)
    form = urllib.parse.urlencode({"request_id": request_id, "decision": decision}).encode()
    try:
        opener.open(urllib.request.Request(urllib.parse.urljoin(url, action), data=form, headers={"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"}))
    except urllib.error.HTTPError as e:
        if e.code in (302, 303):
            return e.headers["Location"]
        raise
    raise SystemExit("the consent form did not redirect")


def main():
    args = sys.argv[1:]
    url = args[-1]
    if "--ignore" in args:
        return
    location = consent(url, "deny" if "--deny" in args else "approve")
    if "--tamper-state" in args:
        location = re.sub(r"state=[^&]*", "state=forged", location)
    try:
        urllib.request.urlopen(location, timeout=30).read()
    except urllib.error.HTTPError:
        pass  # the listener answers 400 for a refused sign-in: the driver reports why


if __name__ == "__main__":
    main()
