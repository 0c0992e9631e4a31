"""The model catalogue through llm-relay: /api/tags, /api/show, /api/ps and /v1/models[/id], built
from what llama.cpp reports (/v1/models meta, /props), and the proxy's own check of model names."""

import time

import ollama
import openai
import pytest

from conftest import (CHAT_MODEL, EMBED_MODEL, MODEL_SIZE, N_CTX_TRAIN, SLOT_CTX, UNKNOWN_MODEL, http_json,
                      options)


def test_list_describes_the_gguf(chat):
    client = chat.ollama()
    first = client.list()
    assert [m.model for m in first.models] == [CHAT_MODEL + ":latest"]
    model = first.models[0]
    assert model.size == MODEL_SIZE  # llama.cpp's meta.size
    assert model.details.format == "gguf"
    assert model.details.quantization_level == "Q4_1"  # meta.ftype
    assert model.details.parameter_size == "134.52M"  # Ollama's HumanNumber of meta.n_params (134515008)
    assert model.modified_at is not None


def test_list_modified_at_is_stable(chat):
    """llama.cpp's `created` is the time of each /v1/models call; the proxy re-reads the list every
    second here, and a model's modified_at must not move with it."""
    client = chat.ollama()
    before = client.list().models[0].modified_at
    time.sleep(2.5)
    after = client.list().models[0].modified_at
    assert before is not None
    assert after == before


def show_model_info(res):
    arch = res.modelinfo["general.architecture"]
    assert isinstance(arch, str) and arch
    return arch, res.modelinfo


def test_show_stock_template(chat):
    res = chat.ollama().show(CHAT_MODEL)
    # SmolLM2's own template renders no tools (/props chat_template_caps.supports_tools false), no <think>
    assert res.capabilities == ["completion"]
    arch, info = show_model_info(res)
    assert info[arch + ".context_length"] == N_CTX_TRAIN  # meta.n_ctx_train, not the slot's 2048
    assert res.details.format == "gguf"
    assert res.details.quantization_level == "Q4_1"


def test_show_tools_template(tools):
    res = tools.ollama().show(tools.model)
    assert "completion" in res.capabilities
    assert "tools" in res.capabilities  # /props chat_template_caps.supports_tools true
    assert "thinking" not in res.capabilities
    arch, info = show_model_info(res)
    assert info[arch + ".context_length"] == N_CTX_TRAIN


def test_show_think_template(think):
    res = think.ollama().show(think.model)
    assert "completion" in res.capabilities
    assert "thinking" in res.capabilities  # the template opens <think>
    assert "tools" not in res.capabilities  # ... and renders no tools
    arch, info = show_model_info(res)
    assert info[arch + ".context_length"] == N_CTX_TRAIN


def test_show_embedding_model(embed):
    res = embed.ollama().show(EMBED_MODEL)
    assert res.capabilities == ["embedding"]
    arch, info = show_model_info(res)
    assert info[arch + ".context_length"] == N_CTX_TRAIN


def test_ps_reports_the_slot_context(chat):
    client = chat.ollama()
    try:  # refused (404) by the proxy; it must not show up in ps either way
        client.chat(model=UNKNOWN_MODEL, messages=[{"role": "user", "content": "Hi"}], options=options(8))
    except ollama.ResponseError:
        pass
    res = client.chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}], options=options(8))
    assert res.done
    running = client.ps().models
    assert [m.model for m in running] == [CHAT_MODEL + ":latest"]  # never the unknown model
    assert running[0].context_length == SLOT_CTX  # what one request can use: /props n_ctx
    assert running[0].expires_at is not None


def assert_not_found(call):
    with pytest.raises(ollama.ResponseError) as err:
        call()
    assert err.value.status_code == 404
    assert err.value.error == "model '%s' not found" % UNKNOWN_MODEL


def test_unknown_model_ollama_api(chat):
    """llama.cpp answers any model name with its one model; the proxy checks its own catalogue."""
    client = chat.ollama()
    assert_not_found(lambda: client.chat(model=UNKNOWN_MODEL, messages=[{"role": "user", "content": "Hi"}],
                                         options=options(8)))
    assert_not_found(lambda: client.generate(model=UNKNOWN_MODEL, prompt="Hi", options=options(8)))
    assert_not_found(lambda: client.embed(model=UNKNOWN_MODEL, input="Hi"))
    assert_not_found(lambda: client.show(UNKNOWN_MODEL))


def test_unknown_model_openai_api(chat):
    status, body, _ = http_json("POST", chat.server + "/v1/chat/completions", {
        "model": UNKNOWN_MODEL, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1})
    assert status == 200, body  # the raw server does not care about the name
    client = chat.openai()
    with pytest.raises(openai.NotFoundError) as err:
        client.chat.completions.create(model=UNKNOWN_MODEL, messages=[{"role": "user", "content": "Hi"}],
                                       max_tokens=8, temperature=0, seed=42)
    assert err.value.status_code == 404
    assert UNKNOWN_MODEL in str(err.value)
    with pytest.raises(openai.NotFoundError) as err:
        client.models.retrieve(UNKNOWN_MODEL)
    assert err.value.status_code == 404


def test_openai_models_retrieve(chat):
    status, _, _ = http_json("GET", chat.server + "/v1/models/" + CHAT_MODEL)
    assert status == 404  # llama.cpp has no /v1/models/{id}; the proxy answers it from the list
    model = chat.openai().models.retrieve(CHAT_MODEL)
    assert model.id == CHAT_MODEL
    assert model.object == "model"
    listed = [m.id for m in chat.openai().models.list()]
    assert listed == [CHAT_MODEL]
