/*
 * mldsa-native's FIPS 202 backend in pqpay's AVX2 build (MLD_CONFIG_FIPS202_BACKEND_FILE,
 * set by build.rs): Keccak-f[1600] x1 and x4 are pqpay's (csrc/pqpay_keccak.c), which pick
 * the fastest code the CPU has (AVX-512 or AVX2 for x4, BMI for x1) at run time. They never
 * fall back, so mldsa-native's own permutations are not used by this build.
 */
#ifndef PQPAY_MLDSA_FIPS202_H
#define PQPAY_MLDSA_FIPS202_H

#define MLD_USE_NATIVE_FIPS202_X1
#define MLD_USE_NATIVE_FIPS202_X4

#if !defined(__ASSEMBLER__)
#include "pqpay_keccak.h"
#include "src/fips202/native/api.h"

MLD_MUST_CHECK_RETURN_VALUE
static MLD_INLINE int mld_keccak_f1600_x1_native(uint64_t *state)
{
  pqpay_keccakf1600_x1(state);
  return MLD_NATIVE_FUNC_SUCCESS;
}

MLD_MUST_CHECK_RETURN_VALUE
static MLD_INLINE int mld_keccak_f1600_x4_native(uint64_t *state)
{
  pqpay_keccakf1600_x4(state);
  return MLD_NATIVE_FUNC_SUCCESS;
}
#endif /* !__ASSEMBLER__ */

#endif /* PQPAY_MLDSA_FIPS202_H */
