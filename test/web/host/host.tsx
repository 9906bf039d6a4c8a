/**
 * A small stand-in for Tailchat's web client, enough to load the built mini-star plugin the way
 * Tailchat does (client/web/src/plugin/loader.ts + manager.ts) and render what it registers:
 * - mini-star runtime; `regDependency` for the six shared modules, `regSharedModule` for
 *   `@capital/common` / `@capital/component` (minimal stand-ins, same call shapes);
 * - a message list whose items copy the DOM of Tailchat's ChatMessageList/Item.tsx
 *   (`.chat-message-item` > `.chat-message-item_body` > `<span>{content}</span>`, extra parsers
 *   below), memoised on the message object, with the store's shallow-merge update
 *   (`updateMessageInfo`), so live meta updates re-render exactly as in Tailchat;
 * - a "group detail" pane rendering `regCustomPanel({position: 'groupdetail'})` inside a group
 *   id context; toasts rendered as DOM;
 * - on demand, a chat input box (`position: relative`, like Tailchat's) with the plugin's
 *   `regChatInputButton`s, its "+" actions run with an input context that records what it sends,
 *   an `openModal` modal and a settable redux snapshot for `getGlobalState`.
 * Tests drive it through `window.__host` (see HostApi).
 */
import * as ReactModule from 'react';
import React, { createContext, useContext, useSyncExternalStore } from 'react';
import type { ComponentType, ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { initMiniStar, loadSinglePlugin, regDependency, regSharedModule } from 'mini-star';

export interface HostMessage {
  _id: string;
  content: string;
  author: string;
  converseId: string;
  groupId?: string;
  meta?: Record<string, unknown>;
  createdAt?: string;
}
interface ExtraParser {
  name: string;
  render: (message: HostMessage) => ReactNode;
}
interface CustomPanel {
  position: string;
  name: string;
  label: string;
  icon: string;
  render: ComponentType;
}
interface Permission {
  key: string;
  title: string;
  desc: string;
  default: boolean;
}
interface Toast {
  message: string;
  type: string;
}
interface Group {
  _id: string;
  name: string;
  panels: Array<{ id: string; name: string; type: number }>;
}
interface InputAction {
  label: string;
  onClick: (ctx: InputContext) => void;
}
/** What Tailchat's ChatInputBox hands to "+" actions and its buttons (ChatInputBox/context.tsx). */
interface InputContext {
  message: string;
  setMessage(message: string): void;
  sendMsg(message: string, meta?: Record<string, unknown>): Promise<void>;
  appendMsg(message: string): void;
}
/** A message the chat input sent (`onSendMsg(msg, meta)` in Tailchat). */
interface SentMessage {
  content: string;
  meta?: Record<string, unknown>;
}

// ---------- state with a tiny subscription (what redux does in Tailchat) ----------
const state = {
  messages: [] as HostMessage[],
  parsers: [] as ExtraParser[],
  panels: [] as CustomPanel[],
  permissions: [] as Permission[],
  toasts: [] as Toast[],
  groupDetail: null as string | null,
  lang: 'en-US',
  users: { u_alice: 'Alice', u_bob: 'Bob', u_bot: 'AI' } as Record<string, string>,
  groups: {} as Record<string, Group>,
  /** Where the plugin navigated (react-router's navigate in Tailchat). */
  navigations: [] as string[],
  /** The chat input box (off unless a test shows it): its "+" actions, buttons and what it sent. */
  chatInput: false,
  inputActions: [] as InputAction[],
  inputButtons: [] as Array<{ render: () => React.ReactElement }>,
  sent: [] as SentMessage[],
  /** The redux snapshot `getGlobalState` returns (Tailchat's store; null = none). */
  globalState: null as unknown,
  /** What `openModal` shows (Tailchat's Modal over the app). */
  modal: null as ReactNode,
  version: 0,
};
const listeners = new Set<() => void>();
function commit(): void {
  state.version++;
  listeners.forEach((listener) => listener());
}
function useHostVersion(): number {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state.version
  );
}

// ---------- @capital/common stand-in ----------
const GroupIdContext = createContext<string>('');
const common = {
  regMessageExtraParser(parser: ExtraParser) {
    state.parsers = [...state.parsers, parser];
    commit();
  },
  regCustomPanel(panel: CustomPanel) {
    state.panels = [...state.panels, panel];
    commit();
  },
  regPluginPermission(permission: Permission) {
    state.permissions = [...state.permissions, permission];
  },
  /** Same contract as Tailchat's: POST /api/plugin:<name>/<action>, data unwrapped, Error(message) on failure. */
  createPluginRequest(pluginName: string) {
    const call = async (actionName: string, data?: unknown) => {
      const response = await fetch(`/api/plugin:${pluginName}/${actionName.replace(/\./g, '/')}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Token': 'test-jwt' },
        body: JSON.stringify(data ?? {}),
      });
      const body = (await response.json().catch(() => ({}))) as { code?: number; data?: unknown; message?: string };
      if (!response.ok) throw new Error(body.message ?? response.statusText);
      return { data: body.data ?? body, status: response.status };
    };
    return { get: (actionName: string) => call(actionName), post: call };
  },
  showToasts(message: string, type = 'info') {
    state.toasts = [...state.toasts, { message, type }];
    commit();
  },
  getLanguage: () => state.lang,
  // The chat input: "+" actions and buttons render in a small input box once a test shows it
  // (summaries are covered in the real web client: test/web/real-summarize.test.ts).
  regChatInputAction(action: InputAction) {
    state.inputActions = [...state.inputActions, action];
  },
  regChatInputButton(button: { render: () => React.ReactElement }) {
    state.inputButtons = [...state.inputButtons, button];
    commit();
  },
  getGlobalState: () => state.globalState,
  postRequest: () => Promise.reject(new Error('not in the stand-in host')),
  sendMessage: () => Promise.reject(new Error('not in the stand-in host')),
  /** The messages of the converse the store calls current (all of them when none is). */
  useConverseMessageContext: () => {
    useHostVersion();
    const current = (state.globalState as { chat?: { currentConverseId?: string } } | null)?.chat?.currentConverseId;
    return { messages: current ? state.messages.filter((m) => m.converseId === current) : state.messages };
  },
  useGroupIdContext: () => useContext(GroupIdContext),
  useNavigate: () => (to: string) => {
    state.navigations = [...state.navigations, to];
    commit();
  },
  // Closes the topmost: an `openModal` modal, else the group detail (Tailchat's ModalContext).
  useModalContext: () => ({
    closeModal() {
      if (state.modal) state.modal = null;
      else state.groupDetail = null;
      commit();
    },
  }),
  useGroupInfo(groupId: string) {
    useHostVersion();
    return state.groups[groupId] ?? null;
  },
};

// ---------- the chat input box's actions (ChatInputBox/index.tsx) ----------
const inputContext: InputContext = {
  message: '',
  setMessage() {},
  appendMsg() {},
  async sendMsg(content, meta) {
    state.sent = [...state.sent, { content, ...(meta ? { meta } : {}) }];
    commit();
  },
};

// ---------- @capital/component stand-in ----------
const component = {
  UserName: (props: { userId: string; className?: string }) => (
    <span className={props.className} data-testid="host-username">
      {state.users[props.userId] ?? props.userId}
    </span>
  ),
  useChatInputActionContext: () => inputContext,
  openModal(content: ReactNode) {
    state.modal = content;
    commit();
    return 1;
  },
};

// ---------- the message list (Tailchat's Item.tsx DOM) ----------
const MessageItem = React.memo(function MessageItem({ message }: { message: HostMessage }) {
  return (
    <div className="chat-message-item host-message" data-message-id={message._id}>
      <div className="host-avatar">{(state.users[message.author] ?? '?').slice(0, 1)}</div>
      <div className="host-main">
        <div className="host-author">{state.users[message.author] ?? message.author}</div>
        <div className="chat-message-item_body">
          <span data-testid="host-content">{message.content}</span>
        </div>
        <div>
          {state.parsers.map((parser) => (
            <React.Fragment key={parser.name}>{parser.render(message)}</React.Fragment>
          ))}
        </div>
      </div>
    </div>
  );
});

function GroupDetail() {
  const groupId = state.groupDetail;
  if (!groupId) return null;
  const panels = state.panels.filter((panel) => panel.position === 'groupdetail');
  return (
    <GroupIdContext.Provider value={groupId}>
      <div className="host-group-detail" data-testid="host-group-detail">
        {panels.map((panel) => (
          <section key={panel.name}>
            <h3 data-testid="host-panel-label">{panel.label}</h3>
            {React.createElement(panel.render)}
          </section>
        ))}
      </div>
    </GroupIdContext.Provider>
  );
}

function App() {
  useHostVersion();
  return (
    <div className="host-layout">
      <div className="host-chat" data-testid="host-chat">
        {state.messages.map((message) => (
          <MessageItem key={message._id} message={message} />
        ))}
        {state.chatInput && (
          // Below the messages, as in Tailchat, whose input row is `position: relative` (plugin
          // buttons may place things over it); the margin leaves room above it on a short page.
          <div className="host-input" data-testid="host-input" style={{ position: 'relative', marginTop: 96, display: 'flex', gap: 8 }}>
            <textarea readOnly value="" style={{ flex: 1, height: 32, border: '1px solid #ccc' }} />
            {state.inputButtons.map((button, i) => React.cloneElement(button.render(), { key: `btn${i}` }))}
          </div>
        )}
      </div>
      <GroupDetail />
      {state.modal && (
        <div className="host-modal" data-testid="host-modal">
          {state.modal}
        </div>
      )}
      <div className="host-toasts">
        {state.toasts.map((toast, index) => (
          <div key={index} className={`host-toast host-toast-${toast.type}`} data-testid="host-toast" data-type={toast.type}>
            {toast.message}
          </div>
        ))}
      </div>
    </div>
  );
}

// ---------- the API tests use ----------
const loadErrors: string[] = [];
const api = {
  async loadPlugin(name: string, url: string): Promise<boolean> {
    const loaded = await loadSinglePlugin({ name, url });
    return loaded !== null && loaded !== undefined;
  },
  loadErrors,
  addMessage(message: HostMessage) {
    state.messages = [...state.messages, message];
    commit();
  },
  /** Tailchat's updateMessageInfo: shallow-merge a partial message into the stored one. */
  updateMessage(partial: Partial<HostMessage> & { _id: string }) {
    state.messages = state.messages.map((message) => (message._id === partial._id ? { ...message, ...partial } : message));
    commit();
  },
  deleteMessage(messageId: string) {
    state.messages = state.messages.filter((message) => message._id !== messageId);
    commit();
  },
  clear() {
    state.messages = [];
    state.toasts = [];
    state.groupDetail = null;
    state.modal = null;
    state.sent = [];
    commit();
  },
  setLang(lang: string) {
    state.lang = lang;
    commit();
  },
  setDark(dark: boolean) {
    document.documentElement.classList.toggle('dark', dark);
  },
  setGroup(group: Group) {
    state.groups = { ...state.groups, [group._id]: group };
    commit();
  },
  openGroupDetail(groupId: string | null) {
    state.groupDetail = groupId;
    commit();
  },
  permissions: () => state.permissions.map((p) => ({ ...p })),
  customPanels: () => state.panels.map(({ position, name, label, icon }) => ({ position, name, label, icon })),
  parserNames: () => state.parsers.map((parser) => parser.name),
  toasts: () => state.toasts.map((toast) => ({ ...toast })),
  navigations: () => [...state.navigations],
  showChatInput(shown: boolean) {
    state.chatInput = shown;
    commit();
  },
  setGlobalState(snapshot: unknown) {
    state.globalState = snapshot;
    commit();
  },
  /** The labels of the "+" menu's plugin entries. */
  inputActionLabels: () => state.inputActions.map((a) => a.label),
  /** Clicks the "+" menu's entry `label`. */
  runInputAction(label: string) {
    const action = state.inputActions.find((a) => a.label === label);
    if (!action) throw new Error(`no chat input action "${label}"`);
    action.onClick(inputContext);
  },
  sent: () => state.sent.map((m) => ({ ...m })),
};
export type HostApi = typeof api;
declare global {
  interface Window {
    __host: HostApi;
    __hostReady: boolean;
  }
}
window.__host = api;

// Exactly the modules Tailchat registers; stubs for the ones this plugin never imports.
regDependency('react', () => Promise.resolve(ReactModule));
regDependency('react-router', () => Promise.resolve({}));
regDependency('axios', () => Promise.resolve({}));
regDependency('styled-components', () => Promise.resolve({}));
regDependency('zustand', () => Promise.resolve({}));
regDependency('zustand/middleware/immer', () => Promise.resolve({}));
regSharedModule('@capital/common', () => Promise.resolve(common));
regSharedModule('@capital/component', () => Promise.resolve(component));

initMiniStar({
  plugins: [],
  onPluginLoadError: (error: { pluginName: string; detail: unknown }) => {
    loadErrors.push(`${error.pluginName}: ${String(error.detail)}`);
  },
}).then(() => {
  createRoot(document.getElementById('root') as HTMLElement).render(<App />);
  window.__hostReady = true;
});
