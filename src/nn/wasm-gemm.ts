/**
 * WebAssembly SIMD (128-bit, f32×4) GEMM kernels for the float32 layers, built at load time
 * from a hand-assembled module (no toolchain, no network). Two kernels:
 *
 *   gemmNN: C[r, c..c+8) = bias[c..c+8) + Σ_l A[r, l]·B[l, c..c+8)   for r < n4 (×4 rows),
 *           c < M8 (×8 columns); A n×L, B L×M, C n×M row-major.
 *   gemmTN: C[m, l..l+8) += Σ_r A[r, m]·B[r, l..l+8)                 for m < M4 (×4), l < L8 (×8);
 *           A rows×M, B rows×L, C M×L row-major.
 *
 * Each keeps a 4×8 block of C in eight v128 registers. The callers in `wasm-linear.ts` copy
 * operands into the module's memory and handle the ragged edges in plain JS.
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

/** A tiny instruction builder for function bodies. */
class Body {
  readonly code: number[] = [];
  get(i: number) { this.code.push(0x20, ...uleb(i)); return this; }
  set(i: number) { this.code.push(0x21, ...uleb(i)); return this; }
  tee(i: number) { this.code.push(0x22, ...uleb(i)); return this; }
  i32(v: number) { this.code.push(0x41, ...sleb(v)); return this; }
  add() { this.code.push(0x6a); return this; }
  mul() { this.code.push(0x6c); return this; }
  shl() { this.code.push(0x74); return this; }
  geS() { this.code.push(0x4e); return this; }
  block() { this.code.push(0x02, 0x40); return this; }
  loop() { this.code.push(0x03, 0x40); return this; }
  end() { this.code.push(0x0b); return this; }
  br(d: number) { this.code.push(0x0c, ...uleb(d)); return this; }
  brIf(d: number) { this.code.push(0x0d, ...uleb(d)); return this; }
  simd(op: number) { this.code.push(0xfd, ...uleb(op)); return this; }
  v128Load(offset = 0) { return this.simd(0x00).mem(2, offset); }
  v128Store(offset = 0) { return this.simd(0x0b).mem(2, offset); }
  loadSplat(offset = 0) { return this.simd(0x09).mem(2, offset); }
  f32x4Add() { return this.simd(0xe4); }
  f32x4Mul() { return this.simd(0xe6); }
  mem(align: number, offset: number) { this.code.push(...uleb(align), ...uleb(offset)); return this; }
  f32x4Sub() { return this.simd(0xe5); }
  f32x4Max() { return this.simd(0xe9); }
  f32x4Gt() { return this.simd(0x44); }
  v128And() { return this.simd(0x4e); }
  f32x4Splat() { return this.simd(0x13); }
  v128Zero() { this.code.push(0xfd, ...uleb(0x0c), ...Array(16).fill(0)); return this; }
  extractLane(l: number) { this.simd(0x1f); this.code.push(l); return this; }
  f32Load(offset = 0) { this.code.push(0x2a); return this.mem(2, offset); }
  f32Store(offset = 0) { this.code.push(0x38); return this.mem(2, offset); }
  f32Add() { this.code.push(0x92); return this; }
  f32Mul() { this.code.push(0x94); return this; }
  f32Div() { this.code.push(0x95); return this; }
  f32Sqrt() { this.code.push(0x91); return this; }
  f32Const(v: number) { const b = new Uint8Array(new Float32Array([v]).buffer); this.code.push(0x43, ...b); return this; }
  ltU() { this.code.push(0x49); return this; }
  select() { this.code.push(0x1b); return this; }
  /** Pushes the f32 sum of the four lanes of local v. */
  hsum(v: number) { return this.get(v).extractLane(0).get(v).extractLane(1).f32Add().get(v).extractLane(2).f32Add().get(v).extractLane(3).f32Add(); }
  /** local[dst] += local[x]·local[y] (f32×4). */
  fma(dst: number, x: number, y: number) { return this.get(dst).get(x).get(y).f32x4Mul().f32x4Add().set(dst); }
  /** local[i] += k (i32). */
  inc(i: number, k: number | { local: number }) {
    this.get(i);
    if (typeof k === 'number') this.i32(k);
    else this.get(k.local);
    return this.add().set(i);
  }
}

function encodeFunction(locals: [number, number][], body: Body): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([count, type]) => [...uleb(count), type])];
  const content = [...decl, ...body.code, 0x0b];
  return [...uleb(content.length), ...content];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

function buildGemmNN(): number[] {
  // params: 0 A, 1 B, 2 C, 3 bias, 4 n4, 5 L, 6 M8, 7 M
  const [A, B, C, BIAS, N4, L, M8, M] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [r, c, l, a0, a1, a2, a3, bp, cp, sA, sC] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const acc = [19, 20, 21, 22, 23, 24, 25, 26];
  const [bv0, bv1, xs] = [27, 28, 29];
  const f = new Body();
  f.get(L).i32(2).shl().set(sA);
  f.get(M).i32(2).shl().set(sC);
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(N4).geS().brIf(1);
  f.i32(0).set(c);
  f.block().loop();
  f.get(c).get(M8).geS().brIf(1);
  // accumulators ← bias
  f.get(BIAS).get(c).i32(2).shl().add().tee(cp).v128Load(0).set(acc[0]!);
  f.get(cp).v128Load(16).set(acc[1]!);
  for (let q = 2; q < 8; q += 2) f.get(acc[0]!).set(acc[q]!).get(acc[1]!).set(acc[q + 1]!);
  f.get(A).get(r).get(sA).mul().add().set(a0);
  f.get(a0).get(sA).add().set(a1);
  f.get(a1).get(sA).add().set(a2);
  f.get(a2).get(sA).add().set(a3);
  f.get(B).get(c).i32(2).shl().add().set(bp);
  f.i32(0).set(l);
  f.block().loop();
  f.get(l).get(L).geS().brIf(1);
  f.get(bp).v128Load(0).set(bv0);
  f.get(bp).v128Load(16).set(bv1);
  [a0, a1, a2, a3].forEach((ap, q) => {
    f.get(ap).loadSplat(0).set(xs);
    f.fma(acc[2 * q]!, xs, bv0).fma(acc[2 * q + 1]!, xs, bv1);
  });
  f.inc(a0, 4).inc(a1, 4).inc(a2, 4).inc(a3, 4).inc(bp, { local: sC }).inc(l, 1);
  f.br(0).end().end();
  // store the 4×8 block
  f.get(C).get(r).get(sC).mul().add().get(c).i32(2).shl().add().set(cp);
  for (let q = 0; q < 4; q++) {
    f.get(cp).get(acc[2 * q]!).v128Store(0);
    f.get(cp).get(acc[2 * q + 1]!).v128Store(16);
    if (q < 3) f.inc(cp, { local: sC });
  }
  f.inc(c, 8).br(0).end().end();
  f.inc(r, 4).br(0).end().end();
  return encodeFunction([[11, I32], [11, V128]], f);
}

function buildGemmTN(): number[] {
  // params: 0 A (rows×M), 1 B (rows×L), 2 C (M×L), 3 rows, 4 M4, 5 L8, 6 M, 7 L
  const [A, B, C, ROWS, M4, L8, M, L] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [m, l, r, ap, bp, cp, sA, sB, cq] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
  const acc = [17, 18, 19, 20, 21, 22, 23, 24];
  const [bv0, bv1, xs] = [25, 26, 27];
  const f = new Body();
  f.get(M).i32(2).shl().set(sA);
  f.get(L).i32(2).shl().set(sB);
  f.i32(0).set(m);
  f.block().loop();
  f.get(m).get(M4).geS().brIf(1);
  f.i32(0).set(l);
  f.block().loop();
  f.get(l).get(L8).geS().brIf(1);
  f.get(C).get(m).get(sB).mul().add().get(l).i32(2).shl().add().set(cp);
  f.get(cp).set(cq);
  for (let q = 0; q < 4; q++) {
    f.get(cq).v128Load(0).set(acc[2 * q]!);
    f.get(cq).v128Load(16).set(acc[2 * q + 1]!);
    if (q < 3) f.inc(cq, { local: sB });
  }
  f.get(A).get(m).i32(2).shl().add().set(ap);
  f.get(B).get(l).i32(2).shl().add().set(bp);
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(ROWS).geS().brIf(1);
  f.get(bp).v128Load(0).set(bv0);
  f.get(bp).v128Load(16).set(bv1);
  for (let q = 0; q < 4; q++) {
    f.get(ap).loadSplat(4 * q).set(xs);
    f.fma(acc[2 * q]!, xs, bv0).fma(acc[2 * q + 1]!, xs, bv1);
  }
  f.inc(ap, { local: sA }).inc(bp, { local: sB }).inc(r, 1);
  f.br(0).end().end();
  f.get(cp).set(cq);
  for (let q = 0; q < 4; q++) {
    f.get(cq).get(acc[2 * q]!).v128Store(0);
    f.get(cq).get(acc[2 * q + 1]!).v128Store(16);
    if (q < 3) f.inc(cq, { local: sB });
  }
  f.inc(l, 8).br(0).end().end();
  f.inc(m, 4).br(0).end().end();
  return encodeFunction([[9, I32], [11, V128]], f);
}


/**
 * gnNormAffineRelu(x, rstd, y, gamma, beta, groupsTotal, C·4, cg·4, eps): for each of the
 * n·G contiguous groups of cg floats: x ← x̂ = (x − μ)/√(σ² + ε), rstd ← 1/√(σ² + ε),
 * y ← max(γ·x̂ + β, 0) (γ, β indexed by channel, wrapping every C). cg must be a multiple of 4.
 */
function buildGnNormAffineRelu(): number[] {
  const [X, RSTD, Y, GAMMA, BETA, T, CB, CGB, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [t, xp, yp, rp, cb, e, p, q, gq, bq] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
  const [mean, rs, invCg] = [19, 20, 21];
  const [acc, meanv, rsv, zero, xh, dv] = [22, 23, 24, 25, 26, 27];
  const f = new Body();
  f.f32Const(4).get(CGB).code.push(0xb3); // f32.convert_i32_s
  f.f32Div().set(invCg); // invCg = 4/(cg·4) = 1/cg
  f.get(X).set(xp).get(Y).set(yp).get(RSTD).set(rp).i32(0).set(cb).i32(0).set(t);
  f.v128Zero().set(zero);
  f.block().loop();
  f.get(t).get(T).geS().brIf(1);
  f.get(xp).get(CGB).add().set(e);
  // pass 1: mean
  f.get(zero).set(acc).get(xp).set(p);
  f.block().loop().get(p).get(e).geS().brIf(1);
  f.get(acc).get(p).v128Load(0).f32x4Add().set(acc).inc(p, 16).br(0).end().end();
  f.hsum(acc).get(invCg).f32Mul().tee(mean).f32x4Splat().set(meanv);
  // pass 2: variance
  f.get(zero).set(acc).get(xp).set(p);
  f.block().loop().get(p).get(e).geS().brIf(1);
  f.get(p).v128Load(0).get(meanv).f32x4Sub().set(dv);
  f.fma(acc, dv, dv).inc(p, 16).br(0).end().end();
  f.f32Const(1).hsum(acc).get(invCg).f32Mul().get(EPS).f32Add().f32Sqrt().f32Div().set(rs);
  f.get(rp).get(rs).f32Store(0).inc(rp, 4);
  f.get(rs).f32x4Splat().set(rsv);
  // pass 3: x̂ and ReLU(γx̂ + β)
  f.get(xp).set(p).get(yp).set(q).get(GAMMA).get(cb).add().set(gq).get(BETA).get(cb).add().set(bq);
  f.block().loop().get(p).get(e).geS().brIf(1);
  f.get(p).v128Load(0).get(meanv).f32x4Sub().get(rsv).f32x4Mul().set(xh);
  f.get(p).get(xh).v128Store(0);
  f.get(q).get(gq).v128Load(0).get(xh).f32x4Mul().get(bq).v128Load(0).f32x4Add().get(zero).f32x4Max().v128Store(0);
  f.inc(p, 16).inc(q, 16).inc(gq, 16).inc(bq, 16).br(0).end().end();
  // next group
  f.get(e).set(xp).inc(yp, { local: CGB }).inc(cb, { local: CGB });
  f.get(cb).i32(0).get(cb).get(CB).ltU().select().set(cb); // cb = cb < C·4 ? cb : 0
  f.inc(t, 1).br(0).end().end();
  void mean;
  return encodeFunction([[10, I32], [3, F32], [6, V128]], f);
}

/**
 * gnBackwardRelu(d, xhat, rstd, gamma, beta, dGamma, dBeta, groupsTotal, C·4, cg·4): GroupNorm
 * backward fused with the following ReLU, in place on d (see GroupNorm.backward with relu).
 */
function buildGnBackwardRelu(): number[] {
  const [D, XH, RSTD, GAMMA, BETA, DG, DB, T, CB, CGB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [t, dp, xp, rp, cb, e, p, xq, gq, bq, dgq, dbq] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  const [invCg] = [22];
  const [m1v, m2v, zero, xh, ga, dv, dxh, m1, m2, rsv] = [23, 24, 25, 26, 27, 28, 29, 30, 31, 32];
  const f = new Body();
  f.f32Const(4).get(CGB).code.push(0xb3);
  f.f32Div().set(invCg);
  f.get(D).set(dp).get(XH).set(xp).get(RSTD).set(rp).i32(0).set(cb).i32(0).set(t);
  f.v128Zero().set(zero);
  f.block().loop();
  f.get(t).get(T).geS().brIf(1);
  f.get(dp).get(CGB).add().set(e);
  f.get(zero).set(m1v).get(zero).set(m2v);
  f.get(dp).set(p).get(xp).set(xq).get(GAMMA).get(cb).add().set(gq).get(BETA).get(cb).add().set(bq);
  f.get(DG).get(cb).add().set(dgq).get(DB).get(cb).add().set(dbq);
  f.block().loop().get(p).get(e).geS().brIf(1);
  f.get(xq).v128Load(0).set(xh).get(gq).v128Load(0).set(ga);
  // d = dy & (γx̂ + β > 0)
  f.get(p).v128Load(0).get(ga).get(xh).f32x4Mul().get(bq).v128Load(0).f32x4Add().get(zero).f32x4Gt().v128And().set(dv);
  f.get(p).get(dv).v128Store(0);
  f.get(dgq).get(dgq).v128Load(0).get(dv).get(xh).f32x4Mul().f32x4Add().v128Store(0);
  f.get(dbq).get(dbq).v128Load(0).get(dv).f32x4Add().v128Store(0);
  f.get(dv).get(ga).f32x4Mul().set(dxh);
  f.get(m1v).get(dxh).f32x4Add().set(m1v);
  f.fma(m2v, dxh, xh);
  f.inc(p, 16).inc(xq, 16).inc(gq, 16).inc(bq, 16).inc(dgq, 16).inc(dbq, 16).br(0).end().end();
  f.hsum(m1v).get(invCg).f32Mul().f32x4Splat().set(m1);
  f.hsum(m2v).get(invCg).f32Mul().f32x4Splat().set(m2);
  f.get(rp).f32Load(0).f32x4Splat().set(rsv).inc(rp, 4);
  f.get(dp).set(p).get(xp).set(xq).get(GAMMA).get(cb).add().set(gq);
  f.block().loop().get(p).get(e).geS().brIf(1);
  // dx = rs·(d·γ − m1 − x̂·m2)
  f.get(p).get(rsv).get(p).v128Load(0).get(gq).v128Load(0).f32x4Mul().get(m1).f32x4Sub();
  f.get(xq).v128Load(0).get(m2).f32x4Mul().f32x4Sub().f32x4Mul().v128Store(0);
  f.inc(p, 16).inc(xq, 16).inc(gq, 16).br(0).end().end();
  f.get(e).set(dp).inc(xp, { local: CGB }).inc(cb, { local: CGB });
  f.get(cb).i32(0).get(cb).get(CB).ltU().select().set(cb);
  f.inc(t, 1).br(0).end().end();
  return encodeFunction([[12, I32], [1, F32], [10, V128]], f);
}

/** affineRelu(xhat, y, gamma, beta, n·C·4 (bytes), C·4): y = max(γ·x̂ + β, 0) per channel. */
function buildAffineRelu(): number[] {
  const [XH, Y, GAMMA, BETA, NB, CB] = [0, 1, 2, 3, 4, 5];
  const [p, q, e, cb] = [6, 7, 8, 9];
  const [zero] = [10];
  const f = new Body();
  f.v128Zero().set(zero);
  f.get(XH).set(p).get(Y).set(q).get(XH).get(NB).add().set(e).i32(0).set(cb);
  f.block().loop().get(p).get(e).geS().brIf(1);
  f.get(q).get(GAMMA).get(cb).add().v128Load(0).get(p).v128Load(0).f32x4Mul().get(BETA).get(cb).add().v128Load(0).f32x4Add().get(zero).f32x4Max().v128Store(0);
  f.inc(p, 16).inc(q, 16).inc(cb, 16);
  f.get(cb).i32(0).get(cb).get(CB).ltU().select().set(cb);
  f.br(0).end().end();
  return encodeFunction([[4, I32], [1, V128]], f);
}

/**
 * gauss11(src, tmp, dst, W4, H, win): separable 11-tap filter of a zero-padded plane.
 * src is (H+10)×(W4+10) with the image at rows/columns 5…, zeros around (so no bounds checks);
 * tmp is (H+10)×W4; dst is H×W4; win holds 11 f32 weights. W4 is the width rounded up to 4.
 */
function buildGauss11(): number[] {
  const [SRC, TMP, DST, W4, H, WIN] = [0, 1, 2, 3, 4, 5];
  const [row, x, p, q, rowsH, ws, rowEnd] = [6, 7, 8, 9, 10, 11, 12];
  const w = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const [acc] = [24];
  const f = new Body();
  for (let t = 0; t < 11; t++) f.get(WIN).loadSplat(4 * t).set(w[t]!);
  f.get(W4).i32(10).add().i32(2).shl().set(ws); // source row stride in bytes
  f.get(H).i32(10).add().set(rowsH);
  // horizontal pass over all H+10 rows
  f.i32(0).set(row);
  f.block().loop().get(row).get(rowsH).geS().brIf(1);
  f.get(SRC).get(row).get(ws).mul().add().set(p);
  f.get(TMP).get(row).get(W4).i32(2).shl().mul().add().set(q);
  f.get(q).get(W4).i32(2).shl().add().set(rowEnd);
  f.block().loop().get(q).get(rowEnd).geS().brIf(1);
  f.get(w[0]!).get(p).v128Load(0).f32x4Mul().set(acc);
  for (let t = 1; t < 11; t++) f.get(acc).get(w[t]!).get(p).v128Load(4 * t).f32x4Mul().f32x4Add().set(acc);
  f.get(q).get(acc).v128Store(0);
  f.inc(p, 16).inc(q, 16).br(0).end().end();
  f.inc(row, 1).br(0).end().end();
  // vertical pass: H output rows
  f.get(W4).i32(2).shl().set(ws); // tmp row stride in bytes
  f.i32(0).set(row);
  f.block().loop().get(row).get(H).geS().brIf(1);
  f.get(TMP).get(row).get(ws).mul().add().set(p);
  f.get(DST).get(row).get(ws).mul().add().set(q);
  f.get(q).get(ws).add().set(rowEnd);
  f.block().loop().get(q).get(rowEnd).geS().brIf(1);
  f.get(w[0]!).get(p).v128Load(0).f32x4Mul().set(acc);
  for (let t = 1; t < 11; t++) {
    f.get(acc).get(w[t]!).get(p).get(ws).i32(t).mul().add().v128Load(0).f32x4Mul().f32x4Add().set(acc);
  }
  f.get(q).get(acc).v128Store(0);
  f.inc(p, 16).inc(q, 16).br(0).end().end();
  f.inc(row, 1).br(0).end().end();
  void x;
  return encodeFunction([[7, I32], [12, V128]], f);
}

/** The module bytes: imports `env.mem`, exports `gemmNN`, `gemmTN`, `gnNormAffineRelu`, `gnBackwardRelu`, `affineRelu`. */
export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
  const type = section(1, [
    4,
    0x60, 8, ...Array(8).fill(I32), 0, // 0: gemm
    0x60, 9, ...Array(8).fill(I32), F32, 0, // 1: gnNormAffineRelu
    0x60, 10, ...Array(10).fill(I32), 0, // 2: gnBackwardRelu
    0x60, 6, ...Array(6).fill(I32), 0, // 3: affineRelu and gauss11
  ]);
  const imports = section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, ...uleb(1)]);
  const funcs = section(3, [6, 0, 0, 1, 2, 3, 3]);
  const exports = section(7, [
    6,
    ...name('gemmNN'), 0x00, 0,
    ...name('gemmTN'), 0x00, 1,
    ...name('gnNormAffineRelu'), 0x00, 2,
    ...name('gnBackwardRelu'), 0x00, 3,
    ...name('affineRelu'), 0x00, 4,
    ...name('gauss11'), 0x00, 5,
  ]);
  const code = section(10, [6, ...buildGemmNN(), ...buildGemmTN(), ...buildGnNormAffineRelu(), ...buildGnBackwardRelu(), ...buildAffineRelu(), ...buildGauss11()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}

/** The instantiated kernels and their memory. */
export interface GemmWasm {
  memory: WebAssembly.Memory;
  gemmNN: (A: number, B: number, C: number, bias: number, n4: number, L: number, M8: number, M: number) => void;
  gemmTN: (A: number, B: number, C: number, rows: number, M4: number, L8: number, M: number, L: number) => void;
  gnNormAffineRelu: (x: number, rstd: number, y: number, gamma: number, beta: number, groups: number, cBytes: number, cgBytes: number, eps: number) => void;
  gnBackwardRelu: (d: number, xhat: number, rstd: number, gamma: number, beta: number, dGamma: number, dBeta: number, groups: number, cBytes: number, cgBytes: number) => void;
  affineRelu: (xhat: number, y: number, gamma: number, beta: number, bytes: number, cBytes: number) => void;
  gauss11: (src: number, tmp: number, dst: number, w4: number, h: number, win: number) => void;
}

let cached: GemmWasm | null | undefined;

/** Warm-up calls at instantiation (see gemmWasm). */
const WARMUP_CALLS = 300;

/** Instantiates the kernels once (synchronously); null where WebAssembly SIMD is unavailable. */
export function gemmWasm(): GemmWasm | null {
  if (cached !== undefined) return cached;
  try {
    const bytes = gemmModuleBytes();
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
    const ex = instance.exports as unknown as Omit<GemmWasm, 'memory'>;
    cached = { memory, ...ex };
    // V8 runs new wasm code in its baseline tier first and only optimises functions that have
    // done enough work; a few hundred tiny calls (~20 ms) get both kernels optimised before the
    // first large product (measured: first 40k×128×128 call 330–470 ms cold, 120 ms warmed).
    // Offsets below stay inside the 2 pages (128 KiB) the memory has at this point.
    memory.grow(1);
    for (let i = 0; i < WARMUP_CALLS; i++) {
      ex.gemmNN(0, 16384, 32768, 0, 32, 32, 32, 32);
      ex.gemmTN(0, 16384, 32768, 32, 32, 32, 32, 32);
      ex.gauss11(40000, 44000, 48000, 16, 16, 52000);
      ex.gnNormAffineRelu(0, 56000, 16384, 60000, 60512, 16, 512, 128, 1e-5);
      ex.gnBackwardRelu(0, 16384, 56000, 60000, 60512, 61024, 61536, 16, 512, 128);
      ex.affineRelu(0, 16384, 60000, 60512, 2048, 512);
    }
    new Uint8Array(memory.buffer).fill(0);
  } catch {
    cached = null;
  }
  return cached;
}
