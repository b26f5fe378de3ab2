//! The `json` of a document: ProseMirror's document JSON, serialized as a string. Backlog's
//! editor produces it; the sandbox builds a minimal one from the Markdown it is given.

use serde_json::{Value, json};

/// A `doc` of headings (`# …` to `###### …`) and paragraphs, one per block of lines
/// separated by a blank line; the lines of a paragraph are joined by hard breaks.
pub fn from_markdown(markdown: &str) -> String {
    let blocks: Vec<Value> = markdown
        .split("\n\n")
        .map(str::trim)
        .filter(|block| !block.is_empty())
        .map(block)
        .collect();
    json!({ "type": "doc", "content": blocks }).to_string()
}

fn block(text: &str) -> Value {
    let hashes = text.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&hashes) && text[hashes..].starts_with(' ') {
        let title = text[hashes..].trim();
        return json!({
            "type": "heading",
            "attrs": { "level": hashes },
            "content": [{ "type": "text", "text": title }],
        });
    }
    let mut content = Vec::new();
    for line in text.lines() {
        if !content.is_empty() {
            content.push(json!({ "type": "hardBreak" }));
        }
        content.push(json!({ "type": "text", "text": line }));
    }
    json!({ "type": "paragraph", "content": content })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_paragraphs() {
        let doc: Value =
            serde_json::from_str(&from_markdown("# Title\n\nOne\ntwo\n\n\n#tag")).unwrap();
        assert_eq!(
            doc,
            json!({"type": "doc", "content": [
                {"type": "heading", "attrs": {"level": 1}, "content": [{"type": "text", "text": "Title"}]},
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "One"}, {"type": "hardBreak"}, {"type": "text", "text": "two"},
                ]},
                {"type": "paragraph", "content": [{"type": "text", "text": "#tag"}]},
            ]})
        );
        assert_eq!(from_markdown(""), r#"{"type":"doc","content":[]}"#);
    }
}
