"""A small client for Chromium's DevTools protocol over --remote-debugging-pipe
(file descriptors 3 and 4, NUL-terminated JSON messages): no WebSocket, no
third-party package. Used by the HTML report's browser tests."""
import json
import os
import shutil
import subprocess
import tempfile

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-extensions", "--remote-debugging-pipe",
]


class Browser:
    """Starts headless Chromium with a fresh profile; close() ends it."""

    def __init__(self, binary=None, width=1200, height=900):
        self.binary = binary or os.environ.get("CHROMIUM", "chromium")
        self.profile = tempfile.mkdtemp(prefix="drtriage-chromium.")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # The child sees the pipes as fds 3 (commands) and 4 (replies).
        def child_fds():  # copies first: the pipes may already be fds 3 and 4, close-on-exec
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None):
        """Sends a command and returns its result; events met on the way are kept."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session=None):
        """Returns the first event called method (already received or next)."""
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and (not session or event.get("sessionId") == session):
                    return self.events.pop(i)
            self.events.append(self._read_message())

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)

    def close(self):
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, session):
        self.browser = browser
        self.session = session

    def send(self, method, params=None):
        return self.browser.send(method, params, self.session)

    def enable(self, *domains):
        for domain in domains:
            self.send(f"{domain}.enable")

    def navigate(self, url):
        self.send("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", self.session)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate: {result['exceptionDetails']}")
        return result["result"].get("value")

    def events(self, *methods):
        """Takes the events of this page received so far whose method is one of methods."""
        taken = [e for e in self.browser.events
                 if e.get("sessionId") == self.session and e.get("method") in methods]
        self.browser.events = [e for e in self.browser.events if e not in taken]
        return taken

    def screenshot(self, path, width=None, height=None, y=0):
        """A PNG of the page (the whole page when height is None)."""
        metrics = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": y, "width": width or metrics["width"],
                "height": height or metrics["height"] - y, "scale": 1}
        import base64
        data = self.send("Page.captureScreenshot",
                         {"format": "png", "clip": clip, "captureBeyondViewport": True})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
