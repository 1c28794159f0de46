// Markdown for the model's answers, rendered while they stream. Model output is untrusted: raw HTML in it is shown
// as text (never parsed), images become links (nothing loads by itself, so an answer cannot send the conversation
// to another server through an image address), and every piece of HTML marked builds passes DOMPurify before it
// reaches the page. Both libraries are served from the WAR (webapp/vendor/), so the page's CSP holds.

import { Lexer, Marked } from '../vendor/marked/marked.esm.js';
import DOMPurify from '../vendor/dompurify/purify.es.js';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

const markdown = new Marked({
  gfm: true,
  // A single newline stays a line break, as the page showed answers before it rendered Markdown.
  breaks: true,
  renderer: {
    html({ text, block }) {
      return block ? `<p class="raw-html">${escape(text)}</p>\n` : escape(text);
    },
    image({ href, title, text }) {
      const label = `Image: ${text || href}`;
      return `<a class="image-link" href="${escape(href)}"${title ? ` title="${escape(title)}"` : ''}>`
        + `${escape(label)}</a>`;
    },
  },
});

/**
 * The plan for showing `source` when `previous` (this function's last answer for the same message, or `[]`) is
 * on screen: `keep` leading blocks stay as they are, the rest are replaced by `blocks.slice(keep)`. A block is
 * one top-level Markdown element `{type, raw, html, link?}`; `html` is marked's output, still to be sanitized.
 * `lexed` says how many characters were lexed for it (the work done).
 *
 * While an answer streams only its end changes, so only the end is lexed again: from the last run of blocks not
 * separated from the end by a blank line (a blank line is where Markdown's blocks stop reaching back; the run
 * covers a list that a paragraph interrupted, a heading's setext underline, a table growing row by row). Lexing
 * is the costly part (marked needs ~350 ms for 90 kB of nested lists), so a frame costs the end, not the whole.
 * When the blocks do not add up to the text, or a reference definition arrives that earlier blocks may use,
 * everything is lexed again.
 */
export function plan(previous, source) {
  const text = source.replace(/\r\n?/g, '\n'); // as marked's lexer does, so block lengths add up to the text
  let start = restartIndex(previous);
  let offset = 0;
  for (let i = 0; i < start; i++) offset += previous[i].raw.length;
  if (!previous.exact || !text.startsWith(previous.text.slice(0, offset))) {
    start = 0;
    offset = 0;
  }
  let links = Object.create(null);
  for (let i = 0; i < start; i++) if (previous[i].link) links[previous[i].link.tag] ??= previous[i].link.value;
  let tokens = [...previous.slice(0, start), ...lex(text.slice(offset), links)];
  let lexed = text.length - offset;
  if (start > 0 && JSON.stringify(links) !== previous.links) {
    start = 0;
    links = Object.create(null);
    tokens = lex(text, links);
    lexed += text.length;
  }
  const linksJson = JSON.stringify(links);
  let keep = 0;
  if (linksJson === previous.links) {
    while (keep < previous.length && keep < tokens.length && previous[keep].raw === tokens[keep].raw) keep++;
  }
  // Below `start` the tokens are the previous blocks themselves, so keep >= start.
  const blocks = tokens.map((token, i) => (i < keep ? previous[i] : block(token)));
  blocks.text = text;
  blocks.exact = blocks.reduce((n, b) => n + b.raw.length, 0) === text.length;
  blocks.links = linksJson;
  return { keep, blocks, lexed };
}

/** Lexes `text` knowing the reference definitions `links` of the blocks before it, and adds its own to them. */
function lex(text, links) {
  const lexer = new Lexer(markdown.defaults);
  Object.assign(lexer.tokens.links, links);
  const tokens = lexer.lex(text);
  Object.assign(links, tokens.links);
  return tokens;
}

function block(token) {
  const one = [token];
  one.links = Object.create(null);
  const result = { type: token.type, raw: token.raw, html: markdown.parser(one) };
  if (token.type === 'def') result.link = { tag: token.tag, value: { href: token.href, title: token.title } };
  return result;
}

/** Where lexing starts again: the first block of the last run of blocks with no blank line between them. */
function restartIndex(previous) {
  let i = previous.length - 1;
  while (i >= 0 && previous[i].type === 'space') i--;
  while (i > 0 && previous[i - 1].type !== 'space') i--;
  return Math.max(0, i);
}

/** marked's HTML for a whole text at once (what the incremental plan must always add up to). */
export function toHtml(source) {
  return markdown.parse(source);
}

let purifier;

function sanitizer() {
  if (!purifier) {
    purifier = DOMPurify(globalThis.window);
    purifier.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
  }
  return purifier;
}

const PURIFY = {
  RETURN_DOM_FRAGMENT: true,
  // Images are links (see above); no forms, no styles (the CSP would refuse inline style anyway).
  FORBID_TAGS: ['img', 'picture', 'video', 'audio', 'source', 'style', 'form', 'button', 'textarea', 'select'],
  FORBID_ATTR: ['style'],
  ALLOW_DATA_ATTR: false,
};

/**
 * One message's Markdown in the DOM: `show(source)` brings `container` up to date with the whole text so far,
 * replacing only the blocks that changed. Call it at most once per animation frame.
 */
export class MarkdownView {
  #container;
  #blocks = [];
  #nodes = []; // per block, the top-level nodes it put into the container

  constructor(container) {
    this.#container = container;
  }

  show(source) {
    const { keep, blocks } = plan(this.#blocks, source);
    for (const nodes of this.#nodes.splice(keep)) for (const node of nodes) node.remove();
    const doc = this.#container.ownerDocument;
    for (const block of blocks.slice(keep)) {
      const fragment = sanitizer().sanitize(block.html, PURIFY);
      for (const pre of fragment.querySelectorAll('pre')) decorateCode(doc, pre);
      const nodes = [...fragment.childNodes];
      this.#container.append(fragment);
      this.#nodes.push(nodes);
    }
    this.#blocks = blocks;
  }
}

/** A code block gets a bar with its language and a Copy button (the page's click handler does the copying). */
function decorateCode(doc, pre) {
  const frame = doc.createElement('div');
  frame.className = 'code-block';
  const bar = doc.createElement('div');
  bar.className = 'code-bar';
  const language = doc.createElement('span');
  language.className = 'code-language';
  language.textContent = /(?:^|\s)language-(\S+)/.exec(pre.querySelector('code')?.className ?? '')?.[1] ?? '';
  const copy = doc.createElement('button');
  copy.type = 'button';
  copy.className = 'copy';
  copy.textContent = 'Copy';
  copy.setAttribute('aria-label', 'Copy code');
  bar.append(language, copy);
  pre.replaceWith(frame);
  frame.append(bar, pre);
}
