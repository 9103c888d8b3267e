/**
 * Helpers for the export browser test: an avatar whose head is painted red and feet blue (so a screenshot
 * tells up from down by colour alone), a static server for the page, the npm packages it imports (three,
 * Spark, three-vrm) and the exported files, and the pixel analysis of a screenshot.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import sharp from 'sharp';
import type { AvatarBundle } from '../../src/avatar/bundle.js';
import { packageRoot } from '../../src/core/version.js';


/** Paints the top 12 % of the rest-pose height red, the bottom 12 % blue and the rest light grey. */
export function markHeadAndFeet(avatar: AvatarBundle): AvatarBundle {
  const means = avatar.buffers.means as Float32Array;
  const colors = avatar.buffers.colors as Float32Array;
  const n = means.length / 3;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) { lo = Math.min(lo, means[i * 3 + 1]!); hi = Math.max(hi, means[i * 3 + 1]!); }
  for (let i = 0; i < n; i++) {
    const t = (means[i * 3 + 1]! - lo) / (hi - lo);
    colors.set(t > 0.88 ? [1, 0, 0] : t < 0.12 ? [0, 0, 1] : [0.8, 0.8, 0.8], i * 3);
  }
  return avatar;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };

/** Serves `files` (path → bytes or text) and anything under the package's node_modules/. */
export async function startStaticServer(files: Map<string, Uint8Array | string>): Promise<{ url: string; close(): Promise<void> }> {
  const root = join(packageRoot(), 'node_modules');
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const mem = files.get(path);
    const send = (body: Uint8Array | string, type: string): void => { res.writeHead(200, { 'content-type': type }); res.end(body); };
    if (mem !== undefined) return send(mem, TYPES[extname(path)] ?? 'application/octet-stream');
    if (path.startsWith('/node_modules/')) {
      const file = normalize(join(root, path.slice('/node_modules/'.length)));
      if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
      readFile(file).then((b) => send(b, TYPES[extname(file)] ?? 'application/octet-stream'), () => res.writeHead(404).end());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** The import map every page uses: three and its addons, Spark, three-vrm. */
export const IMPORT_MAP = JSON.stringify({
  imports: {
    three: '/node_modules/three/build/three.module.js',
    'three/addons/': '/node_modules/three/examples/jsm/',
    '@sparkjsdev/spark': '/node_modules/@sparkjsdev/spark/dist/spark.module.js',
    '@pixiv/three-vrm': '/node_modules/@pixiv/three-vrm/lib/three-vrm.module.js',
  },
});

/** Where the red (head) and blue (feet) pixels are in a screenshot, in image rows (0 = top). */
export interface Marks { redCount: number; blueCount: number; redRow: number; blueRow: number; foreground: number }

export async function findMarks(png: Uint8Array): Promise<Marks> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const bg = [data[0]!, data[1]!, data[2]!];
  let redCount = 0, blueCount = 0, redRows = 0, blueRows = 0, foreground = 0;
  for (let i = 0; i < info.width * info.height; i++) {
    const r = data[i * 3]!, g = data[i * 3 + 1]!, b = data[i * 3 + 2]!;
    const row = Math.floor(i / info.width);
    if (Math.abs(r - bg[0]!) + Math.abs(g - bg[1]!) + Math.abs(b - bg[2]!) > 40) foreground++;
    if (r > 140 && g < 100 && b < 100) { redCount++; redRows += row; }
    else if (b > 140 && r < 100 && g < 100) { blueCount++; blueRows += row; }
  }
  return { redCount, blueCount, redRow: redRows / Math.max(1, redCount), blueRow: blueRows / Math.max(1, blueCount), foreground };
}
