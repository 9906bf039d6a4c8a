/**
 * The strings of the tool-call and approval cards, beside them in the small panels' lazy chunk
 * (i18n.ts ships in the start-up chunk, which has a size budget); the shape and languages of i18n.ts.
 */
import { translator } from '../i18n';
import type { Entry } from '../i18n';

const MESSAGES = {
  // tool call
  'tool.running': { 'en-US': 'Running', 'zh-CN': '运行中' },
  'tool.succeeded': { 'en-US': 'Succeeded', 'zh-CN': '成功' },
  'tool.failed': { 'en-US': 'Failed', 'zh-CN': '失败' },
  'tool.args': { 'en-US': 'Arguments', 'zh-CN': '参数' },
  'tool.result': { 'en-US': 'Result', 'zh-CN': '结果' },
  'tool.details': { 'en-US': 'Details', 'zh-CN': '详情' },
  'tool.redacted': {
    'en-US': 'Only the requester and approvers can see the details.',
    'zh-CN': '仅请求者和审批人可以查看详情。',
  },
  'tool.showDetails': { 'en-US': 'Show details', 'zh-CN': '显示详情' },
  'tool.hideDetails': { 'en-US': 'Hide details', 'zh-CN': '隐藏详情' },
  'tool.loadingDetails': { 'en-US': 'Loading details…', 'zh-CN': '正在加载详情…' },
  'tool.private': { 'en-US': 'Private: shown to you as the requester or an approver.', 'zh-CN': '私密：因你是请求者或审批人而显示。' },
  'tool.storedTruncated': { 'en-US': 'Cut to the stored size limit.', 'zh-CN': '已按存储大小上限截断。' },
  'tool.truncated': { 'en-US': '… (truncated)', 'zh-CN': '…（已截断）' },

  // approval
  'approval.title': { 'en-US': 'Approval needed', 'zh-CN': '需要审批' },
  'approval.titleDecided': { 'en-US': 'Command approval', 'zh-CN': '命令审批' },
  'approval.approve': { 'en-US': 'Approve once', 'zh-CN': '批准一次' },
  'approval.always': { 'en-US': 'Always allow', 'zh-CN': '始终允许' },
  'approval.deny': { 'en-US': 'Deny', 'zh-CN': '拒绝' },
  'approval.sending': { 'en-US': 'Sending decision…', 'zh-CN': '正在提交…' },
  'approval.approvedBy': { 'en-US': 'Approved by', 'zh-CN': '批准人：' },
  'approval.deniedBy': { 'en-US': 'Denied by', 'zh-CN': '拒绝人：' },
  'approval.approved': { 'en-US': 'Approved', 'zh-CN': '已批准' },
  'approval.denied': { 'en-US': 'Denied', 'zh-CN': '已拒绝' },
  'approval.expired': { 'en-US': 'Expired without a decision', 'zh-CN': '已过期，未作决定' },
  'approval.expiresAt': { 'en-US': 'Expires at {time}', 'zh-CN': '{time} 过期' },
};

export type BasicPanelsMessageKey = keyof typeof MESSAGES;
const checkComplete: Record<BasicPanelsMessageKey, Entry> = MESSAGES;
void checkComplete;

export const t = translator<BasicPanelsMessageKey>(MESSAGES);
