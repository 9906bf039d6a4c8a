/**
 * Finding what the human actually said in an OpenAI-style `messages` array as OpenClaw sends it.
 *
 * Seen from openclaw@2026.9.6: the human's turn arrives as
 *   `[Mon 2026-11-23 18:23 UTC] hello there\n\nRuntime: agent=main | session=… | …`
 * (timestamp prefix; the runtime line only on the session's first turn), and after it a separate
 * user message holding only `<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>> … <<<END_OPENCLAW_INTERNAL_CONTEXT>>>`.
 * So "the last user message" is not the user's text: strip the wrappers and skip pure-context
 * messages instead.
 */

export interface ToolResultSeen {
  toolCallId?: string;
  name?: string;
  text: string;
}

export interface ChatMessageLike {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  name?: string;
  tool_calls?: unknown;
}

const INTERNAL_BLOCK = /<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>[\s\S]*?<<<END_OPENCLAW_INTERNAL_CONTEXT>>>/g;
const TIMESTAMP_PREFIX = /^\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?(?: [A-Za-z0-9+:\-/_]+)?\]\s*/;
const RUNTIME_SUFFIX = /\n+Runtime: agent=[^\n]*\s*$/;

export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => {
        if (typeof part === 'string') return part;
        if (part && typeof part === 'object' && 'text' in part && typeof part.text === 'string') return part.text;
        return '';
      })
      .filter(Boolean)
      // separate parts, so a trailing "Runtime: …" part (vision turns) is still recognised
      .join('\n');
  }
  return '';
}

/** The human text of one user message, or undefined when it is only OpenClaw's internal context. */
export function humanText(raw: string): string | undefined {
  const text = raw.replace(INTERNAL_BLOCK, '').replace(RUNTIME_SUFFIX, '').replace(TIMESTAMP_PREFIX, '').trim();
  return text.length > 0 ? text : undefined;
}

/** Every human turn in the request, oldest first (internal context wrappers dropped). */
export function findUserTurns(messages: readonly ChatMessageLike[]): string[] {
  const turns: string[] = [];
  for (const m of messages) {
    if (m.role !== 'user') continue;
    const text = humanText(contentText(m.content));
    if (text !== undefined) turns.push(text);
  }
  return turns;
}

/** Tool results after the last human turn: set when this request continues after a tool call. */
export function findToolResults(messages: readonly ChatMessageLike[]): ToolResultSeen[] {
  let lastHuman = -1;
  messages.forEach((m, i) => {
    if (m.role === 'user' && humanText(contentText(m.content)) !== undefined) lastHuman = i;
  });
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role !== 'assistant' || !Array.isArray(m.tool_calls)) continue;
    for (const call of m.tool_calls as Array<{ id?: string; function?: { name?: string } }>) {
      if (call?.id && call.function?.name) names.set(call.id, call.function.name);
    }
  }
  return messages
    .slice(lastHuman + 1)
    .filter((m) => m.role === 'tool')
    .map((m) => ({
      toolCallId: m.tool_call_id,
      name: m.name ?? (m.tool_call_id ? names.get(m.tool_call_id) : undefined),
      text: contentText(m.content),
    }));
}

/** An image the model received in a user message (OpenAI `image_url` content part). */
export interface ImageSeen {
  /** From the data URL (`data:<mime>;base64,…`); undefined for a plain http(s) link. */
  mimeType?: string;
  /** The image bytes as base64 (data URLs only). */
  base64?: string;
  /** The URL as sent (data URLs included, so it can be long). */
  url: string;
  /**
   * Which human turn it came with (index into findUserTurns): OpenClaw puts a turn's images in
   * the same user message as its text, and sends earlier turns' images again with the history.
   */
  turn: number;
}

function imagePart(part: unknown): Omit<ImageSeen, 'turn'> | undefined {
  if (!part || typeof part !== 'object' || (part as { type?: unknown }).type !== 'image_url') return undefined;
  const ref = (part as { image_url?: unknown }).image_url;
  const url = typeof ref === 'string' ? ref : ref && typeof ref === 'object' && typeof (ref as { url?: unknown }).url === 'string' ? (ref as { url: string }).url : undefined;
  if (!url) return undefined;
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return data ? { url, mimeType: data[1]!, base64: data[2]! } : { url };
}

/** Every image part in the request's user messages, oldest first, with the human turn it belongs to. */
export function findUserImages(messages: readonly ChatMessageLike[]): ImageSeen[] {
  const images: ImageSeen[] = [];
  let turn = -1;
  for (const m of messages) {
    if (m.role !== 'user') continue;
    if (humanText(contentText(m.content)) !== undefined) turn++;
    if (!Array.isArray(m.content)) continue;
    for (const part of m.content as unknown[]) {
      const image = imagePart(part);
      if (image) images.push({ ...image, turn: Math.max(turn, 0) });
    }
  }
  return images;
}
