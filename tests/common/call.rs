//! Signing calls in the flat form JS writes, built by field name through
//! `iamfetch::wire::CALL_FIELDS`, never by hand-ordered lines.

use iamfetch::wire::CALL_FIELDS;

/// The call's text: `fields` by name (a field not given is empty), then each header's name and value.
pub fn call_text(fields: &[(&str, &str)], headers: &[(String, String)]) -> String {
    for (name, _) in fields {
        assert!(CALL_FIELDS.contains(name), "`{name}` is not a call field");
    }
    let mut lines: Vec<&str> = CALL_FIELDS
        .iter()
        .map(|name| fields.iter().rfind(|(given, _)| given == name).map_or("", |(_, value)| *value))
        .collect();
    for (name, value) in headers {
        lines.extend([name.as_str(), value.as_str()]);
    }
    lines.join("\n")
}
