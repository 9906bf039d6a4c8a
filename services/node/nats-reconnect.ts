/**
 * Moleculer 0.14's NATS transporter handles a NATS restart fully only with the old `nats` 1.x
 * client (Tailchat's): it marks itself disconnected (calls fail at once with Moleculer's
 * retryable BrokerDisconnectedError) and, once reconnected, announces this node again
 * (INFO broadcast + DISCOVER). With the `nats` 2.x client (ours, the maintained one) it only
 * logs the client's status at debug level: calls made during the outage are buffered by the
 * client and their answers may never come, and nodes that dropped us meanwhile learn about us
 * only at the next heartbeat. This watcher gives the 2.x path the same behaviour, through the
 * transporter's own `onConnected(true)`, and says so in the log.
 */
import type { ServiceBroker } from 'moleculer';

interface NatsStatus {
  type: string;
  data?: unknown;
}
interface TransporterInternals {
  connected: boolean;
  client?: { status?: () => AsyncIterable<NatsStatus> } | null;
  onConnected(wasReconnect: boolean): Promise<unknown>;
}

/** Call after broker.start(); a no-op for other transporters (and for the nats 1.x client). */
export function watchNatsReconnects(broker: ServiceBroker): void {
  const tx = (broker as unknown as { transit?: { tx?: TransporterInternals } }).transit?.tx;
  const status = tx?.client?.status;
  if (!tx || typeof status !== 'function' || tx.constructor.name !== 'NatsTransporter') return;
  const log = broker.getLogger('transporter');
  void (async () => {
    for await (const s of status.call(tx.client)) {
      if (s.type === 'disconnect' && tx.connected) {
        tx.connected = false;
        log.warn('NATS connection lost; reconnecting (calls fail until it is back)', { server: String(s.data) });
      } else if (s.type === 'reconnect') {
        log.info('NATS connection re-established; announcing this node again', { server: String(s.data) });
        await tx.onConnected(true);
      }
    }
  })().catch((err: unknown) => log.warn('NATS status watcher stopped', { error: String(err) }));
}
