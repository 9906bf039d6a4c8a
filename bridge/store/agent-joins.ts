/**
 * The default joins of agents (bridge/agents/default-joins.ts) in the plugin's own collection: one
 * document per (group, agent), keyed by both (keyId: an upsert on `_id` hits one document on any
 * server). A claim is one conditional write, so two instances never both add the same bot; a claim
 * whose instance died is taken over once its lease lapsed.
 */
import type { Db } from 'mongodb';
import type { JoinRecords } from '../agents/default-joins.js';
import { COLLECTIONS, keyId } from './collections.js';

interface JoinDoc {
  groupId: string;
  agentId: string;
  state: 'joining' | 'joined';
  node: string;
  leaseUntil: number;
  at: number;
}

export function createMongoJoinRecords(db: Db, now: () => number = Date.now): JoinRecords {
  const col = db.collection<JoinDoc>(COLLECTIONS.agentJoins);
  const idOf = (groupId: string, agentId: string) => keyId(`agent-join:${groupId}:${agentId}`);
  return {
    async claim(groupId, agentId, node, leaseMs) {
      const t = now();
      const _id = idOf(groupId, agentId);
      const before = await col.findOneAndUpdate(
        { _id },
        { $setOnInsert: { groupId, agentId, state: 'joining', node, leaseUntil: t + leaseMs, at: t } },
        { upsert: true, returnDocument: 'before' },
      );
      if (!before) return true;
      if (before.state !== 'joining' || before.leaseUntil > t) return false;
      const over = await col.updateOne({ _id, state: 'joining', leaseUntil: before.leaseUntil }, { $set: { node, leaseUntil: t + leaseMs, at: t } });
      return over.modifiedCount === 1;
    },
    async done(groupId, agentId) {
      await col.updateOne({ _id: idOf(groupId, agentId) }, { $set: { state: 'joined', at: now() } });
    },
    async doneIn(groupId) {
      const docs = await col.find({ groupId, state: 'joined' }, { projection: { agentId: 1 } }).toArray();
      return new Set(docs.map((d) => d.agentId));
    },
  };
}
