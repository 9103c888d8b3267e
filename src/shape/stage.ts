/**
 * The shape stage: builds the clothed proxy (proxy.ts) from `fit/body.json`, the matte and the photo's
 * camera; writes `shape/proxy.json` + `proxy.bin`, `shape/overlay.png` and `shape/proxy.glb`.
 */
import { readFile } from 'node:fs/promises';
import { readImage, writePng } from '../core/image.js';
import { writeFileAtomic } from '../core/atomic.js';
import type { ArrayBodyModel } from '../body/index.js';
import { Subject, SUBJECT_FILES } from '../subject/index.js';
import { cameraFromJson, fitPose, type BodyFit } from '../fit/types.js';
import { buildClothedProxy, type ProxyStats } from './proxy.js';
import { writeProxy } from './format.js';
import { proxyOverlay, proxySilhouetteIoU } from './overlay.js';
import { proxyGlb } from './glb.js';

/** Options of the shape stage. */
export interface ShapeStageOptions {
  /** The resolved body model the fit used. */
  body: ArrayBodyModel;
  /** Options hash input naming the body (e.g. 'default'). */
  bodySpec?: string;
  force?: boolean;
}

/** Runs (or skips) the shape stage. */
export async function runShapeStage(subjectDir: string, options: ShapeStageOptions): Promise<{ ran: boolean; silhouetteIoU?: number; stats?: ProxyStats }> {
  const subject = new Subject(subjectDir);
  const outcome = await subject.runStage(
    'shape',
    {
      version: 19, // 3: limb partition (partition.ts); 4: loose tops follow the body's depth above the hips (slabs.ts); 5: gaps between the legs bridged (slabs.ts); 6: a bob gets no hair layer down the back; 7: a garment spanning the legs hangs from the waist (proxy.ts hangFromWaist); 8: no skirts below the hips on bent legs (legBend.ts); 9: no bridge between crossed shins (slabs.ts); 10: hair beside the neck only when the matte also frames the jaw (slabs.ts); 11: lower legs that touch in the photo carved apart when no garment spans them (partition.ts); 12: the hair beside the neck is read up to the first arm (slabs.ts); 13: loose runs around bent legs reach at most bentLegOverhangDepth in depth (slabs.ts); 14: hair over the skull as thick behind as beside it, hanging straight down beside the jaw (slabs.ts); 15: three rings of body triangles around the template's hands and face close the gap around them (proxy.ts); 16: beside the jaw and neck a collar of the chest's colour is not hair (hairColour.ts); 17: whole legs carved apart when a thigh is lifted and no garment spans the legs (partition.ts); 18: a raised arm's sleeve reaches by the photo's colour: farther over clothing, less over hair (raisedSleeve.ts); 19: a loose vertex in a sharp bend is unposed by the weighted mean of its joints' rigid unposings (proxy.ts unposeVertices)
      inputs: { image: SUBJECT_FILES.image, mask: SUBJECT_FILES.mask, fit: SUBJECT_FILES.fit },
      options: { body: options.bodySpec ?? 'default' },
      outputs: [SUBJECT_FILES.proxy, SUBJECT_FILES.proxyOverlay, SUBJECT_FILES.proxyGlb],
      force: options.force,
    },
    async () => {
      const fit = JSON.parse(await readFile(subject.path(SUBJECT_FILES.fit), 'utf8')) as BodyFit;
      const photo = await readImage(subject.path(SUBJECT_FILES.image), 3);
      const matte = await readImage(subject.path(SUBJECT_FILES.mask), 1);
      const camera = cameraFromJson(fit.camera);
      // CPU time beside the wall time: shared machines stretch the wall clock, not the work
      const cpu0 = process.cpuUsage(), wall0 = performance.now();
      const proxy = buildClothedProxy({ body: options.body, shape: fit.shape, pose: fitPose(fit), camera, matte, photo });
      const buildCpu = process.cpuUsage(cpu0), buildSeconds = (performance.now() - wall0) / 1000;
      const silhouetteIoU = proxySilhouetteIoU(proxy.posed, proxy.model.triangles, camera, matte.data);
      await writeProxy(subject.path(SUBJECT_FILES.shapeDir), proxy);
      await writePng(subject.path(SUBJECT_FILES.proxyOverlay), proxyOverlay(proxy, photo, matte, camera));
      await writeFileAtomic(subject.path(SUBJECT_FILES.proxyGlb), await proxyGlb(proxy));
      return { silhouetteIoU, ...proxy.stats, buildSeconds, buildCpuSeconds: (buildCpu.user + buildCpu.system) / 1e6 };
    },
  );
  const notes = outcome.record.notes as (ProxyStats & { silhouetteIoU: number }) | undefined;
  return { ran: outcome.ran, silhouetteIoU: notes?.silhouetteIoU, stats: notes };
}
