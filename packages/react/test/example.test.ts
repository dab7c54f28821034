/** The README's example, rendered with React over two devices of an in-memory cloud. */
import { render, screen, waitFor } from '@testing-library/react'
import { MemoryCloud, MemoryLocalStore, SyncEngine } from '@y-dropbox/core'
import { createElement } from 'react'
import { expect, it } from 'vitest'
import { Diary } from '../example.tsx'

it('shows the status, the entries and the open entry as they change', async () => {
  const cloud = new MemoryCloud()
  const open = (deviceName: string) =>
    SyncEngine.open({
      remote: cloud.connect(),
      local: new MemoryLocalStore(),
      deviceName,
      root: '/diary',
      autoSync: false,
    })
  const phone = await open('phone')
  const laptop = await open('laptop')
  render(createElement(Diary, { engine: phone, open: 'monday' }))
  expect(screen.getByRole('status').textContent).toBe('Sync is off on this device')
  await phone.activate()
  await laptop.activate()
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Up to date'))
  ;(await laptop.doc('monday')).getText('notes').insert(0, 'Knee swollen.')
  await laptop.syncNow()
  await phone.syncNow()
  await waitFor(() => expect(screen.getByRole('listitem').textContent).toBe('monday'))
  await waitFor(() => expect(screen.getByRole('article').textContent).toBe('Knee swollen.'))
  await laptop.close()
  await phone.close()
})
