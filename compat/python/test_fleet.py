"""The fleet (collected only under compat/run.sh --fleet): the scriptable backend, named "compat",
and two mock-backend processes behind one proxy with routing.strategy round-robin.

One catalogue for the three backends, each model listed once however many serve it; a request
reaches a backend that serves its model, and the answer names that backend (X-Relay-Backend),
the model it was sent (X-Relay-Model) and the attempts it took (X-Relay-Attempts). The clients
do not expose response headers (the openai client does, through with_raw_response), so the
headers are read with httpx, from the same venv.
"""

import json

import httpx
import ollama
import openai
import pytest

from conftest import CHAT_MODEL, EMBED_MODEL, FLEET, FLEET_MODELS, STREAM_OPTS, tagged

# llama3.2:3b in compat/run.sh: the model every mock serves, which round-robin alternates
SHARED = sorted(set.intersection(*(set(models) for models in FLEET.values())))
# each mock's models that no other backend serves: {model: the mock's name}
OWN = {m: name for name, models in FLEET.items() for m in models
       if sum(m in other for other in FLEET.values()) == 1}
HI = [{"role": "user", "content": "Hi"}]


@pytest.fixture()
def http(proxy_url):
    with httpx.Client(base_url=proxy_url, timeout=30) as client:
        yield client


@pytest.fixture()
def oa(proxy_url):
    return openai.OpenAI(base_url=proxy_url + "/v1", api_key="sk-compat", max_retries=0)


def test_the_fleet_is_what_run_sh_started():
    assert len(FLEET) == 2 and SHARED and OWN, FLEET
    assert CHAT_MODEL not in FLEET_MODELS and EMBED_MODEL not in FLEET_MODELS


def test_tags_and_models_list_every_model_once(proxy_url, oa, backend):
    backend.script()
    names = [m.model for m in ollama.Client(host=proxy_url).list().models]
    assert sorted(names) == sorted([tagged(CHAT_MODEL), tagged(EMBED_MODEL)] + [tagged(m) for m in FLEET_MODELS])
    ids = [m.id for m in oa.models.list()]
    assert sorted(ids) == sorted([CHAT_MODEL, EMBED_MODEL] + FLEET_MODELS)
    # the mocks report who they are; the catalogue keeps it
    assert {m.owned_by for m in oa.models.list() if m.id in FLEET_MODELS} == {"llm-relay"}
    assert backend.upstream() == []


@pytest.mark.parametrize("model", SHARED)
def test_a_model_both_mocks_serve_alternates_between_them(http, oa, backend, model):
    backend.script()
    seen = []
    for _ in range(4):
        res = http.post("/api/chat", json={"model": model, "messages": HI, "stream": False})
        assert res.status_code == 200, res.text
        assert res.json()["model"] == model
        assert res.json()["message"]["content"].startswith("Hello! This is the llm-relay demo model.")
        assert res.headers["X-Relay-Model"] == model
        assert res.headers["X-Relay-Attempts"] == "1"
        seen.append(res.headers["X-Relay-Backend"])
    assert sorted(seen[:2]) == sorted(FLEET), seen
    assert seen == seen[:2] * 2, seen
    # and on the OpenAI route
    raw = [oa.chat.completions.with_raw_response.create(model=model, messages=HI) for _ in range(2)]
    assert sorted(r.headers["X-Relay-Backend"] for r in raw) == sorted(FLEET)
    assert [r.parse().model for r in raw] == [model, model]
    assert backend.upstream() == []  # nothing of it reached the scriptable backend


@pytest.mark.parametrize("model", sorted(OWN))
def test_a_model_one_mock_serves_goes_to_that_mock(http, backend, model):
    backend.script()
    for stream in (False, True):
        res = http.post("/api/chat", json={"model": model, "messages": HI, "stream": stream})
        assert res.status_code == 200, res.text
        assert res.headers["X-Relay-Backend"] == OWN[model]
        assert res.headers["X-Relay-Model"] == model
    assert backend.upstream() == []


def test_a_compat_model_goes_to_the_compat_backend(http, oa, backend):
    backend.script("chat_text", "oa_chat")
    res = http.post("/api/chat", json={"model": CHAT_MODEL, "messages": HI})
    assert res.status_code == 200, res.text
    assert (res.headers["X-Relay-Backend"], res.headers["X-Relay-Model"], res.headers["X-Relay-Attempts"]) == (
        "compat", CHAT_MODEL, "1")
    parts = [json.loads(line) for line in res.text.splitlines()]
    assert "".join(p["message"]["content"] for p in parts) == "Hello there!"

    raw = oa.chat.completions.with_raw_response.create(model=CHAT_MODEL + ":latest", messages=HI)
    assert (raw.headers["X-Relay-Backend"], raw.headers["X-Relay-Model"]) == ("compat", CHAT_MODEL)
    assert raw.parse().choices[0].message.content == "Hello from the backend."

    first, second = backend.upstream()
    assert first["body"] == {"model": CHAT_MODEL, "messages": HI, **STREAM_OPTS}
    # the listed name with its tag is the backend's own id, sent without it
    assert second["body"] == {"model": CHAT_MODEL, "messages": HI}


def test_a_model_no_backend_serves_is_404_in_each_api_shape(http, backend):
    backend.script()
    res = http.post("/api/chat", json={"model": "no-such-model", "messages": HI})
    assert (res.status_code, res.json()) == (404, {"error": "model 'no-such-model' not found"})
    assert "X-Relay-Backend" not in res.headers
    res = http.post("/v1/chat/completions", json={"model": "no-such-model", "messages": HI})
    assert res.status_code == 404
    assert res.json()["error"]["message"] == "model 'no-such-model' not found"
    assert backend.upstream() == []
