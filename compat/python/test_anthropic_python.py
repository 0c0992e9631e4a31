"""The official Anthropic Python client (PyPI "anthropic") against llm-relay's /v1/messages, which the
proxy translates to the backend's chat completions and back: the backend must receive the OpenAI
request the Messages request means, and the client's own parsers and stream helpers must accept
what comes back. Scenario replies: compat/backend/scenarios.py."""

import anthropic
import pytest

from conftest import CHAT_MODEL

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
OPENAI_WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather for a city",
    "parameters": WEATHER_TOOL["input_schema"]}}
TIME_TOOL = {"name": "get_time", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
HI = [{"role": "user", "content": "Hi"}]
STREAMED = {"stream": True, "stream_options": {"include_usage": True}}


@pytest.fixture()
def client(proxy_url):
    # the SDK adds /v1/messages to its base URL, as it does for api.anthropic.com
    return anthropic.Anthropic(base_url=proxy_url, api_key="sk-ant-compat", max_retries=0)


def test_messages_create(client, backend):
    backend.script("chat_text")
    # this SDK has no sampling arguments any more; older clients send them, and extra_body does too
    res = client.messages.create(model=CHAT_MODEL, max_tokens=64, system="Be brief.", messages=HI,
                                 extra_body={"temperature": 0, "top_k": 40})
    assert res.id.startswith("msg_") and len(res.id) == 28
    assert (res.type, res.role, res.model) == ("message", "assistant", CHAT_MODEL)
    assert [(b.type, b.text) for b in res.content] == [("text", "Hello there!")]
    assert (res.stop_reason, res.stop_sequence) == ("end_turn", None)
    assert (res.usage.input_tokens, res.usage.output_tokens) == (11, 3)
    [sent] = backend.upstream()
    assert sent["path"] == "/v1/chat/completions"
    assert sent["body"] == {
        "model": CHAT_MODEL,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        **STREAMED,
        "max_tokens": 64,
        "temperature": 0.0,
        "top_k": 40,
    }
    # this SDK sends its key as Authorization: Bearer, which the compat proxy passes on (--pass-client-auth);
    # an x-api-key is the proxy's business, never a backend's
    assert sent["headers"]["authorization"] == "Bearer sk-ant-compat"
    assert "x-api-key" not in sent["headers"]


def test_stream_raw_events(client, backend):
    backend.script("chat_text")
    events = list(client.messages.create(model=CHAT_MODEL, max_tokens=64, messages=HI, stream=True))
    assert [e.type for e in events] == ["message_start", "content_block_start", "content_block_delta",
                                        "content_block_delta", "content_block_delta", "content_block_stop",
                                        "message_delta", "message_stop"]  # the SDK swallows the ping
    assert events[0].message.model == CHAT_MODEL
    assert events[0].message.content == []
    assert events[1].index == 0 and events[1].content_block.type == "text"
    assert [e.delta.text for e in events[2:5]] == ["Hel", "lo", " there!"]
    assert events[6].delta.stop_reason == "end_turn"
    assert (events[6].usage.input_tokens, events[6].usage.output_tokens) == (11, 3)


def test_stream_helper_text_and_final_message(client, backend):
    backend.script("chat_text")
    with client.messages.stream(model=CHAT_MODEL, max_tokens=64, messages=HI) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello there!"
    assert [(b.type, b.text) for b in final.content] == [("text", "Hello there!")]
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (11, 3)


def test_tools_round_trip(client, backend):
    backend.script("tool_call", "tool_answer")
    question = [{"role": "user", "content": "What is the weather in Paris?"}]
    # the arguments arrive in three fragments: the helper joins the input_json_delta pieces
    with client.messages.stream(model=CHAT_MODEL, max_tokens=128, messages=question, tools=[WEATHER_TOOL],
                                tool_choice={"type": "auto", "disable_parallel_tool_use": True}) as stream:
        first = stream.get_final_message()
    assert first.stop_reason == "tool_use"
    [call] = first.content
    assert (call.type, call.id, call.name, call.input) == ("tool_use", "call_compat_1", "get_weather", {"city": "Paris"})

    follow_up = question + [
        {"role": "assistant", "content": [c.model_dump(exclude_none=True) for c in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "18°C, sunny"}]},
    ]
    answer = client.messages.create(model=CHAT_MODEL, max_tokens=128, messages=follow_up, tools=[WEATHER_TOOL])
    assert answer.content[0].text == "It is 18°C and sunny in Paris."
    assert answer.stop_reason == "end_turn"

    req1, req2 = [r["body"] for r in backend.upstream()]
    assert req1 == {"model": CHAT_MODEL, "messages": question, **STREAMED, "max_tokens": 128,
                    "tools": [OPENAI_WEATHER_TOOL], "tool_choice": "auto", "parallel_tool_calls": False}
    assert req2["messages"][1:] == [
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call_compat_1", "type": "function",
                                                              "function": {"name": "get_weather",
                                                                           "arguments": '{"city":"Paris"}'}}]},
        {"role": "tool", "content": "18°C, sunny", "tool_call_id": "call_compat_1"},
    ]


def test_parallel_tool_calls_with_interleaved_fragments(client, backend):
    # the backend interleaves the two calls' fragments: each call must still be one block with its own input
    backend.script("tool_calls_parallel")
    events = []
    with client.messages.stream(model=CHAT_MODEL, max_tokens=128, messages=HI, tools=[WEATHER_TOOL, TIME_TOOL],
                                tool_choice={"type": "any"}) as stream:
        for event in stream:
            events.append(event.type)
        final = stream.get_final_message()
    assert [(b.type, b.id, b.name, b.input) for b in final.content] == [
        ("tool_use", "call_compat_w", "get_weather", {"city": "Paris"}),
        ("tool_use", "call_compat_t", "get_time", {"city": "Paris"}),
    ]
    assert final.stop_reason == "tool_use"
    assert events.count("content_block_start") == 2 and events.count("content_block_stop") == 2
    assert backend.only_upstream("/v1/chat/completions")["tool_choice"] == "required"


def test_thinking(client, backend):
    backend.script("thinking")
    with client.messages.stream(model=CHAT_MODEL, max_tokens=2048, messages=HI,
                                thinking={"type": "enabled", "budget_tokens": 1024}) as stream:
        thinking = [e.thinking for e in stream if e.type == "thinking"]
        final = stream.get_final_message()
    assert thinking == ["Let me", " think."]
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert (final.content[0].thinking, final.content[0].signature) == ("Let me think.", "")
    assert final.content[1].text == "The answer is 42."
    sent = backend.only_upstream("/v1/chat/completions")
    # a vLLM backend: thinking switched through the template, the budget's effort passed along
    assert (sent["chat_template_kwargs"], sent["reasoning_effort"]) == ({"enable_thinking": True}, "low")


def test_structured_output_is_a_json_schema_for_the_backend(client, backend):
    backend.script("structured")
    schema = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
              "required": ["name", "age"], "additionalProperties": False}
    res = client.messages.create(model=CHAT_MODEL, max_tokens=64, messages=HI,
                                 output_config={"format": {"type": "json_schema", "schema": schema}})
    assert res.content[0].text == '{"name": "Ada", "age": 36}'
    sent = backend.only_upstream("/v1/chat/completions")
    assert sent["response_format"] == {"type": "json_schema", "json_schema": {"name": "schema", "schema": schema}}


def test_stop_sequence(client, backend):
    backend.script("an_stop_sequence")
    res = client.messages.create(model=CHAT_MODEL, max_tokens=64, messages=HI, stop_sequences=["4"])
    assert (res.stop_reason, res.stop_sequence) == ("stop_sequence", "4")
    assert res.content[0].text == "1, 2, 3, "
    assert backend.only_upstream("/v1/chat/completions")["stop"] == ["4"]


def test_max_tokens(client, backend):
    backend.script("an_max_tokens")
    with client.messages.stream(model=CHAT_MODEL, max_tokens=2, messages=HI) as stream:
        final = stream.get_final_message()
    assert (final.stop_reason, final.content[0].text) == ("max_tokens", "Once upon a")
    assert backend.only_upstream("/v1/chat/completions")["max_tokens"] == 2


def test_count_tokens_from_the_backends_tokenizer(client, backend):
    backend.script("an_count_tokens")
    raw = client.messages.with_raw_response.count_tokens(model=CHAT_MODEL, system="Be brief.", messages=HI,
                                                         tools=[WEATHER_TOOL])
    assert raw.headers["x-relay-token-count"] == "tokenizer"
    assert raw.parse().input_tokens == 42
    assert backend.only_upstream("/tokenize") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        "tools": [OPENAI_WEATHER_TOOL],
        "add_generation_prompt": True,
    }


def test_error_unknown_model_is_not_found(client, backend):
    backend.script()
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.create(model="no-such-model", max_tokens=8, messages=HI)
    assert caught.value.status_code == 404
    assert caught.value.body == {"type": "error", "error": {"type": "not_found_error",
                                                            "message": "model 'no-such-model' not found"}}
    assert backend.upstream() == []


def test_error_bad_request(client, backend):
    backend.script()
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=CHAT_MODEL, max_tokens=8, messages=[
            {"role": "user", "content": [{"type": "document", "source": {"type": "text", "media_type": "text/plain",
                                                                         "data": "x"}}]}])
    assert caught.value.body["error"] == {
        "type": "invalid_request_error",
        "message": "messages[0].content[0]: content block type \"document\" is not supported in a user message "
                   "(supported: text, image, tool_result)"}
    assert backend.upstream() == []


def test_error_from_the_backend_keeps_its_status(client, backend):
    backend.script("oa_bad_request")
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=CHAT_MODEL, max_tokens=8, messages=HI)
    assert caught.value.body["error"]["type"] == "invalid_request_error"
    assert caught.value.body["error"]["message"] == (
        "backend compat answered 400: This model's maximum context length is 32768 tokens.")
    backend.upstream()


def test_error_mid_stream_reaches_the_stream_helper(client, backend):
    backend.script("stream_error")
    texts = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        with client.messages.stream(model=CHAT_MODEL, max_tokens=64, messages=HI) as stream:
            for text in stream.text_stream:
                texts.append(text)
    assert texts == ["Partial"]
    assert caught.value.body == {"type": "error", "error": {"type": "api_error",
                                                            "message": "backend error: CUDA out of memory"}}
    backend.upstream()
