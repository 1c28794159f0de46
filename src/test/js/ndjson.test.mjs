import test from 'node:test';
import assert from 'node:assert/strict';
import { NdjsonParser } from '../../../webapp/js/ndjson.js';
import { assertEveryCut } from './splits.mjs';

const parser = () => new NdjsonParser();

const vectors = {
  'the relay wire: start, ping, tokens, done': [
    '{"type":"start","seq":0,"generation":"g1","model":"m"}\n{"type":"ping"}\n'
      + '{"type":"token","seq":1,"text":"Hi"}\n{"type":"done","seq":2,"finish_reason":"stop"}\n',
    [{ type: 'start', seq: 0, generation: 'g1', model: 'm' }, { type: 'ping' },
      { type: 'token', seq: 1, text: 'Hi' }, { type: 'done', seq: 2, finish_reason: 'stop' }]],
  'CRLF line ends are accepted': ['{"a":1}\r\n{"a":2}\r\n', [{ a: 1 }, { a: 2 }]],
  'blank and whitespace-only lines are skipped': ['\n{"a":1}\n\n  \r\n\t\n{"a":2}\n', [{ a: 1 }, { a: 2 }]],
  'escaped newlines stay inside their line': ['{"text":"a\\nb\\r\\nc"}\n', [{ text: 'a\nb\r\nc' }]],
  'U+2028 and U+2029 are not line ends': ['{"text":"a\u2028b\u2029c"}\n', [{ text: 'a\u2028b\u2029c' }]],
  'CJK, emoji and combining text survive every cut': [
    '{"type":"token","text":"你好"}\n{"type":"token","text":"，世界 🚀 naïve 😀✨ e\u0301 👩‍💻"}\n',
    [{ type: 'token', text: '你好' }, { type: 'token', text: '，世界 🚀 naïve 😀✨ e\u0301 👩‍💻' }]],
  'one leading BOM is ignored': ['\uFEFF{"a":1}\n', [{ a: 1 }]],
  'a last line without its LF still counts when whole': ['{"a":1}\n{"a":2}', [{ a: 1 }, { a: 2 }]],
  'JSON values other than objects are passed on': ['1\n"s"\nnull\n[1]\n', [1, 's', null, [1]]],
};

for (const [name, [text, expected]] of Object.entries(vectors)) {
  test(`NDJSON: ${name}, cut at every byte offset`, () => assertEveryCut(parser, text, expected));
}

test('NDJSON: a line that is not JSON fails loudly, naming the line', () => {
  const p = parser();
  assert.deepEqual(p.push('{"a":1}\n'), [{ a: 1 }]);
  assert.throws(() => p.push('<html>502 Bad Gateway</html>\n'), (e) => e instanceof SyntaxError
    && e.message.includes('<html>502'));
});

test('NDJSON: a last line cut in the middle fails instead of passing half an object', () => {
  const p = parser();
  assert.deepEqual(p.push('{"type":"token","text":"a"}\n{"type":"tok'), [{ type: 'token', text: 'a' }]);
  assert.throws(() => p.end(), SyntaxError);
});

test('NDJSON: a character cut at the very end is not silently dropped', () => {
  const bytes = new TextEncoder().encode('{"t":"🚀"}');
  const p = parser();
  assert.deepEqual(p.push(bytes.subarray(0, bytes.length - 3)), []);
  assert.throws(() => p.end(), SyntaxError);
});
