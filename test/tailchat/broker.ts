/**
 * A separate Moleculer 0.14 node joining a Tailchat cluster, as an out-of-process plugin
 * service does in production.
 *
 * The catch (kit README, "Things that surprised us"): broker.start() resolves before
 * Tailchat's node knows our services, because Moleculer debounces the INFO broadcast by 1 s.
 * Events Tailchat emits in that window (e.g. chat.message.updateMessage) are not delivered to
 * us, so a test must wait until Tailchat's own node lists the service: waitUntilTailchatKnows.
 */
import { ServiceBroker, type ServiceSchema, type BrokerOptions, type LogLevels } from 'moleculer';
import type { TailchatConnection } from './kit.js';

/** Services every Tailchat node hosts in the kit; their presence means we reached Tailchat. */
export const TAILCHAT_CORE_SERVICES = ['gateway', 'user', 'group', 'chat.message', 'chat.converse'];

export interface PluginBrokerOptions {
  tailchat: Pick<TailchatConnection, 'namespace' | 'transporter'>;
  nodeID?: string;
  services?: ServiceSchema[];
  /** Default 'error' (stop() logs disconnect warnings); TAILCHAT_HARNESS_VERBOSE=1 gives 'info'. */
  logLevel?: LogLevels;
  /** Extra broker options (override the defaults above). */
  brokerOptions?: Partial<BrokerOptions>;
}

let seq = 0;

/** A not yet started broker in Tailchat's namespace, on its transporter, JSON serializer. */
export function createPluginBroker(opts: PluginBrokerOptions): ServiceBroker {
  const level: LogLevels = opts.logLevel ?? (process.env.TAILCHAT_HARNESS_VERBOSE ? 'info' : 'error');
  const broker = new ServiceBroker({
    namespace: opts.tailchat.namespace,
    nodeID: opts.nodeID ?? `test-plugin-${process.pid}-${++seq}`,
    transporter: opts.tailchat.transporter,
    // Tailchat's moleculer.config uses JSON; nodes with another serializer cannot decode it.
    serializer: 'JSON',
    logger: { type: 'Console', options: { level, colors: false, formatter: 'short' } },
    requestTimeout: 10_000,
    ...opts.brokerOptions,
  });
  for (const s of opts.services ?? []) broker.createService(s);
  return broker;
}

/** Node IDs (other than ours) that host Tailchat's core services. */
function tailchatNodeIds(broker: ServiceBroker): string[] {
  const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true, withActions: false }) as Array<{
    name: string;
    nodeID: string;
  }>;
  const ids = new Set(list.filter((s) => TAILCHAT_CORE_SERVICES.includes(s.name) && s.nodeID !== broker.nodeID).map((s) => s.nodeID));
  return [...ids];
}

/**
 * Waits until every Tailchat node lists `serviceNames` in `$node.services` (the direction
 * broker.start() does not guarantee). Returns the time waited in ms.
 */
export async function waitUntilTailchatKnows(broker: ServiceBroker, serviceNames: string | string[], timeoutMs = 15_000): Promise<number> {
  const names = Array.isArray(serviceNames) ? serviceNames : [serviceNames];
  const t0 = Date.now();
  await broker.waitForServices(TAILCHAT_CORE_SERVICES, timeoutMs);
  const nodes = tailchatNodeIds(broker);
  if (nodes.length === 0) throw new Error(`no Tailchat node found from ${broker.nodeID}`);
  for (const nodeID of nodes) {
    for (;;) {
      const list = (await broker.call('$node.services', { skipInternal: true, onlyAvailable: true }, { nodeID })) as Array<{ name: string }>;
      const missing = names.filter((n) => !list.some((s) => s.name === n));
      if (missing.length === 0) break;
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`Tailchat node ${nodeID} does not list ${missing.join(', ')} after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return Date.now() - t0;
}

/** Starts the broker and waits until Tailchat knows all of its local services. */
export async function joinTailchat(broker: ServiceBroker, timeoutMs = 15_000): Promise<number> {
  await broker.start();
  const own = broker.services.map((s) => s.fullName).filter((n) => !n.startsWith('$'));
  return waitUntilTailchatKnows(broker, own, timeoutMs);
}
