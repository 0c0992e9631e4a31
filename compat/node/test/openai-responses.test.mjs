// The official OpenAI Node client (npm "openai") against llm-relay's /v1/responses, which the proxy
// translates onto the backend's chat completions (stateless, as Ollama serves it). Every case asserts
// what the client hands the application — through the SDK's own stream accumulator where it streams —
// and the exact chat request the backend received. Scenario replies: compat/backend/scenarios.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { PROXY, CHAT_MODEL, script, upstream, onlyUpstream, collect } from './helpers.mjs';

const client = new OpenAI({ baseURL: `${PROXY}/v1`, apiKey: 'sk-compat', maxRetries: 0 });

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: true,
};
const CHAT_WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: true,
  },
};
const STREAMED = { stream: true, stream_options: { include_usage: true } };

test('openai-node responses: create (plain), output_text and usage', async () => {
  await script('chat_text');
  const res = await client.responses.create({
    model: CHAT_MODEL, instructions: 'Be brief.', input: 'Hi', max_output_tokens: 32, temperature: 0,
  });
  assert.equal(res.object, 'response');
  assert.match(res.id, /^resp_/);
  assert.equal(res.status, 'completed');
  assert.equal(res.model, CHAT_MODEL);
  assert.equal(res.output_text, 'Hello there!');
  assert.equal(res.output.length, 1);
  assert.equal(res.output[0].type, 'message');
  assert.deepEqual(res.output[0].content, [{ type: 'output_text', text: 'Hello there!', annotations: [], logprobs: [] }]);
  assert.equal(res.instructions, 'Be brief.');
  assert.equal(res.max_output_tokens, 32);
  assert.deepEqual(res.usage, {
    input_tokens: 11, input_tokens_details: { cache_write_tokens: 0, cached_tokens: 0 },
    output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14,
  });
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
    ...STREAMED, max_tokens: 32, temperature: 0,
  });
});

test('openai-node responses: stream:true gives the typed events, numbered, in order', async () => {
  await script('chat_text');
  const events = await collect(await client.responses.create({ model: CHAT_MODEL, input: 'Hi', stream: true }));
  assert.deepEqual(events.map((e) => e.type), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta',
    'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
  ]);
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  assert.deepEqual(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta),
    ['Hel', 'lo', ' there!']);
  assert.equal(events.at(-1).response.output[0].content[0].text, 'Hello there!');
  assert.deepEqual(await onlyUpstream('/v1/chat/completions'), {
    model: CHAT_MODEL, messages: [{ role: 'user', content: 'Hi' }], ...STREAMED,
  });
});

test('openai-node responses: the stream helper accumulates the events into finalResponse()', async () => {
  await script('chat_text');
  const stream = client.responses.stream({ model: CHAT_MODEL, input: [{ role: 'user', content: 'Hi' }] });
  const deltas = [];
  stream.on('response.output_text.delta', (e) => deltas.push([e.delta, e.snapshot]));
  const final = await stream.finalResponse();
  assert.deepEqual(deltas, [['Hel', 'Hel'], ['lo', 'Hello'], [' there!', 'Hello there!']]);
  assert.equal(final.output_text, 'Hello there!');
  assert.equal(final.status, 'completed');
  await onlyUpstream('/v1/chat/completions');
});

test('openai-node responses: function tools round trip (argument fragments streamed, then the output)', async () => {
  await script('tool_call', 'tool_answer');
  const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const stream = client.responses.stream({ model: CHAT_MODEL, input, tools: [WEATHER_TOOL] });
  const fragments = [];
  stream.on('response.function_call_arguments.delta', (e) => fragments.push(e.delta));
  const first = await stream.finalResponse();
  assert.deepEqual(fragments, ['{"city":', ' "Par', 'is"}']);
  assert.equal(first.output.length, 1);
  const call = first.output[0];
  assert.equal(call.type, 'function_call');
  assert.equal(call.call_id, 'call_compat_1');
  assert.equal(call.name, 'get_weather');
  assert.equal(call.arguments, '{"city": "Paris"}');
  assert.equal(call.status, 'completed');
  assert.deepEqual(first.tools.map((t) => t.name), ['get_weather']);

  const answer = await client.responses.create({
    model: CHAT_MODEL,
    tools: [WEATHER_TOOL],
    input: [...input, call, { type: 'function_call_output', call_id: call.call_id, output: '18°C, sunny' }],
  });
  assert.equal(answer.output_text, 'It is 18°C and sunny in Paris.');

  const [req1, req2] = (await upstream()).map((r) => r.body);
  assert.deepEqual(req1, { model: CHAT_MODEL, messages: input, ...STREAMED, tools: [CHAT_WEATHER_TOOL] });
  assert.deepEqual(req2.messages, [
    ...input,
    { role: 'assistant', content: '', tool_calls: [{
      id: 'call_compat_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
    { role: 'tool', content: '18°C, sunny', tool_call_id: 'call_compat_1' },
  ]);
});

test('openai-node responses: reasoning comes first as a reasoning item with its summary', async () => {
  await script('thinking');
  const stream = client.responses.stream({ model: CHAT_MODEL, input: 'Meaning of life?', reasoning: { effort: 'high' } });
  const summary = [];
  stream.on('response.reasoning_summary_text.delta', (e) => summary.push(e.delta));
  const final = await stream.finalResponse();
  assert.deepEqual(summary, ['Let me', ' think.']);
  assert.deepEqual(final.output.map((o) => o.type), ['reasoning', 'message']);
  assert.deepEqual(final.output[0].summary, [{ type: 'summary_text', text: 'Let me think.' }]);
  assert.equal(final.output_text, 'The answer is 42.');
  assert.deepEqual(final.reasoning, { effort: 'high', summary: null });
  const sent = await onlyUpstream('/v1/chat/completions');
  assert.deepEqual(sent.chat_template_kwargs, { enable_thinking: true });
  assert.equal(sent.reasoning_effort, 'high');
});

test('openai-node responses: text.format json_schema becomes response_format', async () => {
  await script('structured');
  const schema = {
    type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } },
    required: ['name', 'age'], additionalProperties: false,
  };
  const res = await client.responses.create({
    model: CHAT_MODEL, input: 'Who wrote the first program?',
    text: { format: { type: 'json_schema', name: 'person', schema, strict: true } },
  });
  assert.deepEqual(JSON.parse(res.output_text), { name: 'Ada', age: 36 });
  assert.deepEqual(res.text.format, { type: 'json_schema', name: 'person', schema, strict: true });
  const sent = await onlyUpstream('/v1/chat/completions');
  assert.deepEqual(sent.response_format, { type: 'json_schema', json_schema: { name: 'schema', schema } });
});

test('openai-node responses: an answer cut at max_output_tokens is incomplete', async () => {
  await script('resp_length');
  const res = await client.responses.create({ model: CHAT_MODEL, input: 'Tell me a story', max_output_tokens: 2 });
  assert.equal(res.status, 'incomplete');
  assert.deepEqual(res.incomplete_details, { reason: 'max_output_tokens' });
  assert.equal(res.output_text, 'Once upon');
  assert.equal((await onlyUpstream('/v1/chat/completions')).max_tokens, 2);
});

test('openai-node responses: errors (404 model, 400 previous_response_id, 404 retrieve)', async () => {
  await script();
  await assert.rejects(client.responses.create({ model: 'no-such-model', input: 'Hi' }), (err) => {
    assert.ok(err instanceof OpenAI.NotFoundError, `got ${err?.constructor?.name}: ${err}`);
    assert.equal(err.error.message, "model 'no-such-model' not found");
    return true;
  });
  await assert.rejects(client.responses.create({ model: CHAT_MODEL, input: 'Hi', previous_response_id: 'resp_1' }),
    (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError, `got ${err?.constructor?.name}: ${err}`);
      assert.match(err.message, /previous_response_id is not supported: llm-relay serves the Responses API statelessly/);
      return true;
    });
  await assert.rejects(client.responses.retrieve('resp_123'), (err) => {
    assert.ok(err instanceof OpenAI.NotFoundError, `got ${err?.constructor?.name}: ${err}`);
    assert.match(err.message, /response 'resp_123' not found/);
    return true;
  });
  assert.deepEqual(await upstream(), []);
});

test('openai-node responses: a backend failing mid-stream ends in response.failed, raised as an APIError', async () => {
  await script('stream_error');
  const events = [];
  await assert.rejects((async () => {
    for await (const e of await client.responses.create({ model: CHAT_MODEL, input: 'Hi', stream: true })) {
      events.push(e);
    }
  })(), (err) => {
    assert.ok(err instanceof OpenAI.APIError, `got ${err?.constructor?.name}: ${err}`);
    assert.match(err.message, /CUDA out of memory/);
    return true;
  });
  assert.deepEqual(events.slice(-2).map((e) => e.type), ['response.output_text.delta', 'response.failed']);
  assert.equal(events.at(-1).response.status, 'failed');
  assert.match(events.at(-1).response.error.message, /CUDA out of memory/);

  await script('stream_error');
  await assert.rejects(client.responses.stream({ model: CHAT_MODEL, input: 'Hi' }).finalResponse(),
    (err) => err instanceof OpenAI.APIError && /CUDA out of memory/.test(err.message));
});
