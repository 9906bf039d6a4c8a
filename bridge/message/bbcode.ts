/**
 * Tailchat message content is BBCode. The agent needs plain text, and agent output must never
 * smuggle markup (mentions of everyone, cards, links) into what Tailchat renders.
 */

const AT_TAG = /\[at=([^\]]+)\]([\s\S]*?)\[\/at\]/g;

/** Text for the engine: mentions of the bot removed, other mentions as `@name`, tags stripped. */
export function promptFromContent(content: string, botUserId: string): string {
  return content
    .replace(AT_TAG, (_m, id: string, name: string) => (id === botUserId ? '' : `@${name}`))
    // Images and file cards become placeholders, not links: the engine gets the files themselves
    // (bridge/attachments/), and summaries read "[image]" instead of a storage URL.
    .replace(/\[img(?:[= ][^\]]*)?\][\s\S]*?\[\/img\]/gi, ' [image] ')
    .replace(/\[card [^\]]*\btype=(?:"file"|file)[^\]]*\]([\s\S]*?)\[\/card\]/gi, (_m, name: string) => ` [file: ${name.trim()}] `)
    .replace(/\[\/?(b|i|u|s|url|img|code|emoji|card|markdown)([= ][^\]]*)?\]/gi, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

export function mentionsUser(content: string, mentions: string[] | undefined, userId: string): boolean {
  if (mentions?.includes(userId)) return true;
  for (const m of content.matchAll(AT_TAG)) if (m[1] === userId) return true;
  return false;
}

/** Tags Tailchat's BBCode renderer acts on (client bbcode plugin); anything else is plain text. */
const TAILCHAT_TAGS = 'at|url|img|emoji|card|b|i|u|s|code|markdown|md|br|size|color|quote|collapse';
const TAG = new RegExp(`\\[(\\/?(?:${TAILCHAT_TAGS}))(?=[\\]= ])([^\\]]*)\\]`, 'gi');

/**
 * Makes untrusted agent text inert as BBCode: the brackets of Tailchat's own tags are replaced by
 * look-alike full-width brackets, so `[at=all]` or `[card …]` render as text. Other brackets
 * (markdown links, `[1]`, `a[0]`, `[note]`) stay as they are.
 */
export function neutralizeBBCode(text: string): string {
  return text.replace(TAG, '［$1$2］');
}

export function atTag(userId: string, nickname: string): string {
  return `[at=${userId}]${nickname.replace(/[[\]]/g, '')}[/at]`;
}
