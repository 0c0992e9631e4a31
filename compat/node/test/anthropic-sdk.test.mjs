// The official Anthropic Node client (npm "@anthropic-ai/sdk") against llm-relay's /v1/messages,
// which the proxy translates to the backend's chat completions and back: the backend must receive
// the OpenAI request the Messages request means, and the client's own parsers and stream helpers
// (MessageStream: finalMessage(), the text and inputJson events) must accept what comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { PROXY, CHAT_MODEL, script, upstream, onlyUpstream, collect } from './helpers.mjs';

// the SDK adds /v1/messages to its base URL, as it does for api.anthropic.com
const client = new Anthropic({ baseURL: PROXY, apiKey: 'sk-ant-compat', maxRetries: 0 });

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const OPENAI_WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_TOOL.input_schema },
};
const TIME_TOOL = { name: 'get_time', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const HI = [{ role: 'user', content: 'Hi' }];
const STREAMED = { stream: true, stream_options: { include_usage: true } };

test('anthropic-sdk: messages.create', async () => {
  await script('chat_text');
  // older clients (and tools built on them) send the key as x-api-key: this one sends both
  const res = await client.messages.create({
    model: CHAT_MODEL, max_tokens: 64, system: [{ type: 'text', text: 'Be brief.' }], messages: HI, temperature: 0,
  }, { headers: { 'x-api-key': 'sk-ant-compat', 'anthropic-version': '2023-06-01' } });
  assert.match(res.id, /^msg_[0-9A-Za-z]{24}$/);
  assert.deepEqual({ ...res, id: 'msg' }, {
    id: 'msg', type: 'message', role: 'assistant', model: CHAT_MODEL,
    content: [{ type: 'text', text: 'Hello there!' }],
    stop_reason: 'end_turn', stop_sequence: null,
    usage: { input_tokens: 11, output_tokens: 3 },
  });
  const [sent] = await upstream();
  assert.equal(sent.path, '/v1/chat/completions');
  assert.deepEqual(sent.body, {
    model: CHAT_MODEL,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
    ...STREAMED,
    max_tokens: 64,
    temperature: 0,
  });
  // an x-api-key is the proxy's business, never a backend's; the SDK's Authorization: Bearer is passed on
  // only because the compat proxy passes clients' own Authorization (--pass-client-auth)
  assert.equal(sent.headers['x-api-key'], undefined);
  assert.equal(sent.headers['anthropic-version'], undefined);
  assert.equal(sent.headers.authorization, 'Bearer sk-ant-compat');
});

test('anthropic-sdk: stream: true gives the raw events in order', async () => {
  await script('chat_text');
  const events = await collect(await client.messages.create({ model: CHAT_MODEL, max_tokens: 64, messages: HI, stream: true }));
  assert.deepEqual(events.map((e) => e.type), ['message_start', 'content_block_start', 'content_block_delta',
    'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  assert.deepEqual(events[1], { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  assert.deepEqual(events.slice(2, 5).map((e) => e.delta.text), ['Hel', 'lo', ' there!']);
  assert.deepEqual(events[6], { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { input_tokens: 11, output_tokens: 3 } });
});

test('anthropic-sdk: messages.stream() text events and finalMessage()', async () => {
  await script('chat_text');
  const texts = [];
  const stream = client.messages.stream({ model: CHAT_MODEL, max_tokens: 64, messages: HI })
    .on('text', (delta) => texts.push(delta));
  const final = await stream.finalMessage();
  assert.deepEqual(texts, ['Hel', 'lo', ' there!']);
  assert.deepEqual(final.content, [{ type: 'text', text: 'Hello there!' }]);
  assert.equal(final.stop_reason, 'end_turn');
  assert.deepEqual(final.usage, { input_tokens: 11, output_tokens: 3 });
  assert.equal(await stream.finalText(), 'Hello there!');
});

test('anthropic-sdk: tools round trip, arguments in fragments', async () => {
  await script('tool_call', 'tool_answer');
  const question = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const pieces = [];
  const stream = client.messages.stream({ model: CHAT_MODEL, max_tokens: 128, messages: question, tools: [WEATHER_TOOL] })
    .on('inputJson', (partial) => pieces.push(partial));
  const first = await stream.finalMessage();
  assert.deepEqual(pieces, ['{"city":', ' "Par', 'is"}']);
  assert.equal(first.stop_reason, 'tool_use');
  assert.deepEqual(first.content, [{ type: 'tool_use', id: 'call_compat_1', name: 'get_weather', input: { city: 'Paris' } }]);

  const answer = await client.messages.create({
    model: CHAT_MODEL, max_tokens: 128, tools: [WEATHER_TOOL],
    messages: [...question, { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_compat_1', content: [{ type: 'text', text: '18°C, sunny' }] }] }],
  });
  assert.deepEqual(answer.content, [{ type: 'text', text: 'It is 18°C and sunny in Paris.' }]);

  const [req1, req2] = (await upstream()).map((r) => r.body);
  assert.deepEqual(req1, { model: CHAT_MODEL, messages: question, ...STREAMED, max_tokens: 128, tools: [OPENAI_WEATHER_TOOL] });
  assert.deepEqual(req2.messages.slice(1), [
    { role: 'assistant', content: '', tool_calls: [{ id: 'call_compat_1', type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', content: '18°C, sunny', tool_call_id: 'call_compat_1' },
  ]);
});

test('anthropic-sdk: two calls whose fragments interleave become two whole tool_use blocks', async () => {
  await script('tool_calls_parallel');
  const final = await client.messages.stream({
    model: CHAT_MODEL, max_tokens: 128, messages: HI, tools: [WEATHER_TOOL, TIME_TOOL],
    tool_choice: { type: 'tool', name: 'get_weather' },
  }).finalMessage();
  assert.deepEqual(final.content, [
    { type: 'tool_use', id: 'call_compat_w', name: 'get_weather', input: { city: 'Paris' } },
    { type: 'tool_use', id: 'call_compat_t', name: 'get_time', input: { city: 'Paris' } },
  ]);
  assert.deepEqual((await onlyUpstream('/v1/chat/completions')).tool_choice,
    { type: 'function', function: { name: 'get_weather' } });
});

test('anthropic-sdk: thinking', async () => {
  await script('thinking');
  const thinking = [];
  const final = await client.messages.stream({
    model: CHAT_MODEL, max_tokens: 20000, messages: HI, thinking: { type: 'enabled', budget_tokens: 16000 },
  }).on('thinking', (delta) => thinking.push(delta)).finalMessage();
  assert.deepEqual(thinking, ['Let me', ' think.']);
  assert.deepEqual(final.content, [
    { type: 'thinking', thinking: 'Let me think.', signature: '' },
    { type: 'text', text: 'The answer is 42.' },
  ]);
  const sent = await onlyUpstream('/v1/chat/completions');
  assert.deepEqual([sent.chat_template_kwargs, sent.reasoning_effort], [{ enable_thinking: true }, 'medium']);
});

test('anthropic-sdk: structured output is a JSON schema for the backend', async () => {
  await script('structured');
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } },
    required: ['name', 'age'], additionalProperties: false };
  const res = await client.messages.create({ model: CHAT_MODEL, max_tokens: 64, messages: HI,
    output_config: { format: { type: 'json_schema', schema } } });
  assert.deepEqual(JSON.parse(res.content[0].text), { name: 'Ada', age: 36 });
  assert.deepEqual((await onlyUpstream('/v1/chat/completions')).response_format,
    { type: 'json_schema', json_schema: { name: 'schema', schema } });
});

test('anthropic-sdk: stop_sequence and max_tokens', async () => {
  await script('an_stop_sequence');
  const stopped = await client.messages.create({ model: CHAT_MODEL, max_tokens: 64, messages: HI, stop_sequences: ['4'] });
  assert.deepEqual([stopped.stop_reason, stopped.stop_sequence], ['stop_sequence', '4']);
  assert.deepEqual((await onlyUpstream('/v1/chat/completions')).stop, ['4']);

  await script('an_max_tokens');
  const cut = await client.messages.stream({ model: CHAT_MODEL, max_tokens: 2, messages: HI }).finalMessage();
  assert.deepEqual([cut.stop_reason, cut.content[0].text], ['max_tokens', 'Once upon a']);
  await upstream();
});

test('anthropic-sdk: countTokens from the backend\'s tokenizer', async () => {
  await script('an_count_tokens');
  const { data, response } = await client.messages.countTokens({ model: CHAT_MODEL, messages: HI }).withResponse();
  assert.deepEqual(data, { input_tokens: 42 });
  assert.equal(response.headers.get('x-relay-token-count'), 'tokenizer');
  assert.deepEqual(await onlyUpstream('/tokenize'), {
    model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hi' }], add_generation_prompt: true });
});

test('anthropic-sdk: errors are the SDK\'s own error classes', async () => {
  await script();
  await assert.rejects(client.messages.create({ model: 'no-such-model', max_tokens: 8, messages: HI }), (err) => {
    assert.ok(err instanceof Anthropic.NotFoundError);
    assert.equal(err.status, 404);
    assert.deepEqual(err.error, { type: 'error', error: { type: 'not_found_error', message: "model 'no-such-model' not found" } });
    return true;
  });
  await assert.rejects(client.messages.create({ model: CHAT_MODEL, max_tokens: 8, messages: HI,
    tools: [{ type: 'bash_20250124', name: 'bash' }] }), (err) => {
    assert.ok(err instanceof Anthropic.BadRequestError);
    assert.equal(err.error.error.type, 'invalid_request_error');
    assert.match(err.error.error.message, /^tools\[0\]\.type: tool type "bash_20250124" is not supported/);
    return true;
  });
  assert.deepEqual(await upstream(), []);

  await script('oa_bad_request');
  await assert.rejects(client.messages.create({ model: CHAT_MODEL, max_tokens: 8, messages: HI }), (err) => {
    assert.ok(err instanceof Anthropic.BadRequestError);
    assert.equal(err.error.error.message, "backend compat answered 400: This model's maximum context length is 32768 tokens.");
    return true;
  });
  await upstream();
});

test('anthropic-sdk: a failure mid-stream rejects the stream helper', async () => {
  await script('stream_error');
  const texts = [];
  const stream = client.messages.stream({ model: CHAT_MODEL, max_tokens: 64, messages: HI })
    .on('text', (delta) => texts.push(delta));
  await assert.rejects(stream.finalMessage(), (err) => {
    assert.ok(err instanceof Anthropic.APIError);
    assert.deepEqual(err.error, { type: 'error', error: { type: 'api_error', message: 'backend error: CUDA out of memory' } });
    return true;
  });
  assert.deepEqual(texts, ['Partial']);
  await upstream();
});
