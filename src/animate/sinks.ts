/**
 * Where animation frames go: an animated GIF (gifenc), an MP4 (ffmpeg from src/core/ffmpeg.ts, raw frames piped in), or
 * a folder of PNG frames. Every sink writes to a temporary name beside the target and renames it into
 * place in `finish`, so an error or Ctrl-C never leaves a half-written GIF, MP4 or folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import gifenc from 'gifenc';
import { ensureDir, fsError, removeStaleTemps, tempPathFor, trackTemp, writeFileAtomic } from '../core/atomic.js';
import { PersonaError } from '../core/errors.js';
import { ffmpegAvailable, requireFfmpeg } from '../core/ffmpeg.js';
import { encodePng, toBytes, type FloatImage } from '../core/image.js';

const { GIFEncoder, quantize, applyPalette } = gifenc;

/** Output kinds of `persona animate`. */
export type SinkKind = 'gif' | 'mp4' | 'frames';

/** A frame consumer. */
export interface FrameSink {
  readonly kind: SinkKind;
  /** Adds the next frame (all frames have the sink's size). */
  add(frame: FloatImage): Promise<void>;
  /** Completes the output and moves it into place. */
  finish(): Promise<void>;
  /** Drops everything written so far. */
  abort(): Promise<void>;
}

/** The sink kind a path asks for: .gif, .mp4, or a folder (trailing slash or no extension). */
export function sinkKindFor(out: string): SinkKind {
  const ext = extname(out).toLowerCase();
  if (out.endsWith('/') || ext === '') return 'frames';
  if (ext === '.gif') return 'gif';
  if (ext === '.mp4') return 'mp4';
  throw new PersonaError(`Cannot write animation to "${out}": unknown extension "${ext}".`, {
    hint: 'Give a .gif or .mp4 file, or a folder (ending in /) for PNG frames.',
    exitCode: 2,
  });
}

/** Whether an ffmpeg is available (PERSONA_FFMPEG, PATH, or the npm-installed one). */
export { ffmpegAvailable };

/** Options of a sink. */
export interface SinkOptions {
  width: number;
  height: number;
  fps: number;
  /** Frames carry alpha (RGBA); GIF gets 1-bit transparency, PNG frames keep alpha, MP4 refuses. */
  transparent: boolean;
}

/** Opens the sink `out` names. */
export async function openSink(out: string, options: SinkOptions): Promise<FrameSink> {
  const kind = sinkKindFor(out);
  if (kind === 'gif') {
    await ensureDir(dirname(out)); // a bad output folder fails before any frame is rendered
    return new GifSink(out.replace(/\/+$/, ''), options);
  }
  if (kind === 'mp4') return Mp4Sink.open(out, options);
  return FramesSink.open(out.replace(/\/+$/, ''), options);
}

function rgbaBytes(frame: FloatImage): Uint8Array {
  if (frame.channels === 4) return toBytes(frame);
  const n = frame.width * frame.height;
  const rgb = toBytes(frame);
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = rgb[i * frame.channels]!;
    out[i * 4 + 1] = rgb[i * frame.channels + Math.min(1, frame.channels - 1)]!;
    out[i * 4 + 2] = rgb[i * frame.channels + Math.min(2, frame.channels - 1)]!;
    out[i * 4 + 3] = 255;
  }
  return out;
}

function checkSize(frame: FloatImage, o: SinkOptions): void {
  if (frame.width !== o.width || frame.height !== o.height)
    throw new PersonaError(`frame is ${frame.width}×${frame.height}, the output is ${o.width}×${o.height}.`);
}

/**
 * GIF frame delays are whole centiseconds, so 1/fps is rounded per frame. Rounding the running end time
 * (not each delay) keeps the clip's duration: frame k shows for round(100(k+1)/fps) − round(100k/fps) cs,
 * e.g. 3, 4, 3, 3, 4, 3… at 30 fps (one second every 30 frames; a fixed 3 cs played 11 % fast).
 */
export function gifDelayCs(frame: number, fps: number): number {
  return Math.round((100 * (frame + 1)) / fps) - Math.round((100 * frame) / fps);
}

/** Animated GIF, one palette per frame (PNN quantiser of gifenc), looping forever. */
class GifSink implements FrameSink {
  readonly kind = 'gif' as const;
  private readonly enc = GIFEncoder();
  private frames = 0;
  constructor(private readonly out: string, private readonly o: SinkOptions) {}
  async add(frame: FloatImage): Promise<void> {
    checkSize(frame, this.o);
    const rgba = rgbaBytes(frame);
    const delay = gifDelayCs(this.frames, this.o.fps) * 10; // gifenc takes milliseconds and stores centiseconds
    if (this.o.transparent) {
      const palette = quantize(rgba, 256, { format: 'rgba4444', oneBitAlpha: true });
      const index = applyPalette(rgba, palette, 'rgba4444');
      const ti = palette.findIndex((c) => c[3] === 0);
      this.enc.writeFrame(index, this.o.width, this.o.height, {
        palette, delay, repeat: 0, transparent: ti >= 0, transparentIndex: Math.max(ti, 0), dispose: 2,
      });
    } else {
      const palette = quantize(rgba, 256);
      const index = applyPalette(rgba, palette);
      this.enc.writeFrame(index, this.o.width, this.o.height, { palette, delay, repeat: 0 });
    }
    this.frames++;
  }
  async finish(): Promise<void> {
    if (this.frames === 0) throw new PersonaError('No frames were rendered; nothing written.');
    this.enc.finish();
    await writeFileAtomic(this.out, this.enc.bytes());
  }
  async abort(): Promise<void> {}
}

/** A folder of frame_00000.png, built in a temporary folder and renamed into place. */
class FramesSink implements FrameSink {
  readonly kind = 'frames' as const;
  private frames = 0;
  private constructor(private readonly out: string, private readonly tmp: string, private readonly o: SinkOptions) {}
  private untrack: () => void = () => undefined;
  static async open(out: string, o: SinkOptions): Promise<FramesSink> {
    await ensureDir(dirname(out));
    await removeStaleTemps(out); // temp folders of runs killed by SIGKILL
    const tmp = tempPathFor(out);
    try {
      await mkdir(tmp);
    } catch (err) {
      throw fsError(err, dirname(out), 'write into');
    }
    const sink = new FramesSink(out, tmp, o);
    sink.untrack = trackTemp(tmp);
    return sink;
  }
  async add(frame: FloatImage): Promise<void> {
    checkSize(frame, this.o);
    await writeFile(join(this.tmp, `frame_${String(this.frames).padStart(5, '0')}.png`), await encodePng(frame));
    this.frames++;
  }
  async finish(): Promise<void> {
    if (this.frames === 0) { await this.abort(); throw new PersonaError('No frames were rendered; nothing written.'); }
    await rm(this.out, { recursive: true, force: true });
    await rename(this.tmp, this.out);
    this.untrack();
  }
  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
    this.untrack();
  }
}

/** H.264 MP4 through ffmpeg (yuv420p, even sizes, faststart), raw RGB frames on stdin. */
class Mp4Sink implements FrameSink {
  readonly kind = 'mp4' as const;
  untrackTemp: () => void = () => undefined;
  private frames = 0;
  private stderr = '';
  private readonly exited: Promise<number>;
  private constructor(private readonly out: string, private readonly tmp: string, private readonly proc: ChildProcess, private readonly o: SinkOptions) {
    proc.stderr!.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-4000); });
    this.exited = new Promise((resolve) => {
      proc.on('close', (code) => resolve(code ?? -1));
      proc.on('error', () => resolve(-1));
    });
    proc.stdin!.on('error', () => {}); // reported through the exit code
  }
  static async open(out: string, o: SinkOptions): Promise<Mp4Sink> {
    if (o.transparent)
      throw new PersonaError('MP4 (H.264) cannot carry transparency.', { hint: 'Use --background white, or write a .gif or PNG frames for a transparent background.', exitCode: 2 });
    const ffmpeg = requireFfmpeg('Writing MP4');
    await ensureDir(dirname(out));
    await removeStaleTemps(out);
    const tmp = tempPathFor(out);
    const proc = spawn(ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', 'pipe:0',
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-crf', '18', '-movflags', '+faststart',
      '-f', 'mp4', tmp,
    ], { stdio: ['pipe', 'ignore', 'pipe'] });
    const sink = new Mp4Sink(out, tmp, proc, o);
    const untrack = trackTemp(tmp);
    sink.untrackTemp = untrack;
    return sink;
  }
  async add(frame: FloatImage): Promise<void> {
    checkSize(frame, this.o);
    const n = frame.width * frame.height, C = frame.channels;
    const b = toBytes(frame);
    const rgb = Buffer.allocUnsafe(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = b[i * C + Math.min(c, C - 1)]!;
    const stdin = this.proc.stdin!;
    if (!stdin.write(rgb)) await new Promise<void>((resolve) => { stdin.once('drain', resolve); this.proc.once('close', () => resolve()); });
    if (this.proc.exitCode !== null) throw new PersonaError(`ffmpeg stopped early: ${this.stderr.trim() || `exit ${this.proc.exitCode}`}`);
    this.frames++;
  }
  async finish(): Promise<void> {
    this.proc.stdin!.end();
    const code = await this.exited;
    if (code !== 0 || this.frames === 0) {
      await rm(this.tmp, { force: true });
      throw new PersonaError(this.frames === 0 ? 'No frames were rendered; nothing written.' : `ffmpeg failed (exit ${code}): ${this.stderr.trim()}`);
    }
    await rename(this.tmp, this.out);
    this.untrackTemp();
  }
  async abort(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
    await rm(this.tmp, { force: true });
    this.untrackTemp();
  }
}

/** Writes one image as PNG atomically (contact sheets, single frames). */
export async function writeImagePng(path: string, img: FloatImage): Promise<void> {
  await writeFileAtomic(path, await encodePng(img));
}
