"""ollama-python (PyPI "ollama", the official Python client) against llm-relay's /api/* routes.

Every case asserts what the client hands the application (its pydantic models) and the exact
request the proxy sent to the scriptable backend. Scenario replies: compat/backend/scenarios.py.
"""

import base64
import json
import re
from datetime import datetime, timezone

import ollama
import pytest

from conftest import CHAT_MODEL, EMBED_MODEL, FLEET_MODELS, PNG_B64, STREAM_OPTS, tagged

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "required": ["city"],
            "properties": {"city": {"type": "string", "description": "City name"}},
        },
    },
}
CHAT_DETAILS = {
    "parent_model": "",
    "format": "",
    "family": "qwen3",
    "families": ["qwen3"],
    "parameter_size": "8B",
    "quantization_level": "",
}
MODIFIED = datetime.fromtimestamp(1700000000, timezone.utc)


@pytest.fixture()
def client(proxy_url):
    return ollama.Client(host=proxy_url)


def assert_final(chunk, prompt_tokens, eval_tokens):
    assert chunk.done is True
    assert chunk.done_reason == "stop"
    assert chunk.prompt_eval_count == prompt_tokens
    assert chunk.eval_count == eval_tokens
    for metric in ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration"):
        value = getattr(chunk, metric)
        assert isinstance(value, int) and value >= 0, (metric, value)


def test_list(client, backend):
    backend.script()
    # in a fleet (compat/run.sh --fleet) the mock backends' models are listed too: test_fleet.py
    models = [m for m in client.list().models if m.model not in {tagged(f) for f in FLEET_MODELS}]
    assert [(m.model, m.modified_at, m.size, m.digest) for m in models] == [
        ("Qwen/Qwen3-8B:latest", MODIFIED, 0, "a82fd547628efc95bba6ce4fbe5c4c21fdfe5b815eca823db15d1df4837b1167"),
        ("nomic-embed-text:latest", MODIFIED, 0, "a4134b0e39785810a45922e0b9dcf450702ce8d7d2514ef5d4c4ef3c81a08e5b"),
    ]
    assert models[0].details.model_dump() == CHAT_DETAILS
    assert models[1].details.family == "nomic"
    assert backend.upstream() == []


def test_show(client, backend):
    backend.script()
    res = client.show(CHAT_MODEL)
    assert res.capabilities == ["completion", "tools", "vision", "thinking"]
    assert res.modelinfo == {
        "general.architecture": "qwen3",
        "general.basename": CHAT_MODEL,
        "qwen3.context_length": 32768,
    }
    assert res.details.model_dump() == CHAT_DETAILS
    assert res.modified_at == MODIFIED
    assert backend.upstream() == []


def test_chat(client, backend):
    backend.script("chat_text")
    res = client.chat(
        model=CHAT_MODEL,
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        options={"num_predict": 64, "temperature": 0.2, "top_k": 20, "num_ctx": 4096, "mirostat": 0},
    )
    assert res.message.role == "assistant"
    assert res.message.content == "Hello there!"
    assert res.message.thinking is None and res.message.tool_calls is None
    assert res.model == CHAT_MODEL
    assert_final(res, 11, 3)
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        **STREAM_OPTS,
        "max_tokens": 64,
        "temperature": 0.2,
        "top_k": 20,  # vLLM takes top_k; num_ctx and mirostat have no OpenAI counterpart
    }


def test_chat_stream(client, backend):
    backend.script("chat_text")
    parts = list(client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}], stream=True))
    assert [p.message.content for p in parts] == ["Hel", "lo", " there!", ""]
    assert all(p.message.role == "assistant" and p.model == CHAT_MODEL for p in parts)
    assert [p.done for p in parts] == [False, False, False, True]
    assert_final(parts[-1], 11, 3)
    # the SDK sends "tools": [] when there are none; the proxy drops the empty list
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Hi"}],
        **STREAM_OPTS,
    }


def test_generate(client, backend):
    backend.script("generate_text")
    res = client.generate(model=CHAT_MODEL, system="You are a bard.", prompt="Tell a story",
                          options={"num_predict": 16, "seed": 7})
    assert res.response == "Once upon a time."
    assert res.model == CHAT_MODEL
    assert_final(res, 7, 3)
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "system", "content": "You are a bard."}, {"role": "user", "content": "Tell a story"}],
        **STREAM_OPTS,
        "max_tokens": 16,
        "seed": 7,
    }


def test_generate_stream(client, backend):
    backend.script("generate_text")
    parts = list(client.generate(model=CHAT_MODEL, prompt="Tell a story", stream=True))
    assert [p.response for p in parts] == ["Once", " upon", " a time.", ""]
    assert_final(parts[-1], 7, 3)
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Tell a story"}],
        **STREAM_OPTS,
    }


def test_embed(client, backend):
    backend.script("embed")
    res = client.embed(model=EMBED_MODEL, input=["first", "second"])
    # backend vectors [3,4] and [0,5], sent out of order: L2-normalised, back in input order
    assert [list(v) for v in res.embeddings] == [[0.6, 0.8], [0.0, 1.0]]
    assert res.model == EMBED_MODEL
    assert res.prompt_eval_count == 4
    assert backend.only_upstream("/v1/embeddings") == {
        "model": EMBED_MODEL,
        "input": ["first", "second"],
        "encoding_format": "float",
    }


def test_tool_call_round_trip(client, backend):
    backend.script("tool_call", "tool_answer")
    messages = [{"role": "user", "content": "What is the weather in Paris?"}]
    first = client.chat(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL])
    # three argument fragments upstream; one whole call with object arguments here
    assert first.message.content == ""
    assert [(c.function.name, dict(c.function.arguments)) for c in first.message.tool_calls] == [
        ("get_weather", {"city": "Paris"})]
    assert first.done_reason == "stop"

    # the SDK's Message has no tool-call id: history goes back without it
    messages.append(first.message)
    messages.append({"role": "tool", "content": "18°C, sunny", "tool_name": "get_weather"})
    parts = list(client.chat(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL], stream=True))
    assert "".join(p.message.content for p in parts) == "It is 18°C and sunny in Paris."
    assert_final(parts[-1], 30, 10)

    req1, req2 = [r["body"] for r in backend.upstream()]
    assert req1 == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        **STREAM_OPTS,
        "tools": [WEATHER_TOOL],
    }
    assistant = req2["messages"][1]
    call_id = assistant["tool_calls"][0]["id"]
    assert re.fullmatch(r"call_[0-9a-f]{16}", call_id), call_id  # generated by the proxy, stable per position
    assert req2 == {
        "model": CHAT_MODEL,
        "messages": [
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": "",
             "tool_calls": [{"id": call_id, "type": "function",
                             "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
            {"role": "tool", "content": "18°C, sunny", "tool_call_id": call_id},
        ],
        **STREAM_OPTS,
        "tools": [WEATHER_TOOL],
    }


def test_thinking_stream(client, backend):
    backend.script("thinking")
    parts = list(client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "What is 6 times 7?"}],
                             think=True, stream=True))
    assert [(p.message.thinking or "", p.message.content) for p in parts] == [
        ("Let me", ""), (" think.", ""), ("", "The answer"), ("", " is 42."), ("", "")]
    assert_final(parts[-1], 12, 8)
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "What is 6 times 7?"}],
        **STREAM_OPTS,
        "chat_template_kwargs": {"enable_thinking": True},
    }


def test_thinking_level(client, backend):
    backend.script("thinking")
    res = client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "What is 6 times 7?"}], think="low")
    assert res.message.thinking == "Let me think."
    assert res.message.content == "The answer is 42."
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "What is 6 times 7?"}],
        **STREAM_OPTS,
        "chat_template_kwargs": {"enable_thinking": True},
        "reasoning_effort": "low",
    }


def test_structured_output(client, backend):
    backend.script("structured")
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    res = client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Who wrote the first program?"}],
                      format=schema)
    assert json.loads(res.message.content) == {"name": "Ada", "age": 36}
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": "Who wrote the first program?"}],
        **STREAM_OPTS,
        "response_format": {"type": "json_schema", "json_schema": {"name": "schema", "schema": schema}},
    }


def test_image(client, backend):
    backend.script("image")
    # raw bytes: the client base64-encodes them, the proxy makes a data URL with the sniffed type
    res = client.chat(model=CHAT_MODEL, messages=[
        {"role": "user", "content": "What is in this picture?", "images": [base64.b64decode(PNG_B64)]}])
    assert res.message.content == "A red pixel."
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + PNG_B64}},
        ]}],
        **STREAM_OPTS,
    }


def test_error_show_unknown_model(client, backend):
    backend.script()
    with pytest.raises(ollama.ResponseError) as caught:
        client.show("no-such-model")
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'no-such-model' not found"
    assert backend.upstream() == []


def test_error_chat_unknown_model(client, backend):
    """A model the backend does not list: the proxy's own 404, and nothing reaches the backend."""
    backend.script()
    with pytest.raises(ollama.ResponseError) as caught:
        client.chat(model="no-such-model", messages=[{"role": "user", "content": "Hi"}])
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'no-such-model' not found"
    assert backend.upstream() == []


def test_error_chat_stream_listed_model_gone(client, backend):
    """A listed model the backend refuses: its 404 and message reach the client."""
    backend.script("model_gone")
    with pytest.raises(ollama.ResponseError) as caught:
        list(client.chat(model=CHAT_MODEL + ":latest", messages=[{"role": "user", "content": "Hi"}], stream=True))
    assert caught.value.status_code == 404
    assert caught.value.error == "backend compat answered 404: The model `Qwen/Qwen3-8B` does not exist."
    assert backend.only_upstream("/v1/chat/completions")["model"] == CHAT_MODEL


def test_parallel_tool_calls_paired_by_name(client, backend):
    """The SDK drops tool-call ids, so with two calls the proxy must pair each result by tool_name."""
    backend.script("tool_calls_parallel", "tool_answer")
    time_tool = {"type": "function", "function": {
        "name": "get_time", "description": "Local time in a city",
        "parameters": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}}
    messages = [{"role": "user", "content": "Weather and time in Paris?"}]
    first = client.chat(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL, time_tool])
    assert [(c.function.name, dict(c.function.arguments)) for c in first.message.tool_calls] == [
        ("get_weather", {"city": "Paris"}), ("get_time", {"city": "Paris"})]

    messages.append(first.message)
    # results in the other order than the calls
    messages.append({"role": "tool", "content": "14:05", "tool_name": "get_time"})
    messages.append({"role": "tool", "content": "18°C, sunny", "tool_name": "get_weather"})
    client.chat(model=CHAT_MODEL, messages=messages, tools=[WEATHER_TOOL, time_tool])

    sent = backend.upstream()[1]["body"]["messages"]
    weather_id, time_id = [c["id"] for c in sent[1]["tool_calls"]]
    assert weather_id != time_id
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in sent[1]["tool_calls"]] == [
        ("get_weather", "{\"city\":\"Paris\"}"), ("get_time", "{\"city\":\"Paris\"}")]
    assert sent[2:] == [
        {"role": "tool", "content": "14:05", "tool_call_id": time_id},
        {"role": "tool", "content": "18°C, sunny", "tool_call_id": weather_id},
    ]


def test_error_mid_stream(client, backend):
    backend.script("stream_error")
    seen = []
    with pytest.raises(ollama.ResponseError) as caught:
        for part in client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}], stream=True):
            seen.append(part.message.content)
    # the status (200) is already sent: the proxy ends the stream with one {"error": ...} line
    assert seen == ["Partial"]
    assert caught.value.status_code == -1
    assert caught.value.error == "backend error: CUDA out of memory"
    backend.only_upstream("/v1/chat/completions")


def test_error_during_non_streamed_answer(client, backend):
    backend.script("stream_error")
    with pytest.raises(ollama.ResponseError) as caught:
        client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}])
    assert caught.value.status_code == 502
    assert caught.value.error == "backend error: CUDA out of memory"
    backend.only_upstream("/v1/chat/completions")
