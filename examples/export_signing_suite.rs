//! Prints the AWS signing test suite as JSON, so the JS tests sign exactly the
//! cases (and deviations) the native test signs: `cargo run --example export_signing_suite`.

#[path = "../tests/common/suite.rs"]
mod suite;

fn main() {
    let cases = suite::load_cases();
    println!("{}", serde_json::to_string_pretty(&cases).expect("cases serialize"));
}
