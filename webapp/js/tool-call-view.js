// A tool call in the conversation: a labelled block with the function's name and its arguments as text, growing
// as fragments arrive. The page only shows it; running tools is the caller's business, not the page's.

/**
 * One call's block. `show(call)` takes the assembler's call `{index, id, name, arguments}` and brings the block up
 * to date; arguments only grow, so only their new end is appended to one Text node (never parsed as HTML).
 */
export class ToolCallView {
  constructor(doc) {
    this.element = doc.createElement('section');
    this.element.className = 'tool-call';
    const head = doc.createElement('p');
    head.className = 'tool-call-head';
    const label = doc.createElement('span');
    label.className = 'tool-call-label';
    label.textContent = 'Tool call';
    this.name = doc.createElement('code');
    this.name.className = 'tool-name';
    this.id = doc.createElement('span');
    this.id.className = 'tool-id';
    head.append(label, this.name, this.id);
    const pre = doc.createElement('pre');
    pre.className = 'tool-arguments';
    this.arguments = doc.createTextNode('');
    pre.append(this.arguments);
    this.element.append(head, pre);
  }

  show(call) {
    this.element.dataset.index = String(call.index);
    if (call.name !== undefined && this.name.textContent !== call.name) this.name.textContent = call.name;
    if (call.id !== undefined && this.id.textContent !== call.id) this.id.textContent = call.id;
    const shown = this.arguments.data.length;
    if (call.arguments.length > shown) this.arguments.appendData(call.arguments.slice(shown));
  }

  /** The answer ended: say whether the arguments are the JSON a caller could use. */
  finish() {
    let valid = true;
    try {
      JSON.parse(this.arguments.data);
    } catch {
      valid = false;
    }
    this.element.dataset.arguments = valid ? 'json' : 'invalid';
    if (!valid) {
      const note = this.element.ownerDocument.createElement('p');
      note.className = 'tool-call-note';
      note.textContent = this.arguments.data === '' ? 'No arguments.' : 'The arguments are not valid JSON.';
      this.element.append(note);
    }
  }
}
