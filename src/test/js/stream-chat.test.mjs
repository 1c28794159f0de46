import test from 'node:test';
import assert from 'node:assert/strict';
import { streamChat, StreamRelayError } from '../../../webapp/js/streamrelay.js';
import { fakeFetch, collect, FakeEventSource, nextTick } from './fakes.mjs';

const BASE = 'http://relay.test/ctx/';
const encoder = new TextEncoder();
const sse = (type, seq, json) => `event: ${type}\nid: g1:${seq}\ndata: ${JSON.stringify({ type, seq, ...json })}\n\n`;
const nd = (type, seq, json) => JSON.stringify({ type, seq, ...json }) + '\n';
const START = { generation: 'g1', model: 'deepseek-chat' };
const DONE = { finish_reason: 'stop', usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };

test('SSE over POST: sends the conversation and yields start, tokens and done, then ends', async () => {
  const { fetch, calls } = fakeFetch([': ping\n\n', sse('start', 0, START), sse('token', 1, { text: 'Hel' }),
    sse('token', 2, { text: 'lo' }), sse('done', 3, DONE)]);
  const messages = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'yo' }, { role: 'user', content: 'more' }];
  const { events, error } = await collect(streamChat({ messages, model: 'm1', baseUrl: BASE, fetch }));
  assert.equal(error, undefined);
  assert.deepEqual(events.map((e) => e.type), ['start', 'token', 'token', 'done']);
  assert.equal(events.map((e) => e.text ?? '').join(''), 'Hello');
  assert.equal(events[1].id, 'g1:1');
  assert.deepEqual(events[3].usage, DONE.usage);
  assert.equal(calls[0].url, 'http://relay.test/ctx/api/chat');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers.Accept, 'text/event-stream');
  assert.deepEqual(calls[0].body, { messages, model: 'm1' });
});

test('NDJSON: pings are skipped and the text arrives whole although the bytes were cut mid-character', async () => {
  const bytes = encoder.encode(nd('start', 0, START) + '{"type":"ping"}\n' + nd('token', 1, { text: '你好 🚀' })
    + nd('done', 2, DONE));
  const reads = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  const { fetch, calls } = fakeFetch(reads, { contentType: 'application/x-ndjson' });
  const { events, error } = await collect(streamChat({ prompt: 'p', transport: 'ndjson', maxTokens: 9,
    temperature: 0.5, baseUrl: BASE, fetch }));
  assert.equal(error, undefined);
  assert.deepEqual(events.map((e) => e.type), ['start', 'token', 'done']);
  assert.equal(events[1].text, '你好 🚀');
  assert.equal(calls[0].url, 'http://relay.test/ctx/ndjson/chat');
  assert.deepEqual(calls[0].body, { prompt: 'p', temperature: 0.5, max_tokens: 9 });
});

for (const [transport, line, contentType] of [['sse', sse, 'text/event-stream'], ['ndjson', nd, 'application/x-ndjson']]) {
  test(`${transport}: an error event throws after the tokens, with the relay's code`, async () => {
    const { fetch } = fakeFetch([line('start', 0, START), line('token', 1, { text: 'One' }),
      line('error', 2, { code: 'upstream_error', message: 'The model crashed', retryable: false })], { contentType });
    const { events, error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch }));
    assert.deepEqual(events.map((e) => e.type), ['start', 'token']);
    assert.ok(error instanceof StreamRelayError);
    assert.equal(error.code, 'upstream_error');
    assert.equal(error.message, 'The model crashed');
    assert.equal(error.retryable, false);
    assert.equal(error.event.seq, 2);
  });

  test(`${transport}: a stream that ends without a terminal event is an error, not a shorter answer`, async () => {
    const { fetch } = fakeFetch([line('start', 0, START), line('token', 1, { text: 'One' })], { contentType });
    const { events, error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch,
      resume: false }));
    assert.equal(events.length, 2);
    assert.equal(error?.code, 'connection_ended');
    assert.equal(error.retryable, true);
  });

  test(`${transport}: a connection that breaks mid-answer is an error when resuming is off`, async () => {
    const { fetch } = fakeFetch([line('start', 0, START), new TypeError('network error')], { contentType });
    const { error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch, resume: false }));
    assert.equal(error?.code, 'connection_lost');
    assert.equal(error.cause.message, 'network error');
  });

  test(`${transport}: a dropped connection resumes after the last event, without repeats or a new answer`,
    async () => {
      const first = fakeFetch([line('start', 0, START), line('token', 1, { text: 'One' }),
        new TypeError('network error')], { contentType });
      // The resumed stream repeats an event the client already had: it must not be delivered twice.
      const second = fakeFetch([line('token', 1, { text: 'One' }), line('token', 2, { text: ' two' }),
        line('done', 3, DONE)], { contentType });
      const calls = [];
      const fetch = (url, init) => {
        calls.push({ url: String(url), method: init.method ?? 'POST' });
        return calls.length === 1 ? first.fetch(url, init) : second.fetch(url, init);
      };
      const { events, error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch }));
      assert.equal(error, undefined);
      assert.deepEqual(events.map((e) => e.seq), [0, 1, 2, 3]);
      assert.equal(events.filter((e) => e.type === 'token').map((e) => e.text).join(''), 'One two');
      assert.equal(calls.length, 2, 'one resume, no DELETE: the answer completed');
      assert.equal(calls[1].method, 'GET');
      assert.equal(calls[1].url, transport === 'sse' ? 'http://relay.test/ctx/api/generations/g1/events?after=1'
        : 'http://relay.test/ctx/ndjson/generations/g1?after=1');
    });

  test(`${transport}: a generation that cannot be resumed ends with the relay's refusal`, async () => {
    const first = fakeFetch([line('start', 0, START), new TypeError('network error')], { contentType });
    const gone = fakeFetch([JSON.stringify({ status: 404, code: 'unknown_generation', title: 'Unknown generation' })],
      { status: 404, contentType: 'application/problem+json' });
    let n = 0;
    const fetch = (url, init) => (++n === 1 ? first.fetch(url, init) : gone.fetch(url, init));
    const { error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch }));
    assert.equal(error?.code, 'unknown_generation');
    assert.equal(error.status, 404);
  });

  test(`${transport}: a refused request throws with its problem+json`, async () => {
    const problem = { type: 'about:blank', title: 'Invalid request', status: 400, code: 'invalid_messages',
      detail: "'messages' must not be empty" };
    const { fetch } = fakeFetch([JSON.stringify(problem)], { status: 400, contentType: 'application/problem+json' });
    const { events, error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch }));
    assert.equal(events.length, 0);
    assert.equal(error.code, 'invalid_messages');
    assert.equal(error.message, "'messages' must not be empty");
    assert.equal(error.status, 400);
    assert.deepEqual(error.problem, problem);
    assert.equal(error.retryable, false);
  });

  test(`${transport}: Stop through the signal throws AbortError and closes the connection`, async () => {
    const { fetch, calls } = fakeFetch([line('start', 0, START), line('token', 1, { text: 'a' })],
      { contentType, hold: true });
    const stop = new AbortController();
    const seen = [];
    let error;
    try {
      for await (const event of streamChat({ messages: [], transport, signal: stop.signal, baseUrl: BASE, fetch })) {
        seen.push(event.type);
        if (event.type === 'token') setTimeout(() => stop.abort(), 5); // while the next read is pending
      }
    } catch (e) {
      error = e;
    }
    assert.deepEqual(seen, ['start', 'token']);
    assert.equal(error?.name, 'AbortError');
    assert.ok(calls[0].cancelled, 'the request was aborted');
    // Stop also cancels the generation, so the relay stops the upstream without waiting out its grace period.
    assert.equal(calls[1]?.init.method, 'DELETE');
    assert.equal(calls[1].url, 'http://relay.test/ctx/api/generations/g1');
    assert.equal(calls[1].init.keepalive, true);
  });

  test(`${transport}: leaving the loop early closes the connection`, async () => {
    const { fetch, calls } = fakeFetch([line('start', 0, START), line('token', 1, { text: 'a' })],
      { contentType, hold: true });
    for await (const event of streamChat({ messages: [], transport, baseUrl: BASE, fetch })) {
      if (event.type === 'token') break;
    }
    assert.ok(calls[0].cancelled);
    assert.equal(calls[1]?.init.method, 'DELETE', 'and cancels the generation');
  });
}

test('a 200 answer that is not the stream (a proxy page) is an error', async () => {
  const { fetch } = fakeFetch(['<html>Please log in</html>'], { contentType: 'text/html' });
  const { error } = await collect(streamChat({ messages: [], baseUrl: BASE, fetch }));
  assert.equal(error?.code, 'bad_stream');
  assert.match(error.message, /text\/html/);
});

test('a refusal without a JSON body still names its status', async () => {
  const { fetch } = fakeFetch(['Bad gateway'], { status: 502, contentType: 'text/plain' });
  const { error } = await collect(streamChat({ messages: [], transport: 'ndjson', baseUrl: BASE, fetch }));
  assert.equal(error.code, 'http_502');
  assert.equal(error.status, 502);
  assert.equal(error.retryable, true);
});

test('an unreachable relay is a retryable network error; an already stopped signal never connects', async () => {
  const { fetch, calls } = fakeFetch([], { fail: new TypeError('fetch failed') });
  const { error } = await collect(streamChat({ messages: [], baseUrl: BASE, fetch }));
  assert.equal(error.code, 'network_error');
  assert.equal(error.retryable, true);
  const stopped = AbortSignal.abort();
  const second = await collect(streamChat({ messages: [], baseUrl: BASE, fetch, signal: stopped }));
  assert.equal(second.error.name, 'AbortError');
  assert.equal(calls.length, 1);
});

test('an unknown transport or a missing conversation is refused at once', () => {
  assert.throws(() => streamChat({ messages: [], transport: 'websocket' }), TypeError);
  assert.throws(() => streamChat({}), TypeError);
});

test('a base URL without a trailing slash keeps its path', async () => {
  const { fetch, calls } = fakeFetch([sse('done', 0, DONE)]);
  await collect(streamChat({ messages: [], baseUrl: 'https://portal.test/relay', fetch }));
  assert.equal(calls[0].url, 'https://portal.test/relay/api/chat');
});

test('a bare prompt over SSE uses EventSource with a GET and closes it before handing out done', async () => {
  const iterator = streamChat({ prompt: 'hi there', model: 'm', baseUrl: BASE, EventSource: FakeEventSource });
  const first = iterator.next();
  await nextTick();
  const source = FakeEventSource.last;
  assert.equal(source.url, 'http://relay.test/ctx/api/chat?prompt=hi+there&model=m');
  source.emit('start', { seq: 0, ...START }, 'g1:0');
  assert.equal((await first).value.model, 'deepseek-chat');
  source.emit('token', { seq: 1, text: 'yo' }, 'g1:1');
  source.emit('done', { seq: 2, ...DONE }, 'g1:2');
  assert.equal((await iterator.next()).value.id, 'g1:1');
  const done = await iterator.next();
  assert.equal(done.value.type, 'done');
  assert.equal(source.readyState, 2, 'closed before the relay ends the response, so it never reconnects');
  assert.equal((await iterator.next()).done, true);
});

test('EventSource: a dropped connection is left to the browser, whose reconnect resumes without repeats', async () => {
  const { events, error } = await collect((async function* () {
    const iterator = streamChat({ prompt: 'p', baseUrl: BASE, EventSource: FakeEventSource });
    const pending = iterator.next();
    await nextTick();
    const source = FakeEventSource.last;
    source.emit('start', { seq: 0, ...START });
    yield (await pending).value;
    const rest = iterator.next();
    await nextTick();
    source.emit('token', { seq: 1, text: 'a' });
    source.fail(0); // CONNECTING: the browser reconnects with Last-Event-ID, and the relay resumes after it
    source.emit('token', { seq: 1, text: 'a' }); // a repeat must not be delivered twice
    source.emit('token', { seq: 2, text: 'b' });
    source.emit('done', { seq: 3, ...DONE });
    yield (await rest).value;
    yield* { [Symbol.asyncIterator]: () => iterator };
  })());
  assert.equal(error, undefined);
  assert.deepEqual(events.map((e) => e.seq), [0, 1, 2, 3]);
});

test('EventSource: reconnects that keep failing end as an error and close it', async () => {
  const { events, error } = await collect((async function* () {
    const iterator = streamChat({ prompt: 'p', baseUrl: BASE, EventSource: FakeEventSource });
    const pending = iterator.next();
    await nextTick();
    FakeEventSource.last.emit('start', { seq: 0, ...START });
    yield (await pending).value;
    for (let i = 0; i < 6; i++) FakeEventSource.last.fail(0);
    yield* { [Symbol.asyncIterator]: () => iterator };
  })());
  assert.equal(events.length, 1);
  assert.equal(error.code, 'connection_lost');
  assert.equal(FakeEventSource.last.readyState, 2);
});

test('EventSource: a refused request and a relay error event are errors', async () => {
  let iterator = streamChat({ prompt: 'p', baseUrl: BASE, EventSource: FakeEventSource });
  let pending = iterator.next();
  await nextTick();
  FakeEventSource.last.fail(2);
  await assert.rejects(pending, (e) => e.code === 'refused');

  iterator = streamChat({ prompt: 'p', baseUrl: BASE, EventSource: FakeEventSource });
  pending = iterator.next();
  await nextTick();
  FakeEventSource.last.emit('error', { seq: 1, code: 'upstream_stalled', message: 'stalled', retryable: true });
  await assert.rejects(pending, (e) => e.code === 'upstream_stalled' && e.retryable === true);
  assert.equal(FakeEventSource.last.readyState, 2);
});

test('EventSource: Stop closes it and throws AbortError', async () => {
  const stop = new AbortController();
  const iterator = streamChat({ prompt: 'p', baseUrl: BASE, EventSource: FakeEventSource, signal: stop.signal });
  const pending = iterator.next();
  await nextTick();
  stop.abort();
  await assert.rejects(pending, (e) => e.name === 'AbortError');
  assert.equal(FakeEventSource.last.readyState, 2);
});

test('a gateway key goes as a bearer header, also on the cancel, and never through EventSource', async () => {
  const { fetch, calls } = fakeFetch([sse('start', 0, START), sse('token', 1, { text: 'Hel' })], { hold: true });
  class NoEventSource { constructor() { throw new Error('EventSource cannot send the key'); } }
  const stop = new AbortController();
  const events = [];
  const { error } = await collect((async function* () {
    for await (const event of streamChat({ prompt: 'p', key: 'sr-secret', baseUrl: BASE, fetch,
      EventSource: NoEventSource, signal: stop.signal })) {
      events.push(event);
      if (event.type === 'token') stop.abort();
      yield event;
    }
  })());
  assert.equal(error?.name, 'AbortError');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers.Authorization, 'Bearer sr-secret');
  const cancel = calls.find((c) => c.init.method === 'DELETE');
  assert.equal(cancel.url, 'http://relay.test/ctx/api/generations/g1');
  assert.equal(cancel.init.headers.Authorization, 'Bearer sr-secret');
});
