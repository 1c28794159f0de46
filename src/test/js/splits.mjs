// Feeds a parser every way a network could cut the same bytes, so a test states a vector once.

import assert from 'node:assert/strict';

const encoder = new TextEncoder();

/** Every way to cut `bytes` into reads that this helper checks: whole, one cut, two cuts, byte by byte. */
export function* cuts(bytes) {
  yield [bytes];
  for (let i = 0; i <= bytes.length; i++) {
    yield [bytes.subarray(0, i), bytes.subarray(i)];
  }
  // Two cuts put a CR at the end of one read and its LF in the next while a third read follows.
  if (bytes.length <= 400) {
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i + 1; j < bytes.length; j++) {
        yield [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
      }
    }
  }
  yield Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}

/** Runs `text` through fresh parsers for every cut of its UTF-8 bytes and of its string form. */
export function assertEveryCut(newParser, text, expected, check = () => {}) {
  const bytes = encoder.encode(text);
  for (const reads of cuts(bytes)) {
    const parser = newParser();
    const got = [];
    for (const read of reads) got.push(...parser.push(read));
    got.push(...parser.end());
    assert.deepEqual(got, expected, `bytes cut at ${offsets(reads)}`);
    check(parser);
  }
  for (let i = 0; i <= text.length; i++) {
    const parser = newParser();
    const got = [...parser.push(text.slice(0, i)), ...parser.push(text.slice(i)), ...parser.end()];
    assert.deepEqual(got, expected, `string cut at ${i}`);
  }
}

function offsets(reads) {
  let at = 0;
  return reads.slice(0, -1).map((r) => (at += r.length)).join(',') || 'none';
}
