/**
 * Tailchat's own `groups` collection, read-only: group ids in id order, for the scan that brings
 * the default agents into every group (bridge/agents/default-joins.ts). Ids only: the scan asks
 * Tailchat itself (through the broker) for anything else.
 */
import { ObjectId, type Db } from 'mongodb';

export const TAILCHAT_GROUPS = 'groups';

export interface GroupIdReader {
  /** Up to `limit` group ids after `afterId` (from the first when absent), in id order. */
  after(afterId: string | undefined, limit: number): Promise<string[]>;
}

export function createGroupIdReader(db: Db): GroupIdReader {
  const col = db.collection(TAILCHAT_GROUPS);
  return {
    async after(afterId, limit) {
      const filter = afterId ? { _id: { $gt: new ObjectId(afterId) } } : {};
      const docs = await col.find(filter, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(limit).toArray();
      return docs.map((d) => String(d._id));
    },
  };
}

/**
 * One pass over the groups created since the last pass (every group on the first), each handed to
 * `visit` one after another. `scan.position` follows the pass, so a pass that fails part-way (the
 * database or Tailchat away) goes on from the failed group next time.
 */
export async function scanGroups(reader: GroupIdReader, scan: { position?: string }, visit: (groupId: string) => Promise<void>, pageSize = 200): Promise<void> {
  for (;;) {
    const ids = await reader.after(scan.position, pageSize);
    for (const id of ids) {
      await visit(id);
      scan.position = id;
    }
    if (ids.length < pageSize) return;
  }
}
