//! The `wom` binary: all the work is in the library; this only sets the exit code.

fn main() {
    std::process::exit(wom::cli::main(std::env::args_os()));
}
