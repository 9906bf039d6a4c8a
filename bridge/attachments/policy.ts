/**
 * The limits on attachments (config `limits.attachments`) and the one way a refusal travels: an
 * AttachmentRefusal carries the sentence the user reads, naming the limit that was hit. The chat
 * side refuses what it can see in the message (how many); the runner side what it sees in the
 * bytes (size, real type) and what the engine cannot take.
 */
import type { AttachmentRef } from '../engine/types.js';

export interface AttachmentLimits {
  /** Attachments per prompt; 0 = attachments are refused. */
  maxCount: number;
  /** Bytes per attachment, checked while the bytes stream in. */
  maxBytes: number;
  /** MIME types accepted after sniffing the bytes; `image/*` style wildcards allowed. */
  allowedTypes: string[];
  /** How long fetching one attachment from Tailchat may take. */
  fetchTimeoutMs: number;
}

export const DEFAULT_ALLOWED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/json',
];

export type RefusalReason = 'off' | 'too-many' | 'too-big' | 'type' | 'fetch' | 'not-configured' | 'not-tailchat' | 'engine';

/** Human size: 1536 → "1.5 KB", 4194304 → "4 MB" (binary units, as Tailchat's own upload message). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(value) : String(Math.round(value * 10) / 10);
  return `${shown} ${units[unit]}`;
}

/** What the user reads; English first, then 中文, as every message the agent posts itself. */
export const ATTACHMENT_TEXT = {
  off: 'This assistant does not accept attachments; send the text only. · 此助手不接收附件，请只发送文字。',
  tooMany: (max: number, got: number) =>
    `Too many attachments: ${got}, the limit is ${max} per message. · 附件过多：${got} 个，每条消息最多 ${max} 个。`,
  tooBig: (name: string, max: number, got?: number) =>
    `"${name}" is too big${got ? ` (${formatBytes(got)})` : ''}: attachments may be at most ${formatBytes(max)}. · “${name}”过大，附件最大 ${formatBytes(max)}。`,
  type: (name: string, mimeType: string, allowed: readonly string[]) =>
    `"${name}" is ${mimeType === 'application/octet-stream' ? 'of an unknown type' : `of type ${mimeType}`}, which the assistant does not accept. Accepted: ${allowed.join(', ')}. · “${name}”的类型（${mimeType}）不受支持。支持：${allowed.join(', ')}。`,
  tooBigTogether: (max: number, got: number) =>
    `The attachments are too big together (${formatBytes(got)}): the agent takes at most ${formatBytes(max)} per message. · 附件总大小（${formatBytes(got)}）超过每条消息上限 ${formatBytes(max)}。`,
  fetch: (name: string) =>
    `I could not read "${name}" from Tailchat's file storage; please try again or upload it again. · 无法从 Tailchat 文件存储读取“${name}”，请重试或重新上传。`,
  notConfigured:
    'Attachments are not set up on this server (an admin must set AI_TAILCHAT_URL); send the text only. · 服务器未配置附件功能（管理员需设置 AI_TAILCHAT_URL），请只发送文字。',
  notTailchat: (name: string) =>
    `"${name}" is not a file uploaded to this Tailchat; I only read files from Tailchat's own storage. · “${name}”不是上传到本 Tailchat 的文件，我只读取 Tailchat 自身存储中的文件。`,
  engine: 'This agent cannot read attachments; send the text only. · 此智能体无法读取附件，请只发送文字。',
} as const;

/** A prompt's attachments were refused: `text` is the whole reply; `reason` goes to logs and metrics. */
export class AttachmentRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly text: string,
    /** For the log: what exactly was wrong (never shown to users; never contains secrets). */
    readonly detail: string = reason,
  ) {
    super(text);
    this.name = 'AttachmentRefusal';
  }
}

/** What the chat side can check from the message alone: whether attachments are on, and how many. */
export function checkCount(refs: readonly AttachmentRef[], limits: Pick<AttachmentLimits, 'maxCount'>): AttachmentRefusal | undefined {
  if (refs.length === 0) return undefined;
  if (limits.maxCount === 0) return new AttachmentRefusal('off', ATTACHMENT_TEXT.off);
  if (refs.length > limits.maxCount) return new AttachmentRefusal('too-many', ATTACHMENT_TEXT.tooMany(limits.maxCount, refs.length), `${refs.length} > ${limits.maxCount}`);
  return undefined;
}

/** `image/png` against `image/png`, `image/*` or `*\/*`. */
export function typeAllowed(mimeType: string, allowed: readonly string[]): boolean {
  const [family] = mimeType.split('/');
  return allowed.some((a) => a === mimeType || a === '*/*' || (a.endsWith('/*') && a.slice(0, -2) === family));
}
