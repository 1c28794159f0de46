// Tool calls (issue 10): `tool_call` fragments through both parsers, every transport, resume, and assembly.

import test from 'node:test';
import assert from 'node:assert/strict';
import { streamChat, assembleToolCalls, ToolCallAssembler, EventStreamParser, NdjsonParser }
  from '../../../webapp/js/streamrelay.js';
import { fakeFetch, collect, FakeEventSource, nextTick } from './fakes.mjs';
import { cuts } from './splits.mjs';

const BASE = 'http://relay.test/ctx/';
const encoder = new TextEncoder();
const START = { generation: 'g1', model: 'gpt-4o' };
const DONE = { finish_reason: 'tool_calls', usage: { prompt_tokens: 80, completion_tokens: 40, total_tokens: 120 } };

// Two parallel calls whose fragments interleave, as OpenAI streams them: the first fragment of each call has its
// id and name, later ones only its index and a piece of the arguments, cut anywhere (inside a key, after a
// backslash, inside a multi-byte character).
const FRAGMENTS = [
  { index: 0, id: 'call_a1', name: 'get_weather', arguments: '' },
  { index: 0, arguments: '{"ci' },
  { index: 1, id: 'call_b2', name: 'get_time', arguments: '{"zone":' },
  { index: 0, arguments: 'ty":"Z\\u00fcrich, ' },
  { index: 1, arguments: '"Asia/東京' },
  { index: 0, arguments: '北京 🌧"}' },
  { index: 1, arguments: '"}' },
];
const CALLS = [
  { index: 0, id: 'call_a1', name: 'get_weather', arguments: '{"city":"Z\\u00fcrich, 北京 🌧"}' },
  { index: 1, id: 'call_b2', name: 'get_time', arguments: '{"zone":"Asia/東京"}' },
];

/** The relay's events for FRAGMENTS: start, a sentence, the fragments, done. */
function events() {
  const list = [{ type: 'start', seq: 0, ...START }, { type: 'token', seq: 1, text: 'Let me check.' }];
  for (const fragment of FRAGMENTS) list.push({ type: 'tool_call', seq: list.length, ...fragment });
  list.push({ type: 'done', seq: list.length, ...DONE });
  return list;
}

const sseLine = (e) => `event: ${e.type}\nid: g1:${e.seq}\ndata: ${JSON.stringify(e)}\n\n`;
const ndLine = (e) => `${JSON.stringify(e)}\n`;
const toolCalls = (list) => list.filter((e) => e.type === 'tool_call');

test('the arguments really are cut mid-token, so assembling them is not trivial', () => {
  assert.ok(FRAGMENTS.some((f) => f.arguments.endsWith('"ci')));
  assert.deepEqual(CALLS.map((c) => JSON.parse(c.arguments)), [{ city: 'Zürich, 北京 🌧' }, { zone: 'Asia/東京' }]);
});

for (const [name, newParser, line, decode] of [
  ['SSE', () => new EventStreamParser(), sseLine, (m) => JSON.parse(m.data)],
  ['NDJSON', () => new NdjsonParser(), ndLine, (v) => v],
]) {
  test(`${name}: a tool-call stream cut at every byte offset yields the same events and the same calls`, () => {
    const expected = events();
    const bytes = encoder.encode(expected.map(line).join(''));
    let ways = 0;
    for (const reads of cuts(bytes)) {
      const parser = newParser();
      const got = [];
      for (const read of reads) got.push(...parser.push(read));
      got.push(...parser.end());
      const decoded = got.map(decode);
      assert.deepEqual(decoded, expected, `cut into ${reads.length} reads`);
      assert.deepEqual(assembleToolCalls(decoded), CALLS);
      ways++;
    }
    assert.ok(ways > bytes.length, `${ways} ways to cut ${bytes.length} bytes`);
  });
}

for (const [transport, line, contentType] of [['sse', sseLine, 'text/event-stream'],
  ['ndjson', ndLine, 'application/x-ndjson']]) {
  test(`${transport}: tool_call events are yielded as they come, in order, and assemble exactly`, async () => {
    const { fetch } = fakeFetch(events().map(line), { contentType });
    const { events: got, error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch }));
    assert.equal(error, undefined);
    assert.deepEqual(got.map((e) => e.type), ['start', 'token', ...FRAGMENTS.map(() => 'tool_call'), 'done']);
    assert.deepEqual(toolCalls(got).map(({ index, id, name, arguments: a }) => ({ index, id, name, arguments: a })),
      FRAGMENTS.map((f) => ({ index: f.index, id: f.id, name: f.name, arguments: f.arguments })));
    assert.deepEqual(assembleToolCalls(got), CALLS);
    assert.equal(got.at(-1).finish_reason, 'tool_calls');
    if (transport === 'sse') {
      assert.equal(got[2].lastEventId, 'g1:2', 'the SSE id has its own name, so the call id is not overwritten');
      assert.equal(got[1].id, 'g1:1', 'other events keep the SSE id as `id` too');
    }
  });

  // Every place a connection can drop inside the tool calls: after each fragment.
  for (let dropAfter = 2; dropAfter < 2 + FRAGMENTS.length; dropAfter++) {
    test(`${transport}: a drop after event ${dropAfter}, mid-arguments, resumes without a repeated fragment`,
      async () => {
        const all = events();
        const first = fakeFetch([...all.slice(0, dropAfter + 1).map(line), new TypeError('network error')],
          { contentType });
        // The relay replays from ?after=; a proxy or an old relay may repeat the last event: it must not count twice.
        const second = fakeFetch(all.slice(dropAfter).map(line), { contentType });
        const urls = [];
        const fetch = (url, init) => {
          urls.push(String(url));
          return urls.length === 1 ? first.fetch(url, init) : second.fetch(url, init);
        };
        const { events: got, error } = await collect(streamChat({ messages: [], transport, baseUrl: BASE, fetch }));
        assert.equal(error, undefined);
        assert.deepEqual(got.map((e) => e.seq), all.map((e) => e.seq), 'every event once, in order');
        assert.deepEqual(assembleToolCalls(got), CALLS);
        assert.match(urls[1], new RegExp(`after=${dropAfter}$`));
      });
  }
}

test('EventSource (a bare prompt over SSE): tool_call events are delivered too, and a reconnect repeats none',
  async () => {
    const all = events();
    const { events: got, error } = await collect((async function* () {
      const iterator = streamChat({ prompt: 'weather?', baseUrl: BASE, EventSource: FakeEventSource });
      const pending = iterator.next();
      await nextTick();
      const source = FakeEventSource.last;
      const emit = (e) => source.emit(e.type, e, `g1:${e.seq}`);
      emit(all[0]);
      yield (await pending).value;
      const rest = iterator.next();
      await nextTick();
      all.slice(1, 5).forEach(emit);
      source.fail(0); // the browser reconnects with Last-Event-ID: g1:4 ...
      emit(all[4]); // ... and a repeat of the last fragment must not be delivered twice
      all.slice(5).forEach(emit);
      yield (await rest).value;
      yield* { [Symbol.asyncIterator]: () => iterator };
    })());
    assert.equal(error, undefined);
    assert.deepEqual(got.map((e) => e.seq), all.map((e) => e.seq));
    assert.deepEqual(assembleToolCalls(got), CALLS);
  });

test('the assembler: one call per index, id and name from the first fragment, arguments concatenated', () => {
  const assembler = new ToolCallAssembler();
  const first = assembler.add({ type: 'tool_call', index: 0, id: 'call_1', name: 'f', arguments: '{"a"' });
  assert.deepEqual(first, { index: 0, id: 'call_1', name: 'f', arguments: '{"a"' });
  const again = assembler.add({ type: 'tool_call', index: 0, arguments: ':1}' });
  assert.equal(again, first, 'the same call, updated in place, so a view can keep its element');
  assert.deepEqual(assembler.calls, [{ index: 0, id: 'call_1', name: 'f', arguments: '{"a":1}' }]);
  assert.notEqual(assembler.calls[0], first, 'the list is a copy');
  assert.equal(assembler.add({ type: 'token', seq: 9, text: 'x' }), undefined, 'other events are not calls');
});

test('the assembler: a fragment that repeats its id and name (some servers do) does not duplicate them', () => {
  const calls = assembleToolCalls([
    { type: 'tool_call', index: 0, id: 'call_1', name: 'search', arguments: '{"q":' },
    { type: 'tool_call', index: 0, id: 'call_1', name: 'search', arguments: '"x"}' },
  ]);
  assert.deepEqual(calls, [{ index: 0, id: 'call_1', name: 'search', arguments: '{"q":"x"}' }]);
});

test('the assembler: a name or id that only comes later is still taken', () => {
  const calls = assembleToolCalls([
    { type: 'tool_call', index: 0, arguments: '{}' },
    { type: 'tool_call', index: 0, id: 'call_9', name: 'late' },
  ]);
  assert.deepEqual(calls, [{ index: 0, id: 'call_9', name: 'late', arguments: '{}' }]);
});

test('the assembler: gateways that give every parallel call index 0 still yield separate calls', () => {
  const calls = assembleToolCalls([
    { type: 'tool_call', index: 0, id: 'call_a', name: 'f', arguments: '{"n":' },
    { type: 'tool_call', index: 0, arguments: '1}' },
    { type: 'tool_call', index: 0, id: 'call_b', name: 'g', arguments: '{"n":' },
    { type: 'tool_call', index: 0, arguments: '2}' },
  ]);
  assert.deepEqual(calls, [
    { index: 0, id: 'call_a', name: 'f', arguments: '{"n":1}' },
    { index: 1, id: 'call_b', name: 'g', arguments: '{"n":2}' },
  ]);
});

test('the assembler: fragments without an index continue the call of their id, or else the last call', () => {
  const calls = assembleToolCalls([
    { type: 'tool_call', id: 'call_a', name: 'f', arguments: '{' },
    { type: 'tool_call', id: 'call_b', name: 'g', arguments: '[' },
    { type: 'tool_call', id: 'call_a', arguments: '}' },
    { type: 'tool_call', arguments: ']' },
  ]);
  assert.deepEqual(calls, [
    { index: 0, id: 'call_a', name: 'f', arguments: '{}' },
    { index: 1, id: 'call_b', name: 'g', arguments: '[]' },
  ]);
});

test('the assembler: indexes that start at 1 keep their numbers; the list is in index order', () => {
  const calls = assembleToolCalls([
    { type: 'tool_call', index: 2, id: 'call_y', name: 'g', arguments: 'B' },
    { type: 'tool_call', index: 1, id: 'call_x', name: 'f', arguments: 'A' },
  ]);
  assert.deepEqual(calls.map((c) => [c.index, c.id]), [[1, 'call_x'], [2, 'call_y']]);
});
