"""Shared plumbing for the real-server suite: llama.cpp's own server (xllamacpp from PyPI) with
SmolLM2-135M-Instruct, one llm-relay in front of each server, driven by the official ollama and
openai clients. compat/realserver/run.sh starts everything and sets the variables read here.

    role    model alias      llama.cpp server                                   variables
    chat    smollm2          stock template, 4096 context over 2 slots          REALSERVER_CHAT_{PROXY,SERVER}
    tools   smollm2-tools    templates/tools.jinja (Hermes-style tool calls)    REALSERVER_TOOLS_{PROXY,SERVER}
    think   smollm2-think    templates/think.jinja (<think> opened, deepseek)   REALSERVER_THINK_{PROXY,SERVER}
    embed   smollm2-embed    --embedding, mean pooling                          REALSERVER_EMBED_{PROXY,SERVER}

Generation is kept short and deterministic: temperature 0, a fixed seed, 8-48 tokens.
"""

import json
import os
import time
import urllib.error
import urllib.request

import ollama
import openai
import pytest

CHAT_MODEL = "smollm2"
TOOLS_MODEL = "smollm2-tools"
THINK_MODEL = "smollm2-think"
EMBED_MODEL = "smollm2-embed"
UNKNOWN_MODEL = "no-such-model"
SEED = 42
# what SmolLM2-135M-Instruct.Q4_1.gguf is (llama.cpp's /v1/models meta)
MODEL_SIZE = 96576768
N_CTX_TRAIN = 8192
SLOT_CTX = 2048  # --ctx 4096 shared by --parallel 2
EMBED_DIM = 576


def options(num_predict=16, **more):
    return {"temperature": 0, "seed": SEED, "num_predict": num_predict, **more}


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise pytest.UsageError(name + " is not set: run the suite through compat/realserver/run.sh")
    return value.rstrip("/")


def http_json(method, url, body=None, timeout=10):
    """(status, parsed JSON body or None, headers) of one plain HTTP call; HTTP errors are returned."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"content-type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            status, raw, headers = res.status, res.read(), res.headers
    except urllib.error.HTTPError as e:
        status, raw, headers = e.code, e.read(), e.headers
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return status, parsed, headers


def status_of(url, timeout=2):
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        return http_json("GET", url, timeout=timeout)[0]
    except OSError:
        return None


def wait_until(seconds, predicate, interval=0.1):
    """Polls predicate until it returns something truthy; returns it, or the last value at the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class Pair:
    """One llama.cpp server and the llm-relay in front of it."""

    def __init__(self, role, model):
        self.role = role
        self.model = model
        self.proxy = _required("REALSERVER_%s_PROXY" % role.upper())
        self.server = _required("REALSERVER_%s_SERVER" % role.upper())

    def ollama(self):
        return ollama.Client(host=self.proxy, timeout=60)

    def openai(self):
        return openai.OpenAI(base_url=self.proxy + "/v1", api_key="unused", max_retries=0, timeout=60)

    def slots(self):
        """The raw server's /slots (what each slot is doing and the sampling it last used)."""
        status, body, _ = http_json("GET", self.server + "/slots")
        assert status == 200, body
        return body


@pytest.fixture(scope="session")
def chat():
    return Pair("chat", CHAT_MODEL)


@pytest.fixture(scope="session")
def tools():
    return Pair("tools", TOOLS_MODEL)


@pytest.fixture(scope="session")
def think():
    return Pair("think", THINK_MODEL)


@pytest.fixture(scope="session")
def embed():
    return Pair("embed", EMBED_MODEL)


@pytest.fixture(scope="session")
def relay_jar():
    jar = _required("RELAY_JAR")
    assert os.path.isfile(jar), jar
    return jar


def pytest_collection_modifyitems(items):
    """Tests marked `last` (they stop a server) run after all others."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


def pytest_configure(config):
    config.addinivalue_line("markers", "last: runs after every other test (it disturbs a server)")
