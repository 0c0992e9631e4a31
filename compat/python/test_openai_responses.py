"""The official OpenAI Python client (PyPI "openai") against llm-relay's /v1/responses, which the proxy
translates onto the backend's chat completions (stateless, as Ollama serves it). Every case asserts
what the client hands the application -- through the SDK's own stream helper where it streams -- and
the exact chat request the backend received. Scenario replies: compat/backend/scenarios.py."""

import json

import openai
import pydantic
import pytest

from conftest import CHAT_MODEL

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                   "additionalProperties": False},
    "strict": True,
}
CHAT_WEATHER_TOOL = {"type": "function", "function": {k: v for k, v in WEATHER_TOOL.items() if k != "type"}}
STREAMED = {"stream": True, "stream_options": {"include_usage": True}}


class Person(pydantic.BaseModel):
    name: str
    age: int


@pytest.fixture()
def client(proxy_url):
    return openai.OpenAI(base_url=proxy_url + "/v1", api_key="sk-compat", max_retries=0)


def test_create(client, backend):
    backend.script("chat_text")
    res = client.responses.create(model=CHAT_MODEL, instructions="Be brief.", input="Hi", max_output_tokens=32,
                                  temperature=0)
    assert res.object == "response"
    assert res.id.startswith("resp_")
    assert res.status == "completed"
    assert res.model == CHAT_MODEL
    assert res.output_text == "Hello there!"
    [message] = res.output
    assert (message.type, message.role, message.status) == ("message", "assistant", "completed")
    assert [(c.type, c.text, c.annotations) for c in message.content] == [("output_text", "Hello there!", [])]
    assert (res.usage.input_tokens, res.usage.output_tokens, res.usage.total_tokens) == (11, 3, 14)
    assert res.usage.input_tokens_details.cached_tokens == 0
    assert res.usage.output_tokens_details.reasoning_tokens == 0
    assert backend.only_upstream("/v1/chat/completions") == {
        "model": CHAT_MODEL,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        **STREAMED, "max_tokens": 32, "temperature": 0,
    }


def test_stream_raw_events(client, backend):
    backend.script("chat_text")
    events = list(client.responses.create(model=CHAT_MODEL, input="Hi", stream=True))
    assert [e.type for e in events] == [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert isinstance(events[0], openai.types.responses.ResponseCreatedEvent)
    assert isinstance(events[4], openai.types.responses.ResponseTextDeltaEvent)
    assert [e.delta for e in events if e.type == "response.output_text.delta"] == ["Hel", "lo", " there!"]
    assert events[-1].response.output_text == "Hello there!"
    backend.only_upstream("/v1/chat/completions")


def test_stream_helper(client, backend):
    backend.script("chat_text")
    with client.responses.stream(model=CHAT_MODEL, input=[{"role": "user", "content": "Hi"}]) as stream:
        deltas = [(e.delta, e.snapshot) for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert deltas == [("Hel", "Hel"), ("lo", "Hello"), (" there!", "Hello there!")]
    assert final.output_text == "Hello there!"
    assert final.status == "completed"
    backend.only_upstream("/v1/chat/completions")


def test_tools_round_trip(client, backend):
    backend.script("tool_call", "tool_answer")
    question = [{"role": "user", "content": "What is the weather in Paris?"}]
    with client.responses.stream(model=CHAT_MODEL, input=question, tools=[WEATHER_TOOL]) as stream:
        fragments = [e.delta for e in stream if e.type == "response.function_call_arguments.delta"]
        first = stream.get_final_response()
    assert fragments == ['{"city":', ' "Par', 'is"}']
    [call] = first.output
    assert (call.type, call.call_id, call.name, call.arguments, call.status) == (
        "function_call", "call_compat_1", "get_weather", '{"city": "Paris"}', "completed")
    # a strict function tool: the SDK parses the arguments itself
    assert call.parsed_arguments == {"city": "Paris"}

    answer = client.responses.create(model=CHAT_MODEL, tools=[WEATHER_TOOL], input=question + [
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "18\u00b0C, sunny"},
    ])
    assert answer.output_text == "It is 18\u00b0C and sunny in Paris."

    req1, req2 = [r["body"] for r in backend.upstream()]
    assert req1 == {"model": CHAT_MODEL, "messages": question, **STREAMED, "tools": [CHAT_WEATHER_TOOL]}
    assert req2["messages"] == question + [
        {"role": "assistant", "content": "", "tool_calls": [{
            "id": "call_compat_1", "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]},
        {"role": "tool", "content": "18\u00b0C, sunny", "tool_call_id": "call_compat_1"},
    ]


def test_reasoning(client, backend):
    backend.script("thinking")
    with client.responses.stream(model=CHAT_MODEL, input="Meaning of life?", reasoning={"effort": "low"}) as stream:
        summary = [e.delta for e in stream if e.type == "response.reasoning_summary_text.delta"]
        final = stream.get_final_response()
    assert summary == ["Let me", " think."]
    reasoning, message = final.output
    assert reasoning.type == "reasoning"
    assert [(s.type, s.text) for s in reasoning.summary] == [("summary_text", "Let me think.")]
    assert message.type == "message"
    assert final.output_text == "The answer is 42."
    sent = backend.only_upstream("/v1/chat/completions")
    assert sent["chat_template_kwargs"] == {"enable_thinking": True}
    assert sent["reasoning_effort"] == "low"


def test_parse_with_a_pydantic_model(client, backend):
    backend.script("structured")
    res = client.responses.parse(model=CHAT_MODEL, input="Who wrote the first program?", text_format=Person)
    assert res.output_parsed == Person(name="Ada", age=36)
    assert json.loads(res.output_text) == {"name": "Ada", "age": 36}
    sent = backend.only_upstream("/v1/chat/completions")
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["properties"] == {
        "name": {"title": "Name", "type": "string"}, "age": {"title": "Age", "type": "integer"}}


def test_incomplete_at_max_output_tokens(client, backend):
    backend.script("resp_length")
    res = client.responses.create(model=CHAT_MODEL, input="Tell me a story", max_output_tokens=2)
    assert res.status == "incomplete"
    assert res.incomplete_details.reason == "max_output_tokens"
    assert res.output_text == "Once upon"
    assert backend.only_upstream("/v1/chat/completions")["max_tokens"] == 2


def test_errors(client, backend):
    backend.script()
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.create(model="no-such-model", input="Hi")
    assert caught.value.body["message"] == "model 'no-such-model' not found"
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model=CHAT_MODEL, input="Hi", previous_response_id="resp_1")
    assert "previous_response_id is not supported" in caught.value.message
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.retrieve("resp_123")
    assert "response 'resp_123' not found" in caught.value.message
    assert backend.upstream() == []


def test_failure_mid_stream(client, backend):
    backend.script("stream_error")
    events = []
    with pytest.raises(openai.APIError) as caught:
        for e in client.responses.create(model=CHAT_MODEL, input="Hi", stream=True):
            events.append(e)
    assert "CUDA out of memory" in caught.value.message
    assert [e.type for e in events[-2:]] == ["response.output_text.delta", "response.failed"]
    assert events[-1].response.status == "failed"
    assert "CUDA out of memory" in events[-1].response.error.message

    backend.script("stream_error")
    with pytest.raises(openai.APIError, match="CUDA out of memory"):
        with client.responses.stream(model=CHAT_MODEL, input="Hi") as stream:
            stream.get_final_response()
