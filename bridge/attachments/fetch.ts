/**
 * The runner side of attachments: fetch each file from Tailchat's own storage (url-guard.ts),
 * streaming with the size limit enforced as the bytes arrive (a lying or absent Content-Length
 * cannot make it read more), then check the real type (sniff.ts). Any problem becomes an
 * AttachmentRefusal naming the limit, so the user gets one clear reply.
 */
import type { AttachmentRef, LoadedAttachment } from '../engine/types.js';
import { ATTACHMENT_TEXT, AttachmentRefusal, checkCount, typeAllowed, type AttachmentLimits } from './policy.js';
import { sniffType } from './sniff.js';
import { resolveFileUrl, type FileSource } from './url-guard.js';

export type AttachmentLoader = (refs: readonly AttachmentRef[]) => Promise<LoadedAttachment[]>;

export interface AttachmentLoaderOptions {
  source: FileSource;
  limits: AttachmentLimits;
  /** Test seam; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** Tailchat's `/static/…` answers 200 with this body when the object is missing (gateway.service.ts). */
const TAILCHAT_NOT_FOUND = 'static file not found';

export function createAttachmentLoader(opts: AttachmentLoaderOptions): AttachmentLoader {
  const doFetch = opts.fetch ?? fetch;
  const { limits } = opts;

  async function readCapped(url: URL, ref: AttachmentRef): Promise<Uint8Array> {
    let res: Response;
    try {
      res = await doFetch(url, { redirect: 'manual', signal: AbortSignal.timeout(limits.fetchTimeoutMs) });
    } catch (err) {
      throw new AttachmentRefusal('fetch', ATTACHMENT_TEXT.fetch(ref.name), `fetch failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      // A redirect is refused too: its target was never checked against the allowed prefixes.
      throw new AttachmentRefusal('fetch', ATTACHMENT_TEXT.fetch(ref.name), `HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new AttachmentRefusal('too-big', ATTACHMENT_TEXT.tooBig(ref.name, limits.maxBytes, declared), `content-length ${declared} > ${limits.maxBytes}`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body?.getReader();
    try {
      for (;;) {
        const { done, value } = reader ? await reader.read() : { done: true as const, value: undefined };
        if (done) break;
        total += value.byteLength;
        if (total > limits.maxBytes) {
          throw new AttachmentRefusal('too-big', ATTACHMENT_TEXT.tooBig(ref.name, limits.maxBytes), `more than ${limits.maxBytes} bytes streamed`);
        }
        chunks.push(value);
      }
    } catch (err) {
      // Stop the transfer: the rest of an oversized (or stalled) file is never read.
      await reader?.cancel().catch(() => undefined);
      if (err instanceof AttachmentRefusal) throw err;
      throw new AttachmentRefusal('fetch', ATTACHMENT_TEXT.fetch(ref.name), `reading failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const bytes = Buffer.concat(chunks, total);
    if (!res.headers.get('content-type') && bytes.toString('utf8') === TAILCHAT_NOT_FOUND) {
      throw new AttachmentRefusal('fetch', ATTACHMENT_TEXT.fetch(ref.name), 'Tailchat has no such file');
    }
    return bytes;
  }

  async function loadOne(ref: AttachmentRef): Promise<LoadedAttachment> {
    const resolved = resolveFileUrl(ref.url, opts.source);
    if (!resolved.ok) {
      const text = resolved.reason === 'not-configured' ? ATTACHMENT_TEXT.notConfigured : ATTACHMENT_TEXT.notTailchat(ref.name);
      throw new AttachmentRefusal(resolved.reason, text, resolved.detail);
    }
    const bytes = await readCapped(resolved.url, ref);
    if (bytes.byteLength === 0) throw new AttachmentRefusal('fetch', ATTACHMENT_TEXT.fetch(ref.name), 'empty file');
    const mimeType = await sniffType(bytes, ref.name);
    if (!typeAllowed(mimeType, limits.allowedTypes)) {
      throw new AttachmentRefusal('type', ATTACHMENT_TEXT.type(ref.name, mimeType, limits.allowedTypes), `sniffed ${mimeType}`);
    }
    return {
      // What the bytes are decides, not which tag carried them.
      kind: mimeType.startsWith('image/') ? 'image' : 'file',
      name: ref.name,
      mimeType,
      sizeBytes: bytes.byteLength,
      content: Buffer.from(bytes).toString('base64'),
      ...(ref.width ? { width: ref.width } : {}),
      ...(ref.height ? { height: ref.height } : {}),
    };
  }

  return async (refs) => {
    const tooMany = checkCount(refs, limits);
    if (tooMany) throw tooMany;
    const loaded: LoadedAttachment[] = [];
    // One at a time: at most one file's bytes are in flight, and the first refusal stops the rest.
    for (const ref of refs) loaded.push(await loadOne(ref));
    return loaded;
  };
}
