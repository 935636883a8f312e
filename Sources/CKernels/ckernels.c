#include "ckernels.h"

#include <stdlib.h>
#include <string.h>

// Products and sums must round one at a time: no contraction into fused multiply-adds, whatever
// flags are added (the target compiles with -ffp-contract=off as well), and no fast math.
#if defined(__FAST_MATH__)
#error "CKernels must not be compiled with fast math: the products must round as the reference BLAS"
#endif
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__)
#include <immintrin.h>

int arrcoc_has_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

// Compiled for AVX2 (no "fma" target); the pragma and -ffp-contract=off keep products and sums apart.
__attribute__((target("avx2")))
void arrcoc_product_block_avx2(const float *a, const float *b, float *y, ptrdiff_t d, ptrdiff_t k,
                               ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t col0, ptrdiff_t col1) {
    for (ptrdiff_t r = row0; r + 4 <= row1; r += 4) {
        const float *a0 = a + r * d, *a1 = a0 + d, *a2 = a1 + d, *a3 = a2 + d;
        ptrdiff_t c = col0;
        // Four rows by sixteen columns: eight independent sums in registers.
        for (; c + 16 <= col1; c += 16) {
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
            for (ptrdiff_t l = 0; l < d; l++) {
                const float *row = b + l * k + c;
                __m256 v = _mm256_loadu_ps(row), w = _mm256_loadu_ps(row + 8);
                __m256 x0 = _mm256_broadcast_ss(a0 + l), x1 = _mm256_broadcast_ss(a1 + l);
                __m256 x2 = _mm256_broadcast_ss(a2 + l), x3 = _mm256_broadcast_ss(a3 + l);
                s0 = _mm256_add_ps(s0, _mm256_mul_ps(x0, v)); t0 = _mm256_add_ps(t0, _mm256_mul_ps(x0, w));
                s1 = _mm256_add_ps(s1, _mm256_mul_ps(x1, v)); t1 = _mm256_add_ps(t1, _mm256_mul_ps(x1, w));
                s2 = _mm256_add_ps(s2, _mm256_mul_ps(x2, v)); t2 = _mm256_add_ps(t2, _mm256_mul_ps(x2, w));
                s3 = _mm256_add_ps(s3, _mm256_mul_ps(x3, v)); t3 = _mm256_add_ps(t3, _mm256_mul_ps(x3, w));
            }
            _mm256_storeu_ps(y + r * k + c, s0); _mm256_storeu_ps(y + r * k + c + 8, t0);
            _mm256_storeu_ps(y + (r + 1) * k + c, s1); _mm256_storeu_ps(y + (r + 1) * k + c + 8, t1);
            _mm256_storeu_ps(y + (r + 2) * k + c, s2); _mm256_storeu_ps(y + (r + 2) * k + c + 8, t2);
            _mm256_storeu_ps(y + (r + 3) * k + c, s3); _mm256_storeu_ps(y + (r + 3) * k + c + 8, t3);
        }
        // Then eight columns at a time.
        for (; c + 8 <= col1; c += 8) {
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (ptrdiff_t l = 0; l < d; l++) {
                __m256 v = _mm256_loadu_ps(b + l * k + c);
                s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_broadcast_ss(a0 + l), v));
                s1 = _mm256_add_ps(s1, _mm256_mul_ps(_mm256_broadcast_ss(a1 + l), v));
                s2 = _mm256_add_ps(s2, _mm256_mul_ps(_mm256_broadcast_ss(a2 + l), v));
                s3 = _mm256_add_ps(s3, _mm256_mul_ps(_mm256_broadcast_ss(a3 + l), v));
            }
            _mm256_storeu_ps(y + r * k + c, s0);
            _mm256_storeu_ps(y + (r + 1) * k + c, s1);
            _mm256_storeu_ps(y + (r + 2) * k + c, s2);
            _mm256_storeu_ps(y + (r + 3) * k + c, s3);
        }
        // The last 1–7 columns, copied through a zero-padded buffer: no access beyond them (a
        // masked load may fault on masked-off lanes on some CPUs, AMD's manual says).
        if (c < col1) {
            const size_t n = (size_t)(col1 - c);
            float row[8] = {0}, out[4][8];
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (ptrdiff_t l = 0; l < d; l++) {
                memcpy(row, b + l * k + c, n * sizeof(float));
                __m256 v = _mm256_loadu_ps(row);
                s0 = _mm256_add_ps(s0, _mm256_mul_ps(_mm256_broadcast_ss(a0 + l), v));
                s1 = _mm256_add_ps(s1, _mm256_mul_ps(_mm256_broadcast_ss(a1 + l), v));
                s2 = _mm256_add_ps(s2, _mm256_mul_ps(_mm256_broadcast_ss(a2 + l), v));
                s3 = _mm256_add_ps(s3, _mm256_mul_ps(_mm256_broadcast_ss(a3 + l), v));
            }
            _mm256_storeu_ps(out[0], s0); _mm256_storeu_ps(out[1], s1);
            _mm256_storeu_ps(out[2], s2); _mm256_storeu_ps(out[3], s3);
            for (int i = 0; i < 4; i++) memcpy(y + (r + i) * k + c, out[i], n * sizeof(float));
        }
    }
}

#else

int arrcoc_has_avx2(void) { return 0; }

void arrcoc_product_block_avx2(const float *a, const float *b, float *y, ptrdiff_t d, ptrdiff_t k,
                               ptrdiff_t row0, ptrdiff_t row1, ptrdiff_t col0, ptrdiff_t col1) {
    (void)a; (void)b; (void)y; (void)d; (void)k; (void)row0; (void)row1; (void)col0; (void)col1;
    abort();  // never called: arrcoc_has_avx2() is 0 here
}

#endif
