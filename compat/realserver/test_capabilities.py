"""Tools and thinking through llm-relay: refused for a model whose template cannot do them (as
Ollama does), carried through for the models served with templates/tools.jinja and think.jinja."""

import json

import ollama
import pytest

from conftest import CHAT_MODEL, options

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
# A 135M model calls a tool only when it has just seen how: one earlier call in the history (rendered
# by the template as <tool_call>{"name": ..., "arguments": ...}</tool_call>), then the same question
# for another city. Checked against the raw server: it answers with the call, at temperature 0.
WEATHER_HISTORY = [
    {"role": "user", "content": "What is the weather in London?"},
    {"role": "assistant", "content": "",
     "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "London"}}}]},
    {"role": "user", "content": "What is the weather in Paris?"},
]
QUESTION = [{"role": "user", "content": "What is 2+2?"}]


def test_tools_refused_by_stock_template(chat):
    with pytest.raises(ollama.ResponseError) as err:
        chat.ollama().chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}], tools=[WEATHER_TOOL],
                           options=options(8))
    assert err.value.status_code == 400
    assert "does not support tools" in err.value.error


def test_thinking_refused_by_stock_template(chat):
    with pytest.raises(ollama.ResponseError) as err:
        chat.ollama().chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}], think=True,
                           options=options(8))
    assert err.value.status_code == 400
    assert "does not support thinking" in err.value.error


def test_think(think):
    res = think.ollama().chat(model=think.model, messages=QUESTION, think=True, options=options(16))
    assert res.message.thinking and res.message.thinking.strip()  # llama.cpp's reasoning_content
    assert "<think>" not in (res.message.content or "")
    assert res.done and res.eval_count > 0


def test_think_stream(think):
    parts = list(think.ollama().chat(model=think.model, messages=QUESTION, think=True, options=options(16),
                                     stream=True))
    thinking = "".join(p.message.thinking or "" for p in parts)
    assert thinking.strip()
    assert "<think>" not in "".join(p.message.content or "" for p in parts)
    assert parts[-1].done and parts[-1].eval_count > 0


def test_think_off(think):
    """think=false reaches the template as enable_thinking=false: the <think> block is closed at once."""
    res = think.ollama().chat(model=think.model, messages=QUESTION, think=False, options=options(16))
    assert not res.message.thinking
    assert res.message.content.strip()


def assert_weather_call(calls):
    assert calls, "no tool call"
    assert calls[0].function.name == "get_weather"
    arguments = calls[0].function.arguments
    assert isinstance(arguments, dict)
    assert isinstance(arguments.get("city"), str) and arguments["city"]


def test_tool_call(tools):
    res = tools.ollama().chat(model=tools.model, messages=WEATHER_HISTORY, tools=[WEATHER_TOOL], options=options(48))
    assert_weather_call(res.message.tool_calls)
    assert res.message.tool_calls[0].function.arguments == {"city": "Paris"}
    assert res.done


def test_tool_call_stream(tools):
    parts = list(tools.ollama().chat(model=tools.model, messages=WEATHER_HISTORY, tools=[WEATHER_TOOL],
                                     options=options(48), stream=True))
    calls = [c for p in parts for c in (p.message.tool_calls or [])]
    assert len(calls) == 1
    assert_weather_call(calls)
    assert parts[-1].done


def test_openai_tool_call(tools):
    messages = [
        {"role": "user", "content": "What is the weather in London?"},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {
            "name": "get_weather", "arguments": json.dumps({"city": "London"})}}]},
        {"role": "user", "content": "What is the weather in Paris?"},
    ]
    res = tools.openai().chat.completions.create(model=tools.model, messages=messages, tools=[WEATHER_TOOL],
                                                 max_tokens=48, temperature=0, seed=42)
    choice = res.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls[0].function.name == "get_weather"
    assert json.loads(choice.message.tool_calls[0].function.arguments) == {"city": "Paris"}
