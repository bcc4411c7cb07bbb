/* pdq_blur_avx2.c — the PDQ blur built for AVX2 (chosen at run time by pdq.c). Same floats. */
#ifndef __AVX2__
/* cppcheck-suppress preprocessorErrorDirective ; CMake sets this file's ISA flags */
#error "pdq_blur_avx2.c must be compiled with -mavx2 (set per file in hashing/CMakeLists.txt)"
#endif
#ifdef __FMA__
#error "pdq_blur_avx2.c must not be compiled with FMA: PDQ's float order must stay the reference's"
#endif
#define PDQ_BLUR_FN vg_pdq_blur_avx2
#include "pdq_blur_body.h"
