//! The power-on self-tests pass on this build.

#[test]
fn every_power_on_test_passes() {
    let results = pqpay_core::selftest::run_all();
    assert!(!results.is_empty());
    for r in &results {
        assert!(r.passed, "self-test failed: {}", r.name);
    }
    assert!(pqpay_core::selftest::check().is_ok());
}
