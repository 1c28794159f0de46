// Assembles the relay's `tool_call` fragments into whole calls, so every caller does not write it again.
// The wire (the relay's contract, after OpenAI's chat-completions stream): the first fragment of a call carries
// `index`, `id` and `name`; later ones only `index` and an `arguments` piece; parallel calls interleave by index.

/**
 * Collects `tool_call` events into calls `{index, id, name, arguments}`, `arguments` being the concatenated JSON
 * text exactly as the model wrote it (not parsed: it may be invalid, and it is the caller's to check).
 *
 * Also copes with what gateways are known to send instead (see shared notes on OpenAI's stream): fragments that
 * repeat their id and name (kept once), every parallel call numbered 0 (a new id at a used index opens a new call,
 * numbered after the highest), fragments without an index (they continue the call of their id, else the last one opened).
 */
export class ToolCallAssembler {
  #calls = [];
  #byIndex = new Map(); // the wire's index -> the call its fragments continue

  /**
   * Adds one fragment and returns its call, which is this assembler's own object, updated in place (a view may
   * keep it to find its element); anything but a `tool_call` event returns undefined.
   */
  add(fragment) {
    if (fragment?.type !== undefined && fragment.type !== 'tool_call') return undefined;
    const wireIndex = Number.isInteger(fragment.index) ? fragment.index : undefined;
    let call = wireIndex !== undefined ? this.#byIndex.get(wireIndex)
      : fragment.id !== undefined ? this.#calls.find((c) => c.id === fragment.id) : this.#calls.at(-1);
    if (call && fragment.id !== undefined && call.id !== undefined && fragment.id !== call.id) {
      call = undefined;
    }
    if (!call) {
      const free = wireIndex !== undefined && !this.#calls.some((c) => c.index === wireIndex);
      const index = free ? wireIndex : Math.max(-1, ...this.#calls.map((c) => c.index)) + 1;
      call = { index, id: undefined, name: undefined, arguments: '' };
      this.#calls.push(call);
      if (wireIndex !== undefined) this.#byIndex.set(wireIndex, call);
    }
    call.id ??= fragment.id;
    call.name ??= fragment.name;
    if (typeof fragment.arguments === 'string') call.arguments += fragment.arguments;
    return call;
  }

  /** The calls so far, in index order, as copies; a call's id or name is undefined until a fragment names it. */
  get calls() {
    return [...this.#calls].sort((a, b) => a.index - b.index).map((call) => ({ ...call }));
  }
}

/** The whole calls in a list of events (other events are skipped), in index order. */
export function assembleToolCalls(events) {
  const assembler = new ToolCallAssembler();
  for (const event of events) assembler.add(event);
  return assembler.calls;
}
