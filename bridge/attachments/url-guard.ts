/**
 * Which links the runner may fetch: only Tailchat's own file storage. A message is written by
 * any member, so a link in it must never make the runner call another host (SSRF: cloud metadata,
 * the gateway, internal admin ports). A link is fetched only when, after `{BACKEND}` is replaced
 * by the configured Tailchat URL, it lies under `<Tailchat URL>/static/` or under one of the
 * configured file prefixes (Tailchat's STATIC_URL): same scheme, host and port, and a path below
 * the prefix. Redirects are not followed (fetch.ts).
 */

export interface FileSource {
  /** Tailchat's base URL as this process reaches it (`{BACKEND}` in file links); `<url>/static/` is allowed. */
  tailchatUrl?: string | undefined;
  /** Further URL prefixes Tailchat's files are served under (its STATIC_URL, a CDN in front of it). */
  fileUrls?: readonly string[] | undefined;
}

export type ResolvedFileUrl = { ok: true; url: URL } | { ok: false; reason: 'not-configured' | 'not-tailchat'; detail: string };

/** How Tailchat writes its own base URL into stored links (the web client replaces it when showing them). */
const BACKEND = /^(?:\{BACKEND\}|%7BBACKEND%7D)/i;

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** The prefixes links must lie under; invalid configured values are dropped (config validation names them). */
export function allowedPrefixes(source: FileSource): URL[] {
  const raw = [...(source.tailchatUrl ? [`${source.tailchatUrl.replace(/\/+$/, '')}/static/`] : []), ...(source.fileUrls ?? [])];
  const prefixes: URL[] = [];
  for (const value of raw) {
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.pathname = withSlash(url.pathname);
      url.search = '';
      url.hash = '';
      prefixes.push(url);
    } catch {
      /* not a URL: never matches */
    }
  }
  return prefixes;
}

export function resolveFileUrl(raw: string, source: FileSource): ResolvedFileUrl {
  const prefixes = allowedPrefixes(source);
  let text = raw.trim();
  if (BACKEND.test(text)) {
    if (!source.tailchatUrl) return { ok: false, reason: 'not-configured', detail: 'link uses {BACKEND} but no Tailchat URL is configured' };
    text = text.replace(BACKEND, source.tailchatUrl.replace(/\/+$/, ''));
  }
  if (prefixes.length === 0) return { ok: false, reason: 'not-configured', detail: 'no Tailchat URL or file URL is configured' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'not-tailchat', detail: 'not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'not-tailchat', detail: `scheme ${url.protocol}` };
  if (url.username || url.password) return { ok: false, reason: 'not-tailchat', detail: 'credentials in the URL' };
  // The URL parser already resolved `..` and `%2e%2e`; encoded separators could still climb out
  // of the prefix on a server that decodes them.
  if (/%2f|%5c/i.test(url.pathname) || url.pathname.includes('\\')) return { ok: false, reason: 'not-tailchat', detail: 'encoded path separator' };
  url.hash = '';
  const inside = prefixes.some((p) => p.origin === url.origin && url.pathname.startsWith(p.pathname) && url.pathname.length > p.pathname.length);
  if (!inside) return { ok: false, reason: 'not-tailchat', detail: `outside the allowed prefixes: ${url.origin}${url.pathname}` };
  return { ok: true, url };
}
