/**
 * An attachment's real type, from its bytes: the name and Tailchat's Content-Type come from the
 * uploader and prove nothing (a `.png` may be a zip). Binary formats are recognised by their magic
 * numbers (`file-type`); text has none, so bytes that are valid UTF-8 without NUL count as text,
 * typed by the name's extension when that names a text format, else `text/plain`.
 */
import { fileTypeFromBuffer } from 'file-type';
import mimeTypes from 'mime-types';

export const UNKNOWN_TYPE = 'application/octet-stream';

/** MIME types whose content is text (so the extension may name them once the bytes are text). */
function isTextual(mimeType: string): boolean {
  return mimeType.startsWith('text/') || /^application\/(json|xml|javascript|x-yaml|yaml|x-sh|toml)$/.test(mimeType) || /\+(xml|json)$/.test(mimeType);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export async function sniffType(bytes: Uint8Array, name: string): Promise<string> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return found.mime;
  if (bytes.length > 0 && looksLikeText(bytes)) {
    const byName = mimeTypes.lookup(name);
    return byName && isTextual(byName) ? byName : 'text/plain';
  }
  return UNKNOWN_TYPE;
}
