//! `--set KEY=VALUE`: the flag's parsing, then the override applied to a valid
//! scenario and validated.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use wom::scenario::Override;

const BASE: &str = "\
[simulation]
replicates = 10
steps = 5
[population]
generator = \"erdos_renyi\"
nodes = 100
mean_degree = 4
[word_of_mouth]
rule = \"cascade\"
[advocates]
count = 5
";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Several flags, one a line, as the shell would give them.
    let mut overrides = Vec::new();
    for flag in text.lines().take(4) {
        match flag.parse::<Override>() {
            Ok(o) => overrides.push(o),
            Err(message) => assert!(!message.is_empty()),
        }
    }
    let _ = wom::scenario::parse(BASE, Path::new("/nonexistent-wom-fuzz/s.toml"), &overrides);
});
