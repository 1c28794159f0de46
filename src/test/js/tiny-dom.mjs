// Just enough DOM for the page's views in node: elements, text nodes, dataset. Setting innerHTML or
// outerHTML throws, so a test fails if a view ever parses text as HTML.

class Node {
  parent = null;
  remove() {
    if (this.parent) this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }
}

export class Text extends Node {
  constructor(data, doc) {
    super();
    this.data = String(data);
    this.ownerDocument = doc;
    this.appends = 0;
  }
  appendData(more) {
    this.data += more;
    this.appends++;
  }
  get textContent() {
    return this.data;
  }
}

export class Element extends Node {
  children = [];
  dataset = {};
  attributes = {};
  className = '';
  constructor(tag, doc) {
    super();
    this.tagName = tag.toUpperCase();
    this.ownerDocument = doc;
  }
  append(...nodes) {
    for (const node of nodes) {
      const child = typeof node === 'string' ? new Text(node, this.ownerDocument) : node;
      child.remove();
      child.parent = this;
      this.children.push(child);
    }
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  get textContent() {
    return this.children.map((c) => c.textContent).join('');
  }
  set textContent(text) {
    for (const child of [...this.children]) child.remove();
    if (text !== '') this.append(String(text));
  }
  set innerHTML(_) {
    throw new Error('innerHTML: model output must never be parsed as HTML');
  }
  set outerHTML(_) {
    throw new Error('outerHTML: model output must never be parsed as HTML');
  }
  /** Descendants whose class list has `name`. */
  byClass(name) {
    const found = [];
    const walk = (node) => {
      if (!(node instanceof Element)) return;
      if (node.className.split(/\s+/).includes(name)) found.push(node);
      node.children.forEach(walk);
    };
    this.children.forEach(walk);
    return found;
  }
}

export function createDocument() {
  const doc = {
    createElement: (tag) => new Element(tag, doc),
    createTextNode: (data) => new Text(data, doc),
  };
  return doc;
}
