/**
 * In-memory stand-in for the Tailchat actions the bridge calls, for unit tests of single
 * modules only. End-to-end tests use the real Tailchat (test/tailchat).
 */
import type { Logger } from '../../../bridge/run/execute.js';
import { createTailchatHost, type Call } from '../../../bridge/tailchat/host.js';

export interface RecordedCall {
  action: string;
  params: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

export interface FakeHostOptions {
  permissions?: Record<string, string[] | 'not-member'>;
  owner?: string;
  users?: Record<string, { type?: string }>;
  groupData?: Record<string, string>;
  failSend?: boolean;
  /** Every socket push fails (Tailchat's gateway unreachable). */
  failNotify?: boolean;
  /** One entry per upcoming sendMessage: fail before storing, or store and then fail (lost answer). */
  sendFailures?: Array<'before-store' | 'after-store'>;
  /** The panels (converse ids) of every group; default: the panel ids the unit tests use. */
  panels?: string[];
  /** Members of every DM converse; default U1 and the bot. */
  dmMembers?: string[];
}

/** Panel ids the unit tests post into. */
const TEST_PANELS = ['P1', 'P2', 'P', 'C', 'c', 'c1'];

export function createFakeHost(opts: FakeHostOptions = {}) {
  const calls: RecordedCall[] = [];
  const groupData = new Map(Object.entries(opts.groupData ?? {}));
  let nextId = 1;
  const stored: Array<{ _id: string; author: string; converseId: string; content: string; meta?: unknown }> = [];
  const call: Call = async (action, params, o) => {
    calls.push({ action, params, ...(o?.meta ? { meta: o.meta } : {}) });
    switch (action) {
      case 'user.ensurePluginBot':
        return 'bot0000000000000000000001';
      case 'user.getUserInfo':
        return { _id: params.userId, ...(opts.users?.[params.userId as string] ?? { type: 'normalUser' }) };
      case 'group.getUserAllPermissions': {
        const p = opts.permissions?.[params.userId as string] ?? [];
        if (p === 'not-member') throw new Error('Not Found Member');
        return p;
      }
      case 'group.getGroupInfo':
        return { _id: params.groupId, owner: opts.owner ?? 'owner', panels: (opts.panels ?? TEST_PANELS).map((id) => ({ id, name: id, type: 0 })) };
      case 'group.extra.getGroupData':
        return { data: groupData.get(`${params.groupId}/${params.name}`) ?? null };
      case 'group.extra.saveGroupData':
        groupData.set(`${params.groupId}/${params.name}`, params.data as string);
        return true;
      case 'chat.converse.findConverseInfo': {
        // Tailchat answers only members of the converse.
        const members = opts.dmMembers ?? ['U1', 'bot0000000000000000000001'];
        if (o?.meta?.userId && !members.includes(String(o.meta.userId))) throw new Error('没有获取会话信息权限');
        return { members };
      }
      case 'chat.message.sendMessage': {
        if (opts.failSend) throw new Error('tailchat down');
        const failure = opts.sendFailures?.shift();
        if (failure === 'before-store') throw new Error('socket hang up');
        const message = { _id: `msg${nextId++}`, author: String(o?.meta?.userId), converseId: String(params.converseId), content: String(params.content), meta: params.meta };
        stored.push(message);
        if (failure === 'after-store') throw new Error('timeout waiting for the answer');
        return message;
      }
      case 'chat.message.getMessage': {
        const found = stored.find((m) => m._id === params.messageId);
        if (!found) throw new Error('该消息未找到');
        return found;
      }
      case 'chat.message.fetchConverseMessage':
        return stored.filter((m) => m.converseId === params.converseId).reverse();
      case 'gateway.notify':
        if (opts.failNotify) throw new Error('gateway unreachable');
        return undefined;
      default:
        throw new Error(`fake host: unexpected action ${action}`);
    }
  };
  return { host: createTailchatHost(call), calls, stored, groupData, byAction: (a: string) => calls.filter((c) => c.action === a) };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export function recordingLogger() {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}
