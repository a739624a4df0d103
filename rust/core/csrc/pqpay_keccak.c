/*
 * Keccak-f[1600] (FIPS 202, section 3): the portable code, and the run-time choice of the
 * fastest variant the CPU has (pqpay_keccak_impl.h), made once on the first call.
 *
 * Measured on an AMD EPYC (Zen 5: AVX-512, 2 cores), TSC ticks per call, best of 30 x 1000:
 * x4: AVX-512VL 650, AVX2 intrinsics 1030, mldsa-native's AVX2 assembly 1050; x1: BMI 595,
 * portable 695, mldsa-native's C 680, and a one-state AVX-512 version (one plane of five lanes
 * per zmm register, vpermq / vpermt2q for theta, pi and chi) 863: its 31 shuffles per round
 * lose to the scalar code, so it is not kept.
 */
#include "pqpay_keccak.h"

#include "pqpay_keccak_scalar.h"

const uint64_t pqpay_keccak_round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

void pqpay_keccakf1600_x1_portable(uint64_t state[25])
{
    pqpay_keccak_x1_scalar(state);
}

static void x4_portable(uint64_t states[100])
{
    for (unsigned j = 0; j < 4; j++) {
        pqpay_keccakf1600_x1_portable(states + 25 * j);
    }
}

typedef void (*keccak_fn)(uint64_t *);

#if defined(PQPAY_KECCAK_X86_64) && (defined(__GNUC__) || defined(__clang__))
/* __builtin_cpu_supports also checks that the OS saves the AVX / AVX-512 registers. */
static keccak_fn choose_x1(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2")) {
        return pqpay_keccakf1600_x1_bmi;
    }
    return pqpay_keccakf1600_x1_portable;
}

static keccak_fn choose_x4(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
        return pqpay_keccakf1600_x4_avx512;
    }
    if (__builtin_cpu_supports("avx2")) {
        return pqpay_keccakf1600_x4_avx2;
    }
    return x4_portable;
}

/* Chosen on the first call; a race only makes two threads store the same pointer. */
static keccak_fn x1_chosen;
static keccak_fn x4_chosen;

void pqpay_keccakf1600_x1(uint64_t state[25])
{
    keccak_fn f = __atomic_load_n(&x1_chosen, __ATOMIC_RELAXED);
    if (f == 0) {
        f = choose_x1();
        __atomic_store_n(&x1_chosen, f, __ATOMIC_RELAXED);
    }
    f(state);
}

void pqpay_keccakf1600_x4(uint64_t states[100])
{
    keccak_fn f = __atomic_load_n(&x4_chosen, __ATOMIC_RELAXED);
    if (f == 0) {
        f = choose_x4();
        __atomic_store_n(&x4_chosen, f, __ATOMIC_RELAXED);
    }
    f(states);
}
#else
void pqpay_keccakf1600_x1(uint64_t state[25])
{
    pqpay_keccakf1600_x1_portable(state);
}

void pqpay_keccakf1600_x4(uint64_t states[100])
{
    x4_portable(states);
}
#endif
