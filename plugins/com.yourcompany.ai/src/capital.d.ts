/**
 * Types for the host modules, limited to what this plugin uses. Tailchat's own declarations
 * (client/web/tailchat.d.ts) type most of these as `any`; these are read from the host source
 * (client/web/src/plugin/common/*.ts, tailchat-shared) so the plugin stays strictly typed.
 */
declare module '@capital/common' {
  import type { ComponentType, ReactElement, ReactNode } from 'react';

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

  /**
   * What a chat input action gets (ChatInputBox/context.tsx). `sendMsg` is the chat box's
   * `onSendMsg(msg, meta)`: it sends to the open converse (with its group) and passes `meta` on,
   * although Tailchat's own typing shows only the text.
   */
  export interface ChatInputActionContext {
    message: string;
    setMessage(message: string): void;
    sendMsg(message: string, meta?: Record<string, unknown>): Promise<void> | void;
    appendMsg(message: string): void;
  }
  /** An entry of the chat input's "+" menu (ChatInputBox/Addon.tsx). */
  export function regChatInputAction(action: { label: string; onClick: (ctx: ChatInputActionContext) => void }): void;
  /** Rendered inside every chat input box, next to the emoji button (ChatInputBox/index.tsx). */
  export function regChatInputButton(button: { render: () => ReactElement }): void;
  /** The message list of the converse around the caller (tailchat-shared ConverseMessageContext). */
  export function useConverseMessageContext(): { messages?: ChatMessagePayload[] };

  /** A snapshot of the web client's redux state (global-state-helper.ts); only what we read. */
  export interface HostState {
    chat?: {
      currentConverseId?: string | null;
      /** converse id → the newest message id this client has marked read. */
      ack?: Record<string, string | undefined>;
      /**
       * A DM's entry (type 'DM' or 'Multi') carries its members; a group panel's has type 'Group'
       * and no members, or no type when a message created it (chat.ts setConverseInfo).
       */
      converses?: Record<string, { messages?: ChatMessagePayload[]; type?: string; members?: string[] } | undefined>;
    };
    /** The signed-in user's groups (group.ts appendGroups). */
    group?: { groups?: Record<string, { _id: string; panels?: Array<{ id: string }> } | undefined> };
    /** `reconnectNum` counts the socket's reconnects (the message box reloads after each). */
    global?: { reconnectNum?: number };
  }
  export function getGlobalState(): HostState | null;
  /** POST `/api{url}` with the user's token (unwrapped like createPluginRequest). */
  export function postRequest(url: string, data?: unknown): Promise<PluginResponse>;
  /** react-router's `useNavigate` of the web client (routes such as `/main/group/<groupId>/<panelId>`). */
  export function useNavigate(): (to: string) => void;
  /** The modal around the caller (Modal.tsx `ModalContext`); outside a modal `closeModal` does nothing. */
  export function useModalContext(): { closeModal: () => void };
  /** POST /api/chat/message/sendMessage as the signed-in user (tailchat-shared model/message.ts). */
  export function sendMessage(payload: { converseId: string; groupId?: string; content: string; plain?: string; meta?: Record<string, unknown> }): Promise<ChatMessagePayload>;
}

declare module '@capital/component' {
  import type { ComponentType, ReactNode } from 'react';
  import type { ChatInputActionContext } from '@capital/common';
  /** Nickname of a user, fetched and cached by the host. */
  export const UserName: ComponentType<{ userId: string; className?: string }>;
  /** The chat input box around the caller (a `regChatInputButton` render is inside it). */
  export function useChatInputActionContext(): ChatInputActionContext;
  /** A modal over the app (Modal.tsx); returns its key. Inside, `useModalContext().closeModal` closes it. */
  export function openModal(content: ReactNode, props?: { closable?: boolean; maskClosable?: boolean }): number;
}
