//! Decoding of query strings and form bodies as Backlog receives them (backlog-api.md §1.3):
//! percent-decoding with `+` as space, `name[]` arrays, and the `customField_*` key family.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;

use crate::error::{ApiError, ApiResult};
use crate::time::Date;

/// Splits `a=1&b%5B%5D=x+y` into decoded pairs, in order. Keys are decoded too, so an
/// encoded `%5B%5D` and a literal `[]` end up the same.
pub fn decode_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(key), decode_component(value))
        })
        .collect()
}

fn decode_component(text: &str) -> String {
    // `+` first: an encoded plus (`%2B`) must survive as a literal `+`.
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// The parameters of one request: the query for GET, the form body otherwise.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self { pairs }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// All values of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A value that must be present and not blank.
    pub fn required_text(&self, name: &str) -> ApiResult<&str> {
        match self.get(name) {
            Some(value) if !value.trim().is_empty() => Ok(value),
            _ => Err(ApiError::missing(name)),
        }
    }

    /// An id-like integer; absent or empty means `None`.
    pub fn int(&self, name: &str) -> ApiResult<Option<u64>> {
        self.parsed(name, |v| v.parse::<u64>().ok())
    }

    pub fn required_int(&self, name: &str) -> ApiResult<u64> {
        self.int(name)?.ok_or_else(|| ApiError::missing(name))
    }

    /// A non-negative decimal (hours); absent or empty means `None`.
    pub fn hours(&self, name: &str) -> ApiResult<Option<f64>> {
        self.parsed(name, |v| {
            v.parse::<f64>().ok().filter(|h| h.is_finite() && *h >= 0.0)
        })
    }

    pub fn boolean(&self, name: &str) -> ApiResult<Option<bool>> {
        self.parsed(name, |v| match v {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    }

    /// A `yyyy-MM-dd` date; absent or empty means `None`.
    pub fn date(&self, name: &str) -> ApiResult<Option<Date>> {
        self.parsed(name, Date::parse)
    }

    fn parsed<T>(&self, name: &str, parse: impl FnOnce(&str) -> Option<T>) -> ApiResult<Option<T>> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(value) => parse(value)
                .map(Some)
                .ok_or_else(|| ApiError::invalid(name)),
        }
    }

    /// The integer values of the array `name[]`: `None` when the key is absent, so callers
    /// can tell "leave unchanged" from "set to empty" (`name[]=` alone clears a list).
    pub fn int_list(&self, name: &str) -> ApiResult<Option<Vec<u64>>> {
        let key = format!("{name}[]");
        if !self.contains(&key) {
            return Ok(None);
        }
        self.all(&key)
            .filter(|v| !v.is_empty())
            .map(|v| v.parse::<u64>().map_err(|_| ApiError::invalid(&key)))
            .collect::<ApiResult<Vec<_>>>()
            .map(Some)
    }

    /// `keyword`, to match texts with.
    pub fn keyword(&self) -> Keyword {
        Keyword(self.get("keyword").unwrap_or("").trim().to_lowercase())
    }

    /// Every `customField_{id}…` parameter, grouped by field id.
    pub fn custom_fields(&self) -> BTreeMap<u64, CustomFieldParam> {
        let mut fields: BTreeMap<u64, CustomFieldParam> = BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some((id, suffix)) = split_custom_field_key(key) else {
                continue;
            };
            let param = fields.entry(id).or_default();
            let value = value.clone();
            match suffix {
                CustomFieldKey::Bare => param.values.push(value),
                CustomFieldKey::Indexed(index) => param.indexed.push((index, value)),
                CustomFieldKey::OtherValue => param.other_value = Some(value),
                CustomFieldKey::Min => param.min = Some(value),
                CustomFieldKey::Max => param.max = Some(value),
                CustomFieldKey::Ignored => param.ignored.push(key.clone()),
            }
        }
        for param in fields.values_mut() {
            param.indexed.sort_by_key(|(index, _)| *index);
        }
        fields
    }
}

/// A search `keyword`: a case-insensitive substring; a blank one matches everything.
pub struct Keyword(String);

impl Keyword {
    /// Whether any of `texts` contains the keyword.
    pub fn matches(&self, texts: &[&str]) -> bool {
        self.0.is_empty() || texts.iter().any(|t| t.to_lowercase().contains(&self.0))
    }
}

/// The parameters sent for one custom field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomFieldParam {
    /// `customField_{id}=v`, possibly repeated (the Rust peer repeats it for multi-values).
    pub values: Vec<String>,
    /// `customField_{id}[n]=v`, sorted by `n` (backlog-js's encoding of arrays).
    pub indexed: Vec<(usize, String)>,
    /// `customField_{id}_otherValue`.
    pub other_value: Option<String>,
    /// `customField_{id}_min` / `_max` (search filters only).
    pub min: Option<String>,
    pub max: Option<String>,
    /// Keys Backlog silently ignores, e.g. `customField_{id}[]` or `customField_{id}[][0]`.
    pub ignored: Vec<String>,
}

impl CustomFieldParam {
    /// Whether a write should touch the field's value (not just its `otherValue`).
    pub fn sets_value(&self) -> bool {
        !self.values.is_empty() || !self.indexed.is_empty()
    }

    /// Bare and indexed values together, empties dropped.
    pub fn non_empty_values(&self) -> impl Iterator<Item = &str> {
        self.values
            .iter()
            .chain(self.indexed.iter().map(|(_, v)| v))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

enum CustomFieldKey {
    Bare,
    Indexed(usize),
    OtherValue,
    Min,
    Max,
    Ignored,
}

fn split_custom_field_key(key: &str) -> Option<(u64, CustomFieldKey)> {
    let rest = key.strip_prefix("customField_")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id = rest[..digits].parse().ok()?;
    let kind = match &rest[digits..] {
        "" => CustomFieldKey::Bare,
        "_otherValue" => CustomFieldKey::OtherValue,
        "_min" => CustomFieldKey::Min,
        "_max" => CustomFieldKey::Max,
        suffix => suffix
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok())
            .map_or(CustomFieldKey::Ignored, CustomFieldKey::Indexed),
    };
    Some((id, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(encoded: &str) -> Params {
        Params::new(decode_pairs(encoded))
    }

    #[test]
    fn decodes_brackets_plus_and_percent_escapes() {
        let pairs = decode_pairs("projectId%5B%5D=1&projectId[]=2&keyword=a+b%20c%2Bd&flag&=x");
        assert_eq!(
            pairs,
            [
                ("projectId[]", "1"),
                ("projectId[]", "2"),
                ("keyword", "a b c+d"),
                ("flag", ""),
                ("", "x"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn int_list_tells_absent_from_cleared() {
        let p = params("categoryId%5B%5D=&versionId[]=3&versionId[]=4");
        assert_eq!(p.int_list("categoryId").unwrap(), Some(vec![]));
        assert_eq!(p.int_list("versionId").unwrap(), Some(vec![3, 4]));
        assert_eq!(p.int_list("milestoneId").unwrap(), None);
        let err = params("statusId[]=x").int_list("statusId").unwrap_err();
        assert_eq!(err.message, "Invalid value for 'statusId[]'.");
    }

    #[test]
    fn scalar_helpers_validate_and_name_the_parameter() {
        let p = params("count=abc&summary=+&archived=yes&startDate=2026-02-30&id=&est=1.5");
        assert_eq!(
            p.int("count").unwrap_err().message,
            "Invalid value for 'count'."
        );
        assert_eq!(
            p.required_text("summary").unwrap_err().message,
            "Please specify a value for 'summary'."
        );
        assert!(p.boolean("archived").is_err());
        assert!(p.date("startDate").is_err());
        assert_eq!(p.int("id").unwrap(), None);
        assert_eq!(p.hours("est").unwrap(), Some(1.5));
    }

    #[test]
    fn groups_custom_field_keys() {
        let p = params(
            "customField_5%5B1%5D=8&customField_5%5B0%5D=7&customField_1=kw&customField_6_otherValue=x\
             &customField_2_min=1&customField_2_max=9&customField_3%5B%5D=4&customField_4[][0]=1",
        );
        let fields = p.custom_fields();
        assert_eq!(
            fields[&5].indexed,
            vec![(0, "7".to_owned()), (1, "8".to_owned())]
        );
        assert_eq!(fields[&1].values, vec!["kw".to_owned()]);
        assert_eq!(fields[&6].other_value.as_deref(), Some("x"));
        assert!(!fields[&6].sets_value());
        assert_eq!(
            (fields[&2].min.as_deref(), fields[&2].max.as_deref()),
            (Some("1"), Some("9"))
        );
        assert_eq!(fields[&3].ignored, vec!["customField_3[]".to_owned()]);
        assert!(!fields[&3].sets_value());
        assert_eq!(fields[&4].ignored, vec!["customField_4[][0]".to_owned()]);
    }
}
