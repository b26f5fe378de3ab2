//! Custom fields, which Backlog takes as `customField_{id}` keys whose shape
//! depends on the field's kind (backlog-api.md §1.3): the values an issue is
//! written with (add_issue, update_issue) and the conditions of a search
//! (get_issues, count_issues). Each is a parameter type that checks and
//! encodes itself ([`Encode`]), named by `rust_type` in tools.toml.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::backlog::{BacklogRequest, Encode, Location, ToolError, check};

/// One custom field value to write on an issue.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = unpublished_description)]
pub struct CustomFieldInput {
    /// Custom field ID
    pub id: i64,
    /// Text, number or date for a single-value field; item ID(s) for a list, checkbox or radio field
    #[serde(default)]
    #[schemars(with = "CustomFieldValue")]
    pub value: Option<CustomFieldValue>,
    /// Free text for the "other" choice of a checkbox or radio field
    #[serde(default, rename = "otherValue")]
    #[schemars(with = "String")]
    pub other_value: Option<String>,
}

/// A custom field value: one value, or several list item IDs.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CustomFieldValue {
    Text(String),
    Number(f64),
    Texts(Vec<String>),
    Numbers(Vec<f64>),
}

/// One custom-field condition of an issue search. Deserialized by its
/// `type`, so each kind gets exactly its keys; published as one flat object
/// (see the JsonSchema impl), a third the size of a `oneOf` of four.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum CustomFieldFilter {
    /// Text fields containing `value`.
    Text { id: i64, value: String },
    /// Numeric fields from `min` to `max` (one or both).
    Numeric {
        id: i64,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    /// Date fields from `min` to `max` (one or both).
    Date {
        id: i64,
        #[serde(default)]
        min: Option<String>,
        #[serde(default)]
        max: Option<String>,
    },
    /// List, checkbox or radio fields with any of these item IDs.
    List { id: i64, value: ListItems },
}

impl JsonSchema for CustomFieldFilter {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CustomFieldFilter".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "type": { "enum": ["text", "numeric", "date", "list"] },
                "id": { "type": "integer", "description": "Custom field ID" },
                "value": {
                    "description": "text: words to find; list: item ID or IDs",
                    "anyOf": [
                        { "type": "string" },
                        { "type": "integer" },
                        { "type": "array", "items": { "type": "integer" } }
                    ]
                },
                "min": { "type": ["number", "string"], "description": "numeric or date (yyyy-MM-dd): from" },
                "max": { "type": ["number", "string"], "description": "numeric or date: to" }
            },
            "required": ["type", "id"]
        })
    }
}

/// One list item ID or several.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(transform = unpublished_description)]
pub enum ListItems {
    One(i64),
    Many(Vec<i64>),
}

/// A type's doc comment documents the Rust type; the parameter's own
/// description is what a model reads, so the type's is not published.
fn unpublished_description(schema: &mut schemars::Schema) {
    schema.remove("description");
}

/// Bounds of the custom-field arguments (the generated checks bound the rest).
const MAX_FIELDS: usize = 100;
const MAX_TEXT: usize = 100_000;

fn field_key(id: i64) -> Result<String, ToolError> {
    if id <= 0 {
        return Err(ToolError::InvalidArguments(format!(
            "customFields: id {id} is not a custom field ID (a positive integer)"
        )));
    }
    Ok(format!("customField_{id}"))
}

/// Writes: `customField_{id}=v`, list values as `customField_{id}[i]=v`, and
/// `customField_{id}_otherValue=text`.
impl Encode for Vec<CustomFieldInput> {
    fn check(&self, name: &str) -> Result<(), ToolError> {
        check::items(name, self.len(), MAX_FIELDS)?;
        for field in self {
            field_key(field.id)?;
            match &field.value {
                Some(CustomFieldValue::Text(text)) => {
                    check::length("customFields.value", text, MAX_TEXT)?
                }
                Some(CustomFieldValue::Texts(items)) => {
                    check::items("customFields.value", items.len(), MAX_FIELDS)?;
                    for item in items {
                        check::length("customFields.value", item, MAX_TEXT)?;
                    }
                }
                Some(CustomFieldValue::Numbers(items)) => {
                    check::items("customFields.value", items.len(), MAX_FIELDS)?;
                }
                Some(CustomFieldValue::Number(_)) | None => {}
            }
            if let Some(other) = &field.other_value {
                check::length("customFields.otherValue", other, MAX_TEXT)?;
            }
        }
        Ok(())
    }

    fn encode(
        &self,
        request: &mut BacklogRequest,
        location: Location,
        _name: &str,
    ) -> Result<(), ToolError> {
        for field in self {
            let key = field_key(field.id)?;
            match &field.value {
                None => {}
                Some(CustomFieldValue::Text(text)) => request.param(location, &key, text),
                Some(CustomFieldValue::Number(number)) => request.param(location, &key, number),
                Some(CustomFieldValue::Texts(texts)) => {
                    request.param_indexed(location, &key, texts)
                }
                Some(CustomFieldValue::Numbers(numbers)) => {
                    request.param_indexed(location, &key, numbers)
                }
            }
            if let Some(other) = &field.other_value {
                request.param(location, &format!("{key}_otherValue"), other);
            }
        }
        Ok(())
    }
}

/// Searches: text as `customField_{id}`, ranges as `_min`/`_max`, list items
/// always as `customField_{id}[i]` (Backlog ignores any other list form).
impl Encode for Vec<CustomFieldFilter> {
    fn check(&self, name: &str) -> Result<(), ToolError> {
        check::items(name, self.len(), MAX_FIELDS)?;
        for filter in self {
            match filter {
                CustomFieldFilter::Text { id, value } => {
                    field_key(*id)?;
                    check::length("customFields.value", value, MAX_TEXT)?
                }
                CustomFieldFilter::Numeric { id, min, max } => {
                    field_key(*id)?;
                    if min.is_none() && max.is_none() {
                        return Err(ToolError::InvalidArguments(format!(
                            "customFields: numeric filter on field {id} needs min or max"
                        )));
                    }
                }
                CustomFieldFilter::Date { id, min, max } => {
                    field_key(*id)?;
                    if min.is_none() && max.is_none() {
                        return Err(ToolError::InvalidArguments(format!(
                            "customFields: date filter on field {id} needs min or max"
                        )));
                    }
                    for (suffix, bound) in [("min", min), ("max", max)] {
                        if let Some(bound) = bound {
                            check::format(
                                &format!("customFields[{id}].{suffix}"),
                                &check::DATE,
                                bound,
                            )?;
                        }
                    }
                }
                CustomFieldFilter::List { id, value } => {
                    field_key(*id)?;
                    if let ListItems::Many(items) = value {
                        check::items("customFields.value", items.len(), MAX_FIELDS)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn encode(
        &self,
        request: &mut BacklogRequest,
        location: Location,
        _name: &str,
    ) -> Result<(), ToolError> {
        for filter in self {
            match filter {
                CustomFieldFilter::Text { id, value } => {
                    request.param(location, &field_key(*id)?, value)
                }
                CustomFieldFilter::Numeric { id, min, max } => {
                    let key = field_key(*id)?;
                    range(request, location, &key, min.as_ref(), max.as_ref());
                }
                CustomFieldFilter::Date { id, min, max } => {
                    let key = field_key(*id)?;
                    range(request, location, &key, min.as_ref(), max.as_ref());
                }
                CustomFieldFilter::List { id, value } => {
                    let key = field_key(*id)?;
                    match value {
                        ListItems::One(item) => {
                            request.param_indexed(location, &key, std::slice::from_ref(item))
                        }
                        ListItems::Many(items) => request.param_indexed(location, &key, items),
                    }
                }
            }
        }
        Ok(())
    }
}

/// `{key}_min` and `{key}_max`, each when given.
fn range<T: crate::backlog::Wire>(
    request: &mut BacklogRequest,
    location: Location,
    key: &str,
    min: Option<&T>,
    max: Option<&T>,
) {
    for (suffix, bound) in [("min", min), ("max", max)] {
        if let Some(bound) = bound {
            request.param(location, &format!("{key}_{suffix}"), bound);
        }
    }
}
