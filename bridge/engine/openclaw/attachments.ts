/**
 * The run's fetched files as `chat.send` attachments, in the gateway's own shape
 * (`ChatAttachmentSchema` of @openclaw/gateway-protocol: `{type, mimeType, fileName, content:
 * base64, sizeBytes, width?, height?}`). The gateway sniffs the bytes again, gives images to a
 * model that accepts images (`input: ["text", "image"]`) and saves other files as media the agent
 * can open (the message then carries `[media attached: media://inbound/…]`). Its limits come with
 * hello-ok (`policy.attachments`, `policy.maxPayload`): what exceeds them is refused here with a
 * clear reply instead of failing the run with the gateway's INVALID_REQUEST.
 */
import type { HelloOk } from '@openclaw/gateway-protocol/frame-guards';
import { ATTACHMENT_TEXT, AttachmentRefusal } from '../../attachments/policy.js';
import type { LoadedAttachment } from '../types.js';

export interface ChatSendAttachment {
  type: 'image' | 'file';
  mimeType: string;
  fileName: string;
  content: string;
  sizeBytes: number;
  width?: number;
  height?: number;
}

/** Room left in one request frame for everything but the attachments (prompt, keys, JSON). */
const FRAME_MARGIN = 256 * 1024;

export function toChatSendAttachments(files: readonly LoadedAttachment[], policy: HelloOk['policy'] | undefined): ChatSendAttachment[] {
  const limits = policy?.attachments;
  for (const f of files) {
    const max = f.kind === 'image' && limits ? Math.min(limits.maxImageBytes, limits.maxBytes) : limits?.maxBytes;
    if (max !== undefined && f.sizeBytes > max) {
      throw new AttachmentRefusal('too-big', ATTACHMENT_TEXT.tooBig(f.name, max, f.sizeBytes), `gateway limit ${max} bytes for ${f.kind}`);
    }
  }
  const encoded = files.reduce((n, f) => n + f.content.length, 0);
  if (policy?.maxPayload && encoded > policy.maxPayload - FRAME_MARGIN) {
    const decodedLimit = Math.floor(((policy.maxPayload - FRAME_MARGIN) * 3) / 4);
    const decoded = files.reduce((n, f) => n + f.sizeBytes, 0);
    throw new AttachmentRefusal('too-big', ATTACHMENT_TEXT.tooBigTogether(decodedLimit, decoded), `request frame over ${policy.maxPayload} bytes`);
  }
  return files.map((f) => ({
    type: f.kind,
    mimeType: f.mimeType,
    fileName: f.name,
    content: f.content,
    sizeBytes: f.sizeBytes,
    ...(f.width ? { width: f.width } : {}),
    ...(f.height ? { height: f.height } : {}),
  }));
}
