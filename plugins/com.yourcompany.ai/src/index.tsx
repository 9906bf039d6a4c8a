/**
 * Entry of the mini-star plugin `com.yourcompany.ai`. It only registers things with the host;
 * everything heavy (zod, markdown, highlighting, diff, settings form) loads lazily on first use.
 * Its exports are the extension API other plugins reach with
 * `import { registerPanel } from '@plugins/com.yourcompany.ai'`.
 */
import React from 'react';
import { regChatInputAction, regChatInputButton, regCustomPanel, regMessageExtraParser, regPluginPermission } from '@capital/common';
import { PERMISSIONS, PLUGIN_ID } from './constants';
import { t } from './i18n';
import { hasAiMeta } from './meta';
import { AiMessage } from './message/AiMessage';
import { registerBuiltinPanels } from './panels/builtin';
import { SettingsEntry } from './settings/SettingsEntry';
import { StarterSlot } from './starters/StarterSlot';
import { summarizeLast, summarizeUnread } from './summarize/command';
import { loadStartupReadPositions } from './summarize/read-marker';
import { ReadMarkerProbe } from './summarize/ReadMarkerProbe';
import { isInThread, ThreadSummaryAction } from './summarize/ThreadSummaryAction';
import './styles.css';

registerBuiltinPanels();

// Renders under every message; returns null unless the message carries our meta. Whether its
// author speaks for the agent is decided in the lazily loaded view (MessageView.tsx), so the
// entry chunk stays small; until then nothing hides the message's plain text.
regMessageExtraParser({
  name: `${PLUGIN_ID}/reply`,
  render: (message) => (hasAiMeta(message) ? <AiMessage message={message} /> : null),
});

// Summaries: the chat input's "+" menu, and a hover action under messages of a reply thread
// (Tailchat 1.11.11 has no plugin entry in a message's own menu). "Unread" needs the read
// position from before the panel was opened: remembered per visit by the probe in the input box.
loadStartupReadPositions();
regChatInputButton({ render: () => <ReadMarkerProbe /> });
regChatInputAction({ label: t('summarize.unread'), onClick: (ctx) => void summarizeUnread(ctx) });
regChatInputAction({ label: t('summarize.last', { count: 50 }), onClick: (ctx) => void summarizeLast(ctx, 50) });
// Starter prompts: chips over the input of a DM with an agent, and a picker in the "+" menu.
regChatInputButton({ render: () => <StarterSlot /> });
regChatInputAction({ label: t('starters.menu'), onClick: (ctx) => void import('./starters/Starters').then((m) => m.openStarterPicker(ctx)) });
regMessageExtraParser({
  name: `${PLUGIN_ID}/thread-summary`,
  render: (message) => (isInThread(message) ? <ThreadSummaryAction message={message} /> : null),
});

// Group roles editor lists these; the backend checks them on every action.
regPluginPermission({ key: PERMISSIONS.invoke, title: t('perm.invoke.title'), desc: t('perm.invoke.desc'), default: true });
regPluginPermission({ key: PERMISSIONS.approve, title: t('perm.approve.title'), desc: t('perm.approve.desc'), default: false });
regPluginPermission({ key: PERMISSIONS.configure, title: t('perm.configure.title'), desc: t('perm.configure.desc'), default: false });
regPluginPermission({ key: PERMISSIONS.schedule, title: t('perm.schedule.title'), desc: t('perm.schedule.desc'), default: false });

regCustomPanel({
  position: 'groupdetail',
  name: `${PLUGIN_ID}/group-settings`,
  label: t('settings.label'),
  icon: 'mdi:robot-outline',
  render: SettingsEntry,
});

export { registerPanel, getRegisteredPanelTypes } from './registry';
export type { PanelContext, PanelOptions, PanelProps } from './registry';
export { AI_META_KEY, PLUGIN_ID } from './constants';
