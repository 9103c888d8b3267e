/**
 * The viewer page: loads avatar/avatar.json + avatar.bin and motions/index.json from beside the page,
 * plays the chosen motion with GPU skinning (joint matrices from src/avatar/pose.ts each frame), pose-driven
 * offsets from a worker (cached per motion frame), back-to-front order from a sort worker, and shows the
 * frame rate. `window.__persona` exposes state and controls for tests and the benchmark.
 * URL parameters: motion=<name>, static=1 (fixed pose, re-sort only on camera moves), offsets=0, play=0,
 * layout=uniform (texel layout as uniforms rather than shader constants; for A/B measurements).
 */
import type { AvatarHeader } from '../../avatar/bundle.js';
import { createPoseScratch, skinningMatrices, type PosableAvatar } from '../../avatar/pose.js';
import { viewAvatarBundle } from '../bundleView.js';
import { packSplatTexture } from '../splatTexture.js';
import { addExpressionOffsets, hasExpression, listNamedExpressions, resolveExpression } from '../../avatar/expression.js';
import { bindMotion, framePosition, motionDuration, sampleExpression, samplePose, type BoundMotion } from '../motionPlayer.js';
import { parseMotionJson } from '../../motion/json.js';
import type { Motion } from '../../motion/types.js';
import { SplatRenderer } from './renderer.js';
import { motionFraming, OrbitCamera } from './orbit.js';
import type { SortRequest, SortResult } from './sortWorker.js';
import type { OffsetRequest, OffsetResult } from './offsetWorker.js';
import { importMotionFile } from './motionFiles.js';
import { OffsetBaker } from './offsetBaker.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const statusEl = $('status');
function setStatus(text: string, error = false): void {
  statusEl.textContent = text;
  statusEl.className = error ? 'error' : '';
}

/** Motions listed in motions/index.json (written by `persona view`). */
interface MotionEntry { name: string; file: string; frameCount?: number; fps?: number; description?: string }

/** Live state readable by tests and the benchmark. */
interface ViewerState {
  ready: boolean;
  error: string | null;
  frames: number;
  fps: number;
  gaussians: number;
  motion: string;
  motions: string[];
  playing: boolean;
  time: number;
  sorts: number;
  /** True when the order on the GPU was sorted for the current pose and camera. */
  sortCurrent: boolean;
  sortMs: number;
  offsetMs: number;
  offsetFramesCached: number;
  static: boolean;
  /** Expression slider values (named expression → 0..1); empty when the avatar carries no expression basis. */
  expression: Record<string, number>;
  /** Times the expression offsets were applied to the canonical means. */
  expressionUpdates: number;
  /** The playing motion's expression channels and their weights at the current time (empty when it has none). */
  motionExpression: Record<string, number>;
}

const state: ViewerState = {
  ready: false, error: null, frames: 0, fps: 0, gaussians: 0, motion: 'rest', motions: ['rest'], playing: params.get('play') !== '0',
  time: 0, sorts: 0, sortCurrent: false, sortMs: 0, offsetMs: 0, offsetFramesCached: 0, static: params.get('static') === '1',
  expression: {}, expressionUpdates: 0, motionExpression: {},
};

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

async function main(): Promise<void> {
  setStatus('Loading avatar…');
  const [header, bin] = await Promise.all([
    fetchOk('avatar/avatar.json').then((r) => r.json() as Promise<AvatarHeader>),
    fetchOk('avatar/avatar.bin').then((r) => r.arrayBuffer()),
  ]);
  const avatar = viewAvatarBundle(header, bin);
  const N = header.gaussianCount, J = header.skeleton.names.length;
  state.gaussians = N;
  let index: MotionEntry[] = [];
  try {
    index = ((await (await fetchOk('motions/index.json')).json()) as { motions: MotionEntry[] }).motions ?? [];
  } catch {
    index = [];
  }

  const canvas = $('view') as HTMLCanvasElement;
  const { layout, data } = packSplatTexture(avatar);
  const po = header.poseOffsets;
  const renderer = new SplatRenderer(canvas, layout, data, N, J, po ? po.anchorCount : 0, { constantLayout: params.get('layout') !== 'uniform' });

  // Frame the avatar: bounding box of the rest means, grown to what motions reach.
  const means = avatar.buffers.means as Float32Array;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < N; i++) for (let c = 0; c < 3; c++) { const v = means[i * 3 + c]!; if (v < lo[c]!) lo[c] = v; if (v > hi[c]!) hi[c] = v; }
  const framing = motionFraming(lo, hi); // room for raised hands above the head
  const camera = new OrbitCamera(framing.target, framing.height);
  camera.attach(canvas);

  // Sort worker.
  const sortWorker = new Worker(new URL('./sortWorker.ts', import.meta.url), { type: 'module' });
  sortWorker.postMessage({
    type: 'init', means: Float32Array.from(means), skinJoints: Uint16Array.from(avatar.buffers.skinJoints as Uint16Array),
    skinWeights: Float32Array.from(avatar.buffers.skinWeights as Float32Array), k: header.skinInfluences, jointCount: J,
  } satisfies SortRequest);
  let sortBusy = false, sortId = 0, sortedFor = '', spare: Uint32Array | undefined;
  sortWorker.onmessage = (e: MessageEvent<SortResult>) => {
    renderer.setOrder(e.data.order);
    spare = e.data.order;
    state.sorts++;
    state.sortMs = state.sortMs === 0 ? e.data.ms : state.sortMs * 0.8 + e.data.ms * 0.2;
    sortBusy = false;
  };

  // Pose-offset worker with a per-frame cache (progressive pre-baking of the playing motion).
  const offsets = po ? new OffsetBaker(avatar, J) : null;

  // Motions.
  const cache = new Map<string, BoundMotion | null>([['rest', null]]);
  const select = $('motion') as HTMLSelectElement;
  const addOption = (name: string): void => {
    if ([...select.options].some((o) => o.value === name)) return;
    const o = document.createElement('option');
    o.value = name; o.textContent = name;
    select.append(o);
    state.motions.push(name);
  };
  addOption('rest');
  state.motions = ['rest'];
  for (const m of index) addOption(m.name);
  const loadMotion = async (name: string): Promise<BoundMotion | null> => {
    if (cache.has(name)) return cache.get(name)!;
    const entry = index.find((m) => m.name === name);
    if (!entry) throw new Error(`unknown motion ${name}`);
    const json = await (await fetchOk(`motions/${entry.file}`)).json();
    const bound = bindMotion(parseMotionJson(json, `motions/${entry.file}`).motion, header.skeleton.names);
    cache.set(name, bound);
    return bound;
  };
  let current: BoundMotion | null = null;
  const setMotion = async (name: string): Promise<void> => {
    current = await loadMotion(name);
    state.motion = name;
    state.time = 0;
    select.value = name;
    offsets?.setMotion(name, current);
    sortedFor = '';
  };
  const addMotion = (m: Motion): void => {
    const bound = bindMotion(m, header.skeleton.names);
    let name = m.name || 'dropped';
    while (cache.has(name) && cache.get(name) !== bound) name += "'";
    cache.set(name, bound);
    addOption(name);
  };
  select.onchange = () => { setMotion(select.value).catch(showError); };

  // Transport controls.
  const playBtn = $('play') as HTMLButtonElement, scrub = $('scrub') as HTMLInputElement, timeEl = $('time');
  const setPlaying = (p: boolean): void => { state.playing = p; playBtn.textContent = p ? 'Pause' : 'Play'; };
  setPlaying(state.playing);
  playBtn.onclick = () => setPlaying(!state.playing);
  let scrubbing = false;
  scrub.oninput = () => {
    scrubbing = true;
    if (current) state.time = (Number(scrub.value) / 1000) * motionDuration(current);
  };
  scrub.onchange = () => { scrubbing = false; };
  const offsetsBox = $('offsets') as HTMLInputElement;
  offsetsBox.checked = params.get('offsets') !== '0' && !!po;
  offsetsBox.disabled = !po;
  window.addEventListener('keydown', (e) => { if (e.code === 'Space' && e.target === document.body) { e.preventDefault(); setPlaying(!state.playing); } });

  // Dropped motion files (BVH or JSON).
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    file.text()
      .then(async (text) => {
        const m = importMotionFile(file.name, text, header);
        addMotion(m);
        await setMotion([...cache.keys()].pop()!);
        setStatus('');
      })
      .catch(showError);
  });

  // Expression sliders and the playing motion's expression channels: Σ weight·(named expression's or unit's
  // weights) added to the canonical means before skinning (same math as poseAvatarMeans), by re-uploading the
  // means texels; the jaw opening is added to the jaw joint. A motion's channels are re-applied whenever their
  // weights at the current time change (one texture upload per displayed frame while it plays).
  const exPanel = $('expressions');
  const jawJoint = header.skeleton.names.indexOf('jaw');
  let jawOpen = 0;
  let posedDirty = false;
  const exSliders = new Map<string, HTMLInputElement>();
  const resolvedCache = new Map<string, ReturnType<typeof resolveExpression>>();
  const resolved = (name: string): ReturnType<typeof resolveExpression> => {
    let r = resolvedCache.get(name);
    if (!r) { r = resolveExpression(avatar, name); resolvedCache.set(name, r); }
    return r;
  };
  let channelValues = new Float64Array(0), channelKey = '';
  /** Sets state.motionExpression from the playing motion at the current time; true when it changed. */
  const sampleMotionExpression = (): boolean => {
    const ch = current?.expressions;
    if (!ch || !hasExpression(avatar)) {
      if (channelKey === '') return false;
      state.motionExpression = {}; channelKey = '';
      return true;
    }
    if (channelValues.length !== ch.names.length) channelValues = new Float64Array(ch.names.length);
    sampleExpression(current!, state.time, channelValues);
    const key = `${current!.name}:${Array.from(channelValues, (v) => v.toFixed(4)).join(',')}`;
    if (key === channelKey) return false;
    channelKey = key;
    state.motionExpression = Object.fromEntries(ch.names.map((n, c) => [n, channelValues[c]!]));
    return true;
  };
  const applyExpression = (): void => {
    const E = header.expression?.names.length ?? 0;
    const w = new Float64Array(E);
    jawOpen = 0;
    for (const [name, v] of [...Object.entries(state.expression), ...Object.entries(state.motionExpression)]) {
      if (v === 0) continue;
      const r = resolved(name);
      for (let k = 0; k < E; k++) w[k] += v * r.weights[k]!;
      jawOpen += v * r.jaw;
    }
    const ex = Float32Array.from(means);
    addExpressionOffsets(avatar, w, ex);
    const gs = avatar.buffers.expressionGaussians as Uint32Array;
    for (let r = 0; r < gs.length; r++) {
      const i = gs[r]!, b = i * layout.stride * 4;
      data[b] = ex[i * 3]!; data[b + 1] = ex[i * 3 + 1]!; data[b + 2] = ex[i * 3 + 2]!;
    }
    renderer.setSplatData(layout, data);
    state.expressionUpdates++;
    posedDirty = true;
  };
  const setExpression = (name: string, value: number): void => {
    if (!(name in state.expression)) throw new Error(`unknown expression ${name}`);
    state.expression[name] = Math.min(1, Math.max(0, value));
    const el = exSliders.get(name);
    if (el) el.value = String(state.expression[name]);
    applyExpression();
  };
  const neutral = (): void => {
    for (const k of Object.keys(state.expression)) { state.expression[k] = 0; exSliders.get(k)!.value = '0'; }
    applyExpression();
  };
  if (hasExpression(avatar)) {
    const title = document.createElement('div');
    title.textContent = 'Expression';
    const reset = document.createElement('button');
    reset.type = 'button'; reset.id = 'expr-neutral'; reset.textContent = 'neutral';
    reset.onclick = neutral;
    title.append(' ', reset);
    exPanel.append(title);
    for (const name of listNamedExpressions()) {
      if (name === 'neutral') continue;
      state.expression[name] = 0;
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'range'; input.min = '0'; input.max = '1'; input.step = '0.01'; input.value = '0'; input.id = `expr-${name}`;
      input.oninput = () => setExpression(name, Number(input.value));
      exSliders.set(name, input);
      label.append(input, ` ${name}`);
      exPanel.append(label);
    }
  } else {
    exPanel.textContent = 'This avatar carries no expression basis (re-create it to get expression sliders).';
    exPanel.classList.add('note');
  }

  // Per-frame pose state.
  const rotations = new Float64Array(J * 3), translation = new Float64Array(3);
  const scratch = createPoseScratch(avatar);
  const skin = scratch.skin;
  const fpsEl = $('fps'), statsEl = $('stats');
  let lastT = performance.now(), fpsT = lastT, fpsFrames = 0, posedOnce = false;

  const resize = (): void => {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const w = Math.round(canvas.clientWidth * dpr), h = Math.round(canvas.clientHeight * dpr);
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; sortedFor = ''; }
  };

  const frame = (now: number): void => {
    const dt = Math.min(0.1, (now - lastT) / 1000);
    lastT = now;
    resize();
    const animate = !state.static || !posedOnce || posedDirty;
    posedDirty = false;
    if (current && state.playing && !scrubbing && !state.static) state.time = (state.time + dt) % motionDuration(current);
    if (sampleMotionExpression()) applyExpression();
    if (animate || posedDirty) {
      posedDirty = false;
      if (current) samplePose(current, state.time, rotations, translation);
      else { rotations.fill(0); translation.fill(0); }
      if (jawJoint >= 0 && jawOpen !== 0) rotations[jawJoint * 3] += jawOpen;
      skinningMatrices(header.skeleton.parents, header.skeleton.restJoints, rotations, translation, scratch.world, skin);
      renderer.setJoints(skin);
      posedOnce = true;
    }
    if (offsets) {
      if (offsetsBox.checked) {
        const pos = current ? framePosition(current, state.time) : { f0: 0, f1: 0, alpha: 0 };
        const off = offsets.offsetsAt(pos.f0 + pos.alpha);
        renderer.setAnchorOffsets(off);
        state.offsetMs = offsets.meanMs;
        state.offsetFramesCached = offsets.bakedFrames;
      } else renderer.setAnchorOffsets(null);
    }
    // Re-sort when the pose or the camera changed (always while animating).
    const m = camera.matrices(canvas.width, canvas.height);
    const sortKey = `${camera.version}:${canvas.width}x${canvas.height}:${state.static ? 's' : state.time}`;
    if (!sortBusy && sortKey !== sortedFor) {
      sortBusy = true;
      sortedFor = sortKey;
      const msg: SortRequest = { type: 'sort', id: ++sortId, skin: skin.slice(), depthRow: m.depthRow, recycle: spare };
      sortWorker.postMessage(msg, spare ? [spare.buffer] : []);
      spare = undefined;
    }
    state.sortCurrent = !sortBusy && sortKey === sortedFor;
    renderer.draw(m);
    state.frames++;
    fpsFrames++;
    if (now - fpsT >= 1000) {
      state.fps = (fpsFrames * 1000) / (now - fpsT);
      fpsT = now; fpsFrames = 0;
      fpsEl.textContent = `${state.fps.toFixed(1)} fps`;
      statsEl.textContent = [
        `${N.toLocaleString('en')} Gaussians · ${J} joints${po ? ` · ${po.anchorCount} offset anchors` : ''}`,
        `sort ${state.sortMs.toFixed(1)} ms${po ? ` · offsets ${state.offsetMs.toFixed(1)} ms/pose, ${state.offsetFramesCached} frames cached` : ''}`,
      ].join('\n');
    }
    if (current) {
      if (!scrubbing) scrub.value = String(Math.round((state.time / motionDuration(current)) * 1000));
      timeEl.textContent = `${state.time.toFixed(2)} s`;
    }
    requestAnimationFrame(frame);
  };

  const initial = params.get('motion') ?? (index.find((m) => m.name === 'idle') ? 'idle' : index[0]?.name ?? 'rest');
  await setMotion(initial);
  setStatus('');
  state.ready = true;
  requestAnimationFrame(frame);

  Object.assign(api, {
    setMotion: (name: string) => setMotion(name),
    play: () => setPlaying(true),
    pause: () => setPlaying(false),
    seek: (t: number) => { state.time = t; },
    setStatic: (s: boolean) => { state.static = s; posedOnce = false; sortedFor = ''; },
    loadMotionText: (name: string, text: string) => { const m = importMotionFile(name, text, header); addMotion(m); return state.motions[state.motions.length - 1]; },
    orbit: (dyaw: number) => { camera.yaw += dyaw; camera.version++; },
    lookAt: (target: [number, number, number], distance: number) => { camera.target = [...target]; camera.distance = distance; camera.version++; },
    setExpression,
    neutral,
    /** The canonical means (before skinning) of the Gaussians the expression basis moves, as the GPU has them (flat, Nf×3). */
    expressionMeans: () => {
      const gs = avatar.buffers.expressionGaussians as Uint32Array | undefined;
      if (!gs) return [];
      const out: number[] = [];
      for (const i of gs) { const b = i * layout.stride * 4; out.push(data[b]!, data[b + 1]!, data[b + 2]!); }
      return out;
    },
  });
}

/** Test and benchmark hooks. */
const api: Record<string, unknown> = { state };
(window as unknown as { __persona: unknown }).__persona = api;

function showError(err: unknown): void {
  const msg = (err as Error)?.message ?? String(err);
  state.error = msg;
  setStatus(msg, true);
  console.error(err);
}

main().catch(showError);
