// An NDJSON (ndjson-spec 1.0) reader: network reads rarely end at a line end, so lines are buffered across
// reads and the bytes decoded by one streaming decoder.

const BOM = '\uFEFF';

export class NdjsonParser {
  #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  #pending = '';
  #started = false;

  /** Takes the next read (Uint8Array or string) and returns the JSON values of the lines it completed. */
  push(chunk) {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text[0] === BOM) text = text.slice(1);
    }
    const values = [];
    const buffer = this.#pending + text;
    let pos = 0;
    for (let lf = buffer.indexOf('\n'); lf >= 0; lf = buffer.indexOf('\n', pos)) {
      parseLine(buffer.slice(pos, lf), values);
      pos = lf + 1;
    }
    this.#pending = buffer.slice(pos);
    return values;
  }

  /** The stream ended: a last line without its `\n` still counts if it is whole JSON. */
  end() {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = '';
    const values = [];
    parseLine(rest, values);
    return values;
  }
}

function parseLine(line, values) {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line.trim() === '') return;
  try {
    values.push(JSON.parse(line));
  } catch (e) {
    throw new SyntaxError(`not a JSON line: ${line.length > 80 ? line.slice(0, 80) + '…' : line}`, { cause: e });
  }
}
