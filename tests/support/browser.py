"""Drive Debian's Chromium through Selenium to check a deck, with the network unused.

Selenium is given the local chromedriver, so it downloads nothing; Chromium's own calls
home are switched off by flags, and every host name but 127.0.0.1 resolves to nothing, so a
deck that needed the network would fail here. Every request the page makes is logged and
checked to be local.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from pathlib import Path

import numpy as np

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--autoplay-policy=no-user-gesture-required",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    # exposes HTMLMediaElement.audioTracks, so a test can count a video's audio tracks
    "--enable-blink-features=AudioVideoTracks",
)


def missing_browser() -> str | None:
    """Why the browser tests cannot run, with what to install; None when they can."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            return (f"{path} not found: the browser tests need the Debian package {package} "
                    "(apt-get install chromium chromium-driver, or run bash setup.sh)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return ("selenium is not installed: the browser tests need it "
                "(.venv/bin/pip install -e '.[dev]', or run bash setup.sh)")
    return None


class Browser:
    """A headless Chromium with a 1280x720 viewport; ``with Browser() as b: ...``."""

    def __init__(self, width: int = 1280, height: int = 720):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        self._profile = tempfile.TemporaryDirectory(prefix="deck-chromium-")
        for flag in (*FLAGS, f"--user-data-dir={self._profile.name}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.size = (width, height)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.driver.quit()
        self._profile.cleanup()

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait_for(self, script: str, timeout: float = 10.0, *args):
        """Poll ``script`` (a JS expression) until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(f"return ({script});", *args)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(key).perform()

    def screenshot(self) -> np.ndarray:
        from PIL import Image

        png = self.driver.get_screenshot_as_png()
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since the last call."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls


# ---------------------------------------------------------------- what a deck must do


VIDEO_STATE = """
const v = deck.currentVideo();
return v && {ready: v.readyState, duration: v.duration, error: v.error && v.error.code,
             audioTracks: v.audioTracks ? v.audioTracks.length : -1,
             index: Reveal.getIndices().h};
"""


def load(browser: Browser, url: str) -> float:
    start = time.monotonic()
    browser.driver.get(url)
    assert browser.wait_for("window.Reveal && Reveal.isReady() && window.deck"), "no reveal.js"
    return time.monotonic() - start


def check_videos(browser: Browser, slides: list[dict], fps: float) -> list[dict]:
    """Step onto every slide; its video must become playable, last as long as the manifest
    says (within a frame) and carry an audio track."""
    states = []
    for i, slide in enumerate(slides):
        browser.js("Reveal.slide(arguments[0]);", i)
        ready = browser.wait_for("deck.currentVideo() && deck.currentVideo().readyState >= 2"
                                 " && deck.currentVideo().duration > 0", 15)
        state = browser.js(VIDEO_STATE)
        assert ready, f"slide {i + 1} ({slide['file']}) never became playable: {state}"
        assert state["index"] == i
        assert abs(state["duration"] - slide["duration"]) <= 1 / fps + 1e-6, (slide, state)
        assert state["audioTracks"] >= 1, f"slide {i + 1} has no audio track: {state}"
        states.append(state)
    return states


def check_arrow_keys(browser: Browser) -> list[int]:
    from selenium.webdriver.common.keys import Keys

    browser.js("Reveal.slide(0);")
    seen = [browser.js("return Reveal.getIndices().h;")]
    for key in (Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_LEFT):
        browser.press(key)
        browser.wait_for("Reveal.getIndices().h !== arguments[0]", 5, seen[-1])
        seen.append(browser.js("return Reveal.getIndices().h;"))
    return seen


def slide_start_screenshot(browser: Browser, index: int) -> np.ndarray:
    """The slide at ``index``, its video paused on its first frame, titles hidden."""
    browser.js("Reveal.slide(arguments[0]);", index)
    assert browser.wait_for("deck.currentVideo() && deck.currentVideo().readyState >= 2", 15)
    browser.js("const v = deck.currentVideo(); v.pause(); v.currentTime = 0;")
    assert browser.wait_for("!deck.currentVideo().seeking && deck.currentVideo().paused"
                            " && deck.currentVideo().currentTime === 0"
                            " && deck.currentVideo().readyState >= 2", 10)
    browser.js("document.body.classList.add('titles-hidden');")
    time.sleep(0.3)  # let the compositor show the decoded frame
    return browser.screenshot()


def frame_difference(screenshot: np.ndarray, frame: np.ndarray) -> float:
    """Mean absolute difference, 0-255, of a screenshot and a video frame scaled to it."""
    from PIL import Image

    h, w = screenshot.shape[:2]
    scaled = np.asarray(Image.fromarray(frame).resize((w, h), Image.Resampling.BILINEAR))
    return float(np.abs(screenshot.astype(int) - scaled.astype(int)).mean())
