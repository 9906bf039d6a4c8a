/** The small built-in panels, grouped so they arrive in one lazy chunk. */
export { default as ToolCallPanel } from './ToolCallPanel';
export { default as ApprovalPanel } from './ApprovalPanel';
export { default as ErrorPanel } from './ErrorPanel';
export { default as BadgePanel } from './BadgePanel';
