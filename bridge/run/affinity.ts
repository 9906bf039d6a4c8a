/**
 * Which runner gets a session's runs. Every run of one session goes to the same runner while
 * that runner lives: engines keep per-session order only within one process (OpenClaw's gateway
 * re-keys a run sent to a busy session, so two processes feeding one session could swap or lose
 * replies). Rendezvous hashing: when a runner leaves, only its sessions move; when one joins, it
 * takes an even share of new sessions.
 */
import { createHash } from 'node:crypto';

export function runnerForSession(sessionKey: string, runnerNodeIds: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const nodeId of runnerNodeIds) {
    const score = createHash('sha1').update(nodeId).update('\0').update(sessionKey).digest().readUInt32BE(0);
    if (score > bestScore || (score === bestScore && best !== undefined && nodeId < best)) {
      best = nodeId;
      bestScore = score;
    }
  }
  return best;
}
