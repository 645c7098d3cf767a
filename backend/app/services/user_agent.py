"""Browser and OS from a User-Agent header: a tiny documented heuristic, for the QR sign-in
approval screen ("Chrome on Windows"). No dependency: the phone needs a recognisable name, not a
device database. Order matters: Edge, Opera, Yandex and Samsung browsers also say "Chrome", and
Chrome also says "Safari". Anything unrecognised is "Unknown browser" / "Unknown OS" — the
screen then still shows the address and the time. The header is the desktop's own claim, so it
is a hint for the approver, never a proof.
"""

_BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows NT", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str) -> tuple[str, str]:
    """(browser, OS) named from the header's product tokens."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "Unknown browser")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "Unknown OS")
    return browser, system
