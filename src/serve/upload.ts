/**
 * Reading an upload: the request body is bounded before it is buffered (SERVE_CONFIG.maxUploadBytes), the
 * multipart/form-data body is split by its boundary (RFC 7578), and the photo's type is sniffed from its
 * first bytes before anything is written to disk.
 */
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { JobRecord, PhotoType } from './types.js';

/** An HTTP failure with a user-facing message. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly hint?: string) {
    super(message);
  }
}

/** Reads the whole body, refusing (413) as soon as it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `The upload is larger than ${Math.round(limit / 1024 / 1024)} MB.`, 'Use a smaller photo (any photo over 2048 px is downsized anyway).');
}

/** One part of a multipart body. */
export interface FormPart { name: string; filename?: string; contentType?: string; data: Buffer }

/** Splits a multipart/form-data body into its parts. */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  const m = /^multipart\/form-data\s*;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m) throw new HttpError(400, 'Expected a multipart/form-data upload.', 'Send the photo as the form field "photo".');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(boundary);
  if (pos < 0) throw new HttpError(400, 'The multipart body has no parts.');
  for (;;) {
    pos += boundary.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing boundary
    pos += 2; // CRLF after the boundary
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new HttpError(400, 'A multipart part has no header end.');
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(boundary, headerEnd + 4);
    if (next < 0) throw new HttpError(400, 'The multipart body is truncated.', 'Upload the photo again.');
    const data = body.subarray(headerEnd + 4, next - 2); // CRLF before the next boundary
    const disp = /content-disposition:\s*form-data\s*;([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disp)?.[1];
    const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disp)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    if (name !== undefined) parts.push({ name, filename, contentType: type, data });
    pos = next;
  }
  return parts;
}

/** The photo type from the file's first bytes (JPEG FF D8 FF, PNG signature, RIFF…WEBP), or undefined. */
export function sniffPhotoType(data: Buffer): PhotoType | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return undefined;
}

/** A display-safe version of an uploaded file name (never used as a path). */
export function displayName(name: string | undefined): string {
  const base = (name ?? 'photo').split(/[\\/]/).pop() ?? 'photo';
  return base.replace(/[\u0000-\u001f\u007f<>"]/g, '').slice(0, 120) || 'photo';
}

/** Where a job's photo is stored. */
export function photoPath(jobDir: string, job: Pick<JobRecord, 'photoType'>): string {
  return join(jobDir, `photo.${job.photoType === 'jpeg' ? 'jpg' : job.photoType}`);
}
