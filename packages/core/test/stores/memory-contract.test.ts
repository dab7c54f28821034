import { runBlobStoreContract, runLocalStoreContract } from '@y-dropbox/testing'
import { MemoryBlobStore, MemoryCloud } from '../../src/stores/memory-blob-store.ts'
import { MemoryLocalStore } from '../../src/stores/memory-local-store.ts'

runBlobStoreContract('MemoryBlobStore', async () => ({ store: new MemoryBlobStore() }))

runBlobStoreContract('MemoryCloud client with short watch timeouts', async () => {
  const cloud = new MemoryCloud()
  cloud.connect()
  return {
    store: cloud.connect({ watchTimeoutMs: 20 }),
    reopen: async () => cloud.connect({ watchTimeoutMs: 20 }),
  }
})

runLocalStoreContract('MemoryLocalStore', async () => {
  const store = new MemoryLocalStore()
  return { store, reopen: async () => store.reopen() }
})
