import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { PersonaError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic.js';
import { Subject, checkSubjectFolder } from '../subject/index.js';

/** Formats `ingest` accepts. */
export const SUPPORTED_FORMATS = ['jpeg', 'png', 'webp'] as const;
/** Default bound on the long side of the stored photo (pixels). */
export const DEFAULT_MAX_SIDE = 2048;
/** Smallest short side we accept: below it no detector finds a whole person. */
export const MIN_SIDE = 64;
/** Largest photo decoded, in pixels: sharp's default input limit (2^28 ≈ 268 MP, about 16384×16384). */
export const MAX_INPUT_PIXELS = 2 ** 28;

/** Options of the ingest stage. */
export interface IngestOptions {
  /** Long side bound in pixels (the photo is downscaled to fit, never upscaled). */
  maxSide?: number;
  /** Rerun even if nothing changed. */
  force?: boolean;
}

/** What ingest learned about the photo. */
export interface IngestResult {
  ran: boolean;
  width: number;
  height: number;
  originalWidth: number;
  originalHeight: number;
  format: string;
  /** EXIF orientation tag (1 = none) that was applied. */
  exifOrientation: number;
  /** True when the photo had a non-opaque alpha channel, saved as `input/alpha.png`. */
  hasAlphaHint: boolean;
  scale: number;
}

/** A decoded, validated photo, ready to store. */
interface DecodedPhoto {
  png: Buffer;
  alphaPng?: Buffer;
  info: Omit<IngestResult, 'ran'>;
}

/**
 * Reads and validates a photo: the format is checked, EXIF orientation applied, alpha
 * flattened onto white (and kept separately as a mask hint), the long side bounded.
 * Throws a PersonaError naming the file and the problem; writes nothing.
 */
export async function decodePhoto(file: string, maxSide = DEFAULT_MAX_SIDE): Promise<DecodedPhoto> {
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (st.isDirectory()) throw new PersonaError(`${file} is a folder, not an image file.`, { hint: 'Give the path of a JPEG, PNG or WebP photo.' });
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof PersonaError) throw err;
    throw new PersonaError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, {
      hint: 'Check the path and its permissions.',
    });
  }
  if (bytes.length === 0) throw new PersonaError(`${file} is empty (0 bytes).`, { hint: 'Give a JPEG, PNG or WebP photo of a person.' });

  let meta: Metadata;
  try {
    // header only: no pixel limit here, so that a huge photo is reported as huge, not as "not an image"
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new PersonaError(`${file} is not an image (its bytes are not JPEG, PNG or WebP).`, {
      hint: 'Give a JPEG, PNG or WebP photo of a person.',
    });
  }
  const format = meta.format ?? 'unknown';
  if (!(SUPPORTED_FORMATS as readonly string[]).includes(format))
    throw new PersonaError(`${file} is a ${format.toUpperCase()} image; Persona reads JPEG, PNG and WebP.`, {
      hint: 'Convert it, e.g. `convert in.gif out.png`.',
    });
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_INPUT_PIXELS)
    throw new PersonaError(`${file} is ${meta.width}×${meta.height} px, over the pixel limit of ${(MAX_INPUT_PIXELS / 1e6).toFixed(0)} megapixels.`, {
      hint: 'Downscale the photo (e.g. to 4000 px on the long side) and try again.',
    });
  const exifOrientation = meta.orientation ?? 1;
  const swap = exifOrientation >= 5 && exifOrientation <= 8;
  const ow = (swap ? meta.height : meta.width) ?? 0;
  const oh = (swap ? meta.width : meta.height) ?? 0;
  if (Math.min(ow, oh) < MIN_SIDE)
    throw new PersonaError(`${file} is too small (${ow}×${oh} px); the short side must be at least ${MIN_SIDE} px.`, {
      hint: 'Use a photo where the person is at least a few hundred pixels tall.',
    });
  const scale = Math.min(1, maxSide / Math.max(ow, oh));
  const width = Math.max(1, Math.round(ow * scale));
  const height = Math.max(1, Math.round(oh * scale));

  let rgba: { data: Buffer; info: OutputInfo };
  try {
    rgba = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new PersonaError(`${file} is damaged and cannot be decoded (${(err as Error).message.split('\n')[0]}).`, {
      hint: 'The file may be truncated; export the photo again.',
    });
  }
  const px = rgba.data;
  const n = width * height;
  let hasAlphaHint = false;
  const rgb = Buffer.alloc(n * 3);
  const alpha = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    const a = px[i * 4 + 3]!;
    if (a < 255) hasAlphaHint = true;
    alpha[i] = a;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round((px[i * 4 + c]! * a + 255 * (255 - a)) / 255); // flatten on white
  }
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
  const alphaPng = hasAlphaHint ? await sharp(alpha, { raw: { width, height, channels: 1 } }).png().toBuffer() : undefined;
  return {
    png,
    alphaPng,
    info: { width, height, originalWidth: ow, originalHeight: oh, format, exifOrientation, hasAlphaHint, scale },
  };
}

/**
 * The ingest stage: stores the user's photo as `input/image.png` (and `input/alpha.png`
 * when it had transparency) in the subject folder and records it in the manifest.
 */
export async function ingest(photo: string, subjectDir: string, options: IngestOptions = {}): Promise<IngestResult> {
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  const subject = new Subject(subjectDir);
  // Decode first: a bad file must fail before anything is written.
  const decoded = await decodePhoto(photo, maxSide);
  // never write over a user's files: the folder must be absent, empty or a Persona subject
  await checkSubjectFolder(subjectDir);
  const outputs = ['input/image.png', ...(decoded.alphaPng ? ['input/alpha.png'] : [])];
  const outcome = await subject.runStage(
    'ingest',
    { version: 1, inputs: { photo: resolve(photo) }, options: { maxSide }, outputs, force: options.force },
    async () => {
      await writeFileAtomic(subject.path('input/image.png'), decoded.png);
      if (decoded.alphaPng) await writeFileAtomic(subject.path('input/alpha.png'), decoded.alphaPng);
      return { ...decoded.info };
    },
  );
  return { ran: outcome.ran, ...decoded.info };
}
