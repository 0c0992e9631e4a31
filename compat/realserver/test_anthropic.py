"""The official Anthropic Python client through llm-relay on a real llama.cpp server: a Messages request
translated to llama.cpp's chat completions and its answer back, whole and streamed (the SDK's stream
helper accepting the events), a tool call and thinking from the templated servers, and count_tokens
from llama.cpp's own tokenizer."""

import anthropic

from conftest import CHAT_MODEL, http_json

HI = [{"role": "user", "content": "Say hello."}]
# this SDK has no sampling arguments; the Messages API has temperature, and llm-relay takes it
GREEDY = {"temperature": 0}
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "required": ["city"],
                     "properties": {"city": {"type": "string", "description": "City name"}}},
}


def client(pair):
    return anthropic.Anthropic(base_url=pair.proxy, api_key="unused", max_retries=0, timeout=60)


def test_messages_create(chat):
    res = client(chat).messages.create(model=CHAT_MODEL, max_tokens=16, messages=HI, extra_body=GREEDY)
    assert res.id.startswith("msg_")
    assert (res.type, res.role, res.model) == ("message", "assistant", CHAT_MODEL)
    assert [b.type for b in res.content] == ["text"]
    assert res.content[0].text.strip()
    assert res.stop_reason in ("end_turn", "max_tokens")
    assert res.usage.input_tokens > 0 and 0 < res.usage.output_tokens <= 16


def test_messages_stream(chat):
    events = []
    with client(chat).messages.stream(model=CHAT_MODEL, max_tokens=16, messages=HI, extra_body=GREEDY) as stream:
        for event in stream:
            events.append(event.type)
        final = stream.get_final_message()
    assert events[0] == "message_start"
    assert events[-2:] == ["message_delta", "message_stop"]
    assert events.count("text") >= 3  # token by token, not gathered
    assert [b.type for b in final.content] == ["text"] and final.content[0].text.strip()
    assert final.stop_reason in ("end_turn", "max_tokens")
    assert final.usage.input_tokens > 0 and final.usage.output_tokens > 0


def test_max_tokens(chat):
    res = client(chat).messages.create(model=CHAT_MODEL, max_tokens=3, messages=[
        {"role": "user", "content": "Tell me a long story about a lighthouse."}], extra_body=GREEDY)
    assert res.stop_reason == "max_tokens"
    assert res.usage.output_tokens == 3


def test_tool_use(tools):
    # as test_capabilities: a 135M model calls a tool when it has just seen one call in the history
    messages = [
        {"role": "user", "content": "What is the weather in London?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather",
                                           "input": {"city": "London"}}]},
        {"role": "user", "content": "What is the weather in Paris?"},
    ]
    with client(tools).messages.stream(model=tools.model, max_tokens=48, messages=messages, tools=[WEATHER_TOOL],
                                       extra_body=GREEDY) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    calls = [b for b in final.content if b.type == "tool_use"]
    assert [(c.name, c.input) for c in calls] == [("get_weather", {"city": "Paris"})]


def test_thinking(think):
    res = client(think).messages.create(model=think.model, max_tokens=24, extra_body=GREEDY,
                                        messages=[{"role": "user", "content": "What is 2+2?"}],
                                        thinking={"type": "enabled", "budget_tokens": 1024})
    assert res.content[0].type == "thinking" and res.content[0].thinking.strip()
    assert "<think>" not in "".join(b.text for b in res.content if b.type == "text")


def test_count_tokens_from_llamacpps_tokenizer(chat):
    raw = client(chat).messages.with_raw_response.count_tokens(model=CHAT_MODEL, system="Be brief.", messages=HI)
    assert raw.headers["x-relay-token-count"] == "tokenizer"
    # llm-relay gives llama.cpp the request's text: each message's role and text on their own lines
    status, tokens, _ = http_json("POST", chat.server + "/tokenize",
                                  {"content": "system\nBe brief.\nuser\nSay hello.\n", "add_special": True})
    assert status == 200
    assert raw.parse().input_tokens == len(tokens["tokens"]) > 0
