//! The `hearth` binary: everything lives in the library, so tests and benches run
//! the same code.

fn main() -> std::process::ExitCode {
    hearth::cli::main()
}
