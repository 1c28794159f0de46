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

// Documents whose later text changes how earlier lines are read, or where blocks touch without a blank line.
const TRICKY = {
  'a list interrupting a paragraph, then one that cannot (10.)': 'Para\n1. one\n\nPara\n10. ten\n',
  'setext headings and a thematic break': 'Title\n===\n\nSub\n---\ntext\n\n---\n',
  'a loose list continued after a blank line': '- a\n\n  still a\n- b\n\n      code in b\n\nafter\n',
  'a lazy block quote and a nested list': '> quote\ncontinued\n> - x\n>   - y\n\nend\n',
  'a table growing row by row, then text right under it': '| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\nnext\n',
  'fences: unclosed, tilde, longer closing, indented': '```\nx\n\n\ny\n````\n\n~~~py\nz\n~~~\n\n    indented\n',
  'reference definitions after their use and before': '[a][1] and [b][2]\n\n[2]: /two\n\n[c][2] [1]\n\n[1]: /one "T"\n',
  'raw HTML blocks across blank lines': '<script>\n\nx\n</script>\n\n<div>\n\ny</div>\n\n<!-- c\n\n-->\n',
  'CRLF and lone CR line ends': 'a\r\n\r\n- b\r- c\r\n\r\n# d\r\n',
  'headings and lists with no blank lines': '# A\n- 1\n- 2\n## B\n1. x\n2. y\n### C\ntext\n',
};

for (const [name, doc] of Object.entries(TRICKY)) {
  test(`incremental = at once, character by character: ${name}`, () => {
    let previous = [];
    for (let i = 0; i <= doc.length; i++) {
      const { blocks } = plan(previous, doc.slice(0, i));
      assert.equal(joined(blocks), toHtml(doc.slice(0, i)), `after ${i} characters: ${JSON.stringify(doc.slice(0, i))}`);
      previous = blocks;
    }
  });
}

test('incremental = at once, all tricky documents one after another in pieces of every size from 1 to 9', () => {
  const doc = Object.values(TRICKY).join('\n\n') + ANSWER;
  for (let size = 1; size <= 9; size++) {
    let previous = [];
    for (let i = 0; i < doc.length + size; i += size) {
      const { blocks } = plan(previous, doc.slice(0, i));
      assert.equal(joined(blocks), toHtml(doc.slice(0, i)), `size ${size}, after ${i} characters`);
      previous = blocks;
    }
  }
});

test('a long answer is lexed from its end, not from its start, at each step', () => {
  let doc = '';
  for (let i = 0; i < 3000; i++) {
    doc += i % 50 === 0 ? `\n\n## Part ${i / 50}\n\n` : i % 50 === 49 ? '\n\n```js\nconst x = 1;\n```\n'
      : `- item ${i} with **bold** text\n`;
  }
  let previous = [];
  let lexed = 0;
  const started = process.hrtime.bigint();
  for (let step = 1; step <= 30; step++) {
    const result = plan(previous, doc.slice(0, Math.round((doc.length * step) / 30)));
    lexed += result.lexed;
    previous = result.blocks;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(joined(previous), toHtml(doc));
  const whole = (doc.length * 31) / 2; // lexing every step from the start
  assert.ok(lexed * 4 < whole, `${lexed} characters lexed, ${whole} from the start each time`);
  console.log(`[measure] ${doc.length} characters in 30 steps: ${lexed} characters lexed (${Math.round(whole)} from`
    + ` the start each time), ${ms.toFixed(0)} ms in all`);
});
