// SPDX-License-Identifier: Apache-2.0
/**
 * Matrix product kernels in AssemblyScript, compiled to WebAssembly with
 * 128-bit SIMD by scripts/build-wasm.mjs.
 *
 * C (m × n, row stride ldc) = op(A) · op(B), where element (i, p) of op(A)
 * is at a + (i * ars + p * aps) and element (p, j) of op(B) at
 * b + (p * bps + j * bjs), in elements: any transpose is a choice of
 * strides. The loops follow the usual blocked scheme: a KC × NC block of B
 * and an MC × KC block of A are copied ("packed") into the workspace in the
 * order the micro-kernel reads them, and the micro-kernel computes an
 * MR × NR tile of C in registers, one step of p at a time.
 *
 * float32: MR × NR = 4 × 8 (eight f32x4 accumulators); float64: 4 × 4
 * (eight f64x2 accumulators). Built with relaxed SIMD, the multiply-adds
 * are `relaxed_madd` (fused where the machine has it).
 *
 * Memory is managed by the caller: no allocation happens here, and no
 * static data is written. The workspace must hold `workspaceBytes()`
 * bytes, 16-byte aligned; calls running at the same time on one shared
 * memory need separate workspaces and must not write the same rows of C.
 */

// float32 blocking.
const SMR: i32 = 4;
const SNR: i32 = 8;
const SKC: i32 = 256;
const SMC: i32 = 128;
const SNC: i32 = 2048;
// float64 blocking.
const DMR: i32 = 4;
const DNR: i32 = 4;
const DKC: i32 = 256;
const DMC: i32 = 64;
const DNC: i32 = 2048;

/** Bytes of the tile for edge blocks, at the end of the workspace. */
const TILE_BYTES: i32 = 1024;

/**
 * Bytes of workspace either product needs: the packed A block, the packed
 * B block and a tile for edge blocks. There is no static scratch, so
 * instances sharing one memory (threads) only need separate workspaces.
 */
export function workspaceBytes(): i32 {
  const s = (SMC * SKC + SKC * SNC) * 4;
  const d = (DMC * DKC + DKC * DNC) * 8;
  return (s > d ? s : d) + TILE_BYTES;
}

@inline
function madd4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@inline
function madd2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

@inline
function imin(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

// ---------------------------------------------------------------- float32

/** Packs rows [0, mc) × cols [0, kc) of A into panels of SMR rows. */
function packAF32(a: usize, ars: i32, aps: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += SMR) {
    const mr = imin(SMR, mc - ir);
    const row = a + <usize>(ir * ars) * 4;
    for (let p = 0; p < kc; p++) {
      const src = row + <usize>(p * aps) * 4;
      for (let r = 0; r < SMR; r++) {
        const v: f32 = r < mr ? load<f32>(src + <usize>(r * ars) * 4) : 0;
        store<f32>(dst + <usize>r * 4, v);
      }
      dst += SMR * 4;
    }
  }
}

/** Packs rows [0, kc) × cols [0, nc) of B into panels of SNR columns. */
function packBF32(b: usize, bps: i32, bjs: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += SNR) {
    const nr = imin(SNR, nc - jr);
    const col = b + <usize>(jr * bjs) * 4;
    if (nr == SNR && bjs == 1) {
      for (let p = 0; p < kc; p++) {
        const src = col + <usize>(p * bps) * 4;
        for (let v = 0; v < SNR; v += 4) {
          v128.store(dst + <usize>v * 4, v128.load(src + <usize>v * 4));
        }
        dst += SNR * 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < SNR; c++) {
          const v: f32 = c < nr ? load<f32>(col + <usize>(p * bps + c * bjs) * 4) : 0;
          store<f32>(dst + <usize>c * 4, v);
        }
        dst += SNR * 4;
      }
    }
  }
}

/** C[4 × 8] (+)= packed A panel · packed B panel. ldc in bytes. */
function kernelF32(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd4(a, b0, c00);
    c01 = madd4(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd4(a, b0, c10);
    c11 = madd4(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd4(a, b0, c20);
    c21 = madd4(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd4(a, b0, c30);
    c31 = madd4(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** C = op(A) · op(B) in float32; see the file comment for the strides. */
export function gemmF32(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, aps: i32,
  b: usize, bps: i32, bjs: i32,
  c: usize, ldc: i32,
  work: usize,
): void {
  const pA = work;
  const pB = work + <usize>(SMC * SKC) * 4;
  const tile = pB + <usize>(SKC * SNC) * 4;
  for (let jc = 0; jc < n; jc += SNC) {
    const nc = imin(SNC, n - jc);
    for (let pc = 0; pc < k; pc += SKC) {
      const kc = imin(SKC, k - pc);
      const add = pc > 0;
      packBF32(b + <usize>(pc * bps + jc * bjs) * 4, bps, bjs, kc, nc, pB);
      for (let ic = 0; ic < m; ic += SMC) {
        const mc = imin(SMC, m - ic);
        packAF32(a + <usize>(ic * ars + pc * aps) * 4, ars, aps, mc, kc, pA);
        for (let jr = 0; jr < nc; jr += SNR) {
          const nr = imin(SNR, nc - jr);
          const pb = pB + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += SMR) {
            const mr = imin(SMR, mc - ir);
            const pa = pA + <usize>(ir * kc) * 4;
            const cp = c + <usize>((ic + ir) * ldc + jc + jr) * 4;
            if (mr == SMR && nr == SNR) {
              kernelF32(kc, pa, pb, cp, <usize>ldc * 4, add);
            } else {
              kernelF32(kc, pa, pb, tile, <usize>SNR * 4, false);
              for (let r = 0; r < mr; r++) {
                for (let q = 0; q < nr; q++) {
                  const d = cp + <usize>(r * ldc + q) * 4;
                  const v = load<f32>(tile + <usize>(r * SNR + q) * 4);
                  store<f32>(d, add ? load<f32>(d) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- float64

/** Packs rows [0, mc) × cols [0, kc) of A into panels of DMR rows. */
function packAF64(a: usize, ars: i32, aps: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += DMR) {
    const mr = imin(DMR, mc - ir);
    const row = a + <usize>(ir * ars) * 8;
    for (let p = 0; p < kc; p++) {
      const src = row + <usize>(p * aps) * 8;
      for (let r = 0; r < DMR; r++) {
        const v: f64 = r < mr ? load<f64>(src + <usize>(r * ars) * 8) : 0;
        store<f64>(dst + <usize>r * 8, v);
      }
      dst += DMR * 8;
    }
  }
}

/** Packs rows [0, kc) × cols [0, nc) of B into panels of DNR columns. */
function packBF64(b: usize, bps: i32, bjs: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += DNR) {
    const nr = imin(DNR, nc - jr);
    const col = b + <usize>(jr * bjs) * 8;
    if (nr == DNR && bjs == 1) {
      for (let p = 0; p < kc; p++) {
        const src = col + <usize>(p * bps) * 8;
        for (let v = 0; v < DNR; v += 2) {
          v128.store(dst + <usize>v * 8, v128.load(src + <usize>v * 8));
        }
        dst += DNR * 8;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < DNR; c++) {
          const v: f64 = c < nr ? load<f64>(col + <usize>(p * bps + c * bjs) * 8) : 0;
          store<f64>(dst + <usize>c * 8, v);
        }
        dst += DNR * 8;
      }
    }
  }
}

/** C[4 × 4] (+)= packed A panel · packed B panel. ldc in bytes. */
function kernelF64(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f64x2.splat(0);
  let c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0);
  let c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0);
  let c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0);
  let c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = madd2(a, b0, c00);
    c01 = madd2(a, b1, c01);
    a = v128.load64_splat(pa, 8);
    c10 = madd2(a, b0, c10);
    c11 = madd2(a, b1, c11);
    a = v128.load64_splat(pa, 16);
    c20 = madd2(a, b0, c20);
    c21 = madd2(a, b1, c21);
    a = v128.load64_splat(pa, 24);
    c30 = madd2(a, b0, c30);
    c31 = madd2(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  if (add) {
    c00 = f64x2.add(c00, v128.load(c));
    c01 = f64x2.add(c01, v128.load(c, 16));
    c10 = f64x2.add(c10, v128.load(c + ldc));
    c11 = f64x2.add(c11, v128.load(c + ldc, 16));
    c20 = f64x2.add(c20, v128.load(c + 2 * ldc));
    c21 = f64x2.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f64x2.add(c30, v128.load(c + 3 * ldc));
    c31 = f64x2.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** C = op(A) · op(B) in float64; see the file comment for the strides. */
export function gemmF64(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, aps: i32,
  b: usize, bps: i32, bjs: i32,
  c: usize, ldc: i32,
  work: usize,
): void {
  const pA = work;
  const pB = work + <usize>(DMC * DKC) * 8;
  const tile = pB + <usize>(DKC * DNC) * 8;
  for (let jc = 0; jc < n; jc += DNC) {
    const nc = imin(DNC, n - jc);
    for (let pc = 0; pc < k; pc += DKC) {
      const kc = imin(DKC, k - pc);
      const add = pc > 0;
      packBF64(b + <usize>(pc * bps + jc * bjs) * 8, bps, bjs, kc, nc, pB);
      for (let ic = 0; ic < m; ic += DMC) {
        const mc = imin(DMC, m - ic);
        packAF64(a + <usize>(ic * ars + pc * aps) * 8, ars, aps, mc, kc, pA);
        for (let jr = 0; jr < nc; jr += DNR) {
          const nr = imin(DNR, nc - jr);
          const pb = pB + <usize>(jr * kc) * 8;
          for (let ir = 0; ir < mc; ir += DMR) {
            const mr = imin(DMR, mc - ir);
            const pa = pA + <usize>(ir * kc) * 8;
            const cp = c + <usize>((ic + ir) * ldc + jc + jr) * 8;
            if (mr == DMR && nr == DNR) {
              kernelF64(kc, pa, pb, cp, <usize>ldc * 8, add);
            } else {
              kernelF64(kc, pa, pb, tile, <usize>DNR * 8, false);
              for (let r = 0; r < mr; r++) {
                for (let q = 0; q < nr; q++) {
                  const d = cp + <usize>(r * ldc + q) * 8;
                  const v = load<f64>(tile + <usize>(r * DNR + q) * 8);
                  store<f64>(d, add ? load<f64>(d) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/** Where the caller's memory may start (past this module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
