// The official OpenAI Node client (npm "openai") against llm-relay's /v1/* routes, which forward
// to the backend as bytes: the backend must receive exactly what the client sent, and the client
// must get exactly what the backend answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import {
  PROXY, CHAT_MODEL, EMBED_MODEL, FLEET_MODELS, script, upstream, onlyUpstream, collect,
} from './helpers.mjs';

const client = new OpenAI({ baseURL: `${PROXY}/v1`, apiKey: 'sk-compat', maxRetries: 0 });

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

test('openai-node: models list', async () => {
  await script();
  const models = [];
  // in a fleet (compat/run.sh --fleet) the mock backends' models are listed too
  for await (const m of client.models.list()) if (!FLEET_MODELS.has(m.id)) models.push(m);
  // answered from the proxy's catalogue, not passed through: OpenAI's four fields, and the
  // context length the backend reported (its max_model_len), for every kind of backend alike
  assert.deepEqual(models, [
    { id: CHAT_MODEL, object: 'model', created: 1700000000, owned_by: 'compat', context_length: 32768 },
    { id: EMBED_MODEL, object: 'model', created: 1700000000, owned_by: 'compat', context_length: 8192 },
  ]);
  assert.deepEqual(await upstream(), []);
});

test('openai-node: chat (non-streaming)', async () => {
  await script('oa_chat');
  const request = {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Hi' }],
    max_tokens: 32,
    temperature: 0,
  };
  const res = await client.chat.completions.create(request);
  assert.equal(res.id, 'chatcmpl-oa1');
  assert.deepEqual(res.choices[0].message, { role: 'assistant', content: 'Hello from the backend.' });
  assert.equal(res.choices[0].finish_reason, 'stop');
  assert.deepEqual(res.usage, { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 });
  const [sent] = await upstream();
  assert.deepEqual(sent.body, request);
  assert.equal(sent.path, '/v1/chat/completions');
  // no --api-key-env, --pass-client-auth (pass_client_auth in the fleet): the client's own key passes through
  assert.equal(sent.headers.authorization, 'Bearer sk-compat');
});

test('openai-node: chat (streaming, usage in a final chunk)', async () => {
  await script('oa_chat_stream');
  const request = {
    model: CHAT_MODEL,
    messages: [{ role: 'user', content: 'Hi' }],
    stream: true,
    stream_options: { include_usage: true },
  };
  const chunks = await collect(await client.chat.completions.create(request));
  assert.deepEqual(chunks.filter((c) => c.choices.length).map((c) => c.choices[0].delta.content ?? null),
    ['', 'Str', 'eam', 'ed ✓', null]);
  assert.deepEqual(chunks.map((c) => c.choices[0]?.finish_reason ?? null), [null, null, null, null, 'stop', null]);
  assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), request);
});

test('openai-node: tools (streamed argument fragments, then the tool result)', async () => {
  await script('oa_tool_call', 'oa_tool_answer');
  const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const stream = client.chat.completions.stream({ model: CHAT_MODEL, messages, tools: [WEATHER_TOOL] });
  const completion = await stream.finalChatCompletion();
  const message = completion.choices[0].message;
  assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  assert.deepEqual(message.tool_calls, [{
    id: 'call_compat_1',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city": "Paris"}' },
  }]);

  const followUp = [
    ...messages,
    { role: 'assistant', content: null, tool_calls: message.tool_calls },
    { role: 'tool', tool_call_id: 'call_compat_1', content: '18°C, sunny' },
  ];
  const answer = await client.chat.completions.create({ model: CHAT_MODEL, messages: followUp, tools: [WEATHER_TOOL] });
  assert.equal(answer.choices[0].message.content, 'Sunny, 18°C.');

  const [req1, req2] = (await upstream()).map((r) => r.body);
  assert.deepEqual(req1, { model: CHAT_MODEL, messages, tools: [WEATHER_TOOL], stream: true });
  assert.deepEqual(req2, { model: CHAT_MODEL, messages: followUp, tools: [WEATHER_TOOL] });
});

test('openai-node: embeddings', async () => {
  await script('oa_embed');
  const res = await client.embeddings.create({ model: EMBED_MODEL, input: ['alpha', 'beta'] });
  // the client asks for base64 by default and decodes the little-endian float32 itself
  assert.deepEqual(res.data.map((d) => [d.index, d.embedding]), [[0, [0.25, -0.5, 1]], [1, [2, 0, -1.5]]]);
  assert.deepEqual(res.usage, { prompt_tokens: 6, total_tokens: 6 });
  assert.deepEqual(await onlyUpstream('/v1/embeddings'), {
    model: EMBED_MODEL,
    input: ['alpha', 'beta'],
    encoding_format: 'base64',
  });
});

test('openai-node: error: backend 400 becomes BadRequestError with the backend message', async () => {
  await script('oa_bad_request');
  const request = { model: CHAT_MODEL, messages: [{ role: 'user', content: 'x'.repeat(64) }] };
  await assert.rejects(client.chat.completions.create(request), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError, `got ${err?.constructor?.name}: ${err}`);
    assert.equal(err.status, 400);
    assert.deepEqual(err.error, {
      message: "This model's maximum context length is 32768 tokens.",
      type: 'BadRequestError',
      param: 'messages',
      code: 400,
    });
    assert.equal(err.message, "400 This model's maximum context length is 32768 tokens.");
    return true;
  });
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), request);
});
