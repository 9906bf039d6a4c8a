/**
 * How Tailchat 1.11.11's web client turns a stored message's content into what it renders, for
 * tests: a line-by-line port of `client/web/plugins/com.msgbyte.bbcode/src/bbcode/{parser,index}.tsx`
 * (Apache-2.0, msgbyte/tailchat) on the @bbob/parser 2.8.1 its web build bundles, with the
 * `url-regex@5.0.0` pattern it links bare URLs with (MIT, kevva; `strict: true`, so its TLD list is
 * unused) and `ip-regex@4.3.0`'s IPv4 pattern (MIT, sindresorhus), as found in the web dist's
 * source maps (`plugins/com.msgbyte.bbcode/render-*.js.map`).
 *
 * The client's parser object is created before its tags are registered (`parser-*.js` runs
 * `new BBCodeParser()` when `tr`, the tag map, is still empty; `render-*.js` registers them
 * later), so the `onlyAllowTags` it passes is `[]`: every bracketed name is a tag to it. Tests
 * check both that and the registered list, in case a later build fixes the order.
 */
import { parse, type BbobNode, type BbobParseOptions, type BbobTagNode } from '@bbob/parser';

/** `registerBBCodeTag` calls in `src/tags/__all__.ts`, in order. */
export const TAILCHAT_REGISTERED_TAGS = ['_text', 'b', 'i', 'u', 's', 'url', 'img', 'code', 'at', 'emoji', 'markdown', 'md', 'card'] as const;

export const CLIENT_OPTIONS = {
  /** What the shipped client passes (see above). */
  shipped: { onlyAllowTags: [] as string[], onError: () => {} },
  /** What its source means to pass. */
  registered: { onlyAllowTags: [...TAILCHAT_REGISTERED_TAGS], onError: () => {} },
} satisfies Record<string, BbobParseOptions>;

export type ClientOptions = (typeof CLIENT_OPTIONS)[keyof typeof CLIENT_OPTIONS];

const ipV4 = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)){3}';
/** `urlRegex({ exact: false, strict: true })` of url-regex 5.0.0. */
export function clientUrlRegex(): RegExp {
  const protocol = '(?:(?:[a-z]+:)?//)';
  const auth = '(?:\\S+(?::\\S*)?@)?';
  const host = '(?:(?:[a-z\\u00a1-\\uffff0-9][-_]*)*[a-z\\u00a1-\\uffff0-9]+)';
  const domain = '(?:\\.(?:[a-z\\u00a1-\\uffff0-9]-*)*[a-z\\u00a1-\\uffff0-9]+)*';
  const tld = '(?:\\.(?:[a-z\\u00a1-\\uffff]{2,}))\\.?';
  const port = '(?::\\d{2,5})?';
  const path = '(?:[/?#][^\\s"]*)?';
  return new RegExp(`(?:${protocol}|www\\.)${auth}(?:localhost|${ipV4}|${host}${domain}${tld})${port}${path}`, 'ig');
}

export type ClientNode = string | BbobTagNode;

function isTagNode(node: BbobNode): node is BbobTagNode {
  return typeof node === 'object' && node !== null;
}

/** `BBCodeParser.parse`: bbob's AST, an empty attribute-less tag turned back into its text. */
export function clientParse(input: string, options: ClientOptions = CLIENT_OPTIONS.shipped): ClientNode[] {
  return parse(input, options).map((node) => {
    if (!isTagNode(node)) return node;
    if (Object.keys(node.attrs).length === 0 && Array.isArray(node.content) && node.content.length === 0) return `[${node.tag}]`;
    // `[url=http://x]` gives attrs { 'http://x': 'http://x' }; the client renames such a key to the tag.
    node.attrs = Object.fromEntries(Object.entries(node.attrs).map(([k, v]) => [v === k ? node.tag : k, v]));
    return node;
  });
}

/** `BBCodeParser.preProcessText` with `preProcessLinkText`: bare URLs outside tags become `[url]…[/url]`. */
export function clientPreProcess(input: string, options: ClientOptions = CLIENT_OPTIONS.shipped): string {
  return parse(input, options)
    .map((node) => {
      if (!isTagNode(node)) return node.replace(clientUrlRegex(), '[url]$&[/url]');
      const attrs = Object.entries(node.attrs)
        .map(([key, value]) => (key === value ? `="${value}"` : ` ${key}="${value}"`))
        .join('');
      return `[${node.tag}${attrs}]${node.content.join('')}[/${node.tag}]`;
    })
    .join('');
}

/** The top-level nodes the client renders for a message (`<BBCode plainText={content} />`). */
export function clientRender(content: string, options: ClientOptions = CLIENT_OPTIONS.shipped): ClientNode[] {
  return clientParse(clientPreProcess(content, options), options);
}

/** Every tag node of an AST, at any depth. */
export function* tagNodes(nodes: readonly BbobNode[]): Generator<BbobTagNode> {
  for (const node of nodes) {
    if (!isTagNode(node)) continue;
    yield node;
    yield* tagNodes(node.content);
  }
}
