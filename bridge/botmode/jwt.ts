/**
 * When the bot's token must be renewed. The JWT is only decoded (Tailchat verifies it), to read
 * `exp`; `maxAgeMs` can shorten the lifetime (operators with short-lived policies, and tests).
 */
export interface TokenTiming {
  /** Epoch ms at which the token is treated as expired. */
  expiresAt: number;
  /** Epoch ms at which to renew it (expiresAt − margin, never before `obtainedAt + minLifeMs`). */
  renewAt: number;
}

/** Used when a token carries no readable `exp` claim: renew daily rather than never. */
export const FALLBACK_LIFETIME_MS = 24 * 3600_000;

export function jwtExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function tokenTiming(jwt: string, obtainedAt: number, o: { renewMarginMs: number; maxAgeMs?: number; minLifeMs?: number }): TokenTiming {
  const fromClaim = jwtExpiry(jwt) ?? obtainedAt + FALLBACK_LIFETIME_MS;
  const expiresAt = o.maxAgeMs !== undefined ? Math.min(fromClaim, obtainedAt + o.maxAgeMs) : fromClaim;
  // A margin longer than the lifetime would renew in a tight loop: keep a floor.
  const renewAt = Math.max(expiresAt - o.renewMarginMs, obtainedAt + (o.minLifeMs ?? 1000));
  return { expiresAt, renewAt };
}
