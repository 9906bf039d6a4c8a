/**
 * Entry of the mini-star plugin `com.yourcompany.ai`. It only registers things with the host;
 * everything heavy (zod, markdown, highlighting, diff, settings form) loads lazily on first use.
 * Its exports are the extension API other plugins reach with
 * `import { registerPanel } from '@plugins/com.yourcompany.ai'`.
 */
import React from 'react';
import { regCustomPanel, regMessageExtraParser, regPluginPermission } from '@capital/common';
import { PERMISSIONS, PLUGIN_ID } from './constants';
import { t } from './i18n';
import { hasAiMeta } from './meta';
import { AiMessage } from './message/AiMessage';
import { registerBuiltinPanels } from './panels/builtin';
import { SettingsEntry } from './settings/SettingsEntry';
import './styles.css';

registerBuiltinPanels();

// Renders under every message; returns null unless the message carries our meta.
regMessageExtraParser({
  name: `${PLUGIN_ID}/reply`,
  render: (message) => (hasAiMeta(message) ? <AiMessage message={message} /> : null),
});

// Group roles editor lists these; the backend checks them on every action.
regPluginPermission({ key: PERMISSIONS.invoke, title: t('perm.invoke.title'), desc: t('perm.invoke.desc'), default: true });
regPluginPermission({ key: PERMISSIONS.approve, title: t('perm.approve.title'), desc: t('perm.approve.desc'), default: false });
regPluginPermission({ key: PERMISSIONS.configure, title: t('perm.configure.title'), desc: t('perm.configure.desc'), default: false });

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
