//! The JSON layout of every document depthsep writes (`results.json`, an experiment's, the probes'):
//! serde_json's pretty layout (two-space indent, one key per line), except that an array holding
//! only scalars (numbers, strings, booleans, nulls) is written on one line, `[1, 2.5, null]`.
//!
//! The pretty layout puts each number of an error curve or a weight matrix on its own indented line,
//! which roughly doubled the size of the committed reports (reports/results.json: 18.7 MB pretty,
//! 12.4 MB in this layout) without making them easier to read. The values are untouched: the text
//! between the brackets is serde_json's own, only the whitespace between elements changes, so a
//! document reads back to the same value and writes again to the same bytes (tested on the committed
//! reports in tests/it/reports.rs).

use serde::Serialize;

/// `value` as JSON in depthsep's layout, ending in a newline.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let pretty = serde_json::to_string_pretty(value)?;
    let mut out = collapse_scalar_arrays(&pretty);
    out.push('\n');
    Ok(out)
}

/// Rewrites every `[` … `]` of pretty-printed JSON whose elements are all scalars onto one line.
/// String contents (which may hold brackets, commas or escaped quotes) are copied as they are.
fn collapse_scalar_arrays(pretty: &str) -> String {
    let b = pretty.as_bytes();
    let mut out = String::with_capacity(pretty.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = string_end(b, i),
            b'[' => {
                if let Some((end, elements)) = scalar_array(pretty, i) {
                    out.push_str(&pretty[copied..i]);
                    out.push('[');
                    out.push_str(&elements.join(", "));
                    out.push(']');
                    i = end;
                    copied = end;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&pretty[copied..]);
    out
}

/// The index just past the string literal that opens at `start` (a `"`).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// If the array opening at `start` holds no array or object, the index just past its `]` and its
/// elements' text (trimmed); `None` otherwise. An empty array gives no elements.
fn scalar_array(text: &str, start: usize) -> Option<(usize, Vec<&str>)> {
    let b = text.as_bytes();
    let mut elements = Vec::new();
    let mut i = start + 1;
    let mut element_start = i;
    while i < b.len() {
        match b[i] {
            b'"' => i = string_end(b, i),
            b'[' | b'{' => return None,
            b',' => {
                elements.push(text[element_start..i].trim());
                i += 1;
                element_start = i;
            }
            b']' => {
                let last = text[element_start..i].trim();
                if !last.is_empty() {
                    elements.push(last);
                }
                return Some((i + 1, elements));
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn scalar_arrays_go_on_one_line_and_the_rest_stays_pretty() {
        let v = json!({"a": [1, 2.5, null, true], "b": [[1, 2], {"c": []}], "s": "x"});
        let s = to_string(&v).unwrap();
        assert!(s.contains("\"a\": [1, 2.5, null, true]"), "{s}");
        assert!(s.contains("[\n    [1, 2],\n    {\n      \"c\": []\n    }\n  ]"), "{s}");
        assert!(s.ends_with("}\n"));
    }

    #[test]
    fn strings_with_brackets_commas_and_escapes_are_copied_unchanged() {
        let v = json!({"k": ["a, [b]", "q\"]\\", "{", ""], "n": "[1,\n 2]"});
        let s = to_string(&v).unwrap();
        assert!(s.contains(r#"["a, [b]", "q\"]\\", "{", ""]"#), "{s}");
        assert_eq!(serde_json::from_str::<Value>(&s).unwrap(), v);
    }

    #[test]
    fn the_layout_reads_back_to_the_same_value_and_bytes() {
        let v = json!({"x": [1e-300, -0.0, 1.7976931348623157e308, 0.1], "y": [[]], "z": [{"w": [3]}]});
        let s = to_string(&v).unwrap();
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
        assert_eq!(to_string(&back).unwrap(), s);
    }
}
