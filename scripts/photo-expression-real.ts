/**
 * The fit's photo-expression reading on real photos (issue #25 on people no benchmark made):
 * `node dist/scripts/photo-expression-real.js [dir=/tmp/persona-real] [out.png]` perceives each photo of the
 * real-photo set (scripts/fetch-real-photos.ts), reads aa/smile from its face mesh and what the fit would apply
 * (PHOTO_EXPRESSION_CONFIG.applyAbove), prints a table and writes a contact sheet of the faces labelled with it.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readImage, writePng, type FloatImage } from '../src/core/image.js';
import { sampleRoi } from '../src/perceive/roi.js';
import { Perceiver } from '../src/perceive/index.js';
import { estimatePhotoExpression, photoExpressionPose } from '../src/fit/expression.js';
import { loadBodyModel } from '../src/body/index.js';
import { contactSheet } from '../src/render/sheet.js';

const dir = process.argv[2] ?? '/tmp/persona-real';
const out = process.argv[3] ?? '/tmp/persona-real-expression.png';
const FACE_SIDE = 160;
const units = loadBodyModel().expressionNames;
const perceiver = await Perceiver.create({ face: true, hands: false, matte: false, people: true });

/** A square crop around a box (1.5× its longer side), resampled to `side`. */
function crop(img: FloatImage, box: readonly number[], side: number): FloatImage {
  const roi = { cx: (box[0]! + box[2]!) / 2, cy: (box[1]! + box[3]!) / 2, size: Math.max(box[2]! - box[0]!, box[3]! - box[1]!) * 1.5, ex: [1, 0] as [number, number], ey: [0, 1] as [number, number] };
  return { width: side, height: side, channels: 3, data: sampleRoi(img, roi, side) };
}

const images: FloatImage[] = [], labels: string[] = [];
for (const name of (await readdir(dir)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()) {
  const img = await readImage(join(dir, name), 3);
  try {
    const p = await perceiver.perceive(img, {});
    const e = estimatePhotoExpression(p.face);
    const applied = photoExpressionPose(e, units).applied;
    const label = e ? `aa ${e.weights[0]!.toFixed(2)} smile ${e.weights[1]!.toFixed(2)}${Object.keys(applied).length ? ' → ' + Object.keys(applied).join('+') : ''}` : 'no face';
    console.log(`${name.padEnd(28)} ${label}`);
    if (p.face) { images.push(crop(img, p.face.box, FACE_SIDE)); labels.push(label); }
  } catch (err) {
    console.log(`${name.padEnd(28)} ${(err as Error).message}`);
  }
}
await perceiver.close();
await writePng(out, contactSheet(images, { columns: 7, labels, background: [1, 1, 1] }));
console.log(out);
