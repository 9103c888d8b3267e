// AssemblyScript source of the WebAssembly (SIMD) compositing kernels; built by `npm run build:splat-wasm`
// into kernelWasm.ts. It mirrors src/splat/kernel.ts (the TypeScript kernels, kept as the test reference):
// same traversal, same thresholds, same exp-free recurrence, same per-block partial sums. Feature channels are
// processed four at a time with f32x4. All buffers live in the imported shared memory; every function takes
// a pointer to a parameter block of f64 values (layouts below, written by src/splat/wasm.ts).

const ALPHA_MIN: f64 = 1.0 / 255.0;
const ALPHA_MAX: f64 = 0.99;
const T_MIN: f64 = 1e-4;
const SPAN_EPS: f64 = 1e-4;
const MAX_RECURRENCE_POWER: f64 = 600;
const MAX_RECURRENCE_CONIC: f64 = 400;
const BLOCK_ROWS: i32 = 16;
const GEO_STRIDE: i32 = 8;
const PARTIAL_BASE: i32 = 7;

// Footprint walker state (per instance, i.e. per thread).
let gRow: f64 = 0, rRow: f64 = 0, yRatio: f64 = 0, qa: f64 = 0, qc: f64 = 0, qb: f64 = 0;
let exact: bool = false;
let spanX0: i32 = 0, spanX1: i32 = 0;
let spanG: f64 = 0, spanR: f64 = 0;

@inline function P(p: usize, k: i32): f64 { return load<f64>(p + (<usize>k << 3)); }
@inline function ptr(p: usize, k: i32): usize { return <usize>load<f64>(p + (<usize>k << 3)); }
@inline function ldf64(base: usize, i: i32): f64 { return load<f64>(base + (<usize>i << 3)); }
@inline function stf64(base: usize, i: i32, v: f64): void { store<f64>(base + (<usize>i << 3), v); }
@inline function ldf32(base: usize, i: i32): f32 { return load<f32>(base + (<usize>i << 2)); }
@inline function ldi32(base: usize, i: i32): i32 { return load<i32>(base + (<usize>i << 2)); }
@inline function sti32(base: usize, i: i32, v: i32): void { store<i32>(base + (<usize>i << 2), v); }

function startGaussian(u: f64, v: f64, a: f64, b: f64, c: f64, xb: i32, xe: i32, ya: i32, ye: i32): void {
  const dxb = <f64>xb + 0.5 - u, dxe = <f64>xe + 0.5 - u, dya = <f64>ya + 0.5 - v, dye = <f64>ye + 0.5 - v;
  const p1 = 0.5 * (a * dxb * dxb + c * dya * dya) + b * dxb * dya;
  const p2 = 0.5 * (a * dxe * dxe + c * dya * dya) + b * dxe * dya;
  const p3 = 0.5 * (a * dxb * dxb + c * dye * dye) + b * dxb * dye;
  const p4 = 0.5 * (a * dxe * dxe + c * dye * dye) + b * dxe * dye;
  const pmax = Math.max(Math.max(p1, p2), Math.max(p3, p4));
  if (pmax < MAX_RECURRENCE_POWER && a < MAX_RECURRENCE_CONIC && c < MAX_RECURRENCE_CONIC) {
    gRow = Math.exp(-p1);
    rRow = Math.exp(-(a * dxb + 0.5 * a + b * dya));
    yRatio = Math.exp(-(c * dya + 0.5 * c + b * dxb));
    qa = Math.exp(-a);
    qc = Math.exp(-c);
    qb = Math.exp(-b);
    exact = false;
  } else exact = true;
}

@inline function nextRow(): void {
  gRow *= yRatio;
  yRatio *= qc;
  rRow *= qb;
}

@inline function rowSpan(u: f64, v: f64, a: f64, b: f64, c: f64, tau: f64, py: i32, xb: i32, xe: i32): bool {
  const dy = <f64>py + 0.5 - v;
  const disc = 2 * a * tau - (a * c - b * b) * dy * dy;
  if (disc < -1e-9) return false;
  const half = Math.sqrt(disc > 0 ? disc : 0) / a;
  const xc = u - 0.5 - (b * dy) / a;
  let x0 = <i32>Math.ceil(xc - half - SPAN_EPS), x1 = <i32>Math.floor(xc + half + SPAN_EPS);
  if (x0 < xb) x0 = xb;
  if (x1 > xe) x1 = xe;
  if (x0 > x1) return false;
  spanX0 = x0; spanX1 = x1;
  if (!exact) {
    let g = gRow, r = rRow;
    for (let x = xb; x < x0; x++) { g *= r; r *= qa; }
    spanG = g; spanR = r;
  } else {
    const dx = <f64>x0 + 0.5 - u;
    spanG = Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy));
    spanR = 0;
  }
  return true;
}

@inline function exactG(u: f64, a: f64, b: f64, c: f64, dy: f64, x: i32): f64 {
  const dx = <f64>x + 0.5 - u;
  return Math.exp(-(0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy));
}

// Forward parameter block: 0 width, 1 height, 2 C, 3 M, 4 hasDepth, 5 geo, 6 rows, 7 features, 8 background,
// 9 image, 10 alpha, 11 depth, 12 T, 13 last, 14 rowStart, 15 rowEnd, 16 scratch (width f64), 17 index (M original
// indices; features are N×C in input order).
export function forwardBand(p: usize): f64 {
  const width = <i32>P(p, 0), C = <i32>P(p, 2), M = <i32>P(p, 3), hasDepth = P(p, 4) != 0;
  const geo = ptr(p, 5), rows = ptr(p, 6), features = ptr(p, 7), background = ptr(p, 8);
  const image = ptr(p, 9), alpha = ptr(p, 10), depth = ptr(p, 11), T = ptr(p, 12), last = ptr(p, 13);
  const r0 = <i32>P(p, 14), r1 = <i32>P(p, 15), wbuf = ptr(p, 16), index = ptr(p, 17);
  const p0 = r0 * width, p1 = r1 * width;
  memory.fill(image + (<usize>(p0 * C) << 2), 0, <usize>((p1 - p0) * C) << 2);
  for (let i = p0; i < p1; i++) { stf64(T, i, 1.0); sti32(last, i, -1); }
  if (hasDepth) memory.fill(depth + (<usize>p0 << 2), 0, <usize>(p1 - p0) << 2);
  const C4 = C & ~3;
  let pairs: f64 = 0;
  for (let r = 0; r < M; r++) {
    const ya = ldi32(rows, 4 * r), yb = ldi32(rows, 4 * r + 1);
    if (yb < r0 || ya >= r1) continue;
    const xb = ldi32(rows, 4 * r + 2), xe = ldi32(rows, 4 * r + 3);
    const ys = ya > r0 ? ya : r0, ye = yb < r1 - 1 ? yb : r1 - 1;
    const gi = r * GEO_STRIDE;
    const u = ldf64(geo, gi), v = ldf64(geo, gi + 1), a = ldf64(geo, gi + 2), b = ldf64(geo, gi + 3), c = ldf64(geo, gi + 4);
    const o = ldf64(geo, gi + 5), tau = ldf64(geo, gi + 6), z = ldf64(geo, gi + 7);
    startGaussian(u, v, a, b, c, xb, xe, ya, yb);
    const ex = exact;
    for (let py = ya; py < ys; py++) nextRow();
    const fptr = features + (<usize>(ldi32(index, r) * C) << 2);
    for (let py = ys; py <= ye; py++) {
      const ok = rowSpan(u, v, a, b, c, tau, py, xb, xe);
      nextRow();
      if (!ok) continue;
      const x0 = spanX0, x1 = spanX1, q = qa;
      let g = spanG, ratio = spanR;
      const dy = <f64>py + 0.5 - v;
      const n = x1 - x0 + 1;
      pairs += <f64>n;
      const pb = py * width + x0;
      let kmin = n, kmax = -1;
      for (let j = 0; j < n; j++) {
        if (ex) g = exactG(u, a, b, c, dy, x0 + j);
        const pix = pb + j;
        const Tp = ldf64(T, pix);
        let w: f64 = 0;
        if (Tp > 0) {
          let al = o * g;
          if (al >= ALPHA_MIN) {
            if (al > ALPHA_MAX) al = ALPHA_MAX;
            const tT = Tp * (1 - al);
            if (tT < T_MIN) {
              stf64(T, pix, -Tp);
            } else {
              w = al * Tp;
              if (hasDepth) {
                const dp = depth + (<usize>pix << 2);
                store<f32>(dp, load<f32>(dp) + <f32>(z * w));
              }
              stf64(T, pix, tT);
              sti32(last, pix, r);
              if (j < kmin) kmin = j;
              kmax = j;
            }
          }
        }
        stf64(wbuf, j, w);
        g *= ratio;
        ratio *= q;
      }
      if (kmax < 0) continue;
      const stride = <usize>C << 2;
      let ch = 0;
      for (; ch < C4; ch += 4) {
        const f = v128.load(fptr + (<usize>ch << 2));
        let ip = image + (<usize>((pb + kmin) * C + ch) << 2);
        for (let j = kmin; j <= kmax; j++, ip += stride) {
          const w = f32x4.splat(<f32>ldf64(wbuf, j));
          v128.store(ip, f32x4.add(v128.load(ip), f32x4.mul(f, w)));
        }
      }
      for (; ch < C; ch++) {
        const f0 = ldf32(fptr, ch);
        let ip = image + (<usize>((pb + kmin) * C + ch) << 2);
        for (let j = kmin; j <= kmax; j++, ip += stride) store<f32>(ip, load<f32>(ip) + f0 * <f32>ldf64(wbuf, j));
      }
    }
  }
  for (let pix = p0; pix < p1; pix++) {
    let Tp = ldf64(T, pix);
    if (Tp < 0) { Tp = -Tp; stf64(T, pix, Tp); }
    store<f32>(alpha + (<usize>pix << 2), <f32>(1 - Tp));
    const ip = image + (<usize>(pix * C) << 2);
    for (let ch = 0; ch < C; ch++) {
      const q = ip + (<usize>ch << 2);
      store<f32>(q, <f32>(<f64>load<f32>(q) + Tp * ldf64(background, ch)));
    }
  }
  return pairs;
}

// Backward parameter block: 0 width, 1 height, 2 C, 3 M, 4 hasDepth, 5 geo, 6 rows, 7 features, 8 background,
// 9 finalT, 10 last, 11 dImage, 12 dAlpha (0: none), 13 dDepth, 14 Tb, 15 S, 16 slotStart, 17 partials,
// 18 rowStart, 19 rowEnd, 20 scratch (3·width + C f64), 21 index.
export function backwardBand(p: usize): void {
  const width = <i32>P(p, 0), C = <i32>P(p, 2), M = <i32>P(p, 3), hasDepth = P(p, 4) != 0;
  const geo = ptr(p, 5), rows = ptr(p, 6), features = ptr(p, 7), background = ptr(p, 8);
  const finalT = ptr(p, 9), last = ptr(p, 10), dImage = ptr(p, 11), dAlpha = ptr(p, 12), dDepth = ptr(p, 13);
  const Tb = ptr(p, 14), S = ptr(p, 15), slotStart = ptr(p, 16), partials = ptr(p, 17);
  const r0 = <i32>P(p, 18), r1 = <i32>P(p, 19), scratch = ptr(p, 20), index = ptr(p, 21);
  const gbuf = scratch, dots = scratch + (<usize>width << 3), wbuf = scratch + (<usize>(2 * width) << 3), df = scratch + (<usize>(3 * width) << 3);
  const p0 = r0 * width, p1 = r1 * width;
  const stride = PARTIAL_BASE + C;
  const C4 = C & ~3;
  const pixStride = <usize>C << 2;
  for (let pix = p0; pix < p1; pix++) {
    const TN = ldf64(finalT, pix);
    stf64(Tb, pix, TN);
    let s: f64 = 0;
    const ip = dImage + (<usize>(pix * C) << 2);
    for (let ch = 0; ch < C; ch++) s += <f64>load<f32>(ip + (<usize>ch << 2)) * ldf64(background, ch);
    s *= TN;
    if (dAlpha != 0) s -= <f64>ldf32(dAlpha, pix) * TN;
    stf64(S, pix, s);
  }
  for (let r = M - 1; r >= 0; r--) {
    const ya = ldi32(rows, 4 * r), yb = ldi32(rows, 4 * r + 1);
    if (yb < r0 || ya >= r1) continue;
    const xb = ldi32(rows, 4 * r + 2), xe = ldi32(rows, 4 * r + 3);
    const ys = ya > r0 ? ya : r0, ye = yb < r1 - 1 ? yb : r1 - 1;
    const gi = r * GEO_STRIDE;
    const u = ldf64(geo, gi), v = ldf64(geo, gi + 1), a = ldf64(geo, gi + 2), b = ldf64(geo, gi + 3), c = ldf64(geo, gi + 4);
    const o = ldf64(geo, gi + 5), tau = ldf64(geo, gi + 6), z = ldf64(geo, gi + 7);
    startGaussian(u, v, a, b, c, xb, xe, ya, yb);
    const ex = exact;
    for (let py = ya; py < ys; py++) nextRow();
    const fptr = features + (<usize>(ldi32(index, r) * C) << 2);
    const firstBlock = ya / BLOCK_ROWS;
    let block = ys / BLOCK_ROWS;
    let blockEnd = (block + 1) * BLOCK_ROWS;
    let du: f64 = 0, dv: f64 = 0, da: f64 = 0, db: f64 = 0, dc: f64 = 0, dop: f64 = 0, dz: f64 = 0;
    memory.fill(df, 0, <usize>C << 3);
    for (let py = ys; py <= ye + 1; py++) {
      if (py == blockEnd || py > ye) {
        const sb = partials + (<usize>((ldi32(slotStart, r) + block - firstBlock) * stride) << 3);
        store<f64>(sb, du); store<f64>(sb, dv, 8); store<f64>(sb, da, 16); store<f64>(sb, db, 24); store<f64>(sb, dc, 32);
        store<f64>(sb, dop, 40); store<f64>(sb, dz, 48);
        memory.copy(sb + (<usize>PARTIAL_BASE << 3), df, <usize>C << 3);
        if (py > ye) break;
        du = 0; dv = 0; da = 0; db = 0; dc = 0; dop = 0; dz = 0;
        memory.fill(df, 0, <usize>C << 3);
        block++;
        blockEnd += BLOCK_ROWS;
      }
      const ok = rowSpan(u, v, a, b, c, tau, py, xb, xe);
      nextRow();
      if (!ok) continue;
      const x0 = spanX0, x1 = spanX1, q = qa;
      let g = spanG, ratio = spanR;
      const dy = <f64>py + 0.5 - v;
      const n = x1 - x0 + 1;
      const pb = py * width + x0;
      let kmin = n, kmax = -1;
      for (let j = 0; j < n; j++) {
        if (ex) g = exactG(u, a, b, c, dy, x0 + j);
        let gj: f64 = 0;
        if (r <= ldi32(last, pb + j) && o * g >= ALPHA_MIN) {
          gj = g;
          if (j < kmin) kmin = j;
          kmax = j;
        }
        stf64(gbuf, j, gj);
        g *= ratio;
        ratio *= q;
      }
      if (kmax < 0) continue;
      // ⟨∂L/∂C, f⟩ per pixel
      const ib = dImage + (<usize>((pb + kmin) * C) << 2);
      {
        let ip = ib;
        for (let j = kmin; j <= kmax; j++, ip += pixStride) {
          let acc = f32x4.splat(0);
          let ch = 0;
          for (; ch < C4; ch += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ip + (<usize>ch << 2)), v128.load(fptr + (<usize>ch << 2))));
          let d = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
          for (; ch < C; ch++) d += <f64>(load<f32>(ip + (<usize>ch << 2)) * ldf32(fptr, ch));
          stf64(dots, j, d);
        }
      }
      for (let j = kmin; j <= kmax; j++) {
        const gj = ldf64(gbuf, j);
        if (gj == 0) { stf64(wbuf, j, 0); continue; }
        const pix = pb + j;
        let al = o * gj;
        const clamped = al > ALPHA_MAX;
        if (clamped) al = ALPHA_MAX;
        const om = 1 - al;
        const Ti = ldf64(Tb, pix) / om;
        const w = al * Ti;
        let dot = ldf64(dots, j);
        if (hasDepth) {
          const dd = <f64>ldf32(dDepth, pix);
          dot += dd * z;
          dz += dd * w;
        }
        const s = ldf64(S, pix);
        const dAl = Ti * dot - s / om;
        stf64(S, pix, s + w * dot);
        stf64(Tb, pix, Ti);
        stf64(wbuf, j, w);
        if (!clamped) {
          const dx = <f64>(x0 + j) + 0.5 - u;
          dop += gj * dAl;
          const gp = -al * dAl;
          da += 0.5 * dx * dx * gp;
          db += dx * dy * gp;
          dc += 0.5 * dy * dy * gp;
          du -= (a * dx + b * dy) * gp;
          dv -= (b * dx + c * dy) * gp;
        }
      }
      // ∂L/∂f += Σ ∂L/∂C · w
      let ch = 0;
      for (; ch < C4; ch += 4) {
        let acc = f32x4.splat(0);
        let ip = ib + (<usize>ch << 2);
        for (let j = kmin; j <= kmax; j++, ip += pixStride) acc = f32x4.add(acc, f32x4.mul(v128.load(ip), f32x4.splat(<f32>ldf64(wbuf, j))));
        stf64(df, ch, ldf64(df, ch) + <f64>f32x4.extract_lane(acc, 0));
        stf64(df, ch + 1, ldf64(df, ch + 1) + <f64>f32x4.extract_lane(acc, 1));
        stf64(df, ch + 2, ldf64(df, ch + 2) + <f64>f32x4.extract_lane(acc, 2));
        stf64(df, ch + 3, ldf64(df, ch + 3) + <f64>f32x4.extract_lane(acc, 3));
      }
      for (; ch < C; ch++) {
        let s: f64 = 0;
        let ip = ib + (<usize>ch << 2);
        for (let j = kmin; j <= kmax; j++, ip += pixStride) s += <f64>load<f32>(ip) * ldf64(wbuf, j);
        stf64(df, ch, ldf64(df, ch) + s);
      }
    }
  }
}
