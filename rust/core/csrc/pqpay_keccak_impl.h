/*
 * The variants behind pqpay_keccak.h, each in its own translation unit compiled with its
 * own -m flags (build.rs): pqpay_keccak.c picks one at run time and the tests
 * (src/keccak_native.rs) compare each against the portable code. Only call a variant on a
 * CPU that has what its name says.
 */
#ifndef PQPAY_KECCAK_IMPL_H
#define PQPAY_KECCAK_IMPL_H

#include <stdint.h>

extern const uint64_t pqpay_keccak_round_constants[24];

#if defined(__x86_64__) || defined(_M_X64)
#define PQPAY_KECCAK_X86_64 1
/* pqpay_keccak_x86_bmi.c: the scalar code with ANDN and RORX (BMI1 + BMI2). */
void pqpay_keccakf1600_x1_bmi(uint64_t state[25]);
/* pqpay_keccak_x86_avx2.c: four states in the four 64-bit lanes of AVX2 registers. */
void pqpay_keccakf1600_x4_avx2(uint64_t states[100]);
/* pqpay_keccak_x86_avx512.c (AVX-512F + VL): the x4 code with VPTERNLOGQ and VPROLQ. */
void pqpay_keccakf1600_x4_avx512(uint64_t states[100]);
#endif

#endif /* PQPAY_KECCAK_IMPL_H */
