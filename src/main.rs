//! The depthsep command line: parse the arguments and hand them to the library's dispatch
//! ([`depthsep::cli`]).

use clap::Parser;

fn main() {
    if let Err(e) = depthsep::cli::run(depthsep::cli::Cli::parse()) {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}
