/*
 * mlkem-native configuration for pqpay (MLK_CONFIG_FILE of csrc/pqpay_mlkem.c). The unit
 * that includes it sets MLK_CONFIG_PARAMETER_SET and MLK_CONFIG_NAMESPACE_PREFIX, and
 * PQPAY_MLKEM_AVX2 for the x86_64 AVX2 build.
 */
#ifndef PQPAY_MLKEM_CONFIG_H
#define PQPAY_MLKEM_CONFIG_H

/* FIPS 202 on pqpay's Keccak permutations (csrc/pqpay_mlkem_fips202.h). */
#define MLK_CONFIG_FIPS202_CUSTOM_HEADER "pqpay_mlkem_fips202.h"
#define MLK_CONFIG_FIPS202X4_CUSTOM_HEADER "pqpay_mlkem_fips202.h"

/* One unit per parameter set and build: everything of mlkem-native stays in it. */
#define MLK_CONFIG_INTERNAL_API_QUALIFIER static
#define MLK_CONFIG_EXTERNAL_API_QUALIFIER static

/* pqpay draws d, z and m itself (OS randomness) and passes them in. */
#define MLK_CONFIG_NO_RANDOMIZED_API

#if defined(PQPAY_MLKEM_AVX2)
/* mlkem-native's x86_64 backend (AVX2 assembly). Its capability check is the default one
 * (compile-time: this unit is built with -mavx2 -mbmi2); the Rust side calls this build only
 * when the CPU reports AVX2 and BMI2. */
#define MLK_CONFIG_USE_NATIVE_BACKEND_ARITH
#define MLK_CONFIG_ARITH_BACKEND_FILE "native/x86_64/meta.h"
#endif

#endif /* PQPAY_MLKEM_CONFIG_H */
