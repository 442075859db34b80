//! Prints the AWS signing test suites as JSON, so the JS tests sign exactly the
//! cases (and deviations) the native test signs:
//! `cargo run --example export_signing_suite [v4|v4a]` (v4 when not given).

#[path = "../tests/common/suite.rs"]
mod suite;

fn main() {
    let which = match std::env::args().nth(1).as_deref() {
        None | Some("v4") => suite::Suite::V4,
        Some("v4a") => suite::Suite::V4a,
        Some(other) => panic!("no suite named {other}: v4 or v4a"),
    };
    let cases = suite::load_cases(which);
    println!("{}", serde_json::to_string_pretty(&cases).expect("cases serialize"));
}
