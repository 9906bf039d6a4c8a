/** The OpenClaw engine's redaction: the gateway token, device tokens, and anything token-shaped. */
import type { Redactor } from '../logger.js';

export { redactingLogger, silentLogger, type EngineLogger, type Redactor } from '../logger.js';

/** Replaces every known secret (and long hex/base64url runs that look like tokens) with `***`. */
export function createRedactor(secrets: () => Array<string | undefined>): Redactor {
  return (text) => {
    let out = text;
    for (const secret of secrets()) {
      if (secret && secret.length >= 8) out = out.split(secret).join('***');
    }
    return out.replace(/(?<![a-f0-9])[a-f0-9]{40,}(?![a-f0-9])/gi, '***');
  };
}
