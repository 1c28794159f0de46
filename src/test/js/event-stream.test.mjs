import test from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamParser } from '../../../webapp/js/event-stream.js';
import { assertEveryCut } from './splits.mjs';

const ev = (data, type = 'message', lastEventId = '') => ({ type, data, lastEventId });
const parser = () => new EventStreamParser();

// Each vector: the stream's text and the events a browser's EventSource would dispatch for it.
const vectors = {
  'the relay wire: named events, ids, one-line JSON, a ping comment':
    [': ping\n\nevent: start\nid: g1:0\ndata: {"type":"start","seq":0}\n\n'
      + 'event: token\nid: g1:1\ndata: {"type":"token","seq":1,"text":"Hi"}\n\n: ping\n\n',
    [ev('{"type":"start","seq":0}', 'start', 'g1:0'), ev('{"type":"token","seq":1,"text":"Hi"}', 'token', 'g1:1')]],
  'LF line ends': ['data: a\n\ndata: b\n\n', [ev('a'), ev('b')]],
  'CRLF line ends': ['event: token\r\nid: 7\r\ndata: a\r\n\r\ndata: b\r\n\r\n',
    [ev('a', 'token', '7'), ev('b', 'message', '7')]],
  'lone CR line ends': ['data: a\r\rretry: 1000\r: c\rdata: b\r\r', [ev('a'), ev('b')]],
  'mixed line ends in one stream': ['data: a\r\n\ndata: b\n\r\ndata: c\r\r\ndata: d\n\r', [ev('a'), ev('b'), ev('c'), ev('d')]],
  'a CRLF inside a multi-line event is one line end': ['data: one\r\ndata: two\r\nid: 3\r\nevent: e\r\n\r\n',
    [ev('one\ntwo', 'e', '3')]],
  'CR LF pairs never count twice': ['data: a\r\n\r\n\r\ndata: b\r\n\r\n', [ev('a'), ev('b')]],
  'comments, also before any event and without a space': [':\n: keep-alive\n:x\ndata: a\n: inside\n\n', [ev('a')]],
  'a blank line with no data dispatches nothing': ['\n\n\r\nevent: orphan\n\nid: 5\n\ndata: a\n\n', [ev('a', 'message', '5')]],
  'multi-line data joins with LF, empty data lines count': ['data: one\ndata: two\ndata\ndata:\n\n',
    [ev('one\ntwo\n\n')]],
  'only a data line with no value dispatches an empty event': ['data\n\n', [ev('')]],
  'exactly one leading space is dropped': ['data:x\n\ndata:  two\n\ndata:\tt\n\n', [ev('x'), ev(' two'), ev('\tt')]],
  'a value keeps its own colons': ['data: a: b: c\n\n', [ev('a: b: c')]],
  'the event type resets after each event': ['event: a\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n',
    [ev('1', 'a'), ev('2'), ev('3')]],
  'the last event id persists and an empty id resets it': ['id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n',
    [ev('a', 'message', '1'), ev('b', 'message', '1'), ev('c')]],
  'an id containing NUL is ignored': ['id: ok\ndata: a\n\nid: x\0y\ndata: b\n\n',
    [ev('a', 'message', 'ok'), ev('b', 'message', 'ok')]],
  'unknown fields and field names that only look alike are ignored': ['foo: bar\nData: no\ndata : no\ndata: yes\n\n',
    [ev('yes')]],
  'one leading BOM is ignored': ['\uFEFFdata: a\n\n', [ev('a')]],
  'a second BOM is part of the field name': ['\uFEFF\uFEFFdata: a\n\ndata: b\n\n', [ev('b')]],
  'a BOM after the start is data': ['data: \uFEFFa\n\n', [ev('\uFEFFa')]],
  'an event without its blank line at the end is discarded': ['data: whole\n\ndata: cut\n', [ev('whole')]],
  'a line without its line end at the end is discarded': ['data: whole\n\ndata: cut', [ev('whole')]],
  'CJK, emoji and combining text survive every cut': [
    'event: token\ndata: {"text":"你好，世界 🚀 naïve 😀✨ e\u0301 👩‍💻"}\n\n',
    [ev('{"text":"你好，世界 🚀 naïve 😀✨ e\u0301 👩‍💻"}', 'token')]],
  'U+2028 and U+2029 are not line ends': ['data: a\u2028b\u2029c\n\n', [ev('a\u2028b\u2029c')]],
};

for (const [name, [text, expected]] of Object.entries(vectors)) {
  test(`SSE: ${name}, cut at every byte offset`, () => assertEveryCut(parser, text, expected));
}

test('SSE: retry takes only all-digit values', () => {
  assertEveryCut(parser, 'retry: 1500\nretry: 15x\nretry:\ndata: r\n\n', [ev('r')],
    (p) => assert.equal(p.retry, 1500));
});

test('SSE: a long read with many lines is parsed in one pass', () => {
  const text = Array.from({ length: 20000 }, (_, i) => `id: ${i}\ndata: ${i}\n\n`).join('');
  const started = process.hrtime.bigint();
  const events = parser().push(text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(events.length, 20000);
  assert.deepEqual(events[19999], ev('19999', 'message', '19999'));
  assert.ok(ms < 1000, `took ${ms} ms`);
});

test('SSE: invalid UTF-8 becomes U+FFFD instead of failing the stream', () => {
  const p = parser();
  const got = [...p.push(new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a])), ...p.end()];
  assert.deepEqual(got, [ev('\uFFFD')]);
});
