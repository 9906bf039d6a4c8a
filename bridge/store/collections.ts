/**
 * The plugin's collections in Tailchat's database, named as Tailchat's own plugins name theirs
 * (`p_<plugin>`), and how their documents are keyed.
 *
 * Keys are ObjectIds derived from the document's natural key (12 bytes of its SHA-256): an
 * upsert on `_id` then always hits one document, also on servers without unique secondary
 * indexes (the test kit's CongoDB), and CongoDB accepts only ObjectId `_id`s.
 */
import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';

export const COLLECTIONS = {
  settings: 'p_com_yourcompany_ai_settings',
  audit: 'p_com_yourcompany_ai_audit',
  usage: 'p_com_yourcompany_ai_usage',
  intake: 'p_com_yourcompany_ai_intake',
  failures: 'p_com_yourcompany_ai_failures',
  agentJoins: 'p_com_yourcompany_ai_agent_joins',
  feedback: 'p_com_yourcompany_ai_feedback',
  automations: 'p_com_yourcompany_ai_automations',
  automationRuns: 'p_com_yourcompany_ai_automation_runs',
} as const;

export function keyId(key: string): ObjectId {
  return new ObjectId(createHash('sha256').update(key).digest().subarray(0, 12));
}

/** A short, stable digest of some content (for idempotent copies: same content, same key). */
export function digest(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}
