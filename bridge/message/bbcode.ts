/**
 * Tailchat message content is BBCode. The agent needs plain text, and agent output must never
 * smuggle markup (mentions of everyone, cards, links) into what Tailchat renders.
 */

const AT_TAG = /\[at=([^\]]+)\]([\s\S]*?)\[\/at\]/g;

/** Text for the engine: mentions of the bot removed, other mentions as `@name`, tags stripped. */
export function promptFromContent(content: string, botUserId: string): string {
  return content
    .replace(AT_TAG, (_m, id: string, name: string) => (id === botUserId ? '' : `@${name}`))
    .replace(/\[\/?(b|i|u|s|url|img|code|emoji|card|markdown)([= ][^\]]*)?\]/gi, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

export function mentionsUser(content: string, mentions: string[] | undefined, userId: string): boolean {
  if (mentions?.includes(userId)) return true;
  for (const m of content.matchAll(AT_TAG)) if (m[1] === userId) return true;
  return false;
}

/**
 * Makes untrusted agent text inert as BBCode: square brackets of anything that looks like a tag
 * are replaced by look-alike full-width brackets, so `[at=all]` or `[card …]` render as text.
 */
export function neutralizeBBCode(text: string): string {
  return text.replace(/\[(\/?[a-z]+)([= ][^\]]*)?\]/gi, '［$1$2］');
}

export function atTag(userId: string, nickname: string): string {
  return `[at=${userId}]${nickname.replace(/[[\]]/g, '')}[/at]`;
}
