import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { FemtoError } from '../errors.js';

const DECODERS = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate } as const;

/**
 * A request body sent with `Content-Encoding: gzip` or `deflate` (the OpenLineage HTTP transport's
 * `compression` option), decoded as it streams in. The body limit then bounds the decoded bytes (a
 * zip bomb stops at FEMTO_BODY_LIMIT) while Content-Length is checked against the bytes received;
 * a broken stream is a malformed body, an unknown coding 415.
 */
export async function decodeContent(request: FastifyRequest, _reply: FastifyReply, payload: RequestPayload): Promise<RequestPayload> {
  const coding = request.headers['content-encoding']?.trim().toLowerCase();
  if (!coding || coding === 'identity') return payload;
  const decoder = DECODERS[coding as keyof typeof DECODERS];
  if (!decoder) throw new FemtoError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding '${coding}' is not supported: send gzip, deflate or none`);
  const decoded = Object.assign(decoder(), { receivedEncodedLength: 0 });
  payload.on('data', (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length));
  payload.on('error', (err) => decoded.destroy(err));
  payload.pipe(decoded);
  return decoded;
}
