/**
 * The texture stage: unwraps `input/image.png` onto the body's UV map through `fit/body.json`, cut to
 * the matte `perception/mask.png`; writes `texture/texture.png` and `texture/visibility.png`.
 */
import { readImage, writePng } from '../core/image.js';
import { Subject, SUBJECT_FILES, readFit, stageContext, type StageContextOptions } from '../subject/index.js';
import { BodyPoser } from '../body/index.js';
import { cameraFromJson, fitPose } from '../fit/types.js';
import { unwrapTexture } from './unwrap.js';
import { faceFeatures, unseenHands } from './face.js';
import { readPerception } from '../perceive/index.js';
import { existsSync } from 'node:fs';
import { proxyColors, readProxy, writeProxyColors } from '../shape/index.js';
import { hangingBackFromSides } from './hangingBack.js';
import { UNWRAP } from './unwrap.js';

/** Options of the texture stage. */
export interface TextureStageOptions extends StageContextOptions {
  /** Texture side in texels (default: the preset's `texture.size`, src/subject/quality.ts). */
  size?: number;
}

/** Runs (or skips) the texture stage. */
export async function runTextureStage(subjectDir: string, options: TextureStageOptions = {}): Promise<{ ran: boolean; seenFraction?: number }> {
  const ctx = stageContext(subjectDir, options);
  const subject = new Subject(subjectDir);
  const size = options.size ?? ctx.quality().texture.size;
  // with a clothed proxy (stage shape), its vertices get colours too
  const hasProxy = existsSync(subject.path(SUBJECT_FILES.proxy));
  const outcome = await subject.runStage(
    'texture',
    {
      version: 17, // 3: hands covered by clothing (colour check, issue #19); 4: clothing behind a hand or forearm refilled, not photo-coloured; 5: unseen hair coloured from the seen hair; 6: the torso's back from its sides where the front differs; 7: where the sides disagree, each half of the back from its own side; 8: only between the shoulders and the waist; 9: torso sides near the fitted hands are not the sides' colour; 10: unseen hair coloured from hair well inside the outline; 11: the scalp colour is the higher of two colour groups on top of the head (unwrap.ts scalpColour); 12: body texels beside a fitted hand that look like skin are hand prints, left to the fill; 13: the back of clothing over the legs from the garment's sides where the mirrored front is unlike them (hangingBack.ts); 14: a seen hand's unseen side and non-skin texels from its own skin (handFill.ts); 15: an open garment's back from its outer side (sideColours.ts openGarment); 16: a seen hand's skin judged by the hand's own brightness, not the skin tone's (handFill.ts); 17: where the proxy's vertex colours were sampled (proxy-colors photoUv, textureUv)
      inputs: { image: SUBJECT_FILES.image, mask: SUBJECT_FILES.mask, fit: SUBJECT_FILES.fit, keypoints: SUBJECT_FILES.keypoints, ...(hasProxy ? { proxy: SUBJECT_FILES.proxy, proxyBin: SUBJECT_FILES.proxyBin } : {}) },
      options: { size, body: ctx.bodySpec },
      outputs: [SUBJECT_FILES.texture, SUBJECT_FILES.visibility, ...(hasProxy ? [SUBJECT_FILES.proxyColors, SUBJECT_FILES.proxyColorsBin] : [])],
      force: ctx.force,
    },
    async () => {
      const fit = await readFit(subject);
      const camera = cameraFromJson(fit.camera);
      const body = ctx.body();
      const photo = await readImage(subject.path(SUBJECT_FILES.image), 3);
      const matte = await readImage(subject.path(SUBJECT_FILES.mask), 1);
      const posed = new BodyPoser(body).forward({ shape: fit.shape, expression: fit.expression, pose: fitPose(fit) });
      const posedVertices = Float32Array.from(posed.vertices);
      // perception tells whether the face and the hands are seen (issue #19); older subject folders may lack it
      const perception = existsSync(subject.path(SUBJECT_FILES.keypoints)) ? await readPerception(subjectDir) : null;
      const r = unwrapTexture({
        posedVertices,
        triangles: body.triangles,
        cornerUvs: body.cornerUvs,
        partLabels: body.partLabels,
        camera,
        photo,
        matte: matte.data,
        size,
        face: { features: faceFeatures(body, posed.vertices, posed.joints), foundInPhoto: perception ? perception.face !== null : true },
        hiddenParts: unseenHands(perception),
      });
      await writePng(subject.path(SUBJECT_FILES.texture), r.texture);
      await writePng(subject.path(SUBJECT_FILES.visibility), r.visibility);
      const notes = { seenFraction: r.seenFraction, facePainted: r.facePainted, handsPainted: r.handsPainted, handsCovered: r.handsCovered, backFromSides: r.backFromSides, handPrints: r.handPrints, handLeaks: r.handLeaks, skin: r.skin.map((c) => Number(c.toFixed(3))) };
      if (!hasProxy) return notes;
      const proxy = readProxy(subject.path(SUBJECT_FILES.shapeDir));
      const pc = proxyColors(proxy, body, r.texture, photo, matte.data, camera, { posedBody: posedVertices, skinTone: r.skin });
      const hangingBack = hangingBackFromSides(proxy, body, camera, pc, UNWRAP);
      await writeProxyColors(subject.path('texture'), pc);
      return { ...notes, proxySeenFraction: pc.seenFraction, proxyArmOccluded: pc.armOccluded, proxyHandPrints: pc.handPrints, proxyClothOnHands: pc.clothOnHands, proxySkinUnderCloth: pc.skinUnderCloth, proxyHairUnseen: pc.hairUnseen, proxyHangingBackFromSides: hangingBack };
    },
  );
  return { ran: outcome.ran, seenFraction: outcome.record.notes?.seenFraction as number | undefined };
}
