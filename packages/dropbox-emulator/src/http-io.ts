/**
 * Low-level HTTP helpers: reading bodies, writing replies, CORS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Reply } from './state.ts'

/** Headers a browser may send cross-origin (listed: `*` does not cover `Authorization`). */
export const CORS_ALLOW_HEADERS =
  'Authorization, Content-Type, Dropbox-API-Arg, Dropbox-API-Path-Root, Dropbox-API-Select-User, X-Emulator-Client'

/** Sets the CORS headers every response carries. */
export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*')
  res.setHeader('Access-Control-Expose-Headers', 'Dropbox-API-Result')
}

/** Answers a CORS preflight. */
export function answerPreflight(res: ServerResponse): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Max-Age': '600',
    'Content-Length': '0',
  })
  res.end()
}

/** A request body; `tooLarge` when it exceeded the limit (the rest was read and dropped). */
export interface Body {
  data: Buffer
  /** Bytes received, dropped ones included. */
  size: number
  tooLarge: boolean
}

/** Reads the whole body, keeping at most `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (tooLarge) return
      if (size > limit) {
        tooLarge = true
        chunks.length = 0
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve({ data: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), size, tooLarge }))
    req.on('error', reject)
    req.on('aborted', () =>
      reject(new Error('the client closed the connection before sending the whole body')),
    )
  })
}

/** Writes a reply and returns how many body bytes were sent. */
export function sendReply(res: ServerResponse, reply: Reply): number {
  const headers: Record<string, string> = { ...reply.headers }
  let body: Buffer
  if (reply.body !== undefined) {
    body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body
    if (typeof reply.body === 'string' && !hasHeader(headers, 'content-type')) {
      headers['Content-Type'] = 'text/plain; charset=utf-8'
    }
  } else {
    body = Buffer.from(JSON.stringify(reply.json ?? null), 'utf8')
    headers['Content-Type'] = 'application/json'
  }
  headers['Content-Length'] = String(body.length)
  res.writeHead(reply.status ?? 200, headers)
  res.end(body)
  return body.length
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name)
}
