/* pdq_blur_base.c — the PDQ blur built for the baseline ISA (SSE2 on x86-64; any CPU). */
#define PDQ_BLUR_FN vg_pdq_blur_base
#include "pdq_blur_body.h"
