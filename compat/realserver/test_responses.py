"""The OpenAI Responses API (/v1/responses) through llm-relay on a real llama.cpp server, which serves
only chat completions for it: the proxy translates, and the official openai client (with its own stream
helper) must accept the answer, plain and streamed, with reasoning and a tool call where the model's
template has them."""

import json

from conftest import CHAT_MODEL


def test_responses_create(chat):
    res = chat.openai().responses.create(model=CHAT_MODEL, input="Say hello.", max_output_tokens=16, temperature=0)
    assert res.object == "response"
    assert res.model == CHAT_MODEL
    assert res.status in ("completed", "incomplete")
    if res.status == "incomplete":
        assert res.incomplete_details.reason == "max_output_tokens"
    assert res.output_text.strip()
    assert [o.type for o in res.output] == ["message"]
    assert res.usage.input_tokens > 0
    assert 0 < res.usage.output_tokens <= 16
    assert res.usage.total_tokens == res.usage.input_tokens + res.usage.output_tokens


def test_responses_stream(chat):
    with chat.openai().responses.stream(model=CHAT_MODEL, input=[{"role": "user", "content": "Say hello."}],
                                        instructions="You are a friendly assistant.", max_output_tokens=16,
                                        temperature=0) as stream:
        events = list(stream)
    final = stream.get_final_response() if events[-1].type == "response.completed" else events[-1].response
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) >= 3  # one event per token, as llama.cpp streamed them
    assert "".join(deltas) == final.output_text
    assert final.output_text.strip()
    assert [e.sequence_number for e in events] == sorted({e.sequence_number for e in events})
    assert events[0].type == "response.created"
    assert events[-1].type in ("response.completed", "response.incomplete")
    assert final.usage.output_tokens > 0


def test_responses_reasoning(think):
    res = think.openai().responses.create(model=think.model, input="What is 2+2?", reasoning={"effort": "medium"},
                                          max_output_tokens=16, temperature=0)
    reasoning = res.output[0]
    assert reasoning.type == "reasoning"  # llama.cpp's reasoning_content, first
    assert reasoning.summary[0].text.strip()
    assert "<think>" not in res.output_text


def test_responses_tool_call(tools):
    history = [
        {"role": "user", "content": "What is the weather in London?"},
        {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": json.dumps({"city": "London"})},
        {"role": "user", "content": "What is the weather in Paris?"},
    ]
    tool = {"type": "function", "name": "get_weather", "description": "Current weather for a city",
            "parameters": {"type": "object", "required": ["city"],
                           "properties": {"city": {"type": "string", "description": "City name"}}}}
    with tools.openai().responses.stream(model=tools.model, input=history, tools=[tool], max_output_tokens=48,
                                         temperature=0) as stream:
        final = stream.get_final_response()
    calls = [o for o in final.output if o.type == "function_call"]
    assert len(calls) == 1
    assert calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments) == {"city": "Paris"}
    assert calls[0].call_id
