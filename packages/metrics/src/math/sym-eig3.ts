/**
 * Eigen-decomposition helpers for symmetric 3×3 matrices stored as
 * `[xx, yy, zz, xy, xz, yz]`. Closed form (Smith 1961), no allocation: callers pass the output.
 */

/** Eigenvalues, descending, written to `out[0..2]`. */
export function symEigenvalues3(m: Float64Array, out: Float64Array): void {
  const a00 = m[0]!;
  const a11 = m[1]!;
  const a22 = m[2]!;
  const a01 = m[3]!;
  const a02 = m[4]!;
  const a12 = m[5]!;
  const p1 = a01 * a01 + a02 * a02 + a12 * a12;
  const q = (a00 + a11 + a22) / 3;
  const d0 = a00 - q;
  const d1 = a11 - q;
  const d2 = a22 - q;
  const p2 = d0 * d0 + d1 * d1 + d2 * d2 + 2 * p1;
  if (p2 <= 1e-300) {
    out[0] = q;
    out[1] = q;
    out[2] = q;
    return;
  }
  const p = Math.sqrt(p2 / 6);
  const inv = 1 / p;
  const b00 = d0 * inv;
  const b11 = d1 * inv;
  const b22 = d2 * inv;
  const b01 = a01 * inv;
  const b02 = a02 * inv;
  const b12 = a12 * inv;
  const det = b00 * (b11 * b22 - b12 * b12) - b01 * (b01 * b22 - b12 * b02) + b02 * (b01 * b12 - b11 * b02);
  let r = det / 2;
  if (r < -1) r = -1;
  else if (r > 1) r = 1;
  const phi = Math.acos(r) / 3;
  const l1 = q + 2 * p * Math.cos(phi);
  const l3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
  out[0] = l1;
  out[1] = 3 * q - l1 - l3;
  out[2] = l3;
}

/**
 * Unit eigenvector of `m` for eigenvalue `lambda`, written to `out[0..2]`:
 * the largest cross product of two rows of (m − λI). Returns false when the eigenvalue is degenerate.
 */
export function symEigenvector3(m: Float64Array, lambda: number, out: Float64Array): boolean {
  const r0x = m[0]! - lambda;
  const r0y = m[3]!;
  const r0z = m[4]!;
  const r1x = m[3]!;
  const r1y = m[1]! - lambda;
  const r1z = m[5]!;
  const r2x = m[4]!;
  const r2y = m[5]!;
  const r2z = m[2]! - lambda;
  // Three candidate cross products; the longest is the best conditioned.
  const ax = r0y * r1z - r0z * r1y;
  const ay = r0z * r1x - r0x * r1z;
  const az = r0x * r1y - r0y * r1x;
  const bx = r0y * r2z - r0z * r2y;
  const by = r0z * r2x - r0x * r2z;
  const bz = r0x * r2y - r0y * r2x;
  const cx = r1y * r2z - r1z * r2y;
  const cy = r1z * r2x - r1x * r2z;
  const cz = r1x * r2y - r1y * r2x;
  const na = ax * ax + ay * ay + az * az;
  const nb = bx * bx + by * by + bz * bz;
  const nc = cx * cx + cy * cy + cz * cz;
  let x = ax;
  let y = ay;
  let z = az;
  let n = na;
  if (nb > n) {
    x = bx;
    y = by;
    z = bz;
    n = nb;
  }
  if (nc > n) {
    x = cx;
    y = cy;
    z = cz;
    n = nc;
  }
  const scale = m[0]! * m[0]! + m[1]! * m[1]! + m[2]! * m[2]! + 1e-300;
  if (!(n > 1e-20 * scale * scale)) return false;
  const inv = 1 / Math.sqrt(n);
  out[0] = x * inv;
  out[1] = y * inv;
  out[2] = z * inv;
  return true;
}
