//! `fields`: which keys of a reply to keep, written as a GraphQL selection set
//! (`{ id issueKey summary assignee { name } }`, the outer braces optional),
//! applied to objects and arrays at every level. Only names and nested braces
//! are taken; the rest of GraphQL is refused, never parsed and then ignored.

use std::collections::HashSet;
use std::fmt;

use apollo_parser::cst::{self, CstNode};
use apollo_parser::{Parser, SyntaxTree};
use serde_json::{Map, Value};

/// The example every syntax error shows.
const EXAMPLE: &str = "{ id summary assignee { name } }";

/// Backlog's JSON is a few levels deep; deeper nesting is a mistake, and
/// the checks below recurse once per level.
const MAX_DEPTH: usize = 32;

/// A parsed `fields` argument: the keys to keep, in the order written, each
/// with the selection to apply to its value, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Field {
    name: String,
    sub: Option<Selection>,
}

/// Why a `fields` argument cannot be used; the `Display` text is what the
/// assistant reads, and says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldsError {
    /// The text is not a selection set.
    #[error(
        "fields: {message}. Write the names of the fields to keep, with the fields of a nested object in braces, e.g. \"{EXAMPLE}\"."
    )]
    Syntax { message: String },
    /// A field with arguments: `summary(x: 1)`.
    #[error(
        "fields: \"{field}\" has arguments, which fields does not take: write \"{field}\" alone."
    )]
    Arguments { field: String },
    /// A field renamed: `title: summary`.
    #[error(
        "fields: \"{alias}: {field}\" renames a field, which fields does not do: write \"{field}\"."
    )]
    Alias { alias: String, field: String },
    /// `...name` or `... on Type { … }`.
    #[error(
        "fields: fragments (\"...\") are not supported: list the fields by name, e.g. \"{EXAMPLE}\"."
    )]
    Fragment,
    /// `@include(…)`, `@skip(…)`, …
    #[error(
        "fields: directives (\"@{directive}\") are not supported: list only the fields to keep."
    )]
    Directive { directive: String },
    /// The same field twice at one level.
    #[error("fields: \"{path}\" is selected twice: name each field once.")]
    Duplicate { path: String },
    /// A field the reply does not have.
    #[error(
        "fields: unknown field \"{path}\". {}: {}. Select from these, or leave fields out to get every field.",
        fields_of(path),
        available_text(available)
    )]
    UnknownField {
        /// Dotted, from the top of the reply: `assignee.nme`.
        path: String,
        /// The keys at that level, in the order first seen in the reply.
        available: Vec<String>,
    },
    /// Braces after a field whose value is a string, number or boolean.
    #[error("{}", no_fields_text(path, kind))]
    NoFields {
        /// Empty when the reply itself is not an object.
        path: String,
        /// What the value is: "a string", "a list of numbers", ….
        kind: String,
    },
}

fn fields_of(path: &str) -> String {
    match path.rsplit_once('.') {
        Some((parent, _)) => format!("Fields of {parent}"),
        None => "Fields of the reply".to_owned(),
    }
}

fn available_text(available: &[String]) -> String {
    if available.is_empty() {
        "none".to_owned()
    } else {
        available.join(", ")
    }
}

fn no_fields_text(path: &str, kind: &str) -> String {
    if path.is_empty() {
        format!("fields: the reply is {kind}, which has no fields to select: call without fields.")
    } else {
        format!(
            "fields: \"{path}\" is {kind}, which has no fields to select: write \"{}\" without braces after it.",
            path.rsplit('.').next().unwrap_or(path)
        )
    }
}

impl Selection {
    /// Parses a `fields` argument: `{ id summary assignee { name } }`, or the
    /// same without the outer braces.
    pub fn parse(text: &str) -> Result<Selection, FieldsError> {
        if text.trim().is_empty() {
            return Err(FieldsError::Syntax {
                message: "the selection is empty".to_owned(),
            });
        }
        let tree: SyntaxTree<cst::SelectionSet> = Parser::new(text)
            .recursion_limit(MAX_DEPTH)
            .parse_selection_set();
        if let Some(error) = tree.errors().next() {
            return Err(syntax_error(text, error));
        }
        let set = tree.field_set();
        // The parser stops after one selection set; anything after it is left out of the tree.
        let parsed_to = usize::from(set.syntax().text_range().end());
        if let Some(rest) = text.get(parsed_to..).filter(|rest| !rest.trim().is_empty()) {
            let rest = rest.trim_start();
            return Err(FieldsError::Syntax {
                message: format!(
                    "unexpected \"{}\" at character {} after the selection",
                    first_token(rest),
                    char_position(text, text.len() - rest.len())
                ),
            });
        }
        Selection::from_cst(&set, "")
    }

    fn from_cst(set: &cst::SelectionSet, path: &str) -> Result<Selection, FieldsError> {
        let mut fields: Vec<Field> = Vec::new();
        for selection in set.selections() {
            let field = match selection {
                cst::Selection::Field(field) => field,
                cst::Selection::FragmentSpread(_) | cst::Selection::InlineFragment(_) => {
                    return Err(FieldsError::Fragment);
                }
            };
            let name = field
                .name()
                .map(|name| name.text().to_string())
                .ok_or_else(|| FieldsError::Syntax {
                    message: "a field has no name".to_owned(),
                })?;
            if let Some(alias) = field.alias() {
                let alias = alias
                    .name()
                    .map(|n| n.text().to_string())
                    .unwrap_or_default();
                return Err(FieldsError::Alias { alias, field: name });
            }
            if field.arguments().is_some() {
                return Err(FieldsError::Arguments { field: name });
            }
            if let Some(directive) = field.directives().and_then(|d| d.directives().next()) {
                let directive = directive
                    .name()
                    .map(|n| n.text().to_string())
                    .unwrap_or_default();
                return Err(FieldsError::Directive { directive });
            }
            let field_path = join(path, &name);
            if fields.iter().any(|f| f.name == name) {
                return Err(FieldsError::Duplicate { path: field_path });
            }
            let sub = field
                .selection_set()
                .map(|set| Selection::from_cst(&set, &field_path))
                .transpose()?;
            fields.push(Field { name, sub });
        }
        Ok(Selection { fields })
    }

    /// The reply with only the selected fields: on an object the selected
    /// keys, in the selection's order; on an array, that for every element.
    /// A selected field that no object at its level has is an error listing
    /// the fields there, so a typo never silently empties a reply.
    pub fn apply(&self, value: &Value) -> Result<Value, FieldsError> {
        self.check(&[value], "")?;
        Ok(self.project(value))
    }

    /// Checks the selection against all the values at one level at once
    /// (every element of an array, every issue's `assignee`), so that the
    /// fields available are the union of theirs and a `null` in one place
    /// does not hide a mistake that another element shows.
    fn check(&self, values: &[&Value], path: &str) -> Result<(), FieldsError> {
        let mut objects = Vec::new();
        for value in values {
            collect_objects(value, path, false, &mut objects)?;
        }
        if objects.is_empty() {
            // Only nulls and empty arrays here: nothing to select from, nothing wrong.
            return Ok(());
        }
        for field in &self.fields {
            if !objects
                .iter()
                .any(|object| object.contains_key(&field.name))
            {
                return Err(FieldsError::UnknownField {
                    path: join(path, &field.name),
                    available: union_of_keys(&objects),
                });
            }
            if let Some(sub) = &field.sub {
                let children: Vec<&Value> = objects
                    .iter()
                    .filter_map(|object| object.get(&field.name))
                    .collect();
                sub.check(&children, &join(path, &field.name))?;
            }
        }
        Ok(())
    }

    /// Keeps the selected keys; only called on a value [`Selection::check`] passed.
    fn project(&self, value: &Value) -> Value {
        match value {
            Value::Object(object) => {
                let mut kept = Map::new();
                for field in &self.fields {
                    if let Some(child) = object.get(&field.name) {
                        let child = match &field.sub {
                            Some(sub) => sub.project(child),
                            None => child.clone(),
                        };
                        kept.insert(field.name.clone(), child);
                    }
                }
                Value::Object(kept)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.project(v)).collect()),
            other => other.clone(),
        }
    }
}

/// The objects a selection applies to: the value itself, or the elements of
/// an array (of arrays); nulls are skipped, any other scalar is an error.
fn collect_objects<'v>(
    value: &'v Value,
    path: &str,
    in_array: bool,
    objects: &mut Vec<&'v Map<String, Value>>,
) -> Result<(), FieldsError> {
    let kind = match value {
        Value::Object(object) => {
            objects.push(object);
            return Ok(());
        }
        Value::Array(items) => {
            for item in items {
                collect_objects(item, path, true, objects)?;
            }
            return Ok(());
        }
        Value::Null => return Ok(()),
        Value::String(_) => ("a string", "strings"),
        Value::Number(_) => ("a number", "numbers"),
        Value::Bool(_) => ("a boolean", "booleans"),
    };
    let kind = if in_array {
        format!("a list of {}", kind.1)
    } else {
        kind.0.to_owned()
    };
    Err(FieldsError::NoFields {
        path: path.to_owned(),
        kind,
    })
}

/// The keys of all the objects, each once, in the order first seen.
fn union_of_keys(objects: &[&Map<String, Value>]) -> Vec<String> {
    let mut seen = HashSet::new();
    objects
        .iter()
        .flat_map(|object| object.keys())
        .filter(|key| seen.insert(key.as_str()))
        .cloned()
        .collect()
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The parser's first complaint, with where it is in characters (1-based), as a person counts.
fn syntax_error(text: &str, error: &apollo_parser::Error) -> FieldsError {
    let message = if error.is_limit() {
        format!("the selection is nested more than {MAX_DEPTH} levels deep")
    } else if error.is_eof() {
        "the selection ends too early (is a \"}\" missing?)".to_owned()
    } else {
        let found = error.data();
        let message = parser_message(error.message());
        let message = message
            .strip_suffix(&format!(", got {found}"))
            .unwrap_or(&message);
        let at = char_position(text, error.index());
        if message.starts_with("unexpected character") {
            // The lexer's message already quotes the character.
            format!("{message} at character {at}")
        } else if found.starts_with('"') {
            format!("{message} at character {at}, found {found}")
        } else {
            format!("{message} at character {at}, found \"{found}\"")
        }
    };
    FieldsError::Syntax { message }
}

/// apollo-parser speaks of grammar symbols (`R_CURLY`, `Name`); an assistant reads characters.
fn parser_message(message: &str) -> String {
    message
        .replace("Unexpected character", "unexpected character")
        .replace(
            "expected at least one Selection in Selection Set",
            "expected a field name",
        )
        .replace("R_CURLY", "\"}\"")
        .replace("L_CURLY", "\"{\"")
        .replace("a Name", "a field name")
}

fn char_position(text: &str, byte_index: usize) -> usize {
    let byte_index = byte_index.min(text.len());
    text.char_indices()
        .take_while(|(i, _)| *i < byte_index)
        .count()
        + 1
}

fn first_token(rest: &str) -> &str {
    let end = rest
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_whitespace() || matches!(c, '{' | '}'))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// The selection as GraphQL: `{ id assignee { name } }`.
impl fmt::Display for Selection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for field in &self.fields {
            write!(f, " {}", field.name)?;
            if let Some(sub) = &field.sub {
                write!(f, " {sub}")?;
            }
        }
        f.write_str(" }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_error(text: &str) -> String {
        Selection::parse(text).unwrap_err().to_string()
    }

    fn apply(selection: &str, value: &Value) -> Result<Value, String> {
        Selection::parse(selection)
            .unwrap()
            .apply(value)
            .map_err(|e| e.to_string())
    }

    fn issue() -> Value {
        json!({
            "id": 1,
            "issueKey": "DEMO-1",
            "summary": "ログイン画面でエラー",
            "assignee": {"id": 5, "userId": "tanaka", "name": "田中 太郎"},
            "category": [{"id": 1, "name": "UI"}, {"id": 2, "name": "認証"}],
            "customFields": [],
            "milestone": null,
            "estimatedHours": 1.5,
        })
    }

    #[test]
    fn a_selection_parses_with_or_without_the_outer_braces() {
        let braced = Selection::parse("{ id summary assignee { name } }").unwrap();
        let bare = Selection::parse("id summary assignee { name }").unwrap();
        assert_eq!(braced, bare);
        assert_eq!(braced.to_string(), "{ id summary assignee { name } }");
        // GraphQL's commas and line breaks are whitespace.
        let written = Selection::parse("{\n  id,\n  assignee { id, name }\n}").unwrap();
        assert_eq!(written.to_string(), "{ id assignee { id name } }");
    }

    #[test]
    fn an_object_keeps_the_selected_keys_in_the_selections_order() {
        let kept = apply("{ summary id assignee { name } }", &issue()).unwrap();
        assert_eq!(
            kept.to_string(),
            r#"{"summary":"ログイン画面でエラー","id":1,"assignee":{"name":"田中 太郎"}}"#
        );
    }

    #[test]
    fn an_array_has_the_selection_applied_to_every_element() {
        let mut other = issue();
        other["id"] = json!(2);
        other["assignee"] = Value::Null;
        other["category"] = json!([]);
        let list = json!([issue(), other]);
        let kept = apply("{ id assignee { name } category { name } }", &list).unwrap();
        assert_eq!(
            kept,
            json!([
                {"id": 1, "assignee": {"name": "田中 太郎"}, "category": [{"name": "UI"}, {"name": "認証"}]},
                {"id": 2, "assignee": null, "category": []},
            ])
        );
        // An empty list passes, whatever is selected.
        assert_eq!(
            apply("{ anything { at all } }", &json!([])).unwrap(),
            json!([])
        );
    }

    #[test]
    fn nested_selections_reach_any_depth() {
        let reply = json!({"project": {"owner": {"name": "田中", "id": 5}, "id": 1}, "id": 9});
        let kept = apply("{ project { owner { name } } }", &reply).unwrap();
        assert_eq!(kept, json!({"project": {"owner": {"name": "田中"}}}));
    }

    #[test]
    fn a_sub_selection_of_null_keeps_the_null() {
        let kept = apply("{ id milestone { name } }", &issue()).unwrap();
        assert_eq!(kept, json!({"id": 1, "milestone": null}));
    }

    #[test]
    fn a_key_that_only_some_elements_have_is_kept_where_it_is() {
        let list = json!([{"id": 1, "parentIssueId": 7}, {"id": 2}]);
        let kept = apply("{ parentIssueId }", &list).unwrap();
        assert_eq!(kept, json!([{"parentIssueId": 7}, {}]));
    }

    #[test]
    fn an_unknown_field_names_its_path_and_the_fields_there() {
        assert_eq!(
            apply("{ id summry }", &issue()).unwrap_err(),
            "fields: unknown field \"summry\". Fields of the reply: id, issueKey, summary, \
             assignee, category, customFields, milestone, estimatedHours. Select from these, \
             or leave fields out to get every field."
        );
        assert_eq!(
            apply("{ assignee { nme } }", &issue()).unwrap_err(),
            "fields: unknown field \"assignee.nme\". Fields of assignee: id, userId, name. \
             Select from these, or leave fields out to get every field."
        );
    }

    #[test]
    fn the_fields_of_an_array_are_the_union_of_its_elements_keys_in_first_seen_order() {
        let list = json!([{"id": 1, "name": "a"}, null, {"id": 2, "mail": "b"}]);
        let error = Selection::parse("{ nme }")
            .unwrap()
            .apply(&list)
            .unwrap_err();
        assert_eq!(
            error,
            FieldsError::UnknownField {
                path: "nme".into(),
                available: vec!["id".into(), "name".into(), "mail".into()],
            }
        );
        // Across the elements of an array inside an array of objects, too.
        let error = apply("{ category { nme } }", &json!([issue(), issue()])).unwrap_err();
        assert!(
            error.contains("\"category.nme\". Fields of category: id, name."),
            "{error}"
        );
    }

    #[test]
    fn a_null_in_one_element_does_not_hide_a_mistake_in_another() {
        let mut other = issue();
        other["assignee"] = Value::Null;
        let error = apply("{ assignee { nme } }", &json!([other, issue()])).unwrap_err();
        assert!(error.contains("\"assignee.nme\""), "{error}");
    }

    #[test]
    fn a_sub_selection_of_a_scalar_says_to_drop_the_braces() {
        assert_eq!(
            apply("{ summary { name } }", &issue()).unwrap_err(),
            "fields: \"summary\" is a string, which has no fields to select: write \"summary\" \
             without braces after it."
        );
        assert_eq!(
            apply("{ assignee { id { value } } }", &issue()).unwrap_err(),
            "fields: \"assignee.id\" is a number, which has no fields to select: write \"id\" \
             without braces after it."
        );
        let tags = json!({"tags": ["a", "b"]});
        let error = apply("{ tags { name } }", &tags).unwrap_err();
        assert!(error.contains("\"tags\" is a list of strings"), "{error}");
        assert_eq!(
            apply("{ id }", &json!(3)).unwrap_err(),
            "fields: the reply is a number, which has no fields to select: call without fields."
        );
    }

    #[test]
    fn graphql_beyond_names_and_braces_is_refused_with_the_fix() {
        assert_eq!(
            parse_error("{ summary(length: 10) }"),
            "fields: \"summary\" has arguments, which fields does not take: write \"summary\" alone."
        );
        assert_eq!(
            parse_error("{ title: summary }"),
            "fields: \"title: summary\" renames a field, which fields does not do: write \"summary\"."
        );
        let fragment = "fields: fragments (\"...\") are not supported: list the fields by name, \
                        e.g. \"{ id summary assignee { name } }\".";
        assert_eq!(parse_error("{ id ...IssueFields }"), fragment);
        assert_eq!(parse_error("{ ... on Issue { id } }"), fragment);
        assert_eq!(
            parse_error("{ id @include(if: true) }"),
            "fields: directives (\"@include\") are not supported: list only the fields to keep."
        );
        assert_eq!(
            parse_error("{ id assignee { name } id }"),
            "fields: \"id\" is selected twice: name each field once."
        );
        assert_eq!(
            parse_error("{ assignee { name name } }"),
            "fields: \"assignee.name\" is selected twice: name each field once."
        );
    }

    #[test]
    fn a_malformed_selection_says_where_and_shows_an_example() {
        let example = "Write the names of the fields to keep, with the fields of a nested object \
                       in braces, e.g. \"{ id summary assignee { name } }\".";
        for (text, problem) in [
            ("", "the selection is empty"),
            ("  ", "the selection is empty"),
            ("{ id", "the selection ends too early (is a \"}\" missing?)"),
            ("{ }", "expected a field name at character 3, found \"}\""),
            (
                "{ assignee { } }",
                "expected a field name at character 14, found \"}\"",
            ),
            ("{ 1 }", "expected a field name at character 3, found \"1\""),
            (
                "\"id\"",
                "expected a field name at character 1, found \"id\"",
            ),
            (
                "{ id } }",
                "unexpected \"}\" at character 8 after the selection",
            ),
            (
                "{ id } { name }",
                "unexpected \"{\" at character 8 after the selection",
            ),
            // Characters, not bytes: an assistant counts "名" as one.
            ("{ 名前 }", "unexpected character \"名\" at character 3"),
            (
                "{ summary(x: \"名前\") ) }",
                "expected \"}\" at character 20, found \")\"",
            ),
        ] {
            assert_eq!(
                parse_error(text),
                format!("fields: {problem}. {example}"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nesting_deeper_than_backlog_replies_is_refused() {
        let deep = format!("{}{}", "{ a ".repeat(40), "}".repeat(40));
        let error = parse_error(&deep);
        assert!(error.contains("nested more than 32 levels deep"), "{error}");
    }
}
