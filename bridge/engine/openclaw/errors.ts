/**
 * Gateway failures → typed EngineErrors with admin hints. Reads structured `details.code`
 * through the protocol package's readers; falls back to error codes, never to token text.
 */
import {
  ConnectErrorDetailCodes,
  readConnectErrorDetailCode,
  readPairingConnectErrorDetails,
} from '@openclaw/gateway-protocol/connect-error-details';
import { readMissingScopeErrorDetails } from '@openclaw/gateway-protocol/gateway-error-details';
import type { ErrorKind } from '../../../protocol/blocks.js';
import { EngineError } from '../types.js';

/** An EngineError that also carries the gateway's structured code (and pairing request id). */
export class OpenClawEngineError extends EngineError {
  constructor(
    kind: ErrorKind,
    message: string,
    adminHint?: string,
    readonly code?: string,
    readonly requestId?: string,
  ) {
    super(kind, message, adminHint);
    this.name = 'OpenClawEngineError';
  }
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  gatewayCode?: unknown;
  details?: unknown;
}

function asErrorLike(err: unknown): ErrorLike {
  return err && typeof err === 'object' ? (err as ErrorLike) : { message: String(err) };
}

const AUTH_CODES = new Set<string>([
  ConnectErrorDetailCodes.AUTH_REQUIRED,
  ConnectErrorDetailCodes.AUTH_UNAUTHORIZED,
  ConnectErrorDetailCodes.AUTH_TOKEN_MISSING,
  ConnectErrorDetailCodes.AUTH_TOKEN_MISMATCH,
  ConnectErrorDetailCodes.AUTH_TOKEN_NOT_CONFIGURED,
  ConnectErrorDetailCodes.AUTH_PASSWORD_MISSING,
  ConnectErrorDetailCodes.AUTH_PASSWORD_MISMATCH,
  ConnectErrorDetailCodes.AUTH_PASSWORD_NOT_CONFIGURED,
  ConnectErrorDetailCodes.AUTH_BOOTSTRAP_TOKEN_INVALID,
  ConnectErrorDetailCodes.AUTH_DEVICE_TOKEN_MISMATCH,
  ConnectErrorDetailCodes.AUTH_SCOPE_MISMATCH,
  ConnectErrorDetailCodes.DEVICE_IDENTITY_REQUIRED,
  ConnectErrorDetailCodes.DEVICE_AUTH_INVALID,
  ConnectErrorDetailCodes.DEVICE_AUTH_DEVICE_ID_MISMATCH,
  ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_EXPIRED,
  ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_REQUIRED,
  ConnectErrorDetailCodes.DEVICE_AUTH_NONCE_MISMATCH,
  ConnectErrorDetailCodes.DEVICE_AUTH_SIGNATURE_INVALID,
  ConnectErrorDetailCodes.DEVICE_AUTH_PUBLIC_KEY_INVALID,
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE']);

/** Classifies a failure of the connect handshake (GatewayClient `onConnectError`). */
export function connectErrorToEngineError(err: unknown, url: string): OpenClawEngineError {
  const e = asErrorLike(err);
  const details = e.details;
  const detailCode = readConnectErrorDetailCode(details) ?? undefined;
  const codeText = typeof e.code === 'string' ? e.code : undefined;

  if (detailCode === ConnectErrorDetailCodes.PAIRING_REQUIRED) {
    const pairing = readPairingConnectErrorDetails(details);
    const requestId = pairing?.requestId;
    const command = requestId ? `openclaw devices approve ${requestId}` : 'openclaw devices list, then openclaw devices approve <requestId>';
    return new OpenClawEngineError(
      'auth',
      requestId
        ? `OpenClaw gateway at ${url} has not approved this device yet (pairing request ${requestId}).`
        : `OpenClaw gateway at ${url} requires pairing this device.`,
      `On the gateway host run: ${command}` + (pairing?.reason ? ` (reason: ${pairing.reason})` : ''),
      detailCode,
      requestId,
    );
  }
  if (detailCode === ConnectErrorDetailCodes.AUTH_TOKEN_MISMATCH || detailCode === ConnectErrorDetailCodes.AUTH_TOKEN_MISSING) {
    return new OpenClawEngineError(
      'auth',
      `OpenClaw gateway at ${url} rejected the gateway token (${detailCode}).`,
      'Set OPENCLAW_GATEWAY_TOKEN (or OPENCLAW_GATEWAY_TOKEN_FILE) to the gateway.auth.token of that gateway, then restart the bridge.',
      detailCode,
    );
  }
  if (detailCode === ConnectErrorDetailCodes.AUTH_RATE_LIMITED) {
    return new OpenClawEngineError('rate_limit', `OpenClaw gateway at ${url} is rate-limiting authentication attempts.`, 'Wait a minute and check that the bridge uses the right token.', detailCode);
  }
  if (detailCode === ConnectErrorDetailCodes.PROTOCOL_MISMATCH || detailCode === ConnectErrorDetailCodes.CLIENT_VERSION_MISMATCH) {
    return new OpenClawEngineError(
      'unavailable',
      `OpenClaw gateway at ${url} speaks a different protocol version (${detailCode}).`,
      'Upgrade @openclaw/gateway-client/@openclaw/gateway-protocol together with the gateway (see docs/gateway/clients.md).',
      detailCode,
    );
  }
  if (detailCode && AUTH_CODES.has(detailCode)) {
    return new OpenClawEngineError(
      'auth',
      `OpenClaw gateway at ${url} refused the connection (${detailCode}).`,
      detailCode === ConnectErrorDetailCodes.AUTH_SCOPE_MISMATCH
        ? 'The device token does not cover the requested scopes: approve the new pairing request (openclaw devices list / approve).'
        : 'Check the gateway auth settings (auth mode, token, device identity file).',
      detailCode,
    );
  }
  if (codeText && NETWORK_CODES.has(codeText)) {
    return new OpenClawEngineError('unavailable', `OpenClaw gateway at ${url} is not reachable (${codeText}).`, 'Start the gateway (openclaw gateway) or fix engines.openclaw.url.', codeText);
  }
  const gatewayCode = typeof e.gatewayCode === 'string' ? e.gatewayCode : codeText;
  if (gatewayCode === 'UNAVAILABLE') {
    return new OpenClawEngineError('unavailable', `OpenClaw gateway at ${url} is starting or unavailable.`, undefined, gatewayCode);
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new OpenClawEngineError('unavailable', `Cannot connect to OpenClaw gateway at ${url}: ${message}`, undefined, detailCode ?? gatewayCode);
}

/** Classifies a failed RPC (`client.request`). */
export function requestErrorToEngineError(err: unknown, method: string): OpenClawEngineError {
  if (err instanceof OpenClawEngineError) return err;
  const e = asErrorLike(err);
  const message = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const gatewayCode = typeof e.gatewayCode === 'string' ? e.gatewayCode : code;
  if (code === 'CLIENT_TIMEOUT') {
    return new OpenClawEngineError('timeout', `OpenClaw gateway did not answer ${method} in time.`, undefined, code);
  }
  if (gatewayCode === 'FORBIDDEN') {
    const missing = readMissingScopeErrorDetails(e.details);
    const scope = missing?.missingScope;
    return new OpenClawEngineError(
      'auth',
      scope ? `OpenClaw gateway refused ${method}: missing scope ${scope}.` : `OpenClaw gateway refused ${method}: ${message}`,
      scope ? `The bridge's gateway connection lacks ${scope}; for device auth approve a pairing request that includes it.` : undefined,
      gatewayCode,
    );
  }
  if (gatewayCode === 'UNAVAILABLE' || /gateway not connected|gateway closed|gateway client stopped/i.test(message)) {
    return new OpenClawEngineError('unavailable', `OpenClaw gateway unavailable for ${method}: ${message}`, undefined, gatewayCode);
  }
  if (/unknown agent id/i.test(message)) {
    return new OpenClawEngineError('unknown', message, 'Use an agent id that exists in the gateway config (agents.list), or the default "main".', gatewayCode);
  }
  return new OpenClawEngineError('unknown', `OpenClaw ${method} failed: ${message}`, undefined, gatewayCode);
}
