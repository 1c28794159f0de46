// A text/event-stream parser that follows the WHATWG rules, for SSE read through fetch (EventSource cannot POST).
// Feed it the body's reads as they come; it returns the events each read completes.

const BOM = '\uFEFF';

export class EventStreamParser {
  // ignoreBOM keeps the BOM in the text, so exactly one is dropped below whether bytes or strings are pushed.
  #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  #pending = '';
  #started = false;
  // A CR ended the last read: an LF opening the next read belongs to that same line end.
  #skipLF = false;
  #data = '';
  #type = '';
  #lastEventId = '';

  /** The last valid `retry:` value in milliseconds, or null. */
  retry = null;

  /**
   * Takes the next piece of the stream (Uint8Array or string) and returns the events it completed, each
   * `{type, data, lastEventId}` like a MessageEvent. A multi-byte character split across reads is kept whole.
   */
  push(chunk) {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    return this.#feed(text);
  }

  /** The stream ended: an event without its closing blank line is discarded, as the standard says. */
  end() {
    this.#decoder.decode();
    this.#pending = '';
    this.#data = '';
    this.#type = '';
    return [];
  }

  #feed(text) {
    const events = [];
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text[0] === BOM) {
        text = text.slice(1);
      }
    }
    if (this.#skipLF && text.length > 0) {
      this.#skipLF = false;
      if (text[0] === '\n') {
        text = text.slice(1);
      }
    }
    const buffer = this.#pending + text;
    let pos = 0;
    // Both searches are cached so a long read with only one kind of line end is scanned once, not per line.
    let cr = buffer.indexOf('\r');
    let lf = buffer.indexOf('\n');
    while (cr >= 0 || lf >= 0) {
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      this.#line(buffer.slice(pos, end), events);
      if (end === cr) {
        if (end + 1 === buffer.length) {
          this.#skipLF = true;
          pos = end + 1;
        } else {
          pos = buffer[end + 1] === '\n' ? end + 2 : end + 1;
        }
      } else {
        pos = end + 1;
      }
      if (cr >= 0 && cr < pos) cr = buffer.indexOf('\r', pos);
      if (lf >= 0 && lf < pos) lf = buffer.indexOf('\n', pos);
    }
    this.#pending = buffer.slice(pos);
    return events;
  }

  #line(line, events) {
    if (line === '') {
      this.#dispatch(events);
      return;
    }
    if (line[0] === ':') {
      return; // a comment, e.g. the relay's `: ping` heartbeat
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') {
      value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data += value + '\n';
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  #dispatch(events) {
    const data = this.#data;
    const type = this.#type;
    this.#data = '';
    this.#type = '';
    if (data === '') {
      return;
    }
    events.push({ type: type || 'message', data: data.slice(0, -1), lastEventId: this.#lastEventId });
  }
}
