//! `/projects/{projectIdOrKey}/customFields`: the definitions, and the values an issue
//! holds for them. List item ids are unique across all fields, as in Backlog, so a test
//! cannot mix up the items of two fields.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Value, json};

use super::projects;
use crate::routing::Routes;
use crate::table::{Id, in_project, keyed_by_id};
use crate::time::Date;

/// A field's kind; the discriminant is Backlog's `typeId` / `fieldTypeId`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u8")]
#[repr(u8)]
pub enum FieldKind {
    Text = 1,
    TextArea = 2,
    Numeric = 3,
    Date = 4,
    SingleList = 5,
    MultipleList = 6,
    CheckBox = 7,
    Radio = 8,
}

impl FieldKind {
    const ALL: [FieldKind; 8] = [
        Self::Text,
        Self::TextArea,
        Self::Numeric,
        Self::Date,
        Self::SingleList,
        Self::MultipleList,
        Self::CheckBox,
        Self::Radio,
    ];

    pub fn type_id(self) -> u8 {
        self as u8
    }

    pub fn has_items(self) -> bool {
        matches!(
            self,
            Self::SingleList | Self::MultipleList | Self::CheckBox | Self::Radio
        )
    }

    /// Several items at once (rendered as an array).
    pub fn is_multi(self) -> bool {
        matches!(self, Self::MultipleList | Self::CheckBox)
    }

    /// Checkbox and radio carry a free-text `otherValue`.
    pub fn has_other_value(self) -> bool {
        matches!(self, Self::CheckBox | Self::Radio)
    }
}

impl TryFrom<u8> for FieldKind {
    type Error = String;

    fn try_from(type_id: u8) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.type_id() == type_id)
            .ok_or_else(|| format!("no custom field typeId {type_id}"))
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListItem {
    pub id: Id,
    pub name: String,
    pub display_order: u32,
}

/// A field definition; a data file row has Backlog's keys, those a kind does not use
/// left out.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomField {
    pub id: Id,
    pub project_id: Id,
    #[serde(rename = "typeId")]
    pub kind: FieldKind,
    pub name: String,
    pub description: String,
    pub required: bool,
    pub display_order: u32,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub items: Vec<ListItem>,
    #[serde(default)]
    pub allow_add_item: bool,
    #[serde(default)]
    pub allow_input: bool,
}

keyed_by_id!(CustomField);
in_project!(CustomField);

impl CustomField {
    pub fn item(&self, id: Id) -> Option<&ListItem> {
        self.items.iter().find(|item| item.id == id)
    }

    /// Backlog's definition object: which keys follow `displayOrder` depends on the kind.
    fn definition(&self) -> Value {
        let mut value = json!({
            "id": self.id,
            "projectId": self.project_id,
            "typeId": self.kind.type_id(),
            "version": 1,
            "name": self.name,
            "description": self.description,
            "required": self.required,
            "useIssueType": false,
            "applicableIssueTypes": [],
            "displayOrder": self.display_order,
        });
        let extra = match self.kind {
            FieldKind::Numeric => {
                json!({ "min": null, "max": null, "initialValue": null, "unit": self.unit })
            }
            FieldKind::Date => json!({ "min": null, "max": null, "initialDate": null }),
            kind if kind.has_items() => {
                let mut extra = json!({
                    "items": self.items,
                    "allowAddItem": self.allow_add_item,
                });
                if kind.has_other_value() {
                    extra["allowInput"] = Value::Bool(self.allow_input);
                }
                extra
            }
            _ => json!({}),
        };
        if let (Value::Object(target), Value::Object(source)) = (&mut value, extra) {
            target.extend(source);
        }
        value
    }
}

/// Hand-built (see [`CustomField::definition`]), since the keys depend on the kind.
impl Serialize for CustomField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.definition().serialize(serializer)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Text(String),
    Numeric(f64),
    Date(Date),
    /// Item ids, for every list kind (single kinds hold exactly one).
    Items(Vec<Id>),
}

/// One custom field's value on an issue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredValue {
    pub value: Option<FieldValue>,
    pub other_value: Option<String>,
}

/// A value without an `otherValue`.
impl From<FieldValue> for StoredValue {
    fn from(value: FieldValue) -> Self {
        Self {
            value: Some(value),
            other_value: None,
        }
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new().route(
        "/api/v2/projects/{projectIdOrKey}/customFields",
        projects::list(|state| &state.custom_fields),
    )
}

#[cfg(test)]
mod tests {
    use crate::seed::DEMO;
    use crate::store::State;

    #[test]
    fn list_item_ids_are_unique_across_fields() {
        let state = State::seeded(&DEMO);
        let mut ids: Vec<_> = state
            .custom_fields
            .iter()
            .flat_map(|f| f.items.iter().map(|item| item.id))
            .collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all);
    }
}
