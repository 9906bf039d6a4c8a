/**
 * Link and text hygiene for model-written markdown. The model's output can be steered by
 * prompt injection, so: only http(s) and mailto links are clickable, and images are never
 * loaded automatically (a remote image URL is a classic exfiltration channel) — they become links.
 */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function safeHref(href: string | null | undefined): string | null {
  if (!href) return null;
  const trimmed = href.trim();
  // Must name its scheme explicitly: no relative or protocol-relative links.
  if (!/^(https?:\/\/|mailto:)/i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    return ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

let decoder: HTMLTextAreaElement | null = null;
/**
 * Decode HTML character references (`&amp;`, `&copy;`, `&#39;`) that marked leaves in text
 * tokens. A <textarea>'s content is RCDATA: entities are decoded, no element is ever created.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  if (!decoder) decoder = document.createElement('textarea');
  decoder.innerHTML = text;
  return decoder.value;
}
