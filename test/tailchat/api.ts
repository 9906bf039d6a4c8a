/**
 * A small typed client of Tailchat's real HTTP API (moleculer-web gateway).
 *
 * Wire facts (Tailchat 1.11.11, proven by the kit's smoke.mjs):
 * - every action is `POST /api/<action with dots as slashes>`; moleculer-web maps the slashes
 *   back to dots, so `plugin:com.x.y.hello` works as `/api/plugin:com/x/y/hello` too;
 * - auth header is `X-Token: <jwt>`; replies are `{code, data}`, code 200 on success.
 * Responses are validated at this edge with zod (loose objects: Tailchat adds fields freely),
 * so a changed Tailchat fails here with the action name instead of deep inside a test.
 * Errors never include the token.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Masks JWTs (login replies carry one) so error messages and logs never show a token. */
export function redact(text: string): string {
  return text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '<jwt>');
}

export class TailchatApiError extends Error {
  readonly body: string;
  constructor(
    readonly action: string,
    readonly status: number,
    body: string,
  ) {
    const safe = redact(body);
    super(`Tailchat ${action} -> HTTP ${status}: ${safe.slice(0, 400)}`);
    this.name = 'TailchatApiError';
    this.body = safe;
  }
}

const id = z.string().regex(/^[0-9a-f]{24}$/, 'ObjectId string');

export const UserLogin = z.looseObject({ _id: id, token: z.string().min(10), email: z.string(), nickname: z.string() });
export type UserLogin = z.infer<typeof UserLogin>;

export const UserInfo = z.looseObject({ _id: id, nickname: z.string(), type: z.string().optional(), email: z.string().optional() });
export type UserInfo = z.infer<typeof UserInfo>;

export const GroupPanel = z.looseObject({ id: z.string(), name: z.string(), type: z.number() });
export const GroupMember = z.looseObject({ userId: z.string(), roles: z.array(z.string()) });
export const GroupRole = z.looseObject({ _id: z.string(), name: z.string(), permissions: z.array(z.string()) });
export const Group = z.looseObject({
  _id: id,
  name: z.string(),
  owner: z.string(),
  members: z.array(GroupMember),
  panels: z.array(GroupPanel),
  roles: z.array(GroupRole).optional(),
});
export type Group = z.infer<typeof Group>;

export const ChatMessage = z.looseObject({
  _id: id,
  content: z.string(),
  author: z.string(),
  converseId: z.string(),
  groupId: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Converse = z.looseObject({ _id: id, type: z.string(), members: z.array(z.string()) });
export type Converse = z.infer<typeof Converse>;

/** `file.save`'s answer: `url` is what messages carry, `path` is `<bucket>/<objectName>`. */
export const UploadedFile = z.looseObject({ url: z.string().min(1), path: z.string(), etag: z.string() });
export type UploadedFile = z.infer<typeof UploadedFile>;

/** The web client's BBCode for an uploaded image (com.msgbyte.bbcode's `image` decorator). */
export function imageTag(url: string, size?: { width: number; height: number }): string {
  return size ? `[img height=${size.height} width=${size.width}]${url}[/img]` : `[img]${url}[/img]`;
}

/** The web client's BBCode for an uploaded file: a file card (`card(name, {type: "file", url})`). */
export function fileCardTag(url: string, name: string): string {
  return `[card type=file url=${url}]${name}[/card]`;
}

const Invite = z.looseObject({ code: z.string().min(1), groupId: z.string() });

/** Text panel type in Tailchat's GroupPanelType enum. */
export const TEXT_PANEL = 0;

export interface SendMessageParams {
  converseId: string;
  /** Absent for DMs. */
  groupId?: string;
  content: string;
  plain?: string;
  meta?: Record<string, unknown>;
}

export class TailchatApi {
  constructor(readonly baseUrl: string) {}

  /**
   * Calls any published action. `action` is a dotted action name ('group.createGroup',
   * 'plugin:com.yourcompany.ai.invoke'). Validates `data` with `schema` when given.
   */
  async call<T = unknown>(action: string, body: unknown, token?: string, schema?: z.ZodType<T>): Promise<T> {
    const res = await this.request(action, body, token);
    const text = await res.text();
    let json: { code?: unknown; data?: unknown } | undefined;
    try {
      json = JSON.parse(text) as { code?: unknown; data?: unknown };
    } catch {
      json = undefined;
    }
    if (res.status !== 200 || json?.code !== 200) throw new TailchatApiError(action, res.status, text);
    if (!schema) return json.data as T;
    const parsed = schema.safeParse(json.data);
    if (!parsed.success) {
      throw new Error(`Tailchat ${action}: unexpected response shape: ${parsed.error.message}\n${redact(text).slice(0, 400)}`);
    }
    return parsed.data;
  }

  /** Raw response, for tests asserting on status codes (401, 403, 404...). */
  request(action: string, body: unknown, token?: string): Promise<Response> {
    return fetch(`${this.baseUrl}/api/${action.replace(/\./g, '/')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'X-Token': token } : {}) },
      body: JSON.stringify(body ?? {}),
    });
  }

  async register(p: { email: string; password: string; nickname?: string }): Promise<UserLogin> {
    return this.call('user.register', p, undefined, UserLogin);
  }

  async login(p: { email: string; password: string }): Promise<UserLogin> {
    return this.call('user.login', p, undefined, UserLogin);
  }

  async getUserInfo(userId: string, token?: string): Promise<UserInfo> {
    return this.call('user.getUserInfo', { userId }, token, UserInfo);
  }

  /** Creates a group with one text panel; Tailchat assigns the real panel id. */
  async createGroup(token: string, name: string, panelName = 'general'): Promise<{ groupId: string; textPanelId: string; group: Group }> {
    const group = await this.call('group.createGroup', { name, panels: [{ id: '00', name: panelName, type: TEXT_PANEL }] }, token, Group);
    const panel = group.panels.find((p) => p.type === TEXT_PANEL);
    if (!panel) throw new Error(`group.createGroup: no text panel in ${JSON.stringify(group.panels)}`);
    return { groupId: group._id, textPanelId: panel.id, group };
  }

  async getUserGroups(token: string): Promise<Group[]> {
    return this.call('group.getUserGroups', {}, token, z.array(Group));
  }

  async createGroupInvite(token: string, groupId: string): Promise<string> {
    const invite = await this.call('group.invite.createGroupInvite', { groupId, inviteType: 'normal' }, token, Invite);
    return invite.code;
  }

  async applyInvite(token: string, code: string): Promise<void> {
    await this.call('group.invite.applyInvite', { code }, token);
  }

  /** Owner invites, member applies: the way a real user joins. */
  async joinGroup(ownerToken: string, groupId: string, memberToken: string): Promise<void> {
    await this.applyInvite(memberToken, await this.createGroupInvite(ownerToken, groupId));
  }

  /** Returns the new role's id. */
  async createGroupRole(token: string, groupId: string, roleName: string, permissions: string[]): Promise<string> {
    const group = await this.call('group.createGroupRole', { groupId, roleName, permissions }, token, Group);
    const role = (group.roles ?? []).filter((r) => r.name === roleName).at(-1);
    if (!role) throw new Error(`group.createGroupRole: role '${roleName}' not in ${JSON.stringify(group.roles)}`);
    return role._id;
  }

  async appendGroupMemberRoles(token: string, groupId: string, memberIds: string[], roleIds: string[]): Promise<void> {
    await this.call('group.appendGroupMemberRoles', { groupId, memberIds, roles: roleIds }, token);
  }

  /** The calling user's effective permissions in the group. */
  async getPermissions(token: string, groupId: string): Promise<string[]> {
    return this.call('group.getPermissions', { groupId }, token, z.array(z.string()));
  }

  async sendMessage(token: string, p: SendMessageParams): Promise<ChatMessage> {
    return this.call('chat.message.sendMessage', p, token, ChatMessage);
  }

  async fetchConverseMessage(token: string, converseId: string, startId?: string): Promise<ChatMessage[]> {
    return this.call('chat.message.fetchConverseMessage', { converseId, ...(startId ? { startId } : {}) }, token, z.array(ChatMessage));
  }

  /**
   * Uploads a file as the web client does (`POST /upload`, multipart field `file` plus `usage`,
   * moleculer-web → `file.save` → object storage). Returns Tailchat's link as the client stores it
   * in messages (`{BACKEND}/static/files/<userId>/<etag>.<ext>` unless STATIC_URL is set).
   * Tailchat refuses files over its FILE_LIMIT (1 MB by default). Upload one at a time: Tailchat
   * names its temporary object after Date.now(), so uploads in the same millisecond collide; and
   * wait for `uploadsSettled` (object-store.ts) before the next one.
   */
  async upload(token: string, file: { name: string; bytes: Uint8Array; type?: string }, usage = 'chat'): Promise<UploadedFile> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
    form.append('usage', usage);
    const res = await fetch(`${this.baseUrl}/upload`, { method: 'POST', headers: { 'X-Token': token }, body: form });
    const text = await res.text();
    if (res.status !== 200) throw new TailchatApiError('upload', res.status, text);
    const parsed = UploadedFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`Tailchat upload: unexpected response shape: ${parsed.error.message}\n${redact(text).slice(0, 400)}`);
    return parsed.data;
  }

  /** DM with one other user (Multi with more); returns the converse, whose _id is the converseId. */
  async createDMConverse(token: string, memberIds: string[]): Promise<Converse> {
    return this.call('chat.converse.createDMConverse', { memberIds }, token, Converse);
  }
}

export interface TestUser {
  userId: string;
  token: string;
  email: string;
  nickname: string;
  password: string;
}

/** Registers and logs in a fresh user; the email is unique per call. */
export async function createUser(api: TailchatApi, name: string): Promise<TestUser> {
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  // Tailchat caps email (and nickname) at 40 characters.
  const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 10) || 'user'}-${tag}@example.com`;
  const password = `pw-${tag}`;
  const nickname = `${name}-${tag}`.slice(0, 40);
  await api.register({ email, password, nickname });
  const login = await api.login({ email, password });
  return { userId: login._id, token: login.token, email, nickname: login.nickname, password };
}
