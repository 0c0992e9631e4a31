// ollama-js (npm "ollama", the official JavaScript client) against llm-relay's /api/* routes.
// Every case asserts what the client hands the application and the exact request the proxy sent
// to the scriptable backend. Scenario replies live in compat/backend/scenarios.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import {
  PROXY, CHAT_MODEL, EMBED_MODEL, FLEET_MODELS, PNG_B64, STREAM_OPTS, script, upstream, onlyUpstream, collect, tagged,
} from './helpers.mjs';

const ollama = new Ollama({ host: PROXY });

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    },
  },
};

const CHAT_DETAILS = {
  parent_model: '',
  format: '',
  family: 'qwen3',
  families: ['qwen3'],
  parameter_size: '8B',
  quantization_level: '',
  context_length: 32768,
};

function assertFinal(chunk, promptTokens, evalTokens) {
  assert.equal(chunk.done, true);
  assert.equal(chunk.done_reason, 'stop');
  assert.equal(chunk.prompt_eval_count, promptTokens);
  assert.equal(chunk.eval_count, evalTokens);
  for (const metric of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) {
    assert.ok(Number.isInteger(chunk[metric]) && chunk[metric] >= 0, `${metric} = ${chunk[metric]}`);
  }
}

test('ollama-js: list', async () => {
  await script();
  const res = await ollama.list();
  // in a fleet (compat/run.sh --fleet) the mock backends' models are listed too
  const fleet = new Set([...FLEET_MODELS].map(tagged));
  assert.deepEqual(res.models.filter((m) => !fleet.has(m.name)), [
    {
      name: 'Qwen/Qwen3-8B:latest',
      model: 'Qwen/Qwen3-8B:latest',
      modified_at: '2023-11-14T22:13:20Z',
      size: 0,
      digest: 'a82fd547628efc95bba6ce4fbe5c4c21fdfe5b815eca823db15d1df4837b1167',
      details: CHAT_DETAILS,
      capabilities: ['completion', 'tools', 'vision', 'thinking'],
    },
    {
      name: 'nomic-embed-text:latest',
      model: 'nomic-embed-text:latest',
      modified_at: '2023-11-14T22:13:20Z',
      size: 0,
      digest: 'a4134b0e39785810a45922e0b9dcf450702ce8d7d2514ef5d4c4ef3c81a08e5b',
      details: {
        parent_model: '', format: '', family: 'nomic', families: ['nomic'],
        parameter_size: '', quantization_level: '', context_length: 8192,
      },
      capabilities: ['embedding'],
    },
  ]);
  assert.deepEqual(await upstream(), []);
});

test('ollama-js: show', async () => {
  await script();
  const res = await ollama.show({ model: CHAT_MODEL });
  assert.deepEqual(res.capabilities, ['completion', 'tools', 'vision', 'thinking']);
  assert.deepEqual(res.model_info, {
    'general.architecture': 'qwen3',
    'general.basename': CHAT_MODEL,
    'qwen3.context_length': 32768,
  });
  assert.deepEqual(res.details, CHAT_DETAILS);
  assert.equal(res.modified_at, '2023-11-14T22:13:20Z');
  assert.deepEqual(await upstream(), []);
});

test('ollama-js: chat (stream:false) with options', async () => {
  await script('chat_text');
  const res = await ollama.chat({
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    stream: false,
    options: { num_predict: 64, temperature: 0.2, top_k: 20, num_ctx: 4096, mirostat: 0 },
  });
  assert.deepEqual(res.message, { role: 'assistant', content: 'Hello there!' });
  assert.equal(res.model, CHAT_MODEL);
  assertFinal(res, 11, 3);
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ],
    ...STREAM_OPTS,
    max_tokens: 64,
    temperature: 0.2,
    top_k: 20, // vLLM takes top_k; num_ctx and mirostat have no OpenAI counterpart and are dropped
  });
});

test('ollama-js: chat (stream:true)', async () => {
  await script('chat_text');
  const parts = await collect(await ollama.chat({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
  }));
  assert.deepEqual(parts.map((p) => p.message.content), ['Hel', 'lo', ' there!', '']);
  assert.ok(parts.every((p) => p.message.role === 'assistant' && p.model === CHAT_MODEL));
  assert.deepEqual(parts.map((p) => p.done), [false, false, false, true]);
  assertFinal(parts.at(-1), 11, 3);
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Hi' }],
    ...STREAM_OPTS,
  });
});

test('ollama-js: generate (stream:false) with system', async () => {
  await script('generate_text');
  const res = await ollama.generate({
    model: CHAT_MODEL,
    system: 'You are a bard.',
    prompt: 'Tell a story',
    stream: false,
    options: { num_predict: 16, seed: 7 },
  });
  assert.equal(res.response, 'Once upon a time.');
  assert.equal(res.model, CHAT_MODEL);
  assertFinal(res, 7, 3);
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: 'You are a bard.' },
      { role: 'user', content: 'Tell a story' },
    ],
    ...STREAM_OPTS,
    max_tokens: 16,
    seed: 7,
  });
});

test('ollama-js: generate (stream:true)', async () => {
  await script('generate_text');
  const parts = await collect(await ollama.generate({ model: CHAT_MODEL, prompt: 'Tell a story', stream: true }));
  assert.deepEqual(parts.map((p) => p.response), ['Once', ' upon', ' a time.', '']);
  assertFinal(parts.at(-1), 7, 3);
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Tell a story' }],
    ...STREAM_OPTS,
  });
});

test('ollama-js: embed', async () => {
  await script('embed');
  const res = await ollama.embed({ model: EMBED_MODEL, input: ['first', 'second'] });
  // backend vectors [3,4] and [0,5], sent out of order: L2-normalised and put back in input order
  assert.deepEqual(res.embeddings, [[0.6, 0.8], [0, 1]]);
  assert.equal(res.model, EMBED_MODEL);
  assert.equal(res.prompt_eval_count, 4);
  assert.deepEqual(await onlyUpstream('/v1/embeddings'), {
    model: EMBED_MODEL,
    input: ['first', 'second'],
    encoding_format: 'float',
  });
});

test('ollama-js: tool-call round trip', async () => {
  await script('tool_call', 'tool_answer');
  const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const first = await ollama.chat({ model: CHAT_MODEL, messages, tools: [WEATHER_TOOL], stream: false });
  // three argument fragments upstream, one whole call with object arguments here
  assert.deepEqual(first.message, {
    role: 'assistant',
    content: '',
    tool_calls: [{ id: 'call_compat_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }],
  });
  assert.equal(first.done_reason, 'stop');

  messages.push(first.message);
  messages.push({ role: 'tool', content: '18°C, sunny', tool_name: 'get_weather' });
  const parts = await collect(await ollama.chat({ model: CHAT_MODEL, messages, tools: [WEATHER_TOOL], stream: true }));
  assert.equal(parts.map((p) => p.message.content).join(''), 'It is 18°C and sunny in Paris.');
  assertFinal(parts.at(-1), 30, 10);

  const [req1, req2] = (await upstream()).map((r) => r.body);
  assert.deepEqual(req1, {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    ...STREAM_OPTS,
    tools: [WEATHER_TOOL],
  });
  assert.deepEqual(req2, {
    model: CHAT_MODEL,
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{
          id: 'call_compat_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        }],
      },
      { role: 'tool', content: '18°C, sunny', tool_call_id: 'call_compat_1' },
    ],
    ...STREAM_OPTS,
    tools: [WEATHER_TOOL],
  });
});

test('ollama-js: thinking (think:true, streamed)', async () => {
  await script('thinking');
  const parts = await collect(await ollama.chat({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'What is 6 times 7?' }],
    think: true,
    stream: true,
  }));
  assert.deepEqual(
    parts.map((p) => [p.message.thinking ?? '', p.message.content]),
    [['Let me', ''], [' think.', ''], ['', 'The answer'], ['', ' is 42.'], ['', '']],
  );
  assertFinal(parts.at(-1), 12, 8);
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'What is 6 times 7?' }],
    ...STREAM_OPTS,
    chat_template_kwargs: { enable_thinking: true },
  });
});

test('ollama-js: thinking (think:"high", stream:false)', async () => {
  await script('thinking');
  const res = await ollama.chat({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'What is 6 times 7?' }],
    think: 'high',
    stream: false,
  });
  assert.deepEqual(res.message, { role: 'assistant', content: 'The answer is 42.', thinking: 'Let me think.' });
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'What is 6 times 7?' }],
    ...STREAM_OPTS,
    chat_template_kwargs: { enable_thinking: true },
    reasoning_effort: 'high',
  });
});

test('ollama-js: structured output (format: JSON schema)', async () => {
  await script('structured');
  const schema = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
    required: ['name', 'age'],
  };
  const res = await ollama.chat({
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Who wrote the first program?' }],
    format: schema,
    stream: false,
  });
  assert.deepEqual(JSON.parse(res.message.content), { name: 'Ada', age: 36 });
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Who wrote the first program?' }],
    ...STREAM_OPTS,
    response_format: { type: 'json_schema', json_schema: { name: 'schema', schema } },
  });
});

test('ollama-js: image message', async () => {
  await script('image');
  const res = await ollama.chat({
    model: CHAT_MODEL,
    // raw bytes: the client base64-encodes them, the proxy makes a data URL with the sniffed type
    messages: [{ role: 'user', content: 'What is in this picture?', images: [Buffer.from(PNG_B64, 'base64')] }],
    stream: false,
  });
  assert.equal(res.message.content, 'A red pixel.');
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } },
      ],
    }],
    ...STREAM_OPTS,
  });
});

async function rejectsWithResponseError(promise, status, message) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, 'ResponseError'); // ollama-js does not export the class itself
    assert.equal(err.status_code, status);
    assert.equal(err.message, message);
    assert.equal(err.error, message);
    return true;
  });
}

test('ollama-js: error: show of an unknown model', async () => {
  await script();
  await rejectsWithResponseError(ollama.show({ model: 'no-such-model' }), 404, "model 'no-such-model' not found");
  assert.deepEqual(await upstream(), []);
});

test('ollama-js: error: chat with an unknown model (the proxy\'s 404, nothing sent)', async () => {
  await script();
  await rejectsWithResponseError(
    ollama.chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }], stream: false }),
    404,
    "model 'no-such-model' not found",
  );
  assert.deepEqual(await upstream(), []);
});

test('ollama-js: error: streamed chat with a listed model the backend refuses (backend 404)', async () => {
  await script('model_gone');
  await rejectsWithResponseError(
    (async () => collect(await ollama.chat({
      model: `${CHAT_MODEL}:latest`, messages: [{ role: 'user', content: 'Hi' }], stream: true,
    })))(),
    404,
    'backend compat answered 404: The model `Qwen/Qwen3-8B` does not exist.',
  );
  const sent = await onlyUpstream('/v1/chat/completions');
  assert.equal(sent.model, CHAT_MODEL); // Ollama's :latest tag is not sent to the backend
});

test('ollama-js: error: backend fails after the stream started', async () => {
  await script('stream_error');
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const part of await ollama.chat({
        model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true,
      })) seen.push(part.message.content);
    })(),
    // the status (200) is already sent: the proxy ends the stream with one {"error": ...} line,
    // which ollama-js turns into a plain Error
    (err) => {
      assert.equal(err.message, 'backend error: CUDA out of memory');
      return true;
    },
  );
  assert.deepEqual(seen, ['Partial']);
  await onlyUpstream('/v1/chat/completions');
});

test('ollama-js: error: backend fails during a stream:false answer', async () => {
  await script('stream_error');
  await rejectsWithResponseError(
    ollama.chat({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: false }),
    502,
    'backend error: CUDA out of memory',
  );
  await onlyUpstream('/v1/chat/completions');
});
