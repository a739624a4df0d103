/* Keccak-f[1600], one state, scalar; compiled with -mbmi -mbmi2 (ANDN for chi, RORX). */
#include "pqpay_keccak_scalar.h"

void pqpay_keccakf1600_x1_bmi(uint64_t state[25])
{
    pqpay_keccak_x1_scalar(state);
}
