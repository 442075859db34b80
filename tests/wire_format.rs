//! JS (js/src/wire.js) and the core (src/wire.rs, src/settings.rs) declare
//! the call's and the answer's fields by the same names in the same order, and
//! spell each mode's values alike.
#![cfg(not(target_arch = "wasm32"))] // native only: runs node

use iamfetch::settings::{
    Algorithm, ContentHashHeader, Diagnostics, HeaderSelection, SessionTokenPlacement, SignatureLocationName, UriEncoding,
};

/// What js/src/wire.js exports, read by node.
fn wire_js() -> serde_json::Value {
    let wire_js = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js/src/wire.js");
    let script = format!(
        "import({}).then(m => console.log(JSON.stringify({{ call: m.CALL_FIELDS, result: m.RESULT_FIELDS, modes: m.MODES }})))",
        serde_json::to_string(&wire_js.display().to_string()).expect("a JSON string")
    );
    let output = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("node runs");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON from node")
}

#[test]
fn js_and_rust_declare_the_same_call_and_result_fields() {
    let declared = wire_js();
    assert_eq!(declared["call"], serde_json::json!(iamfetch::wire::CALL_FIELDS), "CALL_FIELDS");
    assert_eq!(declared["result"], serde_json::json!(iamfetch::wire::RESULT_FIELDS), "RESULT_FIELDS");
}

#[test]
fn js_and_rust_spell_every_mode_alike() {
    let declared = wire_js();
    let rust: [(&str, &[&str]); 7] = [
        ("signingAlgorithm", Algorithm::SPELLINGS),
        ("signatureLocation", SignatureLocationName::SPELLINGS),
        ("uriEncoding", UriEncoding::SPELLINGS),
        ("sessionTokenPlacement", SessionTokenPlacement::SPELLINGS),
        ("headerSelection", HeaderSelection::SPELLINGS),
        ("contentHashHeader", ContentHashHeader::SPELLINGS),
        ("diagnostics", Diagnostics::SPELLINGS),
    ];
    let modes = declared["modes"].as_object().expect("MODES is an object");
    assert_eq!(modes.len(), rust.len(), "the same mode fields: {modes:?}");
    for (field, spellings) in rust {
        let mut js: Vec<&str> = modes[field].as_array().expect(field).iter().map(|v| v.as_str().expect(field)).collect();
        let mut rust = spellings.to_vec();
        js.sort_unstable();
        rust.sort_unstable();
        assert_eq!(js, rust, "{field}");
    }
}
