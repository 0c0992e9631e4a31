"""Named reply scripts for the compat backend, shared by the Node, Python and JVM suites.

A test queues one with ``POST /__script {"scenario": "<name>"}`` (or sends its own ``replies``)
and then asserts what its client saw. Each scenario is a list of replies, one per upstream
request, in order. A reply is one of:

* ``{"sse": [event, ...]}`` -- a ``text/event-stream`` answer, each event flushed on its own
  (an event is a JSON value, sent as ``data: <json>``, or a raw string sent as is), then
  ``data: [DONE]`` unless ``"done": false``;
* ``{"json": value, "status": n}`` -- one JSON body;
* ``{"body": "text", "status": n, "content_type": "..."}`` -- anything else.

``"path"`` in a reply is the upstream path it answers; a request to another path gets a 500
so that a test fails instead of silently taking the wrong reply.

The numbers and texts here are what the tests assert; change them together.
"""

import base64
import struct

CHAT_MODEL = "Qwen/Qwen3-8B"
EMBED_MODEL = "nomic-embed-text"
CREATED = 1700000000

# What /v1/models answers: a vLLM-style list with the metadata the proxy derives /api/show from
# (max_model_len -> context length, supported_parameters -> tools/thinking,
# architecture.input_modalities -> vision).
MODELS = {
    "object": "list",
    "data": [
        {
            "id": CHAT_MODEL,
            "object": "model",
            "created": CREATED,
            "owned_by": "compat",
            "root": CHAT_MODEL,
            "max_model_len": 32768,
            "supported_parameters": ["tools", "reasoning", "response_format", "max_tokens", "temperature"],
            "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        },
        {
            "id": EMBED_MODEL,
            "object": "model",
            "created": CREATED,
            "owned_by": "compat",
            "root": EMBED_MODEL,
            "max_model_len": 8192,
        },
    ],
}


def chunk(delta, finish=None, model=CHAT_MODEL):
    return {
        "id": "chatcmpl-compat",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def usage(prompt, completion, model=CHAT_MODEL):
    return {
        "id": "chatcmpl-compat",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "choices": [],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }


def text_stream(parts, prompt, completion, reasoning=()):
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"reasoning_content": r}) for r in reasoning]
    events += [chunk({"content": p}) for p in parts]
    events.append(chunk({}, "stop"))
    events.append(usage(prompt, completion))
    return {"path": "/v1/chat/completions", "sse": events}


def tool_call_stream():
    """get_weather({"city": "Paris"}), its arguments cut into three fragments across events."""
    return {"path": "/v1/chat/completions", "sse": [
        chunk({"role": "assistant", "content": None, "tool_calls": [
            {"index": 0, "id": "call_compat_1", "type": "function",
             "function": {"name": "get_weather", "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": " \"Par"}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": "is\"}"}}]}),
        chunk({}, "tool_calls"),
        usage(20, 9),
    ]}


def parallel_tool_calls_stream():
    """get_weather and get_time for Paris in one answer, their fragments interleaved by index."""
    return {"path": "/v1/chat/completions", "sse": [
        chunk({"role": "assistant", "content": None, "tool_calls": [
            {"index": 0, "id": "call_compat_w", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\""}}]}),
        chunk({"tool_calls": [{"index": 1, "id": "call_compat_t", "type": "function",
                               "function": {"name": "get_time", "arguments": "{\"city\": "}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": ": \"Paris\"}"}}]}),
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": "\"Paris\"}"}}]}),
        chunk({}, "tool_calls"),
        usage(25, 18),
    ]}


def stopped_stream(parts, finish, stop_reason=None):
    """Text, then a finish chunk with vLLM's stop_reason (the stop string that matched), then usage."""
    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": p}) for p in parts]
    last = chunk({}, finish)
    last["choices"][0]["stop_reason"] = stop_reason
    events.append(last)
    events.append(usage(10, len(parts)))
    return {"path": "/v1/chat/completions", "sse": events}


def float32_b64(values):
    return base64.b64encode(struct.pack("<%df" % len(values), *values)).decode("ascii")


SCENARIOS = {
    # Ollama clients (/api/*, translated by the proxy)
    "chat_text": [text_stream(["Hel", "lo", " there!"], 11, 3)],
    "generate_text": [text_stream(["Once", " upon", " a time."], 7, 3)],
    "tool_call": [tool_call_stream()],
    "tool_calls_parallel": [parallel_tool_calls_stream()],
    "tool_answer": [text_stream(["It is 18\u00b0C", " and sunny in Paris."], 30, 10)],
    "thinking": [text_stream(["The answer", " is 42."], 12, 8, reasoning=["Let me", " think."])],
    "structured": [text_stream(["{\"name\": \"Ada\", ", "\"age\": 36}"], 15, 9)],
    "image": [text_stream(["A red", " pixel."], 40, 4)],
    "embed": [{"path": "/v1/embeddings", "json": {
        "object": "list",
        # deliberately out of order: the proxy must order by index
        "data": [
            {"object": "embedding", "index": 1, "embedding": [0.0, 5.0]},
            {"object": "embedding", "index": 0, "embedding": [3.0, 4.0]},
        ],
        "model": EMBED_MODEL,
        "usage": {"prompt_tokens": 4, "total_tokens": 4},
    }}],
    # a backend that fails after the stream started: one token, then an error event, no [DONE]
    "stream_error": [{"path": "/v1/chat/completions", "done": False, "sse": [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Partial"}),
        {"error": {"message": "CUDA out of memory", "type": "InternalServerError", "param": None, "code": 500}},
    ]}],
    # a listed model the backend no longer serves (unloaded between two reads of its list)
    "model_gone": [{"path": "/v1/chat/completions", "status": 404, "json": {
        "error": {"message": "The model `Qwen/Qwen3-8B` does not exist.", "type": "NotFoundError",
                  "param": None, "code": 404}}}],
    # Anthropic clients (/v1/messages, translated by the proxy)
    "an_stop_sequence": [stopped_stream(["1, 2, 3, "], "stop", "4")],
    "an_max_tokens": [stopped_stream(["Once upon", " a"], "length")],
    # /v1/messages/count_tokens: the proxy asks the (vLLM-type) backend's tokenizer at its root
    "an_count_tokens": [{"path": "/tokenize", "json": {"count": 42, "max_model_len": 32768, "tokens": list(range(42)),
                                                       "token_strs": None}}],
    # OpenAI clients (/v1/*, passed through as bytes)
    "oa_chat": [{"path": "/v1/chat/completions", "json": {
        "id": "chatcmpl-oa1", "object": "chat.completion", "created": CREATED, "model": CHAT_MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the backend."},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14},
    }}],
    "oa_chat_stream": [{"path": "/v1/chat/completions", "sse": [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Str"}),
        chunk({"content": "eam"}),
        chunk({"content": "ed \u2713"}),
        chunk({}, "stop"),
        usage(9, 4),
    ]}],
    "oa_tool_call": [tool_call_stream()],
    "oa_tool_answer": [{"path": "/v1/chat/completions", "json": {
        "id": "chatcmpl-oa2", "object": "chat.completion", "created": CREATED, "model": CHAT_MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Sunny, 18\u00b0C."},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 30, "completion_tokens": 6, "total_tokens": 36},
    }}],
    "oa_embed": [{"path": "/v1/embeddings", "json": {
        "object": "list",
        "data": [
            {"object": "embedding", "index": 0, "embedding": float32_b64([0.25, -0.5, 1.0])},
            {"object": "embedding", "index": 1, "embedding": float32_b64([2.0, 0.0, -1.5])},
        ],
        "model": EMBED_MODEL,
        "usage": {"prompt_tokens": 6, "total_tokens": 6},
    }}],
    "oa_embed_float": [{"path": "/v1/embeddings", "json": {
        "object": "list",
        "data": [
            {"object": "embedding", "index": 0, "embedding": [0.25, -0.5, 1.0]},
            {"object": "embedding", "index": 1, "embedding": [2.0, 0.0, -1.5]},
        ],
        "model": EMBED_MODEL,
        "usage": {"prompt_tokens": 6, "total_tokens": 6},
    }}],
    "oa_bad_request": [{"path": "/v1/chat/completions", "status": 400, "json": {
        "error": {"message": "This model's maximum context length is 32768 tokens.",
                  "type": "BadRequestError", "param": "messages", "code": 400}}}],
    # OpenAI Responses clients (/v1/responses, translated onto chat completions); they also reuse the
    # chat scenarios above (chat_text, tool_call, tool_answer, thinking, structured, stream_error)
    "resp_length": [{"path": "/v1/chat/completions", "sse": [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Once upon"}),
        chunk({}, "length"),
        usage(7, 2),
    ]}],
}
