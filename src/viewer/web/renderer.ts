/**
 * WebGL2 renderer for isotropic Gaussian avatars with skinning on the GPU.
 * Per-Gaussian data lives in one RGBA32F texture (src/viewer/splatTexture.ts); the vertex shader adds the
 * pose-driven offsets (anchor texture, spread by each Gaussian's anchor weights), applies linear blend
 * skinning with the per-frame joint matrices (from src/avatar/pose.ts skinningMatrices), projects, and
 * draws one point sprite of radius 3σ' px where σ' = sqrt((σ·f/z)² + 0.3) (the 3DGS low-pass); isotropic
 * Gaussians project to circles, so a sprite needs one vertex per Gaussian where a quad needs four (with
 * software GL the vertex work dominated: measured in docs/viewer.md). Sprites are drawn back-to-front in
 * the order given by the sort worker, premultiplied alpha.
 */
import { ANCHOR_TEXTURE_WIDTH, packAnchorOffsets, type SplatLayout } from '../splatTexture.js';

/** Vertex shader; `LAYOUT_DECL` becomes either #defines of the texel layout (constant loop bounds) or uniforms. */
const VERT = `#version 300 es
precision highp float; precision highp int; precision highp sampler2D;
LAYOUT_DECL
layout(location = 1) in uint aSplat;
uniform sampler2D uSplats;
uniform sampler2D uJoints;
uniform sampler2D uAnchors;
uniform bool uOffsets;
uniform mat4 uView, uProj;
uniform float uFocal;
uniform float uMaxPoint;
out vec3 vColor;
out float vOpacity;
out float vRadius;
vec4 fetchT(int t) { return texelFetch(uSplats, ivec2(t % uRowTexels, t / uRowTexels), 0); }
void main() {
  int base = int(aSplat) * uStride;
  vec4 ms = fetchT(base);
  vec4 co = fetchT(base + 1);
  vec3 x = ms.xyz;
  if (uOffsets) {
    for (int t = 0; t < uAncTexels; t++) {
      vec4 ai = fetchT(base + uAnc + t), aw = fetchT(base + uAncW + t);
      for (int c = 0; c < 4; c++) {
        if (aw[c] != 0.0) {
          int a = int(ai[c]);
          x += aw[c] * texelFetch(uAnchors, ivec2(a % ${ANCHOR_TEXTURE_WIDTH}, a / ${ANCHOR_TEXTURE_WIDTH}), 0).xyz;
        }
      }
    }
  }
  vec4 xh = vec4(x, 1.0);
  vec3 p = vec3(0.0);
  for (int t = 0; t < uSkinTexels; t++) {
    vec4 ji = fetchT(base + uSkinJ + t), jw = fetchT(base + uSkinW + t);
    for (int c = 0; c < 4; c++) {
      float w = jw[c];
      if (w != 0.0) {
        int j = int(ji[c]) * 3;
        p += w * vec3(dot(texelFetch(uJoints, ivec2(j, 0), 0), xh), dot(texelFetch(uJoints, ivec2(j + 1, 0), 0), xh),
                      dot(texelFetch(uJoints, ivec2(j + 2, 0), 0), xh));
      }
    }
  }
  vec4 v = uView * vec4(p, 1.0);
  float z = -v.z;
  if (z < 0.02 || co.a < 0.004) { gl_Position = vec4(0.0, 0.0, 2.0, 1.0); return; }
  float sigPx = sqrt(ms.w * ms.w * uFocal * uFocal / (z * z) + 0.3);
  gl_Position = uProj * v;
  gl_PointSize = min(6.0 * sigPx, uMaxPoint);
  vRadius = 0.5 * gl_PointSize / sigPx; // sprite half-width in units of σ' (3 unless clamped)
  vColor = co.rgb;
  vOpacity = co.a;
}`;

const LAYOUT_NAMES = ['uStride', 'uRowTexels', 'uSkinJ', 'uSkinW', 'uSkinTexels', 'uAnc', 'uAncW', 'uAncTexels'] as const;

/** The layout as compile-time constants (lets the GLSL compiler unroll the skinning/anchor loops) or uniforms. */
function layoutDecl(layout: SplatLayout, constants: boolean): string {
  if (!constants) return `uniform int ${LAYOUT_NAMES.join(', ')};`;
  const v = [layout.stride, layout.rowTexels, layout.skinJointTexel, layout.skinWeightTexel, layout.skinTexels, layout.anchorTexel, layout.anchorWeightTexel, layout.anchorTexels];
  return LAYOUT_NAMES.map((n, i) => `#define ${n} ${v[i]}`).join('\n');
}

const FRAG = `#version 300 es
precision highp float;
in vec3 vColor;
in float vOpacity;
in float vRadius;
out vec4 outColor;
void main() {
  vec2 uv = (gl_PointCoord * 2.0 - 1.0) * vRadius; // offset from the centre in units of σ'
  float a = vOpacity * exp(-0.5 * dot(uv, uv));
  if (a < 1.0 / 255.0) discard;
  outColor = vec4(vColor * a, a);
}`;

/** Camera matrices for one draw (column-major, OpenGL clip conventions). */
export interface DrawCamera {
  view: Float32Array;
  proj: Float32Array;
  /** Focal length in pixels (vertical). */
  focal: number;
}

function compile(gl: WebGL2RenderingContext, type: number, src: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(s)}`);
  return s;
}

function dataTexture(gl: WebGL2RenderingContext, width: number, height: number, data: Float32Array | null): WebGLTexture {
  const t = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, width, height, 0, gl.RGBA, gl.FLOAT, data);
  return t;
}

/** The splat renderer of one avatar on one canvas. */
export class SplatRenderer {
  readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private readonly vao: WebGLVertexArrayObject;
  private readonly orderBuffer: WebGLBuffer;
  private readonly splatTex: WebGLTexture;
  private readonly jointTex: WebGLTexture;
  private readonly anchorTex: WebGLTexture;
  private readonly jointData: Float32Array;
  private anchorData: Float32Array;
  private readonly uniforms: Record<string, WebGLUniformLocation | null> = {};
  private readonly count: number;
  private readonly hasAnchors: boolean;
  /** Largest point sprite the GL draws (px). */
  readonly maxPoint: number;
  /** Background colour (linear RGB as stored; the canvas shows it directly). */
  background: [number, number, number] = [0.13, 0.135, 0.15];

  /** `constantLayout: false` passes the texel layout as uniforms instead of #defines (for A/B measurements). */
  constructor(canvas: HTMLCanvasElement, layout: SplatLayout, data: Float32Array, count: number, jointCount: number, anchorCount: number,
    options: { constantLayout?: boolean } = {}) {
    const gl = canvas.getContext('webgl2', { antialias: false, alpha: false, premultipliedAlpha: false, preserveDrawingBuffer: true });
    if (!gl) throw new Error('This browser has no WebGL2, which the viewer needs.');
    this.gl = gl;
    this.count = count;
    this.hasAnchors = anchorCount > 0 && layout.anchorTexels > 0;
    this.maxPoint = (gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE) as Float32Array)[1]!;
    const prog = gl.createProgram()!;
    gl.attachShader(prog, compile(gl, gl.VERTEX_SHADER, VERT.replace('LAYOUT_DECL', layoutDecl(layout, options.constantLayout ?? true))));
    gl.attachShader(prog, compile(gl, gl.FRAGMENT_SHADER, FRAG));
    gl.linkProgram(prog);
    if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`link: ${gl.getProgramInfoLog(prog)}`);
    this.program = prog;
    for (const name of ['uSplats', 'uJoints', 'uAnchors', 'uStride', 'uRowTexels', 'uSkinJ', 'uSkinW', 'uSkinTexels', 'uAnc', 'uAncW', 'uAncTexels',
      'uOffsets', 'uView', 'uProj', 'uFocal', 'uMaxPoint'])
      this.uniforms[name] = gl.getUniformLocation(prog, name);

    this.vao = gl.createVertexArray()!;
    gl.bindVertexArray(this.vao);
    this.orderBuffer = gl.createBuffer()!;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.orderBuffer);
    const identity = new Uint32Array(count);
    for (let i = 0; i < count; i++) identity[i] = i;
    gl.bufferData(gl.ARRAY_BUFFER, identity, gl.DYNAMIC_DRAW);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribIPointer(1, 1, gl.UNSIGNED_INT, 0, 0);
    gl.bindVertexArray(null);

    this.splatTex = dataTexture(gl, layout.width, layout.height, data);
    this.jointData = new Float32Array(jointCount * 3 * 4);
    this.jointTex = dataTexture(gl, jointCount * 3, 1, null);
    this.anchorData = packAnchorOffsets(new Float32Array(Math.max(1, anchorCount) * 3));
    this.anchorTex = dataTexture(gl, ANCHOR_TEXTURE_WIDTH, this.anchorData.length / 4 / ANCHOR_TEXTURE_WIDTH, this.anchorData);

    gl.useProgram(prog);
    const u = this.uniforms;
    gl.uniform1i(u.uSplats!, 0); gl.uniform1i(u.uJoints!, 1); gl.uniform1i(u.uAnchors!, 2);
    gl.uniform1i(u.uStride!, layout.stride); gl.uniform1i(u.uRowTexels!, layout.rowTexels);
    gl.uniform1i(u.uSkinJ!, layout.skinJointTexel); gl.uniform1i(u.uSkinW!, layout.skinWeightTexel); gl.uniform1i(u.uSkinTexels!, layout.skinTexels);
    gl.uniform1i(u.uAnc!, layout.anchorTexel); gl.uniform1i(u.uAncW!, layout.anchorWeightTexel); gl.uniform1i(u.uAncTexels!, layout.anchorTexels);
    gl.uniform1i(u.uOffsets!, 0);
  }

  /** Re-uploads the packed per-Gaussian texture (same layout), e.g. after expression offsets changed the canonical means. */
  setSplatData(layout: SplatLayout, data: Float32Array): void {
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.splatTex);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, layout.width, layout.height, gl.RGBA, gl.FLOAT, data);
  }

  /** Uploads the J×12 skinning matrices (3×4 row-major each) for this frame. */
  setJoints(skin: ArrayLike<number>): void {
    this.jointData.set(skin as ArrayLike<number>);
    const gl = this.gl;
    gl.bindTexture(gl.TEXTURE_2D, this.jointTex);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, this.jointData.length / 4, 1, gl.RGBA, gl.FLOAT, this.jointData);
  }

  /** Uploads A×3 anchor offsets (metres), or turns offsets off with null. */
  setAnchorOffsets(offsets: Float32Array | null): void {
    const gl = this.gl;
    gl.useProgram(this.program);
    gl.uniform1i(this.uniforms.uOffsets!, offsets && this.hasAnchors ? 1 : 0);
    if (!offsets || !this.hasAnchors) return;
    this.anchorData = packAnchorOffsets(offsets, this.anchorData);
    gl.bindTexture(gl.TEXTURE_2D, this.anchorTex);
    gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, ANCHOR_TEXTURE_WIDTH, this.anchorData.length / 4 / ANCHOR_TEXTURE_WIDTH, gl.RGBA, gl.FLOAT, this.anchorData);
  }

  /** Replaces the draw order (N indices, back-to-front). */
  setOrder(order: Uint32Array): void {
    const gl = this.gl;
    gl.bindBuffer(gl.ARRAY_BUFFER, this.orderBuffer);
    gl.bufferSubData(gl.ARRAY_BUFFER, 0, order);
  }

  /** Draws one frame into the canvas (its current drawing-buffer size). */
  draw(cam: DrawCamera): void {
    const gl = this.gl;
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    gl.viewport(0, 0, w, h);
    gl.clearColor(this.background[0], this.background[1], this.background[2], 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.disable(gl.DEPTH_TEST);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.useProgram(this.program);
    const u = this.uniforms;
    gl.uniformMatrix4fv(u.uView!, false, cam.view);
    gl.uniformMatrix4fv(u.uProj!, false, cam.proj);
    gl.uniform1f(u.uMaxPoint!, this.maxPoint);
    gl.uniform1f(u.uFocal!, cam.focal);
    gl.activeTexture(gl.TEXTURE0); gl.bindTexture(gl.TEXTURE_2D, this.splatTex);
    gl.activeTexture(gl.TEXTURE1); gl.bindTexture(gl.TEXTURE_2D, this.jointTex);
    gl.activeTexture(gl.TEXTURE2); gl.bindTexture(gl.TEXTURE_2D, this.anchorTex);
    gl.bindVertexArray(this.vao);
    gl.drawArrays(gl.POINTS, 0, this.count);
    gl.bindVertexArray(null);
  }
}
