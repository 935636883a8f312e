// Prototypes for the few CBLAS and LAPACK routines arrcoc uses. Debian routes -lblas and
// -llapack to OpenBLAS through its alternatives. LAPACK is Fortran: column-major, arguments
// by pointer, and gfortran's hidden length arguments for CHARACTER parameters at the end.
#ifndef ARRCOC_CLAPACK_SHIM_H
#define ARRCOC_CLAPACK_SHIM_H

#include <stddef.h>

enum ARRCOC_CBLAS_ORDER { ArrcocCblasRowMajor = 101, ArrcocCblasColMajor = 102 };
enum ARRCOC_CBLAS_TRANSPOSE { ArrcocCblasNoTrans = 111, ArrcocCblasTrans = 112 };

void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
                 float alpha, const float *a, int lda, const float *b, int ldb,
                 float beta, float *c, int ldc);
void cblas_dgemm(int order, int transA, int transB, int m, int n, int k,
                 double alpha, const double *a, int lda, const double *b, int ldb,
                 double beta, double *c, int ldc);

void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);

#endif
