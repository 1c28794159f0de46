// The chat page: a multi-turn conversation over streamChat. Answers are shown as Markdown (markdown.js: raw HTML
// in them stays text, and everything passes DOMPurify); reasoning, tool calls and the user's own text reach the
// DOM only as Text nodes.

import { streamChat, ToolCallAssembler } from './streamrelay.js';
import { MarkdownView } from './markdown.js';
import { ToolCallView } from './tool-call-view.js';
import { showUsageToday } from './usage-today.js';

const OFFLINE_MODEL = 'streamrelay-demo';

const byId = (id) => document.getElementById(id);
const form = byId('composer');
const promptBox = byId('prompt');
const sendButton = byId('send');
const stopButton = byId('stop');
const conversation = byId('conversation');
const modelLine = byId('model');
const emptyHint = byId('empty');
const usageToday = byId('usage-today');
showUsageToday(usageToday);

// ?model=… in the page's address asks the relay for that model; without it the relay's configured one answers.
const requestedModel = new URLSearchParams(location.search).get('model') ?? undefined;

// What the next request sends: the turns the user saw answered. A failed answer and its question are left
// out so the model is never shown a reply it did not finish.
let history = [];
// Bumped by "New conversation", so an answer still ending after it cannot write into the new history.
let conversationId = 0;
let running = null;
let offlineExplained = false;

form.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});

promptBox.addEventListener('keydown', (e) => {
  // While an input method composes (CJK), Enter confirms the composition; it must not send.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    form.requestSubmit();
  }
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && running) running.abort();
});

stopButton.addEventListener('click', () => running?.abort());

// The Copy buttons of code blocks, however many answers there are: one listener.
conversation.addEventListener('click', (e) => {
  const button = e.target.closest?.('button.copy');
  if (button) copyCode(button);
});

byId('clear').addEventListener('click', () => {
  running?.abort();
  conversationId++;
  history = [];
  conversation.replaceChildren();
  emptyHint.hidden = false;
  promptBox.focus();
});

async function send() {
  const text = promptBox.value;
  if (running || text.trim() === '') return;
  promptBox.value = '';
  const messages = [...history, { role: 'user', content: text }];
  const id = conversationId;
  const remember = (turns) => {
    if (id === conversationId) history = turns;
  };
  emptyHint.hidden = true;
  const follow = nearBottom();
  addUserMessage(text);
  const answer = new Answer();
  if (follow) scrollDown();

  const stopper = new AbortController();
  setRunning(stopper);
  const clock = new Clock(answer);
  let reply = '';
  try {
    const events = streamChat({ messages, transport: selectedTransport(), model: requestedModel,
      signal: stopper.signal });
    for await (const event of events) {
      const follow = nearBottom();
      switch (event.type) {
        case 'start':
          answer.model(event.model);
          showModel(event.model);
          break;
        case 'token':
          clock.token();
          reply += event.text;
          answer.append(event.text);
          break;
        case 'reasoning':
          clock.token();
          answer.reason(event.text);
          break;
        case 'tool_call':
          clock.token();
          answer.toolCall(event);
          break;
        case 'done':
          answer.done(event);
          clock.stop();
          break;
        default:
          break; // event types added later are not this page's business
      }
      if (follow) scrollDown();
    }
    remember([...messages, { role: 'assistant', content: reply }]);
  } catch (error) {
    const follow = nearBottom();
    clock.stop();
    if (error.name === 'AbortError') {
      answer.end('stopped', reply ? 'Stopped. The answer above is incomplete.' : 'Stopped before the first token.');
      // What the user saw stays part of the conversation, as far as it got.
      if (reply) remember([...messages, { role: 'assistant', content: reply }]);
    } else {
      answer.end('error', describe(error, reply !== ''));
    }
    if (follow) scrollDown();
  } finally {
    setRunning(null);
    promptBox.focus();
    // The record is written a moment after the end, by the ledger's writer.
    setTimeout(() => showUsageToday(usageToday), 1000);
  }
}

function describe(error, partial) {
  const where = error.code ? ` (${error.code}${error.status ? `, HTTP ${error.status}` : ''})` : '';
  const incomplete = partial ? ' The answer above is incomplete.' : '';
  const again = error.retryable ? ' Sending again may work.' : '';
  return `Error${where}: ${error.message.replace(/\.$/, '')}.${incomplete}${again}`;
}

function selectedTransport() {
  return document.querySelector('input[name="transport"]:checked').value;
}

function setRunning(controller) {
  running = controller;
  sendButton.disabled = controller !== null;
  stopButton.disabled = controller === null;
  // Screen readers announce the log once the answer is complete instead of token by token.
  conversation.setAttribute('aria-busy', String(controller !== null));
}

function showModel(model) {
  const offline = model === OFFLINE_MODEL;
  modelLine.classList.toggle('offline', offline);
  modelLine.textContent = `Model: ${model}${offline ? ' (the built-in offline model)' : ''}`;
}

function addUserMessage(text) {
  const item = element('li', 'msg user');
  item.append(element('p', 'who', 'You'), element('div', 'text', text));
  conversation.append(item);
}

async function copyCode(button) {
  const code = button.closest('.code-block')?.querySelector('pre')?.textContent ?? '';
  let copied = false;
  try {
    await navigator.clipboard.writeText(code);
    copied = true;
  } catch {
    // No async clipboard (plain http on an intranet host is not a secure context, or permission refused):
    // select the code and ask for the old copy command, which still works on a click; else Ctrl+C does it.
    const range = document.createRange();
    range.selectNodeContents(button.closest('.code-block').querySelector('pre'));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
  }
  button.textContent = copied ? 'Copied' : 'Selected: press Ctrl+C';
  button.dataset.copied = String(copied);
  setTimeout(() => {
    button.textContent = 'Copy';
    delete button.dataset.copied;
  }, 2000);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function nearBottom() {
  return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
}

function scrollDown() {
  window.scrollTo(0, document.documentElement.scrollHeight);
}

/** One answer in the conversation; its `data-state` is streaming, done, stopped or error. */
class Answer {
  constructor() {
    this.item = element('li', 'msg assistant');
    this.item.dataset.state = 'streaming';
    this.who = element('p', 'who', 'Assistant');
    this.thinking = element('details', 'reasoning');
    this.thinking.hidden = true;
    this.thinking.open = true;
    this.thinking.append(element('summary', '', 'Reasoning'));
    // One Text node per answer, grown with appendData: the text is never re-parsed and appending stays cheap.
    this.reasoningText = document.createTextNode('');
    this.thinking.append(element('div', 'reasoning-text'));
    this.thinking.lastChild.append(this.reasoningText);
    this.body = element('div', 'text markdown');
    this.markdown = new MarkdownView(this.body);
    this.frame = 0;
    // The text exactly as received, for a person who wants the Markdown (and for the tests).
    this.sourceBox = element('details', 'source');
    this.sourceBox.hidden = true;
    this.sourceBox.append(element('summary', '', 'Markdown'), element('pre', 'source-text'));
    this.sourceText = document.createTextNode('');
    this.sourceBox.lastChild.append(this.sourceText);
    this.tools = element('div', 'tool-calls');
    this.assembler = new ToolCallAssembler();
    this.toolViews = new Map();
    this.stats = element('p', 'stats');
    this.item.append(this.who, this.thinking, this.body, this.tools, this.sourceBox, this.stats);
    conversation.append(this.item);
  }

  model(name) {
    this.who.replaceChildren('Assistant ', element('span', 'model-name', name));
    if (name === OFFLINE_MODEL) {
      this.who.append(element('span', 'badge', 'offline demo'));
      // Said once, where a newcomer looks: this is not a real model, and how to get one.
      if (!offlineExplained) {
        offlineExplained = true;
        this.item.insertBefore(element('p', 'notice', 'No upstream is configured, so StreamRelay\'s built-in'
          + ' offline model answers with demo text. Set RELAY_UPSTREAM_URL and RELAY_UPSTREAM_API_KEY to relay a'
          + ' real model.'), this.thinking);
      }
    }
  }

  append(text) {
    this.sourceBox.hidden = false;
    this.sourceText.appendData(text);
    // Tokens come faster than frames: parse and draw the Markdown at most once per frame.
    this.frame ||= requestAnimationFrame(() => this.render());
  }

  render() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const started = performance.now();
    this.markdown.show(this.sourceText.data);
    // How often and how long the Markdown was drawn, for the browser tests' measurements.
    const took = performance.now() - started;
    this.renders = (this.renders ?? 0) + 1;
    this.renderMs = (this.renderMs ?? 0) + took;
    this.renderMaxMs = Math.max(this.renderMaxMs ?? 0, took);
    this.item.dataset.renders = this.renders;
    this.item.dataset.renderMs = this.renderMs.toFixed(1);
    this.item.dataset.renderMaxMs = this.renderMaxMs.toFixed(1);
  }

  toolCall(event) {
    const call = this.assembler.add(event);
    let view = this.toolViews.get(call);
    if (!view) {
      view = new ToolCallView(document);
      this.toolViews.set(call, view);
      this.tools.append(view.element);
      this.item.classList.add('has-tool-calls');
    }
    view.show(call);
  }

  /** The answer stopped streaming: draw what a pending frame would have, and close the tool calls. */
  settle() {
    if (this.frame) this.render();
    for (const view of this.toolViews.values()) view.finish();
  }

  reason(text) {
    this.thinking.hidden = false;
    this.reasoningText.appendData(text);
  }

  done(event) {
    this.settle();
    this.item.dataset.state = 'done';
    if (event.finish_reason === 'tool_calls') {
      this.note('notice', this.toolViews.size === 0
        ? 'The model stopped to call a tool (finish_reason tool_calls), but no tool call arrived.'
        : `The model asks for the tool call${this.toolViews.size === 1 ? '' : 's'} shown above.`
          + ' This page shows tool calls; it runs none.');
    } else if (event.finish_reason && event.finish_reason !== 'stop') {
      this.note('notice', `The model stopped early: finish_reason ${event.finish_reason}.`);
    }
    const usage = event.usage;
    if (usage) {
      this.usage = `${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens`
        + (usage.estimated ? ' (estimated)' : '');
    }
  }

  end(state, message) {
    this.settle();
    this.item.dataset.state = state;
    this.note(state === 'error' ? 'problem' : 'notice', message);
  }

  note(kind, message) {
    const note = element('p', kind, message);
    if (kind === 'problem') note.setAttribute('role', 'alert');
    this.item.insertBefore(note, this.stats);
  }
}

/** Time to first token and tokens per second, shown live while the answer streams. */
class Clock {
  constructor(answer) {
    this.answer = answer;
    this.sent = performance.now();
    this.first = null;
    this.last = null;
    this.count = 0;
    this.timer = setInterval(() => this.render(), 100);
    this.render();
  }

  token() {
    const now = performance.now();
    this.first ??= now;
    this.last = now;
    this.count++;
    if (this.count === 1) this.render();
  }

  stop() {
    clearInterval(this.timer);
    this.render(true);
  }

  render(final = false) {
    const item = this.answer.item;
    const parts = [];
    if (this.first === null) {
      parts.push(final ? 'no tokens' : `waiting for the first token… ${seconds(performance.now() - this.sent)}`);
    } else {
      const ttft = Math.round(this.first - this.sent);
      item.dataset.ttftMs = ttft;
      parts.push(`first token ${ttft} ms`, `${this.count} token${this.count === 1 ? '' : 's'}`);
      // The rate of generation: from the first token on, so waiting for the model does not dilute it.
      const span = ((final ? this.last : performance.now()) - this.first) / 1000;
      if (this.count > 1 && span > 0) {
        const rate = (this.count - 1) / span;
        item.dataset.tokensPerSecond = rate.toFixed(1);
        parts.push(`${rate < 10 ? rate.toFixed(1) : Math.round(rate)} tokens/s`);
      }
    }
    if (final && this.answer.usage) parts.push(this.answer.usage);
    this.answer.stats.textContent = parts.join(' · ');
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}
