//! A scenario file: TOML parsing, `--set`-free validation, and writing it back
//! (`wom validate --explain`), which must parse again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    // `scenario::load` refuses non-UTF-8 files before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Paths in the scenario resolve against a folder that does not exist, so an
    // edge list or advocate file is never read (the file system stays out).
    let path = Path::new("/nonexistent-wom-fuzz/s.toml");
    if let Ok(scenario) = wom::scenario::parse(text, path, &[]) {
        let written = wom::scenario::to_toml(&scenario);
        if let Err(e) = wom::scenario::parse(&written, path, &[]) {
            panic!("a valid scenario written back does not parse: {e}\n{written}");
        }
    }
});
