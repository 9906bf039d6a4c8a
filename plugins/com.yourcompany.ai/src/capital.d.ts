/**
 * Types for the host modules, limited to what this plugin uses. Tailchat's own declarations
 * (client/web/tailchat.d.ts) type most of these as `any`; these are read from the host source
 * (client/web/src/plugin/common/*.ts, tailchat-shared) so the plugin stays strictly typed.
 */
declare module '@capital/common' {
  import type { ComponentType, ReactNode } from 'react';

  /** `ChatMessage` as the web client stores it (packages/types/src/model/message.ts). */
  export interface ChatMessagePayload {
    _id: string;
    content: string;
    author?: string;
    groupId?: string;
    converseId: string;
    meta?: Record<string, unknown>;
    hasRecall?: boolean;
    createdAt?: string;
    /** Set by the web client on messages not yet acknowledged by the server. */
    isLocal?: boolean;
  }

  export function regMessageExtraParser(parser: {
    name: string;
    render: (payload: ChatMessagePayload) => ReactNode;
  }): void;

  export function regPluginPermission(permission: {
    key: string;
    title: string;
    desc: string;
    default: boolean;
    required?: string[];
  }): void;

  export function regCustomPanel(panel: {
    position: 'personal' | 'setting' | 'groupdetail' | 'navbar-more' | 'navbar-group' | 'navbar-personal';
    icon: string;
    name: string;
    label: string;
    render: ComponentType;
  }): void;

  /** An axios response whose `data` is already unwrapped from Tailchat's `{code, data}` envelope. */
  export interface PluginResponse<T = unknown> {
    data: T;
    status: number;
  }
  /** Rejects with an `Error` whose message is the server's (`RequestError` in client/shared/api/request.ts). */
  export function createPluginRequest(pluginName: string): {
    get(actionName: string): Promise<PluginResponse>;
    post(actionName: string, data?: unknown): Promise<PluginResponse>;
  };

  export function showToasts(message: string, type?: 'info' | 'success' | 'error' | 'warning'): void;
  /** i18next's current language: 'zh-CN' | 'en-US' in Tailchat. */
  export function getLanguage(): string;
  /** Group id inside the group detail modal (GroupIdContextProvider). */
  export function useGroupIdContext(): string;

  export interface GroupPanelInfo {
    id: string;
    name: string;
    /** 0 = text panel, 1 = group (folder), 2 = plugin panel (GroupPanelType). */
    type: number | string;
    parentId?: string;
  }
  export function useGroupInfo(groupId: string): { _id: string; name: string; panels: GroupPanelInfo[] } | null | undefined;
}

declare module '@capital/component' {
  import type { ComponentType } from 'react';
  /** Nickname of a user, fetched and cached by the host. */
  export const UserName: ComponentType<{ userId: string; className?: string }>;
}
