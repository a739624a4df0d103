/*
 * Keccak-f[1600] on one state in 64-bit registers, included by pqpay_keccak.c (portable) and
 * pqpay_keccak_x86_bmi.c (the same code compiled with -mbmi -mbmi2: ANDN for chi, RORX).
 */
#ifndef PQPAY_KECCAK_SCALAR_H
#define PQPAY_KECCAK_SCALAR_H

#include "pqpay_keccak_impl.h"
#include "pqpay_keccak_rounds.h"

#define KXOR(a, b) ((a) ^ (b))
#define KROL(a, n) (((a) << (n)) | ((a) >> (64 - (n))))
#define KCHI(a, b, c) ((a) ^ (~(b) & (c)))
#define KXORRC(a, rc) ((a) ^ (rc))

static inline void pqpay_keccak_x1_scalar(uint64_t s[25])
{
    PQPAY_KECCAK_DECLARE(uint64_t);
#define GET(i) s[i]
#define PUT(i, v) s[i] = (v)
    PQPAY_KECCAK_LOAD(GET);
    PQPAY_KECCAK_24_ROUNDS(PQPAY_KECCAK_TWO_ROUNDS_XOR2);
    PQPAY_KECCAK_STORE(PUT);
#undef GET
#undef PUT
}

#endif /* PQPAY_KECCAK_SCALAR_H */
