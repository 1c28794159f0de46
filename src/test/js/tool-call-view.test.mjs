// The tool-call block the page shows, built in node on a tiny DOM: the name and the arguments as text, growing.

import test from 'node:test';
import assert from 'node:assert/strict';
import { ToolCallView } from '../../../webapp/js/tool-call-view.js';
import { ToolCallAssembler } from '../../../webapp/js/tool-calls.js';
import { createDocument } from './tiny-dom.mjs';

const one = (element, name) => {
  const found = element.byClass(name);
  assert.equal(found.length, 1, `one .${name}`);
  return found[0];
};

test('two interleaved calls: each block shows its name, id and its own arguments, growing fragment by fragment', () => {
  const doc = createDocument();
  const assembler = new ToolCallAssembler();
  const views = new Map();
  const fragments = [
    { index: 0, id: 'call_a1', name: 'get_weather', arguments: '' },
    { index: 0, arguments: '{"ci' },
    { index: 1, id: 'call_b2', name: 'get_time', arguments: '{"zone":' },
    { index: 0, arguments: 'ty":"Zürich"}' },
    { index: 1, arguments: '"Asia/東京"}' },
  ];
  const seen = [];
  for (const fragment of fragments) {
    const call = assembler.add({ type: 'tool_call', ...fragment });
    if (!views.has(call)) views.set(call, new ToolCallView(doc));
    views.get(call).show(call);
    seen.push([...views.values()].map((v) => one(v.element, 'tool-arguments').textContent));
  }
  assert.deepEqual(seen, [[''], ['{"ci'], ['{"ci', '{"zone":'], ['{"city":"Zürich"}', '{"zone":'],
    ['{"city":"Zürich"}', '{"zone":"Asia/東京"}']]);
  const [weather, time] = [...views.values()];
  assert.equal(one(weather.element, 'tool-call-label').textContent, 'Tool call');
  assert.equal(one(weather.element, 'tool-name').textContent, 'get_weather');
  assert.equal(one(weather.element, 'tool-id').textContent, 'call_a1');
  assert.equal(time.element.dataset.index, '1');
  assert.equal(one(time.element, 'tool-name').textContent, 'get_time');
  assert.equal(weather.arguments.appends, 2, 'only the new end of the arguments is appended, once per fragment');
});

test('markup in a name or in the arguments stays text (the tiny DOM throws on innerHTML)', () => {
  const doc = createDocument();
  const view = new ToolCallView(doc);
  const evil = { index: 0, id: '<b>id</b>', name: '<img src=x onerror=alert(1)>', arguments: '{"q":"<script>x</script>"}' };
  view.show(evil);
  assert.equal(one(view.element, 'tool-name').textContent, evil.name);
  assert.equal(one(view.element, 'tool-arguments').textContent, evil.arguments);
  assert.deepEqual(view.element.byClass('tool-name')[0].children.map((c) => c.constructor.name), ['Text']);
});

test('when the answer ends, invalid or missing JSON arguments are said plainly', () => {
  const doc = createDocument();
  for (const [args, state, note] of [['{"a":1}', 'json', undefined], ['{"a":', 'invalid', 'The arguments are not'
    + ' valid JSON.'], ['', 'invalid', 'No arguments.']]) {
    const view = new ToolCallView(doc);
    view.show({ index: 0, id: 'c', name: 'f', arguments: args });
    view.finish();
    assert.equal(view.element.dataset.arguments, state);
    assert.equal(view.element.byClass('tool-call-note')[0]?.textContent, note);
  }
});
