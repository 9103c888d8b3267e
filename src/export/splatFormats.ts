/**
 * SPZ and SOG through `@playcanvas/splat-transform` (maintained by PlayCanvas; MIT), so the compressed
 * encoders are the ones the viewers themselves use rather than hand-written ones. Our INRIA PLY (ply.ts) is
 * handed to the library in memory and converted. Pinned to 2.7, the last line whose engines include Node 20
 * (3.x declares Node ≥ 22); 2.7 reads `.splat` but does not write it, so splatFile.ts writes that one.
 */
import { PersonaError } from '../core/errors.js';
import { cloudFromColumns, encodeGaussianPly } from './ply.js';
import { encodeSplatFile } from './splatFile.js';
import { cloudInFrame } from './frame.js';
import type { GaussianCloud } from './cloud.js';

/** Splat formats written through the converter library. */
export type LibrarySplatFormat = 'spz' | 'sog' | 'splat';

/** File extension → the library's output name (SOG as one bundled `.sog` file); `.splat` is written by splatFile.ts. */
const OUTPUT_NAME: Record<Exclude<LibrarySplatFormat, 'splat'>, string> = { spz: 'out.spz', sog: 'out.sog' };

type SplatTransform = typeof import('@playcanvas/splat-transform');
/** SPZ versions the writer (the official SPZ library's wasm, through splat-transform) emits. */
export type SpzVersion = 2 | 3 | 4;
export const SPZ_VERSIONS: readonly SpzVersion[] = [2, 3, 4];
/** See {@link SplatEncodeOptions.spzVersion}. */
export const DEFAULT_SPZ_VERSION: SpzVersion = 2;

type LibraryOptions = import('@playcanvas/splat-transform').Options;

/** The library's processing options (all required by its type); only `iterations` and `spzVersion` matter here. */
function libraryOptions(o: SplatEncodeOptions = {}): LibraryOptions {
  return { iterations: o.sogIterations ?? 10, spzVersion: o.spzVersion ?? DEFAULT_SPZ_VERSION, lodSelect: [], unbundled: false, lodChunkCount: 512, lodChunkExtent: 16 } as LibraryOptions;
}
let lib: Promise<SplatTransform> | undefined;

/** Loads the converter library once, silencing its own console logging. */
async function splatTransform(): Promise<SplatTransform> {
  lib ??= import('@playcanvas/splat-transform').then((m) => {
    m.logger.setVerbosity('quiet');
    m.logger.setRenderer({ handle: () => {} });
    return m;
  }).catch((err: unknown) => {
    lib = undefined;
    throw new PersonaError(`The splat converter library (@playcanvas/splat-transform) could not be loaded: ${(err as Error).message}`, {
      hint: 'Run `npm install` in the Persona folder; PLY export works without it.',
    });
  });
  return lib;
}

/** Options of {@link encodeSplatFormat}. */
export interface SplatEncodeOptions {
  /** SOG: k-means iterations of the library's SH/colour compression (library default 10). */
  sogIterations?: number;
  /**
   * SPZ format version. Default {@link DEFAULT_SPZ_VERSION} = 2: a gzip stream, the version current web
   * viewers read (gaussian-splats-3d 0.4.7 reads versions 1–2 only; Spark 2.2 reads gzip SPZ 2–3 and fails on
   * 4's ZSTD container with "Invalid gzip header"). 3 stores rotations as "smallest three" (gzip too);
   * 4 is the newest (ZSTD).
   */
  spzVersion?: SpzVersion;
}

/**
 * Encodes a cloud as SPZ, SOG (bundled) or .splat bytes. splat-transform 2.7's SPZ writer turns the cloud
 * 180° about X on the way in (PLY's capture frame → SPZ's stated RUB) and its reader turns it back, while the
 * web viewers read SPZ's raw values like PLY's (docs/export.md); so SPZ is turned once more here (and on
 * reading), which leaves the file in the frame asked for — what gaussian-splats-3d and Spark show upright.
 */
export async function encodeSplatFormat(cloud: GaussianCloud, format: LibrarySplatFormat, options: SplatEncodeOptions = {}): Promise<Uint8Array> {
  if (format === 'splat') return encodeSplatFile(cloud);
  const st = await splatTransform();
  const rfs = new st.MemoryReadFileSystem();
  rfs.set('in.ply', encodeGaussianPly(format === 'spz' ? cloudInFrame(cloud, '-y') : cloud));
  const opts = libraryOptions(options);
  const [table] = await st.readFile({ filename: 'in.ply', inputFormat: 'ply', options: opts, params: [], fileSystem: rfs });
  if (!table) throw new PersonaError('The splat converter read no Gaussians from the PLY it was given.');
  const name = OUTPUT_NAME[format];
  const mem = new st.MemoryFileSystem();
  try {
    await st.writeFile({ filename: name, outputFormat: st.getOutputFormat(name, opts), dataTable: table, options: opts }, mem);
  } catch (err) {
    throw new PersonaError(`Encoding ${format.toUpperCase()} failed in @playcanvas/splat-transform: ${(err as Error).message}`, {
      hint: 'Export PLY instead (`--format ply`) and convert it with another tool.',
      cause: err,
    });
  }
  const bytes = mem.results.get(name);
  if (!bytes) throw new PersonaError(`The splat converter wrote no ${name}.`);
  return bytes;
}

/** Input formats the library reads (by file extension). */
export type ReadableSplatFormat = 'ply' | 'spz' | 'sog' | 'splat';

/**
 * Reads a splat file's bytes with the converter library back into a cloud (colours from f_dc, opacity
 * sigmoid, scales exp). Used to check exports; the order of Gaussians may differ (SOG sorts them).
 */
export async function decodeSplatFormat(bytes: Uint8Array, format: ReadableSplatFormat): Promise<GaussianCloud> {
  const st = await splatTransform();
  const name = `in.${format}`;
  const rfs = new st.MemoryReadFileSystem();
  rfs.set(name, bytes);
  let table;
  try {
    [table] = await st.readFile({ filename: name, inputFormat: st.getInputFormat(name), options: libraryOptions(), params: [], fileSystem: rfs });
    if (!table) throw new Error('no data');
  } catch (err) {
    if (err instanceof PersonaError) throw err;
    throw new PersonaError(`Could not read the ${format.toUpperCase()} data: ${(err as Error).message}`, { cause: err });
  }
  const n = table.numRows;
  const col = (c: string): ArrayLike<number> => {
    const column = table.getColumnByName(c);
    if (!column) throw new PersonaError(`The ${format.toUpperCase()} data lacks "${c}".`);
    return column.data as ArrayLike<number>;
  };
  const cloud = cloudFromColumns(n, col);
  return format === 'spz' ? cloudInFrame(cloud, '-y') : cloud;
}
