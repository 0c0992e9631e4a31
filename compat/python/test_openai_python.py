"""The official OpenAI Python client (PyPI "openai") against llm-relay's /v1/* routes, which forward
to the backend as bytes: the backend must receive exactly what the client sent, and the client must
get exactly what the backend answered. Scenario replies: compat/backend/scenarios.py."""

import openai
import pytest

from conftest import CHAT_MODEL, EMBED_MODEL, FLEET_MODELS

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.fixture()
def client(proxy_url):
    return openai.OpenAI(base_url=proxy_url + "/v1", api_key="sk-compat", max_retries=0)


def test_models_list(client, backend):
    backend.script()
    # in a fleet (compat/run.sh --fleet) the mock backends' models are listed too: test_fleet.py
    models = [m for m in client.models.list() if m.id not in FLEET_MODELS]
    assert [m.id for m in models] == [CHAT_MODEL, EMBED_MODEL]
    # answered from the proxy's catalogue, not passed through: OpenAI's four fields, and the
    # context length the backend reported (its max_model_len), for every kind of backend alike
    assert [m.model_dump(exclude_unset=True) for m in models] == [
        {"id": CHAT_MODEL, "object": "model", "created": 1700000000, "owned_by": "compat", "context_length": 32768},
        {"id": EMBED_MODEL, "object": "model", "created": 1700000000, "owned_by": "compat", "context_length": 8192},
    ]
    assert backend.upstream() == []


def test_chat(client, backend):
    backend.script("oa_chat")
    res = client.chat.completions.create(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}],
                                         max_tokens=32, temperature=0)
    assert res.id == "chatcmpl-oa1"
    assert res.choices[0].message.role == "assistant"
    assert res.choices[0].message.content == "Hello from the backend."
    assert res.choices[0].finish_reason == "stop"
    assert (res.usage.prompt_tokens, res.usage.completion_tokens, res.usage.total_tokens) == (9, 5, 14)
    [sent] = backend.upstream()
    assert sent["path"] == "/v1/chat/completions"
    assert sent["body"] == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Hi"}],
        "max_tokens": 32,
        "temperature": 0,
    }
    # no --api-key-env, --pass-client-auth (pass_client_auth in the fleet): the client's own key passes through
    assert sent["headers"]["authorization"] == "Bearer sk-compat"


def test_chat_stream(client, backend):
    backend.script("oa_chat_stream")
    chunks = list(client.chat.completions.create(
        model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}],
        stream=True, stream_options={"include_usage": True}))
    assert [c.choices[0].delta.content for c in chunks if c.choices] == ["", "Str", "eam", "ed \u2713", None]
    assert [c.choices[0].finish_reason if c.choices else None for c in chunks] == [None] * 4 + ["stop", None]
    usage = chunks[-1].usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (9, 4, 13)
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def test_tools(client, backend):
    backend.script("oa_tool_call", "oa_tool_answer")
    messages = [{"role": "user", "content": "What is the weather in Paris?"}]
    # the SDK's stream helper accumulates the argument fragments itself
    with client.chat.completions.stream(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL]) as stream:
        completion = stream.get_final_completion()
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert [(c.id, c.type, c.function.name, c.function.arguments) for c in choice.message.tool_calls] == [
        ("call_compat_1", "function", "get_weather", '{"city": "Paris"}')]

    follow_up = messages + [
        {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_compat_1", "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]},
        {"role": "tool", "tool_call_id": "call_compat_1", "content": "18°C, sunny"},
    ]
    answer = client.chat.completions.create(model=CHAT_MODEL, messages=follow_up, tools=[WEATHER_TOOL])
    assert answer.choices[0].message.content == "Sunny, 18°C."

    req1, req2 = [r["body"] for r in backend.upstream()]
    assert req1 == {"model": CHAT_MODEL, "messages": messages, "tools": [WEATHER_TOOL], "stream": True}
    assert req2 == {"model": CHAT_MODEL, "messages": follow_up, "tools": [WEATHER_TOOL]}


def test_embeddings(client, backend):
    backend.script("oa_embed")
    res = client.embeddings.create(model=EMBED_MODEL, input=["alpha", "beta"])
    # the client asks for base64 and decodes the little-endian float32 itself
    assert [(d.index, list(d.embedding)) for d in res.data] == [(0, [0.25, -0.5, 1.0]), (1, [2.0, 0.0, -1.5])]
    assert (res.usage.prompt_tokens, res.usage.total_tokens) == (6, 6)
    assert backend.only_upstream("/v1/embeddings") == {
        "model": EMBED_MODEL,
        "input": ["alpha", "beta"],
        "encoding_format": "base64",
    }


def test_error_backend_400(client, backend):
    backend.script("oa_bad_request")
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=CHAT_MODEL, messages=[{"role": "user", "content": "x" * 64}])
    err = caught.value
    assert err.status_code == 400
    assert err.body == {
        "message": "This model's maximum context length is 32768 tokens.",
        "type": "BadRequestError",
        "param": "messages",
        "code": 400,
    }
    assert err.param == "messages"
    assert "This model's maximum context length is 32768 tokens." in err.message
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL, "messages": [{"role": "user", "content": "x" * 64}]}
