//! JS (js/src/wire.js) and the core (src/wire.rs) declare the call's and the
//! answer's fields by the same names in the same order.
#![cfg(not(target_arch = "wasm32"))] // native only: runs node

#[test]
fn js_and_rust_declare_the_same_call_and_result_fields() {
    let wire_js = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js/src/wire.js");
    let script = format!(
        "import({}).then(m => console.log(JSON.stringify({{ call: m.CALL_FIELDS, result: m.RESULT_FIELDS }})))",
        serde_json::to_string(&wire_js.display().to_string()).expect("a JSON string")
    );
    let output = std::process::Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("node runs");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    let declared: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from node");
    assert_eq!(declared["call"], serde_json::json!(iamfetch::wire::CALL_FIELDS), "CALL_FIELDS");
    assert_eq!(declared["result"], serde_json::json!(iamfetch::wire::RESULT_FIELDS), "RESULT_FIELDS");
}
