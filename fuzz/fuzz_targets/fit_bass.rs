//! `wom fit --bass DATA.csv`: the sales series reader, then the fits it feeds.
//! (The reader of network-fit data has its own target, `observations`.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(sales) = wom::decide::sales::parse_sales_csv(data, Path::new("sales.csv")) {
        assert!(sales.iter().all(|s| s.is_finite() && *s >= 0.0));
        let _ = wom::decide::bass_fit::fit_bass_ols(&sales);
        let _ = wom::decide::bass_fit::fit_bass_nls(&sales);
    }
});
