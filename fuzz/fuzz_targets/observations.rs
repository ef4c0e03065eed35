//! `wom fit SCENARIO DATA.csv`: the reader of an observed adoption curve
//! (`step` and one of `new_conversions`, `conversions`, `adopters`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("data.csv");
    if let Ok(observed) = wom::decide::observations::parse_observations(data, path) {
        // What the reader promises the fit: at least two steps of finite counts
        // >= 0, and a cumulative measure that never falls.
        assert!(observed.steps() >= wom::decide::observations::MIN_STEPS);
        assert!(observed.values.iter().all(|v| v.is_finite() && *v >= 0.0));
        if observed.measure.cumulative() {
            assert!(observed.values.windows(2).all(|w| w[0] <= w[1]));
        }
    }
});
