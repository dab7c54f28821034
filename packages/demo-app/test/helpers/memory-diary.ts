import * as Y from 'yjs'
import type { BackupSource, RestoreTarget } from '../../src/model/backup.ts'
import type { ListItem } from '../../src/model/diary-index.ts'

/** A diary held in memory: live documents and a deleted set, as an engine keeps them. */
export class MemoryDiary implements BackupSource, RestoreTarget {
  readonly docs = new Map<string, Y.Doc>()
  readonly deleted = new Set<string>()

  list(): ListItem[] {
    return [...this.docs.keys()].map((id) => ({ id, updatedAt: 0, deleted: this.deleted.has(id) }))
  }

  async doc(id: string): Promise<Y.Doc> {
    let doc = this.docs.get(id)
    if (!doc) {
      doc = new Y.Doc()
      this.docs.set(id, doc)
    }
    return doc
  }

  async read(id: string): Promise<Uint8Array> {
    return Y.encodeStateAsUpdate(await this.doc(id))
  }

  async delete(id: string): Promise<void> {
    await this.doc(id)
    this.deleted.add(id)
  }
}
