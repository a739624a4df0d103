/*
 * Keccak-f[1600] with AVX-512F + VL (compiled with -mavx512f -mavx512vl): four states in
 * 256-bit registers as in the AVX2 code, but with VPTERNLOGQ for theta's sums and chi and
 * VPROLQ for the rotations, and all 25 lanes in registers (AVX-512 has 32 of them).
 */
#include <immintrin.h>

#include "pqpay_keccak_impl.h"
#include "pqpay_keccak_x4.h"

/* Truth tables for VPTERNLOGQ(a, b, c): a ^ b ^ c, and chi's a ^ (~b & c). */
#define TERNLOG_XOR3 0x96
#define TERNLOG_CHI 0xd2

#define KXOR(a, b) _mm256_xor_si256((a), (b))
#define KXOR3(a, b, c) _mm256_ternarylogic_epi64((a), (b), (c), TERNLOG_XOR3)
#define KROL(a, n) _mm256_rol_epi64((a), (n))
#define KCHI(a, b, c) _mm256_ternarylogic_epi64((a), (b), (c), TERNLOG_CHI)
#define KXORRC(a, rc) _mm256_xor_si256((a), _mm256_set1_epi64x((long long)(rc)))

void pqpay_keccakf1600_x4_avx512(uint64_t states[100])
{
    PQPAY_KECCAK_X4_PERMUTE(states, PQPAY_KECCAK_TWO_ROUNDS_XOR3);
}
