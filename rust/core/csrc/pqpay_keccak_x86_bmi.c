/* Keccak-f[1600], one state, scalar; compiled with -mbmi -mbmi2 (ANDN for chi, RORX). */
#include "pqpay_keccak_impl.h"
#include "pqpay_keccak_rounds.h"

#define KXOR(a, b) ((a) ^ (b))
#define KROL(a, n) (((a) << (n)) | ((a) >> (64 - (n))))
#define KCHI(a, b, c) ((a) ^ (~(b) & (c)))
#define KXORRC(a, rc) ((a) ^ (rc))

void pqpay_keccakf1600_x1_bmi(uint64_t s[25])
{
    PQPAY_KECCAK_DECLARE(uint64_t);
#define GET(i) s[i]
#define PUT(i, v) s[i] = (v)
    PQPAY_KECCAK_LOAD(GET);
    for (unsigned r = 0; r < 24; r += 2) {
        PQPAY_KECCAK_TWO_ROUNDS_XOR2(pqpay_keccak_round_constants[r],
                                     pqpay_keccak_round_constants[r + 1]);
    }
    PQPAY_KECCAK_STORE(PUT);
}
