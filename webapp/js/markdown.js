// Markdown for the model's answers, rendered while they stream. Model output is untrusted: raw HTML in it is shown
// as text (never parsed), images become links (nothing loads by itself, so an answer cannot send the conversation
// to another server through an image address), and every piece of HTML marked builds passes DOMPurify before it
// reaches the page. Both libraries are served from the WAR (webapp/vendor/), so the page's CSP holds.

import { Marked } from '../vendor/marked/marked.esm.js';
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
 * one top-level Markdown element `{raw, html}`; `html` is marked's output, still to be sanitized. While an answer
 * streams only its last block or two change, so each frame re-renders those and not the whole answer.
 */
export function plan(previous, source) {
  const tokens = markdown.lexer(source);
  const links = JSON.stringify(tokens.links);
  let keep = 0;
  // Reference links ([x][1] ... [1]: url) change earlier blocks when their definition arrives: then redo all.
  if (previous.links === links) {
    while (keep < previous.length && keep < tokens.length && previous[keep].raw === tokens[keep].raw) keep++;
  }
  const blocks = tokens.map((token, i) => {
    if (i < keep) return previous[i];
    const one = [token];
    one.links = tokens.links;
    return { raw: token.raw, html: markdown.parser(one) };
  });
  blocks.links = links;
  return { keep, blocks };
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
