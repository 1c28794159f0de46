// Stand-ins for the network a test controls: fetch with scripted reads, an EventSource the test dispatches.

const encoder = new TextEncoder();

/**
 * A fetch that answers with `reads` (strings, each one network read) and records the request. Like a real
 * fetch, aborting the request errors the body; `hold` keeps the body open after the last read.
 */
export function fakeFetch(reads, { status = 200, contentType = 'text/event-stream', hold = false, fail } = {}) {
  const calls = [];
  const fetch = async (url, init) => {
    const call = { url: String(url), init, body: init.body && JSON.parse(init.body), cancelled: false };
    calls.push(call);
    if (init.method === 'DELETE') return new Response(null, { status: 204 });
    if (fail) throw fail;
    let i = 0;
    const body = new ReadableStream({
      start(controller) {
        init.signal.addEventListener('abort', () => {
          call.cancelled = true;
          try { controller.error(init.signal.reason); } catch { /* already closed */ }
        });
      },
      async pull(controller) {
        if (i < reads.length) {
          const read = reads[i++];
          if (read instanceof Error) controller.error(read);
          else controller.enqueue(typeof read === 'string' ? encoder.encode(read) : read);
        } else if (!hold) {
          controller.close();
        } else {
          await new Promise(() => {}); // the upstream is thinking
        }
      },
    });
    return new Response(body, { status, headers: { 'Content-Type': contentType } });
  };
  return { fetch, calls };
}

/** Every event until the iterator ends or throws; a throw is returned, not raised. */
export async function collect(iterable) {
  const events = [];
  try {
    for await (const event of iterable) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events };
}

/** Enough of EventSource to drive the GET path: the test dispatches what the browser would. */
export class FakeEventSource {
  static last;
  readyState = 0;
  listeners = {};
  constructor(url) {
    this.url = url;
    FakeEventSource.last = this;
  }
  addEventListener(type, listener) {
    (this.listeners[type] ??= []).push(listener);
  }
  close() {
    this.readyState = 2;
  }
  emit(type, json, lastEventId = '') {
    for (const l of this.listeners[type] ?? []) l({ type, data: JSON.stringify({ type, ...json }), lastEventId });
  }
  fail(readyState) {
    this.readyState = readyState;
    for (const l of this.listeners.error ?? []) l({ type: 'error' });
  }
}

export async function nextTick() {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

