"""Shared plumbing for the Python suites: where the proxy and the scriptable backend are, and how
to script the backend and read back what it received. compat/run.sh sets both URLs."""

import json
import os
import urllib.request

import pytest

CHAT_MODEL = "Qwen/Qwen3-8B"
EMBED_MODEL = "nomic-embed-text"
# A 1x1 PNG; the proxy must sniff it as image/png.
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
STREAM_OPTS = {"stream": True, "stream_options": {"include_usage": True}}


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise pytest.UsageError(name + " is not set: run the suite through compat/run.sh")
    return value.rstrip("/")


class Backend:
    """The scriptable backend's control API (compat/backend/compat_backend.py)."""

    def __init__(self, url):
        self.url = url

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"} if data else {})
        with urllib.request.urlopen(req, timeout=30) as res:
            assert res.status == 200
            return json.loads(res.read())

    def script(self, *scenarios):
        """Forgets earlier scripts and requests, then queues the named scenarios."""
        self._call("POST", "/__reset")
        for scenario in scenarios:
            self._call("POST", "/__script", {"scenario": scenario})

    def upstream(self):
        """The inference requests received (catalog reads left out); every script used, none missing."""
        state = self._call("GET", "/__requests")
        assert state["unscripted"] == [], "requests reached the backend with no scripted reply"
        assert state["pending"] == 0, "scripted replies were left unused"
        return [r for r in state["requests"] if r["method"] == "POST"]

    def only_upstream(self, path):
        posts = self.upstream()
        assert [p["path"] for p in posts] == [path]
        return posts[0]["body"]


@pytest.fixture(scope="session")
def proxy_url():
    return _required("COMPAT_PROXY_URL")


@pytest.fixture(scope="session")
def backend():
    return Backend(_required("COMPAT_BACKEND_URL"))
