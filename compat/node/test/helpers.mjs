// Shared plumbing for the Node suites: where the proxy and the scriptable backend are, and how to
// script the backend and read back what it received. compat/run.sh sets both URLs.
import assert from 'node:assert/strict';

export const PROXY = required('COMPAT_PROXY_URL');
export const BACKEND = required('COMPAT_BACKEND_URL');

export const CHAT_MODEL = 'Qwen/Qwen3-8B';
export const EMBED_MODEL = 'nomic-embed-text';

/**
 * compat/run.sh --fleet: the model ids the two mock backends add to the catalogue, from
 * RELAY_COMPAT_FLEET ("mock-a=m1,m2 mock-b=m2,m3"); empty when the proxy serves the scriptable
 * backend alone. A model list then holds these too (the Python suite's test_fleet.py checks them).
 */
export const FLEET_MODELS = new Set((process.env.RELAY_COMPAT_FLEET ?? '').split(/\s+/).filter(Boolean)
  .flatMap((entry) => entry.slice(entry.indexOf('=') + 1).split(',')));

/** A model id as /api/tags lists it: Ollama's ":latest" added when there is no tag. */
export function tagged(name) {
  return name.split('/').at(-1).includes(':') ? name : `${name}:latest`;
}
/** A 1x1 PNG; the proxy must sniff it as image/png. */
export const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite through compat/run.sh`);
  return v.replace(/\/$/, '');
}

async function control(method, path, body) {
  const res = await fetch(BACKEND + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(res.status, 200, `backend control ${path} answered ${res.status}`);
  return res.json();
}

/** Forgets earlier scripts and requests, then queues the named scenarios (compat/backend/scenarios.py). */
export async function script(...scenarios) {
  await control('POST', '/__reset');
  for (const scenario of scenarios) await control('POST', '/__script', { scenario });
}

/**
 * The inference requests the backend received (model-list reads by the proxy's catalog are left
 * out), after checking every scripted reply was used and nothing unscripted arrived.
 */
export async function upstream() {
  const state = await control('GET', '/__requests');
  assert.deepEqual(state.unscripted, [], 'requests reached the backend with no scripted reply');
  assert.equal(state.pending, 0, 'scripted replies were left unused');
  return state.requests.filter((r) => r.method === 'POST');
}

/** The one inference request a case made, asserted to go to `path`. */
export async function onlyUpstream(path) {
  const posts = await upstream();
  assert.equal(posts.length, 1, `expected one upstream request, got ${posts.map((p) => p.path)}`);
  assert.equal(posts[0].path, path);
  return posts[0].body;
}

export const STREAM_OPTS = { stream: true, stream_options: { include_usage: true } };

export async function collect(iterable) {
  const out = [];
  for await (const part of iterable) out.push(part);
  return out;
}
