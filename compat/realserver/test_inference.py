"""Generation and embeddings through llm-relay on a real llama.cpp server: both APIs, streamed and
not, Ollama options reaching llama.cpp's sampler, structured output, embeddings."""

import json
import math

import pytest

from conftest import CHAT_MODEL, EMBED_DIM, EMBED_MODEL, SEED, options

HI = [{"role": "user", "content": "Say hello."}]


def assert_done(final):
    assert final.done is True
    assert final.done_reason in ("stop", "length")
    assert final.prompt_eval_count > 0
    assert final.eval_count > 0
    assert final.total_duration > 0


def test_ollama_chat(chat):
    res = chat.ollama().chat(model=CHAT_MODEL, messages=HI, options=options(16))
    assert res.model == CHAT_MODEL
    assert res.message.role == "assistant"
    assert res.message.content.strip()
    assert_done(res)
    assert res.eval_count <= 16


def test_ollama_chat_stream(chat):
    parts = list(chat.ollama().chat(model=CHAT_MODEL, messages=HI, options=options(16), stream=True))
    assert len(parts) >= 3
    assert [p.done for p in parts] == [False] * (len(parts) - 1) + [True]
    assert "".join(p.message.content for p in parts).strip()
    assert_done(parts[-1])


def test_ollama_generate(chat):
    res = chat.ollama().generate(model=CHAT_MODEL, prompt="The capital of France is", options=options(12))
    assert res.response.strip()
    assert_done(res)


def test_ollama_generate_stream(chat):
    parts = list(chat.ollama().generate(model=CHAT_MODEL, prompt="The capital of France is",
                                        options=options(12), stream=True))
    assert len(parts) >= 3
    assert "".join(p.response for p in parts).strip()
    assert_done(parts[-1])


def test_openai_chat(chat):
    res = chat.openai().chat.completions.create(model=CHAT_MODEL, messages=HI, max_tokens=16, temperature=0,
                                                seed=SEED)
    assert res.model == CHAT_MODEL
    assert res.choices[0].message.content.strip()
    assert res.choices[0].finish_reason in ("stop", "length")
    assert res.usage.prompt_tokens > 0 and 0 < res.usage.completion_tokens <= 16


def test_openai_chat_stream(chat):
    stream = chat.openai().chat.completions.create(model=CHAT_MODEL, messages=HI, max_tokens=16, temperature=0,
                                                   seed=SEED, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] in (
        ["stop"], ["length"])
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def changed_slot(before, after):
    """The slot that served a request between two /slots reads (its task id moved)."""
    tasks = {s["id"]: s.get("id_task") for s in before}
    changed = [s for s in after if "params" in s and s.get("id_task") != tasks.get(s["id"])]
    assert len(changed) == 1, after
    return changed[0]


def test_options_reach_llamacpp_sampler(chat):
    """top_k, min_p, repeat_penalty and typical_p are llama.cpp extras a generic OpenAI server would
    not get: seeing them in the slot's params proves the proxy recognised llama.cpp by itself."""
    before = chat.slots()
    sampling = {"top_k": 7, "min_p": 0.11, "repeat_penalty": 1.3, "typical_p": 0.9, "seed": 42, "temperature": 0,
                "num_predict": 8}
    res = chat.ollama().chat(model=CHAT_MODEL, messages=HI, options=sampling)
    assert res.done
    params = changed_slot(before, chat.slots())["params"]
    assert params["top_k"] == 7
    assert params["min_p"] == pytest.approx(0.11, abs=1e-6)
    assert params["repeat_penalty"] == pytest.approx(1.3, abs=1e-6)
    assert params["typical_p"] == pytest.approx(0.9, abs=1e-6)
    assert params["seed"] == 42
    assert params["temperature"] == 0
    assert params["n_predict"] == 8


PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


def test_structured_output(chat):
    res = chat.ollama().chat(model=CHAT_MODEL, format=PERSON, options=options(48),
                             messages=[{"role": "user", "content": "Describe a person as JSON."}])
    person = json.loads(res.message.content)
    assert isinstance(person["name"], str)
    assert isinstance(person["age"], int) and not isinstance(person["age"], bool)


def norm(vector):
    return math.sqrt(sum(v * v for v in vector))


def test_ollama_embed(embed):
    res = embed.ollama().embed(model=EMBED_MODEL, input=["a", "b"])
    assert res.model == EMBED_MODEL
    assert len(res.embeddings) == 2
    assert [len(v) for v in res.embeddings] == [EMBED_DIM, EMBED_DIM]
    for vector in res.embeddings:
        assert norm(vector) == pytest.approx(1.0, abs=1e-3)
    assert list(res.embeddings[0]) != list(res.embeddings[1])


def test_openai_embeddings(embed):
    res = embed.openai().embeddings.create(model=EMBED_MODEL, input=["a", "b"])
    assert [d.index for d in res.data] == [0, 1]
    assert [len(d.embedding) for d in res.data] == [EMBED_DIM, EMBED_DIM]
    assert norm(res.data[0].embedding) == pytest.approx(1.0, abs=1e-3)
    assert res.usage.prompt_tokens > 0
