/**
 * The engines this process offers, from config. Engine modules are imported on first use, so a
 * runner that never serves OpenClaw never loads its client.
 */
import { createEngineRegistry, type EngineFactory, type EngineRegistry } from '../../bridge/engine/registry.js';
import { createScriptedEngine } from '../../bridge/engine/scripted/engine.js';
import { countReconnects } from '../../bridge/observability/metrics.js';
import { EngineError } from '../../bridge/engine/types.js';
import type { Logger } from '../../bridge/run/execute.js';
import type { BundleConfig } from '../../config/schema.js';
import { createAttachmentLoader } from '../../bridge/attachments/fetch.js';
import { withAttachments } from '../../bridge/attachments/gate.js';

export function createConfiguredEngines(config: BundleConfig, logger: (engine: string) => Logger): EngineRegistry {
  const factories: Record<string, EngineFactory> = {
    scripted: () => createScriptedEngine(config.engines.scripted),
    openclaw: async () => {
      const oc = config.engines.openclaw;
      if (oc.auth === 'token' && !oc.token) {
        throw new EngineError('auth', 'the OpenClaw gateway token is not configured', 'set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_TOKEN_FILE');
      }
      const { createOpenClawEngine } = await import('../../bridge/engine/openclaw/index.js');
      const engine = createOpenClawEngine(oc, logger('openclaw'));
      countReconnects('openclaw', engine.connection); // metrics: tcai_engine_reconnects_total
      return engine;
    },
    mbe: async () => {
      const { createMbeEngine } = await import('../../bridge/engine/mbe/index.js');
      return createMbeEngine(config.engines.mbe, logger('mbe'));
    },
  };
  // Attachments are fetched here, on the runner side, in front of every engine (bridge/attachments/gate.ts).
  const loadAttachments = createAttachmentLoader({
    source: { tailchatUrl: config.tailchat.url ?? config.botMode.url, fileUrls: config.tailchat.fileUrls },
    limits: config.limits.attachments,
  });
  const gated = Object.fromEntries(
    Object.entries(factories).map(([id, factory]) => [id, async () => withAttachments(await factory(), loadAttachments, logger('attachments'))]),
  );
  return createEngineRegistry(gated);
}
