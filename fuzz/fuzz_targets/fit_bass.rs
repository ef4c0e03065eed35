//! `wom fit --bass DATA.csv`: the sales series reader, then the fits it feeds.
//! (A reader of network-fit data gets its own target beside this one.)
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
