/**
 * The strings of the Scheduled tasks section and of the group's time zone field (settings panel),
 * beside them in their lazy chunk; the shape and languages of i18n.ts.
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  title: { 'en-US': 'Scheduled tasks', 'zh-CN': '定时任务' },
  loading: { 'en-US': 'Loading the scheduled tasks…', 'zh-CN': '正在加载定时任务…' },
  loadFailed: { 'en-US': 'Could not load the scheduled tasks: {message}', 'zh-CN': '无法加载定时任务：{message}' },
  refresh: { 'en-US': 'Refresh', 'zh-CN': '刷新' },
  none: { 'en-US': 'This group has no scheduled tasks.', 'zh-CN': '本群没有定时任务。' },
  howTo: {
    'en-US': 'Create one in a panel by mentioning the agent: /remind <when> <what>, e.g. "/remind every weekday at 9:00 post the stand-up summary" or "/remind in 30m check the build". It then posts there as the agent.',
    'zh-CN': '在频道中提及智能体即可创建：/remind <时间> <内容>，例如“/remind 每个工作日 9:00 发布站会总结”或“/remind 30分钟后 检查构建”。之后智能体会在该频道发布结果。',
  },
  readOnly: {
    'en-US': 'Only members allowed to schedule tasks can create, pause or delete them.',
    'zh-CN': '只有拥有“定时任务”权限的成员可以创建、暂停或删除任务。',
  },
  task: { 'en-US': 'Task', 'zh-CN': '任务' },
  schedule: { 'en-US': 'When', 'zh-CN': '时间' },
  state: { 'en-US': 'State', 'zh-CN': '状态' },
  next: { 'en-US': 'Next run', 'zh-CN': '下次执行' },
  last: { 'en-US': 'Last run', 'zh-CN': '上次执行' },
  creator: { 'en-US': 'Set by', 'zh-CN': '设置者' },
  panel: { 'en-US': 'Panel', 'zh-CN': '频道' },
  'state.active': { 'en-US': 'Active', 'zh-CN': '运行中' },
  'state.paused': { 'en-US': 'Paused', 'zh-CN': '已暂停' },
  'state.failed': { 'en-US': 'Stopped after failures', 'zh-CN': '因失败已停止' },
  'state.orphaned': { 'en-US': 'Orphaned (its panel or agent is gone)', 'zh-CN': '已失效（频道或智能体已不存在）' },
  lastOk: { 'en-US': 'OK', 'zh-CN': '成功' },
  lastFailed: { 'en-US': 'Failed: {error}', 'zh-CN': '失败：{error}' },
  lastUnknownError: { 'en-US': 'error', 'zh-CN': '错误' },
  never: { 'en-US': '–', 'zh-CN': '–' },
  pause: { 'en-US': 'Pause', 'zh-CN': '暂停' },
  resume: { 'en-US': 'Resume', 'zh-CN': '恢复' },
  delete: { 'en-US': 'Delete', 'zh-CN': '删除' },
  deleteConfirm: { 'en-US': 'Delete "{name}"? It will not run again.', 'zh-CN': '删除“{name}”？它将不再执行。' },
  deleteYes: { 'en-US': 'Delete', 'zh-CN': '删除' },
  cancel: { 'en-US': 'Cancel', 'zh-CN': '取消' },
  paused: { 'en-US': 'Paused "{name}"', 'zh-CN': '已暂停“{name}”' },
  resumed: { 'en-US': 'Resumed "{name}"', 'zh-CN': '已恢复“{name}”' },
  deleted: { 'en-US': 'Deleted "{name}"', 'zh-CN': '已删除“{name}”' },
  changeFailed: { 'en-US': 'Not changed: {message}', 'zh-CN': '未更改：{message}' },
  // the group's time zone (settings form)
  timeZone: { 'en-US': 'Time zone', 'zh-CN': '时区' },
  timeZoneHint: {
    'en-US': 'IANA name, e.g. Europe/Vienna: the times of new scheduled tasks ("at 9:00") are read in it. Empty: the server\'s zone ({zone}).',
    'zh-CN': 'IANA 名称，例如 Asia/Shanghai：新建定时任务中的时间（如“9:00”）按此时区理解。留空：使用服务器的时区（{zone}）。',
  },
  timeZoneServer: { 'en-US': 'as the server is set', 'zh-CN': '按服务器设置' },
};

export type AutomationsMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<AutomationsMessageKey, Entry> = MESSAGES;
void checkComplete;

export const ts = translator<AutomationsMessageKey>(MESSAGES);
