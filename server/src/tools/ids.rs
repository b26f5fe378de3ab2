//! IDs that the official server's tools take as a number or a string: a
//! numeric ID that may come as `"123"` (wikiId), and a project or issue given
//! by ID or key in one argument (projectIdOrKey of get_document_tree,
//! issueIdOrKey of add_watching). Each checks itself before any call: a
//! value that is neither becomes a clear error, never a request (the
//! official get_wiki requests `/wikis/NaN` for a non-numeric wikiId).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::backlog::{BacklogRequest, Encode, Location, ToolError, Wire, check};

/// A number or a string, as given.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Given {
    Number(i64),
    Text(String),
}

impl Given {
    /// The positive ID it is, if it is one.
    fn id(&self) -> Option<i64> {
        match self {
            Given::Number(n) => Some(*n).filter(|n| *n > 0),
            Given::Text(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0 && text.bytes().all(|b| b.is_ascii_digit())),
        }
    }

    fn text(&self) -> String {
        match self {
            Given::Number(n) => n.to_string(),
            Given::Text(text) => text.clone(),
        }
    }
}

/// A positive ID, given as a number or as a string of digits.
#[derive(Clone, Debug, Deserialize)]
#[serde(transparent)]
pub struct NumericId(Given);

impl JsonSchema for NumericId {
    fn schema_name() -> Cow<'static, str> {
        "NumericId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": ["integer", "string"], "minimum": 1, "pattern": "^[1-9][0-9]*$" })
    }
}

impl Encode for NumericId {
    fn check(&self, name: &str) -> Result<(), ToolError> {
        match self.0.id() {
            Some(_) => Ok(()),
            None => Err(ToolError::InvalidArguments(format!(
                "{name}: {:?} is not an ID (a positive integer)",
                self.0.text()
            ))),
        }
    }

    fn encode(
        &self,
        request: &mut BacklogRequest,
        location: Location,
        name: &str,
    ) -> Result<(), ToolError> {
        request.param(location, name, self.wire());
        Ok(())
    }
}

impl Wire for NumericId {
    fn wire(&self) -> String {
        self.0
            .id()
            .map_or_else(|| self.0.text(), |id| id.to_string())
    }
}

/// A project by its ID or its key (`DEMO`).
#[derive(Clone, Debug, Deserialize)]
#[serde(transparent)]
pub struct ProjectIdOrKey(Given);

/// An issue by its ID or its key (`DEMO-12`).
#[derive(Clone, Debug, Deserialize)]
#[serde(transparent)]
pub struct IssueIdOrKey(Given);

/// The check of an ID-or-key argument: a positive ID, or a key of `format`.
fn check_id_or_key(given: &Given, name: &str, format: &check::Format) -> Result<(), ToolError> {
    match given {
        Given::Number(_) if given.id().is_some() => Ok(()),
        Given::Number(n) => Err(ToolError::InvalidArguments(format!(
            "{name}: {n} is not an ID (a positive integer)"
        ))),
        Given::Text(_) if given.id().is_some() => Ok(()),
        Given::Text(text) => check::format(name, format, text),
    }
}

macro_rules! id_or_key {
    ($type:ident, $format:ident, $name:literal) => {
        impl JsonSchema for $type {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": ["integer", "string"],
                    "minimum": 1,
                    "pattern": check::$format.pattern,
                })
            }
        }

        impl Encode for $type {
            fn check(&self, name: &str) -> Result<(), ToolError> {
                check_id_or_key(&self.0, name, &check::$format)
            }

            fn encode(
                &self,
                request: &mut BacklogRequest,
                location: Location,
                name: &str,
            ) -> Result<(), ToolError> {
                request.param(location, name, self.0.text());
                Ok(())
            }
        }
    };
}

id_or_key!(ProjectIdOrKey, PROJECT_KEY, "ProjectIdOrKey");
id_or_key!(IssueIdOrKey, ISSUE_KEY, "IssueIdOrKey");

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numeric_ids_come_as_numbers_or_digits() {
        for good in ["12", "\"12\""] {
            let id: NumericId = parse(good);
            id.check("wikiId").unwrap();
            assert_eq!(id.wire(), "12");
        }
        for bad in [
            "0", "-3", "\"abc\"", "\"12a\"", "\"\"", "\"+1\"", "\"../1\"",
        ] {
            let id: NumericId = parse(bad);
            let error = id.check("wikiId").unwrap_err().to_string();
            assert!(
                error.contains("wikiId") && error.contains("not an ID"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn ids_or_keys_take_either_and_refuse_the_rest() {
        for good in ["1", "\"1\"", "\"DEMO\""] {
            parse::<ProjectIdOrKey>(good)
                .check("projectIdOrKey")
                .unwrap();
        }
        for bad in ["0", "\"demo\"", "\"DEMO/x\""] {
            assert!(
                parse::<ProjectIdOrKey>(bad)
                    .check("projectIdOrKey")
                    .is_err(),
                "{bad}"
            );
        }
        for good in ["7", "\"DEMO-7\""] {
            parse::<IssueIdOrKey>(good).check("issueIdOrKey").unwrap();
        }
        assert!(
            parse::<IssueIdOrKey>("\"DEMO\"")
                .check("issueIdOrKey")
                .is_err()
        );
        let mut request = BacklogRequest::new(crate::backlog::Method::Post);
        parse::<IssueIdOrKey>("\"DEMO-7\"")
            .encode(&mut request, Location::Form, "issueIdOrKey")
            .unwrap();
        assert_eq!(request.encoded_form(), "issueIdOrKey=DEMO-7");
    }
}
