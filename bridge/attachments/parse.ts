/**
 * Images and files in a Tailchat message, as its web client writes them (Tailchat 1.11.11, the
 * `com.msgbyte.bbcode` decorators): an image is `[img height=H width=W]<url>[/img]`, a file is a
 * file card `[card type=file url=<url>]<name>[/card]`. The web client uploads through `POST
 * /upload` (`file.save`) and writes the link Tailchat returned, `{BACKEND}/static/files/<user>/<etag>.<ext>`
 * unless Tailchat's STATIC_URL says otherwise. Only links are read here (the chat side stays
 * light); the runner fetches and checks the bytes (fetch.ts).
 */
import type { AttachmentRef } from '../engine/types.js';
import { tagTokens, type TagToken } from '../message/tags.js';

/**
 * `key=value` or `key="value"`, as Tailchat's BBCode parser (@bbob) reads attributes. A key
 * starts only after a non-key character: a key tried from inside a long word would make the
 * scan quadratic.
 */
const ATTR = /(?<![\w-])([A-Za-z][\w-]*)=(?:"([^"]*)"|([^\s\]]+))/g;

function attrsOf(text: string | undefined): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of (text ?? '').matchAll(ATTR)) attrs[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return attrs;
}

function dimension(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : undefined;
}

/** The link's last path segment, decoded: what a user would call the file. */
export function nameFromUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || 'attachment';
  } catch {
    return last || 'attachment';
  }
}

/**
 * Tailchat stores an image under its content hash (`<etag>.png`) and keeps no original name, so
 * users read "image.png" (then "image-2.png", …) in messages about it.
 */
function imageName(url: string, position: number): string {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(nameFromUrl(url))?.[1]?.toLowerCase();
  return `image${position > 1 ? `-${position}` : ''}${ext ? `.${ext}` : ''}`;
}

/** Each `[img …]…[/img]` and `[card …]…[/card]` with its inner text, in one linear pass. */
function* pairs(content: string): Generator<{ open: TagToken; inner: string }> {
  const open = new Map<string, TagToken>();
  for (const t of tagTokens(content)) {
    if (t.name !== 'img' && t.name !== 'card') continue;
    // An opening tag waits for the next closing tag of its name; another opening one replaces it.
    const opened = open.get(t.name);
    if (!t.closing) open.set(t.name, t);
    else if (opened) {
      yield { open: opened, inner: content.slice(opened.end, t.start) };
      open.delete(t.name);
    }
  }
}

/** Every image and file card in `content`, in the order they appear; the same link once. */
export function parseAttachments(content: string): AttachmentRef[] {
  const refs: AttachmentRef[] = [];
  let images = 0;
  for (const { open, inner } of pairs(content)) {
    const attrs = attrsOf(open.attrs);
    if (open.name === 'img') {
      const url = inner.trim();
      if (!url) continue;
      const width = dimension(attrs.width);
      const height = dimension(attrs.height);
      refs.push({ kind: 'image', url, name: imageName(url, ++images), ...(width ? { width } : {}), ...(height ? { height } : {}) });
    } else {
      if (attrs.type !== 'file' || !attrs.url) continue;
      const name = inner.replace(/\[[^[\]]*\]/g, '').trim();
      refs.push({ kind: 'file', url: attrs.url, name: name || nameFromUrl(attrs.url) });
    }
  }
  const seen = new Set<string>();
  return refs.filter((ref) => !seen.has(ref.url) && seen.add(ref.url));
}

/**
 * The attachments a prompt is about: those of the message itself, then those of the message it
 * replies to ("@AI what is in this picture?" as a reply to an image, which Tailchat's web client
 * sends as a message of its own). Tailchat copies the replied message's content into
 * `meta.reply.content`.
 */
export function attachmentsOfPrompt(message: { content: string; meta: { reply?: { content?: string | undefined } | undefined } }): AttachmentRef[] {
  const own = parseAttachments(message.content);
  const replied = message.meta.reply?.content ? parseAttachments(message.meta.reply.content) : [];
  const urls = new Set(own.map((a) => a.url));
  return [...own, ...replied.filter((a) => !urls.has(a.url))];
}

/**
 * Placeholders of attachments in prompt text: `[图片]` is what Tailchat's web client writes into
 * `plain` for an image, `[image]` / `[file: name]` what promptFromContent (bridge/message/bbcode.ts)
 * leaves of the tags. The engine gets the files themselves.
 */
const PLACEHOLDER = /\[(?:图片|image|file: [^[\]]*)\]/g;

/** The prompt text without attachment placeholders; a prompt that was only attachments gets a neutral instruction. */
export function promptWithAttachments(prompt: string, attachments: readonly AttachmentRef[]): string {
  if (attachments.length === 0) return prompt;
  const text = prompt.replace(PLACEHOLDER, ' ').replace(/[ \t]+/g, ' ').trim();
  if (text) return text;
  return attachments.length === 1 ? 'Please look at the attached file.' : 'Please look at the attached files.';
}
