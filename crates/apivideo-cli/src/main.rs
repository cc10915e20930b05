//! `apivideo`: see the crate's README, or `apivideo --help`.

fn main() -> std::process::ExitCode {
    apivideo_cli::main()
}
