/**
 * Renders the demo sample photo: synthetic subject 0 in its photo pose, 512×768, white
 * background, anti-aliased (3×3 supersampling) → assets/samples/person.png, the embedded
 * default photo of `persona demo`. Run: npm run make:sample
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writePng } from '../src/core/image.js';
import { packageRoot } from '../src/core/version.js';
import { makeSubject } from '../src/bench/subjects.js';

const out = join(packageRoot(), 'assets', 'samples', 'person.png');
mkdirSync(join(packageRoot(), 'assets', 'samples'), { recursive: true });
const subject = makeSubject(0, { textureSize: 2048 });
const { render, camera } = subject.photo({ supersample: 3, background: [1, 1, 1] });
await writePng(out, render.image);
console.log(`wrote ${out} (${camera.width}×${camera.height}, subject 0 '${subject.spec.name}')`);
