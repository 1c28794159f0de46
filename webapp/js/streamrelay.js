// StreamRelay's browser client: one async iterator of relay events over SSE or NDJSON. No dependencies and no
// build step; import it from the relay itself so it always matches the relay's wire:
//
//   import { streamChat } from 'https://relay.example.com/js/streamrelay.js';
//   for await (const event of streamChat({ messages, transport: 'ndjson', signal })) { ... }
//
// The iterator yields `start`, `token`, `reasoning`, `tool_call` and finally `done`, then ends. `tool_call` events
// are fragments of the model's tool calls; `assembleToolCalls(events)` or a `ToolCallAssembler` joins them. A
// dropped connection is resumed after the last event received (the relay keeps the generation), up to five times
// in a row. Anything that is not a whole answer throws instead of ending quietly: an `error` event, a refused
// request (its problem+json is read), a connection that could not be resumed. Stopping through the AbortSignal
// throws the signal's AbortError.

import { EventStreamParser } from './event-stream.js';
import { NdjsonParser } from './ndjson.js';
import { ToolCallAssembler, assembleToolCalls } from './tool-calls.js';

export { EventStreamParser, NdjsonParser, ToolCallAssembler, assembleToolCalls };

const TRANSPORTS = {
  sse: { path: 'api/chat', mediaType: 'text/event-stream', parser: () => new EventStreamParser() },
  ndjson: { path: 'ndjson/chat', mediaType: 'application/x-ndjson', parser: () => new NdjsonParser() },
};

/** Why a stream did not deliver a whole answer. `code` is the relay's (e.g. `upstream_error`) or the client's. */
export class StreamRelayError extends Error {
  constructor(code, message, { retryable = false, status, problem, event, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StreamRelayError';
    this.code = code;
    this.retryable = retryable;
    this.status = status; // the HTTP status of a refused request
    this.problem = problem; // its application/problem+json body
    this.event = event; // the relay's `error` event
  }
}

/**
 * Streams one answer. Options:
 * - `messages`: the conversation, `[{role: 'system'|'user'|'assistant', content}]`; or `prompt`: one user text.
 * - `transport`: `'sse'` (default) or `'ndjson'`.
 * - `model`, `temperature`, `maxTokens`: passed to the relay when set.
 * - `signal`: an AbortSignal; aborting closes the connection and cancels the generation (DELETE), so the upstream
 *   stops at once instead of waiting out the relay's reconnect grace period.
 * - `key`: the relay's gateway key, sent as `Authorization: Bearer <key>` (then never over EventSource, which
 *   cannot send headers).
 * - `baseUrl`: where the relay is; defaults to the relay this module was loaded from.
 * - `fetch`, `EventSource`: replacements for the globals (tests, instrumentation); `EventSource: null` never uses it.
 * - `resume`: `true` (default) comes back after a dropped connection, from the last event received, without asking
 *   the model again; `false` reports the drop as an error at once.
 *
 * A bare `prompt` over SSE goes through the browser's EventSource (a GET is enough); everything else is a POST
 * read through fetch. Leaving the loop early (break, throw) closes the connection too.
 */
export function streamChat(options = {}) {
  const transport = TRANSPORTS[options.transport ?? 'sse'];
  if (!transport) {
    throw new TypeError(`transport must be 'sse' or 'ndjson', not ${options.transport}`);
  }
  if (options.messages === undefined && typeof options.prompt !== 'string') {
    throw new TypeError('streamChat needs messages or a prompt');
  }
  const base = relayBase(options.baseUrl);
  const EventSourceImpl = options.EventSource === undefined ? globalThis.EventSource : options.EventSource;
  const getIsEnough = options.messages === undefined && options.temperature === undefined
      && options.maxTokens === undefined && options.key === undefined;
  if (transport === TRANSPORTS.sse && getIsEnough && EventSourceImpl) {
    const url = new URL(transport.path, base);
    url.searchParams.set('prompt', options.prompt);
    if (options.model !== undefined) url.searchParams.set('model', options.model);
    return viaEventSource(url, EventSourceImpl, options.signal, base, options.fetch, options.resume ?? true);
  }
  return viaFetch(new URL(transport.path, base), transport, requestBody(options), options, base);
}

/**
 * Leaving without a terminal event (abort, an early break, a connection that could not be resumed) means
 * nobody will read the rest: the relay would otherwise keep the upstream running through its grace period,
 * waiting for a reconnect that will not come.
 */
function cancelGeneration(base, generation, fetchImpl = globalThis.fetch, key = undefined) {
  if (!generation || !fetchImpl) return;
  try {
    Promise.resolve(fetchImpl(new URL(`api/generations/${encodeURIComponent(generation)}`, base),
        { method: 'DELETE', keepalive: true, headers: authorization(key) })).catch(() => {});
  } catch {
    // Best effort: the relay's grace period still ends it.
  }
}

function authorization(key) {
  return key === undefined ? {} : { Authorization: `Bearer ${key}` };
}

function relayBase(baseUrl) {
  // The module lives at <relay>/js/streamrelay.js, so its parent is the relay, whatever its context root.
  const base = new URL(baseUrl ?? '../', baseUrl === undefined ? import.meta.url : globalThis.location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

function requestBody({ messages, prompt, model, temperature, maxTokens }) {
  const body = messages !== undefined ? { messages } : { prompt };
  if (model !== undefined) body.model = model;
  if (temperature !== undefined) body.temperature = temperature;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  return JSON.stringify(body);
}

/** Reconnects after a dropped connection before giving up; each resume starts after the last event received. */
const RESUME_ATTEMPTS = 5;

async function* viaFetch(url, transport, body, { signal, key, fetch: fetchImpl = globalThis.fetch, resume = true },
    base) {
  signal?.throwIfAborted();
  let generation;
  let lastSeq = -1;
  let ended = false;
  let failures = 0;
  let request = {
    url,
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: transport.mediaType, ...authorization(key) },
      body,
    },
  };
  // Our own controller per connection, so that leaving the loop early closes it even without a caller's signal.
  let connection;
  const onAbort = () => connection?.abort(signal.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  // A dropped connection is not the end of the answer: the relay keeps the generation, so come back after the
  // last event received (?after= needs no CORS preflight, unlike a Last-Event-ID header).
  const resumeOrThrow = async (error) => {
    if (signal?.aborted) throw signal.reason;
    if (!resume || generation === undefined || failures >= RESUME_ATTEMPTS) throw error;
    failures += 1;
    await pause(Math.min(2000, 100 * 2 ** failures), signal);
    const path = transport === TRANSPORTS.sse
        ? `api/generations/${encodeURIComponent(generation)}/events?after=${lastSeq}`
        : `ndjson/generations/${encodeURIComponent(generation)}?after=${lastSeq}`;
    request = {
      url: new URL(path, base),
      init: { method: 'GET', headers: { Accept: transport.mediaType, ...authorization(key) } },
    };
  };

  try {
    connect: while (true) {
      connection = new AbortController();
      let response;
      try {
        response = await fetchImpl(request.url, { ...request.init, cache: 'no-store', signal: connection.signal });
      } catch (e) {
        await resumeOrThrow(new StreamRelayError('network_error', 'the relay could not be reached',
            { retryable: true, cause: e }));
        continue;
      }
      if (!response.ok) {
        throw await refusal(response);
      }
      const contentType = response.headers.get('Content-Type') ?? '';
      if (!contentType.toLowerCase().startsWith(transport.mediaType) || !response.body) {
        // A proxy's login page or error page answers 200 too; it is not an answer.
        throw new StreamRelayError('bad_stream', `expected ${transport.mediaType}, got ${contentType || 'no body'}`);
      }
      const parser = transport.parser();
      const reader = response.body.getReader();
      while (true) {
        let read;
        try {
          read = await reader.read();
        } catch (e) {
          await resumeOrThrow(new StreamRelayError('connection_lost',
              'the connection broke before the answer was complete', { retryable: true, cause: e }));
          continue connect;
        }
        for (const item of parse(parser, read)) {
          const event = transport === TRANSPORTS.sse ? fromSse(item) : item;
          if (event.type === 'ping') continue;
          if (typeof event.seq === 'number') {
            if (event.seq <= lastSeq) continue; // already delivered before a reconnect
            lastSeq = event.seq;
          }
          failures = 0;
          if (event.type === 'start') generation = event.generation;
          if (event.type === 'error') {
            ended = true;
            throw failure(event);
          }
          if (event.type === 'done') ended = true;
          yield event;
          if (event.type === 'done') return;
        }
        if (read.done) {
          await resumeOrThrow(new StreamRelayError('connection_ended',
              'the stream ended before the answer was complete', { retryable: true }));
          continue connect;
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    connection?.abort();
    if (!ended) cancelGeneration(base, generation, fetchImpl, key);
  }
}

function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

function parse(parser, read) {
  try {
    return read.done ? parser.end() : parser.push(read.value);
  } catch (e) {
    throw new StreamRelayError('bad_stream', e.message, { cause: e });
  }
}

function fromSse(message) {
  let event;
  try {
    event = JSON.parse(message.data);
  } catch (e) {
    throw new StreamRelayError('bad_stream', `an SSE event whose data is not JSON: ${message.data}`, { cause: e });
  }
  event.type ??= message.type;
  event.lastEventId = message.lastEventId;
  // A tool call's `id` is the call's own (and absent from its later fragments): the SSE id must not replace it.
  if (event.type !== 'tool_call') event.id = message.lastEventId;
  return event;
}

function failure(event) {
  return new StreamRelayError(event.code ?? 'error', event.message ?? 'the stream failed',
      { retryable: event.retryable === true, event });
}

async function refusal(response) {
  let problem;
  try {
    problem = JSON.parse(await response.text());
  } catch {
    problem = undefined; // not JSON: the status alone has to speak
  }
  const status = response.status;
  return new StreamRelayError(problem?.code ?? `http_${status}`,
      problem?.detail || problem?.title || `the relay answered HTTP ${status}`,
      { status, problem, retryable: status === 429 || status === 502 || status === 503 || status === 504 });
}

// EventSource delivers a named event only to a listener for that name: an event type missing here is lost.
const NAMED_EVENTS = ['start', 'token', 'reasoning', 'tool_call', 'done', 'error'];

async function* viaEventSource(url, EventSourceImpl, signal, base, fetchImpl, resume) {
  signal?.throwIfAborted();
  let generation;
  let ended = false;
  let lastSeq = -1;
  let reconnects = 0;
  const queue = [];
  let wake = () => {};
  const put = (item) => {
    queue.push(item);
    wake();
  };
  const source = new EventSourceImpl(url.href);
  const onAbort = () => put({ abort: signal.reason });
  signal?.addEventListener('abort', onAbort, { once: true });
  for (const name of NAMED_EVENTS) {
    source.addEventListener(name, (e) => {
      // The relay's `error` event carries data; the browser's own connection error does not.
      put(typeof e.data === 'string' ? { message: { type: name, data: e.data, lastEventId: e.lastEventId } }
          : { broken: source.readyState });
    });
  }
  try {
    while (true) {
      if (queue.length === 0) {
        await new Promise((resolve) => { wake = resolve; });
        continue;
      }
      const item = queue.shift();
      if (item.abort !== undefined) throw item.abort;
      if (item.broken !== undefined && item.broken === 0 && resume && generation !== undefined
          && reconnects < RESUME_ATTEMPTS) {
        // CONNECTING: the browser reconnects by itself with Last-Event-ID, and the relay resumes the same
        // generation after that event instead of asking the model again.
        reconnects += 1;
        continue;
      }
      if (item.broken !== undefined) {
        throw item.broken === 2
            ? new StreamRelayError('refused', 'the relay refused the request (EventSource cannot read why;'
                + ' POST the messages to see the problem)')
            : new StreamRelayError('connection_lost', 'the connection broke before the answer was complete',
                { retryable: true });
      }
      const event = fromSse(item.message);
      if (typeof event.seq === 'number') {
        if (event.seq <= lastSeq) continue;
        lastSeq = event.seq;
      }
      reconnects = 0;
      if (event.type === 'start') generation = event.generation;
      if (event.type === 'error' || event.type === 'done') {
        ended = true;
        // Before the caller gets the terminal event: the relay ends the response now, and an open
        // EventSource would answer that by reconnecting.
        source.close();
      }
      if (event.type === 'error') throw failure(event);
      yield event;
      if (event.type === 'done') return;
    }
  } finally {
    source.close();
    signal?.removeEventListener('abort', onAbort);
    if (!ended) cancelGeneration(base, generation, fetchImpl);
  }
}
