/**
 * Built-in panels, registered through the same public registry third-party plugins use. Every
 * component is lazy: the entry chunk only holds these few lines, the code arrives with the first
 * block of its type (markdown/code/diff each in their own chunk, the small panels together).
 */
import { lazy } from 'react';
import { registerPanel } from '../registry';

const basic = () => import('./basic');

export function registerBuiltinPanels(): void {
  registerPanel('markdown', lazy(() => import('./markdown/MarkdownPanel')));
  registerPanel('code', lazy(() => import('./CodePanel')));
  registerPanel('diff', lazy(() => import('./diff/DiffPanel')));
  registerPanel('tool', lazy(() => basic().then((module) => ({ default: module.ToolCallPanel }))));
  registerPanel('approval', lazy(() => basic().then((module) => ({ default: module.ApprovalPanel }))));
  registerPanel('error', lazy(() => basic().then((module) => ({ default: module.ErrorPanel }))));
  registerPanel('badge', lazy(() => basic().then((module) => ({ default: module.BadgePanel }))));
}
