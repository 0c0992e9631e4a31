"""Shared plumbing for the Python suites: where the proxy and the scriptable backend are, and how
to script the backend and read back what it received. compat/run.sh sets both URLs."""

import json
import os
import urllib.request

import pytest

CHAT_MODEL = "Qwen/Qwen3-8B"
EMBED_MODEL = "nomic-embed-text"


def _fleet():
    """compat/run.sh --fleet: {mock backend's name: [its model ids]}, from RELAY_COMPAT_FLEET
    ("mock-a=m1,m2 mock-b=m2,m3"); empty when the proxy serves the scriptable backend alone."""
    fleet = {}
    for entry in os.environ.get("RELAY_COMPAT_FLEET", "").split():
        name, _, models = entry.partition("=")
        fleet[name] = models.split(",")
    return fleet


# The mock backends beside the scriptable one, and every model id they add to the catalogue.
FLEET = _fleet()
FLEET_MODELS = sorted({m for models in FLEET.values() for m in models})


def tagged(name):
    """A model id as /api/tags lists it: Ollama's ":latest" added when there is no tag."""
    return name if ":" in name.rsplit("/", 1)[-1] else name + ":latest"


# the fleet's own checks need the fleet
collect_ignore = [] if FLEET else ["test_fleet.py"]
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
