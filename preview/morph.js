// ptk preview: morphDocument(target, source), used by app.js to update the email frame in place.
//
// It makes a live document equal to a parsed one by changing only what differs, so that a
// save which changed one paragraph changes one text node: the rest keeps its layout, its loaded
// images and the scroll position, and no new document (or renderer process) is needed.
//
// It never parses or runs anything itself: `source` is a document the caller parsed (app.js
// parses the email with the frame's own DOMParser, so under the frame's Content-Security-
// Policy), and its nodes are moved into `target`, whose frame runs no script.
"use strict";

// the one name this file defines for app.js (a global of the page's scripts)
const morphDocument = (function () {
  // Returns false, changing nothing, when the two documents' doctypes differ: a document's mode
  // (quirks, limited quirks or standards, which changes how emails lay out) is fixed when it is
  // created, so the caller must load a new document then. Returns true when `target` now equals
  // `source`.
  function morphDocument(target, source) {
    if (doctypeKey(target) !== doctypeKey(source)) return false;
    morphNode(rootOf(target), rootOf(source));
    return true;
  }

  // A document's root and doctype, read through Document.prototype: the email's own elements
  // can shadow the document's properties by name (<img name="documentElement">: the named
  // properties of a Document override its built-in ones).
  function documentGetter(name) {
    const get = Object.getOwnPropertyDescriptor(Document.prototype, name).get;
    return (doc) => get.call(doc);
  }
  const rootOf = documentGetter("documentElement");
  const doctypeOf = documentGetter("doctype");

  function doctypeKey(doc) {
    const type = doctypeOf(doc);
    return type ? `${type.name}|${type.publicId}|${type.systemId}` : "(none)";
  }

  // Two nodes are the same node (changed in place, not replaced) when they are of the same kind
  // and, for elements, have the same tag name and id (as morphdom and idiomorph match them).
  function sameNode(live, next) {
    return live.nodeType === next.nodeType && live.nodeName === next.nodeName &&
      (live.nodeType !== Node.ELEMENT_NODE || live.id === next.id);
  }

  function morphNode(live, next) {
    if (!sameNode(live, next)) {
      live.replaceWith(live.ownerDocument.adoptNode(next));
      return;
    }
    if (live.nodeType !== Node.ELEMENT_NODE) { // text or comment (e.g. Outlook's <!--[if mso]>)
      if (live.nodeValue !== next.nodeValue) live.nodeValue = next.nodeValue;
      return;
    }
    morphAttributes(live, next);
    morphChildren(live, next);
  }

  function morphAttributes(live, next) {
    for (const { name } of [...live.attributes]) {
      if (!next.hasAttribute(name)) live.removeAttribute(name);
    }
    for (const { name, value } of [...next.attributes]) {
      if (live.getAttribute(name) !== value) live.setAttribute(name, value);
    }
  }

  // The children: the unchanged ones at the start and at the end are left alone (a save usually
  // changes one place, and inserting or removing a section then touches only that section); the
  // ones between are matched in order, and the surplus inserted or removed.
  function morphChildren(live, next) {
    const old = [...live.childNodes];
    const wanted = [...next.childNodes];
    let start = 0;
    while (start < old.length && start < wanted.length && old[start].isEqualNode(wanted[start])) start += 1;
    let end = 0;
    while (end < old.length - start && end < wanted.length - start &&
           old[old.length - 1 - end].isEqualNode(wanted[wanted.length - 1 - end])) end += 1;
    const oldMiddle = old.slice(start, old.length - end);
    const wantedMiddle = wanted.slice(start, wanted.length - end);
    const before = end ? old[old.length - end] : null; // where inserted nodes go
    wantedMiddle.forEach((node, i) => {
      if (i < oldMiddle.length) morphNode(oldMiddle[i], node);
      else live.insertBefore(live.ownerDocument.adoptNode(node), before);
    });
    for (const surplus of oldMiddle.slice(wantedMiddle.length)) surplus.remove();
  }

  return morphDocument;
})();
