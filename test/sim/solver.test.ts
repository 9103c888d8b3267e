/**
 * Physical checks of the XPBD solver on small analytic set-ups: a pendulum's period, a hanging strip
 * against the catenary, a settling drape, and the input checks.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { buildTopology, ClothSolver, checkSurface, MATERIAL, SIM_CONFIG, type DeformableSurface, type ClothTopology } from '../../src/sim/index.js';

const noCapsules = { joints: new Int32Array(0), ends: new Float64Array(0), radii: new Float64Array(0) };

/** A strip of `n` × 2 particles along X (spacing `dx`, width `w` along Z), freedom 1 except the pinned columns. */
function strip(n: number, dx: number, w: number, pinned: (col: number) => boolean): DeformableSurface {
  const rest = new Float32Array(n * 2 * 3), tris: number[] = [];
  const freedom = new Float32Array(n * 2), material = new Uint8Array(n * 2).fill(MATERIAL.cloth);
  for (let i = 0; i < n; i++) for (let r = 0; r < 2; r++) {
    const v = i * 2 + r;
    rest[v * 3] = i * dx; rest[v * 3 + 1] = 0; rest[v * 3 + 2] = r * w;
    freedom[v] = pinned(i) ? 0 : 1;
  }
  for (let i = 0; i + 1 < n; i++) { const a = i * 2, b = a + 1, c = a + 2, d = a + 3; tris.push(a, c, b, b, c, d); }
  const V = n * 2;
  return { rest, triangles: Uint32Array.from(tris), skin: { influences: 1, joints: new Uint16Array(V), weights: new Float32Array(V).fill(1) }, freedom, material };
}

/** A solver whose targets are the rest positions (identity skinning), no collisions. */
function restSolver(topo: ClothTopology, settings: Partial<ConstructorParameters<typeof ClothSolver>[2]> = {}): ClothSolver {
  const s = new ClothSolver(topo, noCapsules, { substeps: 20, iterations: 1, gravity: 9.81, gravityCompensation: 1, collisionMargin: 0, reach: 0, ...settings });
  for (const t of [s.target0, s.target1]) t.set(topo.rest);
  for (const u of [s.up0, s.up1]) for (let i = 0; i < u.length; i += 3) u[i + 1] = 1;
  s.reset();
  return s;
}

test('pendulum: a free particle on a rigid edge swings with the period of the exact pendulum', () => {
  // Two triangles: pinned pivot column at x = 0, free bob column at x = L (released horizontally would be a
  // 90° swing; start at 20° below the horizontal by rotating the rest).
  const L = 0.5, theta0 = (20 * Math.PI) / 180;
  const surface = strip(2, L, 1e-3, (i) => i === 0);
  // release the bob at angle theta0 from the vertical: rest positions of the bob column
  for (const v of [2, 3]) { surface.rest[v * 3] = L * Math.sin(theta0); surface.rest[v * 3 + 1] = -L * Math.cos(theta0); }
  const topo = buildTopology(surface, { cloth: { ...SIM_CONFIG.materials.cloth, damping: 0, stretchCompliance: 0, bendCompliance: 0 }, hair: SIM_CONFIG.materials.hair });
  assert.equal(topo.free, 2);
  const s = restSolver(topo);
  const dt = 1 / 240;
  let last = s.x[0]!, crossings: number[] = [], t = 0;
  for (let k = 0; k < 240 * 6; k++) {
    s.step(dt); t += dt;
    const x = s.x[0]!;
    if (last > 0 && x <= 0) crossings.push(t - dt * (x / (x - last))); // linear interpolation of the crossing
    last = x;
  }
  assert.ok(crossings.length >= 4, `${crossings.length} crossings`);
  const period = (crossings[crossings.length - 1]! - crossings[0]!) / (crossings.length - 1);
  // exact period: T = 2π√(L/g)·(1 + θ²/16 + 11θ⁴/3072 + …)
  const exact = 2 * Math.PI * Math.sqrt(L / 9.81) * (1 + theta0 ** 2 / 16 + (11 * theta0 ** 4) / 3072);
  assert.ok(Math.abs(period - exact) / exact < 0.01, `period ${period.toFixed(4)} s vs exact ${exact.toFixed(4)} s`);
  // the edge stays rigid
  const len = Math.hypot(s.x[0]! - s.x[6]!, s.x[1]! - s.x[7]!, s.x[2]! - s.x[8]!); // bob (particle 0) to pivot (particle 2: pinned after the free ones)
  assert.ok(Math.abs(len - L) < 1e-3 * L, `length ${len}`);
});

test('hanging strip: pinned at both ends, it settles onto the catenary of its length', () => {
  const n = 41, dx = 0.025, L = (n - 1) * dx, span = 0.8; // 1 m of strip between ends 0.8 m apart
  const surface = strip(n, dx, 0.01, (i) => i === 0 || i === n - 1);
  // no bending resistance: a chain (the catenary's assumption)
  const topo = buildTopology(surface, { cloth: { ...SIM_CONFIG.materials.cloth, damping: 4, stretchCompliance: 0, bendCompliance: 1e3 }, hair: SIM_CONFIG.materials.hair });
  const s = restSolver(topo, { substeps: 40, iterations: 4 });
  // the right end's targets move in to x = span; start from a "V" of the strip's own length (no constraint violated)
  for (let i = topo.free; i < topo.vertex.length; i++) if (topo.vertex[i]! >= (n - 1) * 2) { s.target0[i * 3] = span; s.target1[i * 3] = span; }
  const depth = Math.sqrt((L / 2) ** 2 - (span / 2) ** 2);
  for (let i = 0; i < topo.vertex.length; i++) {
    const arc = Math.floor(topo.vertex[i]! / 2) * dx, f = arc <= L / 2 ? arc / (L / 2) : (L - arc) / (L / 2);
    s.x[i * 3] = arc <= L / 2 ? (f * span) / 2 : span - (f * span) / 2;
    s.x[i * 3 + 1] = -f * depth;
  }
  for (let k = 0; k < 30 * 8; k++) s.step(1 / 30);
  assert.ok(s.kineticEnergy() < 1e-8, `kinetic energy ${s.kineticEnergy()}`);
  // catenary y = a·cosh((x − span/2)/a) + c through the ends, arc length L: L = 2a·sinh(span/(2a))
  let lo = 0.01, hi = 10;
  for (let it = 0; it < 200; it++) { const a = (lo + hi) / 2; if (2 * a * Math.sinh(span / (2 * a)) > L) lo = a; else hi = a; }
  const a = (lo + hi) / 2, c = -a * Math.cosh(span / (2 * a));
  const sag = -(a + c);
  let worst = 0;
  for (let i = 0; i < topo.free; i++) {
    const x = s.x[i * 3]!, y = s.x[i * 3 + 1]!;
    worst = Math.max(worst, Math.abs(y - (a * Math.cosh((x - span / 2) / a) + c)));
  }
  assert.ok(sag > 0.2, `sag ${sag}`);
  assert.ok(worst < 0.02 * sag, `largest distance from the catenary ${(worst * 1000).toFixed(1)} mm (sag ${(sag * 1000).toFixed(0)} mm)`);
});

test('a draped free strip under gravity settles: kinetic energy → 0', () => {
  // pinned along one edge column, free elsewhere: swings down and comes to rest
  const surface = strip(20, 0.03, 0.03, (i) => i === 0);
  const topo = buildTopology(surface);
  const s = restSolver(topo, { substeps: 8 });
  let peak = 0;
  for (let k = 0; k < 30 * 12; k++) { s.step(1 / 30); peak = Math.max(peak, s.kineticEnergy()); }
  assert.ok(peak > 1e-4, `peak ${peak}`);
  assert.ok(s.kineticEnergy() < 1e-3 * peak, `kinetic energy ${s.kineticEnergy()} (peak ${peak})`);
});

test('attached particles rest at their skinned positions (gravity-compensated attachment)', () => {
  const surface = strip(10, 0.03, 0.03, (i) => i === 0);
  for (let v = 0; v < surface.freedom.length; v++) if (surface.freedom[v]! > 0) surface.freedom[v] = 0.6;
  const s = restSolver(buildTopology(surface), { substeps: 8 });
  for (let k = 0; k < 60; k++) s.step(1 / 30);
  let worst = 0;
  for (let i = 0; i < s.topo.free * 3; i++) worst = Math.max(worst, Math.abs(s.x[i]! - s.topo.rest[i]!));
  assert.ok(worst < 1e-9, `moved ${worst}`);
});

test('checkSurface rejects inconsistent surfaces with a message naming the mismatch', () => {
  const good = strip(3, 0.1, 0.1, () => false);
  checkSurface(good);
  assert.throws(() => checkSurface({ ...good, freedom: new Float32Array(2) }), /freedom has 2 entries/);
  assert.throws(() => checkSurface({ ...good, freedom: good.freedom.map(() => 1.5) }), /outside \[0,1\]/);
  assert.throws(() => checkSurface({ ...good, triangles: Uint32Array.from([0, 1, 99]) }), /triangle index 99/);
  assert.throws(() => checkSurface({ ...good, material: new Uint8Array(6).fill(7) }), /material\[0\] = 7/);
});
