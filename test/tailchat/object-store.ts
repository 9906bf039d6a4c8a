/**
 * The kit's object store (s3rver, Tailchat's MINIO_URL), read over S3's HTTP API.
 *
 * Why: Tailchat's upload writes a temporary object under `tmp/`, copies it to its final name and
 * answers while the temporary one is still being removed (`removeObject` is not awaited, file.service
 * `persistFile`). s3rver's filesystem store removes the `tmp/` directory once it is empty; an
 * upload that starts meanwhile writes into a directory that is vanishing and fails with S3's
 * InternalError (HTTP 500 from /upload; seen by the flake hunter under load). A test that uploads
 * one file after another waits until the previous temporary object is gone.
 */
import type { TailchatInstance } from './kit.js';

/** Until Tailchat's bucket holds no temporary upload objects. */
export async function uploadsSettled(tc: Pick<TailchatInstance, 'env'>, timeoutMs = 10_000): Promise<void> {
  const minio = tc.env.MINIO_URL;
  if (!minio) throw new Error('the Tailchat instance has no MINIO_URL in its env');
  const store = /^https?:\/\//.test(minio) ? minio : `http://${minio}`; // Tailchat's is host:port
  const bucket = tc.env.MINIO_BUCKET_NAME || 'tailchat';
  const t0 = Date.now();
  for (;;) {
    const listing = await (await fetch(`${store}/${bucket}?list-type=2&prefix=tmp/`)).text();
    if (/<KeyCount>0<\/KeyCount>/.test(listing)) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`temporary upload objects still in ${bucket}/tmp/ after ${timeoutMs} ms: ${listing.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
