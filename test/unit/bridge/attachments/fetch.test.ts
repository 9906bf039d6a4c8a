/**
 * The runner's fetch against a real HTTP server on loopback standing in for Tailchat's /static:
 * size limit while streaming (with and without Content-Length), real type from the bytes,
 * redirects, Tailchat's "not found" quirk, timeouts, and the count limit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttachmentLoader } from '../../../../bridge/attachments/fetch.js';
import { ATTACHMENT_TEXT, AttachmentRefusal, DEFAULT_ALLOWED_TYPES } from '../../../../bridge/attachments/policy.js';
import { sniffType } from '../../../../bridge/attachments/sniff.js';
import type { AttachmentRef } from '../../../../bridge/engine/types.js';
import { noisePng, solidPng } from '../../../support/png.js';

const PNG = solidPng(3, 2);
const BIG = noisePng(20_000);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const MD = Buffer.from('# Title\n\nSome *text*, ünïcödé.\n');

let server: Server;
let base: string;
const served: string[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/static/files/u/pic.png': (_q, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG),
  '/static/files/u/big.png': (_q, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': BIG.length }).end(BIG),
  // no Content-Length, as Tailchat's /static (it pipes the object stream)
  '/static/files/u/big-chunked.png': (_q, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    let sent = 0;
    const push = () => {
      if (sent >= BIG.length || res.destroyed) return res.end();
      res.write(BIG.subarray(sent, sent + 4096), () => setImmediate(push));
      sent += 4096;
    };
    push();
  },
  '/static/files/u/lying.png': (_q, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': 10 });
    res.end(BIG); // more than it announced
  },
  '/static/files/u/report.pdf': (_q, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(PDF),
  '/static/files/u/notes.md': (_q, res) => res.writeHead(200, { 'content-type': 'text/markdown' }).end(MD),
  '/static/files/u/fake.png': (_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(gzipSync(Buffer.from('x'.repeat(100)))),
  '/static/files/u/binary.txt': (_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.from([0x00, 0x01, 0xfe, 0x42, 0x00])),
  '/static/files/u/moved.png': (_q, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/' }).end(),
  '/static/files/u/missing.png': (_q, res) => {
    res.write('static file not found'); // Tailchat answers 200 without a type when the object is gone
    res.end();
  },
  '/static/files/u/slow.png': () => undefined, // never answers
};

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route) route(req, res);
    else res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const limits = { maxCount: 3, maxBytes: 10_000, allowedTypes: DEFAULT_ALLOWED_TYPES, fetchTimeoutMs: 1_500 };
const loader = (over: Partial<typeof limits> = {}) => createAttachmentLoader({ source: { tailchatUrl: base }, limits: { ...limits, ...over } });
const img = (file: string, name = 'image.png'): AttachmentRef => ({ kind: 'image', url: `{BACKEND}/static/files/u/${file}`, name });
const card = (file: string, name = file): AttachmentRef => ({ kind: 'file', url: `{BACKEND}/static/files/u/${file}`, name });

async function refusal(p: Promise<unknown>): Promise<AttachmentRefusal> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AttachmentRefusal);
  return err as AttachmentRefusal;
}

describe('createAttachmentLoader', () => {
  it('fetches an image, a PDF and a Markdown file with their real types, as base64', async () => {
    const loaded = await loader()([{ ...img('pic.png'), width: 3, height: 2 }, card('report.pdf', 'Report.pdf'), card('notes.md')]);
    expect(loaded).toEqual([
      { kind: 'image', name: 'image.png', mimeType: 'image/png', sizeBytes: PNG.length, content: PNG.toString('base64'), width: 3, height: 2 },
      { kind: 'file', name: 'Report.pdf', mimeType: 'application/pdf', sizeBytes: PDF.length, content: PDF.toString('base64') },
      { kind: 'file', name: 'notes.md', mimeType: 'text/markdown', sizeBytes: MD.length, content: MD.toString('base64') },
    ]);
  });

  it('refuses a file over the limit from its Content-Length, naming the limit', async () => {
    const r = await refusal(loader()([img('big.png')]));
    expect(r.reason).toBe('too-big');
    expect(r.text).toBe(ATTACHMENT_TEXT.tooBig('image.png', 10_000, BIG.length));
  });

  it('stops a transfer without Content-Length at the limit (and one that lies about it)', async () => {
    const before = served.length;
    const chunked = await refusal(loader()([img('big-chunked.png')]));
    expect(chunked).toMatchObject({ reason: 'too-big', text: ATTACHMENT_TEXT.tooBig('image.png', 10_000) });
    expect(served.length - before).toBe(1);
    // a body longer than its header is cut by Node's fetch itself; either way nothing over the limit is accepted
    const lying = await refusal(loader()([img('lying.png')]));
    expect(['too-big', 'fetch', 'type']).toContain(lying.reason);
  });

  it('judges the bytes, not the name: a gzip called .png and binary called .txt are refused', async () => {
    const fake = await refusal(loader()([img('fake.png')]));
    expect(fake).toMatchObject({ reason: 'type' });
    expect(fake.text).toContain('"image.png" is of type application/gzip');
    expect(fake.text).toContain('Accepted: image/png');
    const binary = await refusal(loader()([card('binary.txt')]));
    expect(binary.text).toContain('of an unknown type');
  });

  it('the allowed types are configurable (image/* only refuses a PDF)', async () => {
    const r = await refusal(loader({ allowedTypes: ['image/*'] })([card('report.pdf')]));
    expect(r).toMatchObject({ reason: 'type' });
    expect(await loader({ allowedTypes: ['image/*'] })([img('pic.png')])).toHaveLength(1);
  });

  it('never follows a redirect (its target was never checked)', async () => {
    const r = await refusal(loader()([img('moved.png')]));
    expect(r).toMatchObject({ reason: 'fetch', text: ATTACHMENT_TEXT.fetch('image.png') });
    expect(r.detail).toBe('HTTP 302');
  });

  it('a missing file (Tailchat’s 200 "static file not found", or a 404) is a fetch failure', async () => {
    expect(await refusal(loader()([img('missing.png')]))).toMatchObject({ reason: 'fetch', detail: 'Tailchat has no such file' });
    expect(await refusal(loader()([img('nothing-here.png')]))).toMatchObject({ reason: 'fetch', detail: 'HTTP 404' });
  });

  it('gives up after the fetch timeout', async () => {
    const r = await refusal(loader({ fetchTimeoutMs: 300 })([img('slow.png')]));
    expect(r.reason).toBe('fetch');
  });

  it('refuses links outside Tailchat without fetching them, and too many attachments', async () => {
    const before = served.length;
    const outside = await refusal(loader()([{ kind: 'image', url: 'http://169.254.169.254/latest/meta-data/x.png', name: 'x.png' }]));
    expect(outside).toMatchObject({ reason: 'not-tailchat', text: ATTACHMENT_TEXT.notTailchat('x.png') });
    const many = await refusal(loader()([img('pic.png'), img('pic.png'), img('pic.png'), img('pic.png')]));
    expect(many).toMatchObject({ reason: 'too-many', text: ATTACHMENT_TEXT.tooMany(3, 4) });
    expect(served.length).toBe(before);
  });

  it('without a Tailchat URL it says that attachments are not set up', async () => {
    const none = createAttachmentLoader({ source: {}, limits });
    expect(await refusal(none([img('pic.png')]))).toMatchObject({ reason: 'not-configured', text: ATTACHMENT_TEXT.notConfigured });
  });
});

describe('sniffType', () => {
  it('magic numbers win over the name; text is typed by its extension', async () => {
    expect(await sniffType(PNG, 'x.pdf')).toBe('image/png');
    expect(await sniffType(PDF, 'x.png')).toBe('application/pdf');
    expect(await sniffType(Buffer.from('a,b\n1,2\n'), 'data.csv')).toBe('text/csv');
    expect(await sniffType(Buffer.from('{"a":1}'), 'a.json')).toBe('application/json');
    expect(await sniffType(Buffer.from('plain words'), 'photo.png')).toBe('text/plain');
    expect(await sniffType(Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'x.txt')).toBe('application/octet-stream');
  });
});
