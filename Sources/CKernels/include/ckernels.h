#ifndef ARRCOC_CKERNELS_H
#define ARRCOC_CKERNELS_H

#include <stddef.h>

/// Whether this CPU (and the operating system) runs AVX2 code: checked once, at run time.
int arrcoc_has_avx2(void);

/// Rows [row0, row1) × columns [col0, col1) of y = a · b, with a `rows × d` and b `d × k`,
/// row-major, y `rows × k`; row1 − row0 a multiple of 4 (any columns: the last 1–7 through a
/// padded buffer, no memory beyond them touched). Each element is
/// 0 + a₀·b₀, then + a₁·b₁, … in ascending order, each product and each sum rounded on its own
/// (`_mm256_mul_ps`, `_mm256_add_ps`; no fused multiply-add): bit for bit what the portable
/// Swift loop and the reference BLAS compute. Call only when `arrcoc_has_avx2()`.
void arrcoc_product_block_avx2(const float *a, const float *b, float *y, ptrdiff_t d, ptrdiff_t k,
                               ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t col0, ptrdiff_t col1);

#endif
