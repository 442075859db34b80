//! Just enough XML for AWS Query-protocol answers: the text of a named
//! element, entities decoded. AWS's answers are flat and machine-written;
//! this is not a general XML parser.

/// The inner markup of the first `<name>...</name>` (attributes allowed on the start tag).
pub fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let mut from = 0;
    loop {
        let at = from + xml[from..].find(&open)?;
        let after_name = &xml[at + open.len()..];
        // `<Code` must not match `<CodeName>`.
        if after_name.starts_with(['>', ' ', '\t', '\n', '\r']) {
            let content_start = at + open.len() + after_name.find('>')? + 1;
            let close = format!("</{name}>");
            let content_end = content_start + xml[content_start..].find(&close)?;
            return Some(&xml[content_start..content_end]);
        }
        from = at + open.len();
    }
}

/// The decoded text of the first `<name>` element.
pub fn text(xml: &str, name: &str) -> Option<String> {
    element(xml, name).map(decode_entities)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let decoded = match &rest[1..end] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            entity => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_elements_and_decodes_entities() {
        let xml = "<R xmlns=\"x\"><CodeName>no</CodeName><Code attr=\"1\">A&amp;B &lt;&#65;&#x42;&gt; &bogus; &</Code></R>";
        assert_eq!(text(xml, "Code").as_deref(), Some("A&B <AB> &bogus; &"));
        assert_eq!(text(xml, "Missing"), None);
        assert_eq!(element("<A><B>1</B></A>", "A"), Some("<B>1</B>"));
        assert_eq!(element("<A>unclosed", "A"), None);
    }
}
