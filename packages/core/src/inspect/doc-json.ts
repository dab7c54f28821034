/**
 * Plain JSON of a Yjs document whose shared types were never declared on
 * this side (an export reads documents of any app): a top-level type with
 * keys is a map, a sequence of text is a text, an XML tree stays XML, any
 * other sequence is an array.
 */
import * as Y from 'yjs'
import { META_MAP } from '../engine/origins.ts'

/** The document's top-level types as JSON, leaving out the engine's own map (its deleted flag). */
export function docToJson(update: Uint8Array): Record<string, unknown> {
  // A fixed guid: a random one costs 31 random draws, noticeable over 10,000 documents.
  const doc = new Y.Doc({ guid: 'y-dropbox-export' })
  try {
    Y.applyUpdate(doc, update)
    const out: Record<string, unknown> = {}
    for (const name of [...doc.share.keys()].sort()) {
      if (name === META_MAP) continue
      const type = typed(doc, name)
      if (type) out[name] = type.toJSON()
    }
    return out
  } finally {
    doc.destroy()
  }
}

// biome-ignore lint/suspicious/noExplicitAny: Yjs types differ only in their event type
type AnyType = Y.AbstractType<any>

function typed(doc: Y.Doc, name: string): AnyType | undefined {
  const type: AnyType = doc.share.get(name)!
  if (type.constructor !== Y.AbstractType) return type
  let text = false
  let xml = false
  let other = false
  for (let item = type._start; item !== null; item = item.right) {
    if (item.deleted) continue
    const content = item.content
    if (
      content instanceof Y.ContentString ||
      content instanceof Y.ContentFormat ||
      content instanceof Y.ContentEmbed
    )
      text = true
    else if (content instanceof Y.ContentType && content.type instanceof Y.XmlElement) xml = true
    else other = true
  }
  if (type._start === null || (!text && !xml && !other)) {
    return type._map.size > 0 ? doc.getMap(name) : undefined
  }
  if (text && !other && !xml) return doc.getText(name)
  if (xml && !other) return doc.getXmlFragment(name)
  return doc.getArray(name)
}
