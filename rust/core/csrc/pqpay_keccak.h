/*
 * pqpay's Keccak-f[1600] permutations, shared by the C engines (mldsa-native's and
 * mlkem-native's FIPS 202 code reach them through their backend / glue headers).
 *
 * States are 25 little-endian lanes, lane (x, y) at index x + 5y, as in FIPS 202.
 * The x4 form takes four such states one after another (state j at states + 25 * j).
 * Each call picks the fastest code the CPU has at run time; every variant gives the
 * same answer (rust/core tests compare them against the portable one).
 */
#ifndef PQPAY_KECCAK_H
#define PQPAY_KECCAK_H

#include <stdint.h>

void pqpay_keccakf1600_x1(uint64_t state[25]);
void pqpay_keccakf1600_x4(uint64_t states[100]);

/* The portable code alone (for the tests and for CPUs without the extensions). */
void pqpay_keccakf1600_x1_portable(uint64_t state[25]);

#endif /* PQPAY_KECCAK_H */
