/**
 * Where attachments are turned into bytes, on the runner side, in front of each engine: a run
 * that carries attachment links is refused when its engine cannot read attachments, else the
 * files are fetched and checked (fetch.ts) and handed to the engine as `loadedAttachments`.
 * A refusal ends the run with one reply that says why (the limit, the type, the engine), is
 * logged, and starts nothing on the engine. Runs without attachments pass straight through.
 */
import { createEventQueue } from '../engine/event-queue.js';
import type { EngineLogger } from '../engine/logger.js';
import type { Engine, EngineRun, RunRequest } from '../engine/types.js';
import type { AttachmentLoader } from './fetch.js';
import { ATTACHMENT_TEXT, AttachmentRefusal } from './policy.js';

function refusedRun(runId: string, refusal: AttachmentRefusal): EngineRun {
  const run = createEventQueue(runId);
  run.push({ type: 'final', text: refusal.text });
  return run;
}

/** The same engine, with attachments fetched before `start` (engines are plain objects: spread keeps them whole). */
export function withAttachments(engine: Engine, load: AttachmentLoader, logger: EngineLogger): Engine {
  const refuse = (request: RunRequest, refusal: AttachmentRefusal): EngineRun => {
    logger.warn('attachments refused', {
      runId: request.runId,
      engine: engine.id,
      reason: refusal.reason,
      detail: refusal.detail,
      attachments: request.attachments?.length ?? 0,
    });
    return refusedRun(request.runId, refusal);
  };

  return {
    ...engine,
    async start(request) {
      const refs = request.attachments ?? [];
      if (refs.length === 0) return engine.start(request);
      if (!engine.capabilities?.attachments) return refuse(request, new AttachmentRefusal('engine', ATTACHMENT_TEXT.engine, `engine ${engine.id} reads text only`));
      let loadedAttachments;
      try {
        loadedAttachments = await load(refs);
      } catch (err) {
        if (err instanceof AttachmentRefusal) return refuse(request, err);
        throw err;
      }
      logger.info('attachments fetched', {
        runId: request.runId,
        engine: engine.id,
        files: loadedAttachments.map((a) => ({ type: a.mimeType, bytes: a.sizeBytes })),
      });
      try {
        return await engine.start({ ...request, loadedAttachments });
      } catch (err) {
        // The engine's own limits (e.g. the gateway's) refuse the same way.
        if (err instanceof AttachmentRefusal) return refuse(request, err);
        throw err;
      }
    },
  };
}
