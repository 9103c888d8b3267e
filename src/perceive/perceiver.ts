/**
 * The Perceiver: loads the perception models once (TF.js wasm backend, models from
 * node_modules) and runs them on photos or video frames.
 *
 * Per call: MoveNet MultiPose counts people and boxes them; the chosen person's region
 * (grown by a margin, resampled to a workable size) goes through the Human library's
 * BlazePose (33 keypoints + world landmarks) and face (detector + mesh + iris) pipelines;
 * the hand-landmark model runs on hand regions placed by the body keypoints (hands.ts);
 * RVM mattes the same region. A crop hint (`roi`, e.g.
 * the previous frame's `person.box`) skips people detection.
 */
import { PersonaError } from '../core/errors.js';
import type { FloatImage } from '../core/image.js';
import {
  BODY_MIN_SCORE,
  CROP_MARGIN,
  CROP_MAX_SIDE,
  CROP_MIN_SIDE,
  MODELS,
  VISIBLE_SCORE,
} from './config.js';
import { closeMatteHoles, keepPersonRegions, matteRegion, matteStats } from './matte.js';
import { BODY_INDEX, BODY_KEYPOINTS, FACE_LANDMARKS, FACE_MESH_POINTS } from './names.js';
import { detectPeople } from './people.js';
import { skeletonFromBody, skeletonFromCoco, splitTouchingPeople } from './split.js';
import { handsFromBody } from './hands.js';
import { faceFromBody, refineFace, type FaceCropModels } from './faceCrop.js';
import { buildReport, facingFromYaw, facingYaw } from './report.js';
import { humanModule, initBackend, loadGraphModel, modelsDir, type Tf, tf } from './tfenv.js';
import type { BodyResult, Box, FaceResult, HandResult, Perception, PersonCandidate } from './types.js';

/** Which parts a Perceiver loads and runs. */
export interface PerceiverOptions {
  face?: boolean;
  hands?: boolean;
  matte?: boolean;
  /** Count people with MoveNet MultiPose (default true). */
  people?: boolean;
}

/** Options of one `perceive` call. */
export interface PerceiveCallOptions {
  /** Which person to use (0 = the largest; default 0). */
  person?: number;
  /**
   * Crop hint (pixels): the person's box in this image, e.g. the previous video frame's
   * `person.box`. Skips people detection; the models run on it grown by CROP_MARGIN.
   */
  roi?: Box;
  /** Fail (PersonaError) instead of warning when the person is not fully visible. */
  strict?: boolean;
}

/** Number of values in BlazePose's world-landmark output (39 landmarks × 3). */
const WORLD_VALUES = 39 * 3;

/** Minimal shapes of the Human library's results that perception reads. */
interface HumanBody { score: number; keypoints: Array<{ part: string; position: number[]; score: number }> }
interface HumanFace { score: number; box: number[]; mesh: number[][]; rotation?: { angle?: { yaw: number; pitch: number; roll: number } }; gender?: string; genderScore?: number; age?: number }
interface HumanResult { body: HumanBody[]; face: HumanFace[] }

/** Loads the perception models once; call `perceive` per photo or frame, `close` at the end. */
export class Perceiver {
  private readonly human: Tf;
  private readonly peopleModel: Tf | null;
  private readonly matteModel: Tf | null;
  private readonly handModel: Tf | null;
  private readonly options: Required<PerceiverOptions>;
  private lastWorld: Float32Array | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private faceCropModels: Promise<FaceCropModels> | null = null;
  /** Seconds the models took to load. */
  readonly loadSeconds: number;

  private constructor(human: Tf, people: Tf | null, matte: Tf | null, hand: Tf | null, options: Required<PerceiverOptions>, loadSeconds: number) {
    this.human = human;
    this.handModel = hand;
    this.peopleModel = people;
    this.matteModel = matte;
    this.options = options;
    this.loadSeconds = loadSeconds;
    // Human reads BlazePose's world landmarks with the wrong stride; capture the raw output instead.
    const bp = human.models?.models?.blazepose;
    if (bp && typeof bp.execute === 'function') {
      const execute = bp.execute.bind(bp);
      bp.execute = (input: unknown, outputs: unknown) => {
        const out = execute(input, outputs);
        const list = Array.isArray(out) ? out : [out];
        const world = list.find((t: Tf) => t?.size === WORLD_VALUES);
        this.lastWorld = world ? (world.dataSync() as Float32Array).slice() : null;
        return out;
      };
    }
  }

  /** Loads the models (from node_modules; no network). */
  static async create(options: PerceiverOptions = {}): Promise<Perceiver> {
    const opts: Required<PerceiverOptions> = { face: true, hands: true, matte: true, people: true, ...options };
    const t0 = performance.now();
    await initBackend();
    const { Human } = humanModule();
    const human = new Human({
      backend: 'wasm',
      modelBasePath: 'file://' + modelsDir() + '/',
      debug: false,
      async: false,
      warmup: 'none',
      cacheSensitivity: 0,
      cacheModels: false,
      validateModels: false,
      filter: { enabled: false },
      gesture: { enabled: false },
      object: { enabled: false },
      segmentation: { enabled: false },
      body: { enabled: true, maxDetected: 1, minConfidence: 0.1, modelPath: MODELS.body, detector: { modelPath: MODELS.bodyDetector } },
      // Hands run pose-guided (hands.ts) on the hand-landmark model; Human's own hand detector misses small hands.
      hand: { enabled: false },
      face: {
        enabled: opts.face,
        detector: { enabled: true, modelPath: MODELS.faceDetector, maxDetected: 4, minConfidence: 0.3, rotation: true },
        mesh: { enabled: true, modelPath: MODELS.faceMesh },
        iris: { enabled: true, modelPath: MODELS.iris },
        attention: { enabled: false },
        description: { enabled: opts.face, modelPath: MODELS.faceDescription, minConfidence: 0 },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
        gear: { enabled: false },
      },
    });
    try {
      await human.load();
    } catch (err) {
      throw new PersonaError(`Loading the perception models failed: ${(err as Error).message}`, { hint: 'Reinstall the npm dependencies (`npm ci`).', cause: err });
    }
    const people = opts.people ? await loadGraphModel(MODELS.people) : null;
    const matte = opts.matte ? await loadGraphModel(MODELS.matte) : null;
    const hand = opts.hands ? await loadGraphModel(MODELS.handLandmarks) : null;
    return new Perceiver(human, people, matte, hand, opts, (performance.now() - t0) / 1000);
  }

  /** Perceives one photo (RGB or RGBA float image). Calls are serialized. */
  perceive(image: FloatImage, call: PerceiveCallOptions = {}): Promise<Perception> {
    if (this.closed) return Promise.reject(new PersonaError('This Perceiver was closed.'));
    const run = this.chain.then(() => this.run(image, call));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * The face crop pass (faceCrop.ts) on a face found in `image`: the face mesh and iris models again on a crop
   * made from the face's mesh, landmarks back in `image` pixels. Null when the crop holds no face. The two models
   * load on the first call. Calls are serialized with `perceive`.
   */
  refineFace(image: FloatImage, face: FaceResult): Promise<FaceResult | null> {
    if (this.closed) return Promise.reject(new PersonaError('This Perceiver was closed.'));
    const models = this.loadFaceCropModels();
    const run = this.chain.then(async () => refineFace(await models, image, face));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * A face looked for where the body's keypoints (`keypoints`, BlazePose's 33 in `image` pixels) place it, as
   * `perceive` does when its face detector finds none (faceCrop.faceFromBody). Null when none is there. Calls are
   * serialized with `perceive`.
   */
  findFaceFromBody(image: FloatImage, keypoints: ReadonlyArray<readonly number[]>): Promise<FaceResult | null> {
    if (this.closed) return Promise.reject(new PersonaError('This Perceiver was closed.'));
    const models = this.loadFaceCropModels();
    const run = this.chain.then(async () => faceFromBody(await models, image, keypoints, VISIBLE_SCORE));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The face mesh and iris models of the face crop pass, loaded on first use. */
  private loadFaceCropModels(): Promise<FaceCropModels> {
    this.faceCropModels ??= Promise.all([loadGraphModel(MODELS.faceMesh), loadGraphModel(MODELS.iris)]).then(([mesh, iris]) => ({ mesh, iris }));
    return this.faceCropModels;
  }

  /**
   * People detection only (MoveNet MultiPose on the whole image): the candidates `perceive` chooses from, largest
   * first, in the same order (so index k here is `perceive(image, { person: k })`). Empty when the Perceiver was
   * created without the people model. Calls are serialized with `perceive`.
   */
  detectPeople(image: FloatImage): Promise<PersonCandidate[]> {
    if (this.closed) return Promise.reject(new PersonaError('This Perceiver was closed.'));
    const run = this.chain.then(async () => {
      if (!this.peopleModel) return [];
      const W = image.width, H = image.height;
      const rgb = new Float32Array(W * H * 3);
      for (let i = 0, ch = image.channels; i < W * H; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = image.data[i * ch + k]! * 255;
      const full = tf().tensor(rgb, [1, H, W, 3], 'float32');
      try {
        return await detectPeople(this.peopleModel, full);
      } finally {
        full.dispose();
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Releases the models. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    const crop = await this.faceCropModels?.catch(() => null);
    for (const m of [this.peopleModel, this.matteModel, this.handModel, crop?.mesh, crop?.iris]) m?.dispose?.();
    for (const m of Object.values((this.human.models?.models ?? {}) as Record<string, Tf>)) m?.dispose?.();
  }

  private async run(image: FloatImage, call: PerceiveCallOptions): Promise<Perception> {
    const t = tf();
    const W = image.width, H = image.height;
    if (image.channels < 3) throw new PersonaError(`perceive needs an RGB image (got ${image.channels} channel(s)).`);
    const timings: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string): void => {
      const now = performance.now();
      timings[name] = Number(((now - mark) / 1000).toFixed(3));
      mark = now;
    };
    const rgb = new Float32Array(W * H * 3);
    for (let i = 0, ch = image.channels; i < W * H; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = image.data[i * ch + k]! * 255;
    const full = t.tensor(rgb, [1, H, W, 3], 'float32');
    lap('prepare');
    try {
      // 1. People.
      let people: PersonCandidate[] = [];
      let peopleFound: number | null = null;
      let chosen: Box;
      const index = call.person ?? 0;
      if (call.roi) {
        chosen = clampBox(call.roi, W, H);
      } else if (this.peopleModel) {
        people = await detectPeople(this.peopleModel, full);
        peopleFound = people.length;
        if (index >= Math.max(people.length, 1))
          throw new PersonaError(`--person ${index} asked for, but only ${people.length} ${people.length === 1 ? 'person was' : 'people were'} found.`, {
            hint: `Use --person 0${people.length > 1 ? ` to ${people.length - 1}` : ''} (0 = the largest).`,
            exitCode: 2,
          });
        chosen = people[index]?.box ?? [0, 0, W, H];
      } else chosen = [0, 0, W, H];
      lap('people');

      // 2. Crop around the person, resampled to a workable size.
      const crop = growBox(chosen, CROP_MARGIN, W, H);
      const cw = crop[2] - crop[0], ch = crop[3] - crop[1];
      const long = Math.max(cw, ch);
      const s = long < CROP_MIN_SIDE ? CROP_MIN_SIDE / long : long > CROP_MAX_SIDE ? CROP_MAX_SIDE / long : 1;
      const rw = Math.max(1, Math.round(cw * s)), rh = Math.max(1, Math.round(ch * s));
      const sx = cw / rw, sy = ch / rh;
      const cropT = t.tidy(() => {
        let c = t.slice(full, [0, crop[1], crop[0], 0], [1, ch, cw, 3]);
        if (rw !== cw || rh !== ch) c = t.image.resizeBilinear(c, [rh, rw], false, true);
        return t.cast(t.clipByValue(t.round(c), 0, 255), 'int32');
      });
      let res: HumanResult;
      this.lastWorld = null;
      try {
        res = (await this.human.detect(cropT)) as HumanResult;
      } finally {
        cropT.dispose();
      }
      lap('landmarks');
      // Crop pixels → image pixels. Human truncates body keypoints to integers (`truncated`: add half a pixel back).
      const toFull = (p: number[], truncated = false): [number, number] => {
        const o = truncated ? 0.5 : 0;
        return [crop[0] + (p[0]! + o) * sx, crop[1] + (p[1]! + o) * sy];
      };

      // 3. Body.
      const hb = res.body?.[0];
      if (!hb || hb.score < BODY_MIN_SCORE || (peopleFound === 0 && hb.score < 0.8)) {
        throw new PersonaError('No person found in the photo.', {
          hint: 'Use a photo of one person, standing, with the whole body visible and not too small.',
        });
      }
      const byName = new Map(hb.keypoints.map((k) => [k.part, k]));
      const keypoints: Array<[number, number, number]> = BODY_KEYPOINTS.map((name) => {
        const k = byName.get(HUMAN_BODY_NAMES[name] ?? name);
        if (!k) return [0, 0, 0];
        const [x, y] = toFull(k.position, true);
        return [x, y, k.score];
      });
      const world: Array<[number, number, number]> = BODY_KEYPOINTS.map((_, i) =>
        this.lastWorld ? [this.lastWorld[i * 3]!, this.lastWorld[i * 3 + 1]!, this.lastWorld[i * 3 + 2]!] : [0, 0, 0],
      );
      const body: BodyResult = { score: hb.score, keypoints, world };
      if (peopleFound === 0) peopleFound = 1; // the people detector missed a person BlazePose found

      // 4. Hands, guided by the body's wrist and knuckle keypoints.
      const hands = this.handModel ? await handsFromBody(this.handModel, image, body) : { left: null, right: null };
      lap('hands');

      // 5. Face: the mesh whose box holds the body's nose.
      let face: FaceResult | null = null;
      const nose = keypoints[BODY_INDEX.nose]!;
      let bestFace = Infinity;
      for (const f of res.face ?? []) {
        if (!f.mesh || f.mesh.length < FACE_MESH_POINTS) continue;
        const [fx, fy] = toFull([f.box[0]!, f.box[1]!]);
        const fb: Box = [fx, fy, fx + f.box[2]! * sx, fy + f.box[3]! * sy];
        const cx = (fb[0] + fb[2]) / 2, cy = (fb[1] + fb[3]) / 2;
        const d = Math.hypot(cx - nose[0], cy - nose[1]);
        if (d > Math.max(fb[2] - fb[0], fb[3] - fb[1]) || d >= bestFace) continue;
        bestFace = d;
        const mesh = f.mesh.map((p) => [...toFull(p), (p[2] ?? 0) * sx] as [number, number, number]);
        const sex = f.gender === 'male' || f.gender === 'female' ? f.gender : 'unknown';
        const attributes = f.age !== undefined ? { sex, sexConfidence: sex === 'unknown' ? 0 : (f.genderScore ?? 0), age: f.age } as const : null;
        face = { score: f.score, box: fb, mesh, rotation: f.rotation?.angle ?? null, iris: irisCentres(mesh), attributes, source: 'detector' };
      }
      // A face turned down or aside escapes the detector; the face mesh model still finds it where the body's face
      // keypoints put it (not on a back view: the back of a head is no face).
      if (!face && this.options.face && facingFromYaw(facingYaw(body)) !== 'back')
        face = await faceFromBody(await this.loadFaceCropModels(), image, keypoints, VISIBLE_SCORE);
      lap('assemble');

      // 6. Matte of the same region.
      let mask: FloatImage | undefined;
      let matte: Perception['matte'] = null;
      let cut = { people: 0, pixels: 0 };
      if (this.matteModel) {
        mask = await matteRegion(this.matteModel, full, crop, W, H);
        // People touching the chosen one share its matte region: give each pixel to the nearest skeleton.
        const others = people.filter((c, j) => j !== index && c.keypoints).map((c) => skeletonFromCoco(c.keypoints!));
        if (others.length) cut = splitTouchingPeople(mask, skeletonFromBody(keypoints), others, chosen[3] - chosen[1], crop);
        // Drop other people and objects in the crop: keep the regions holding this person's keypoints.
        const seeds = keypoints.filter((k) => k[2] >= VISIBLE_SCORE).map((k) => [k[0], k[1]] as [number, number]);
        if (seeds.length) keepPersonRegions(mask, seeds);
        // Holes inside the person that are not background-coloured are matting errors (issue #19).
        const holes = closeMatteHoles(mask, image);
        const st = matteStats(mask);
        matte = { model: MODELS.matte, coverage: Number(st.coverage.toFixed(5)), box: st.box, holes, cut };
      }
      lap('matte');

      const person = buildReport({ body, width: W, height: H, mask, matteBox: matte?.box ?? null, index, peopleFound, faceFound: face !== null });
      if (cut.pixels > 0)
        person.warnings.push(`The matte was split between touching people: ${cut.pixels} px nearer ${cut.people === 1 ? 'another person' : `${cut.people} other people`} than person ${index} were cut away; check perception/overlay.png.`);
      if (call.strict && !person.fullBodyVisible)
        throw new PersonaError(`The person is not fully visible (head ${person.headVisible ? 'seen' : 'missing'}, feet ${person.feetVisible ? 'seen' : 'missing'}); --strict asks for the whole body.`, {
          hint: 'Use a photo showing the whole body, head to feet, or drop --strict.',
        });
      return {
        format: 'persona-perception',
        formatVersion: 1,
        image: { width: W, height: H },
        models: modelList(this.options),
        person,
        people,
        crop,
        body,
        hands,
        face,
        matte,
        timings,
        mask,
      };
    } finally {
      full.dispose();
    }
  }
}

/** Names Human uses where they differ from ours. */
const HUMAN_BODY_NAMES: Partial<Record<string, string>> = {
  leftEyeInner: 'leftEyeInside',
  leftEyeOuter: 'leftEyeOutside',
  rightEyeInner: 'rightEyeInside',
  rightEyeOuter: 'rightEyeOutside',
  mouthLeft: 'leftMouth',
  mouthRight: 'rightMouth',
  leftFootIndex: 'leftFoot',
  rightFootIndex: 'rightFoot',
};

function modelList(o: Required<PerceiverOptions>): Record<string, string> {
  const m: Record<string, string> = { body: MODELS.body, bodyDetector: MODELS.bodyDetector };
  if (o.people) m.people = MODELS.people;
  if (o.matte) m.matte = MODELS.matte;
  if (o.face) Object.assign(m, { faceDetector: MODELS.faceDetector, faceMesh: MODELS.faceMesh, iris: MODELS.iris, faceDescription: MODELS.faceDescription });
  if (o.hands) m.handLandmarks = MODELS.handLandmarks;
  return m;
}

/** Iris centres from the 10 iris points after the mesh, named by the eye corners they sit between. */
function irisCentres(mesh: Array<[number, number, number]>): FaceResult['iris'] {
  if (mesh.length < FACE_MESH_POINTS + 10) return null;
  const a = mesh[FACE_MESH_POINTS]!, b = mesh[FACE_MESH_POINTS + 5]!;
  const r = mesh[FACE_LANDMARKS.rightEyeOuter]!;
  const da = Math.hypot(a[0] - r[0], a[1] - r[1]), db = Math.hypot(b[0] - r[0], b[1] - r[1]);
  const [right, left] = da < db ? [a, b] : [b, a];
  return { left: [left[0], left[1]], right: [right[0], right[1]] };
}

/** Clamps a box to the image and makes it integer (at least 1 px). */
export function clampBox(b: Box, W: number, H: number): Box {
  const x0 = Math.max(0, Math.min(W - 1, Math.floor(b[0]))), y0 = Math.max(0, Math.min(H - 1, Math.floor(b[1])));
  const x1 = Math.max(x0 + 1, Math.min(W, Math.ceil(b[2]))), y1 = Math.max(y0 + 1, Math.min(H, Math.ceil(b[3])));
  return [x0, y0, x1, y1];
}

/** Grows a box by `margin` × its size on each side (the short side grown to at least half the long), clamped. */
export function growBox(b: Box, margin: number, W: number, H: number): Box {
  const w = b[2] - b[0], h = b[3] - b[1];
  const long = Math.max(w, h);
  const mx = margin * long + Math.max(0, long / 2 - w) / 2, my = margin * long + Math.max(0, long / 2 - h) / 2;
  return clampBox([b[0] - mx, b[1] - my, b[2] + mx, b[3] + my], W, H);
}
