//! `GET /issues` and `/issues/count`: the search filters, then (for the list) the sort
//! (`sort.rs`) and the page.

use std::cmp::Ordering;

use axum::Json;
use axum::response::Response;
use serde_json::Value;

use super::sort::{SortKey, SortValue};
use super::{Issue, children, render};
use crate::App;
use crate::error::{ApiError, ApiResult};
use crate::paging::{ascending_param, count_param};
use crate::params::{CustomFieldParam, Params};
use crate::resources::attachments::{self, Parent};
use crate::resources::custom_fields::{FieldKind, FieldValue};
use crate::resources::shared_files;
use crate::routing::count;
use crate::store::State as Store;
use crate::table::Id;
use crate::time::Date;

pub async fn get_issues(app: App, params: Params) -> ApiResult<Json<Value>> {
    let state = app.state();
    let filters = Filters::parse(&state, &params)?;
    let sort = SortKey::parse(&params)?;
    let ascending = ascending_param(&params)?;
    let offset = params.int("offset")?.unwrap_or(0) as usize;
    let count = count_param(&params)?;

    let mut found: Vec<(SortValue, &Issue)> = state
        .issues
        .iter()
        .filter(|issue| filters.matches(&state, issue))
        .map(|issue| (sort.value(&state, issue), issue))
        .collect();
    found.sort_by(|(a, x), (b, y)| {
        let order = a
            .partial_cmp(b)
            .unwrap_or(Ordering::Equal)
            .then(x.id.cmp(&y.id));
        if ascending { order } else { order.reverse() }
    });
    let page = found.into_iter().skip(offset).take(count);
    Ok(Json(page.map(|(_, issue)| render(&state, issue)).collect()))
}

pub async fn count_issues(app: App, params: Params) -> ApiResult<Response> {
    let state = app.state();
    let filters = Filters::parse(&state, &params)?;
    let matching = state
        .issues
        .iter()
        .filter(|issue| filters.matches(&state, issue))
        .count();
    Ok(count(matching))
}

type Predicate = Box<dyn Fn(&Store, &Issue) -> bool>;
type IdField = fn(&Issue) -> Option<Id>;
type IdsField = fn(&Issue) -> &[Id];
type DateField = fn(&Issue) -> Option<Date>;

/// The search filters of `GET /issues` and `/issues/count`; all must hold.
struct Filters(Vec<Predicate>);

impl Filters {
    fn matches(&self, state: &Store, issue: &Issue) -> bool {
        self.0.iter().all(|predicate| predicate(state, issue))
    }

    fn parse(state: &Store, params: &Params) -> ApiResult<Self> {
        let mut filters: Vec<Predicate> = Vec::new();

        // Arrays arrive only as `name[]`; a bare `projectId=1` is not a filter.
        let single: [(&str, IdField); 9] = [
            ("id", |i| Some(i.id)),
            ("projectId", |i| Some(i.project_id)),
            ("issueTypeId", |i| Some(i.issue_type_id)),
            ("statusId", |i| Some(i.status_id)),
            ("priorityId", |i| Some(i.priority_id)),
            ("assigneeId", |i| i.assignee_id),
            ("createdUserId", |i| Some(i.created_user_id)),
            ("resolutionId", |i| i.resolution_id),
            ("parentIssueId", |i| i.parent_issue_id),
        ];
        for (name, field) in single {
            if let Some(ids) = params.int_list(name)?.filter(|ids| !ids.is_empty()) {
                filters.push(Box::new(move |_, i| {
                    field(i).is_some_and(|v| ids.contains(&v))
                }));
            }
        }
        let multi: [(&str, IdsField); 3] = [
            ("categoryId", |i| &i.category_ids),
            ("versionId", |i| &i.version_ids),
            ("milestoneId", |i| &i.milestone_ids),
        ];
        for (name, field) in multi {
            if let Some(ids) = params.int_list(name)?.filter(|ids| !ids.is_empty()) {
                filters.push(Box::new(move |_, i| {
                    field(i).iter().any(|v| ids.contains(v))
                }));
            }
        }

        if let Some(keyword) = params.get("keyword").filter(|k| !k.trim().is_empty()) {
            let keyword = keyword.to_lowercase();
            filters.push(Box::new(move |_, i| {
                i.summary.to_lowercase().contains(&keyword)
                    || i.description.to_lowercase().contains(&keyword)
            }));
        }

        let ranges: [(&str, &str, DateField); 4] = [
            ("startDateSince", "startDateUntil", |i| i.start_date),
            ("dueDateSince", "dueDateUntil", |i| i.due_date),
            ("createdSince", "createdUntil", |i| Some(i.created.date())),
            ("updatedSince", "updatedUntil", |i| Some(i.updated.date())),
        ];
        for (since, until, field) in ranges {
            if let Some(since) = params.date(since)? {
                filters.push(Box::new(move |_, i| field(i).is_some_and(|d| d >= since)));
            }
            if let Some(until) = params.date(until)? {
                filters.push(Box::new(move |_, i| field(i).is_some_and(|d| d <= until)));
            }
        }

        if let Some(has) = params.boolean("hasDueDate")? {
            filters.push(Box::new(move |_, i| i.due_date.is_some() == has));
        }
        if let Some(has) = params.boolean("attachment")? {
            filters.push(Box::new(move |s, i| {
                attachments::of(s, Parent::Issue(i.id)).next().is_some() == has
            }));
        }
        if let Some(has) = params.boolean("sharedFile")? {
            filters.push(Box::new(move |s, i| {
                shared_files::linked(s, i.id).next().is_some() == has
            }));
        }
        if let Some(mode) = params.int("parentChild")? {
            let has_children = |s: &Store, i: &Issue| children(s, i.id).next().is_some();
            let predicate: Predicate = match mode {
                0 => Box::new(|_, _| true),
                1 => Box::new(|_, i| i.parent_issue_id.is_none()),
                2 => Box::new(|_, i| i.parent_issue_id.is_some()),
                3 => Box::new(move |s, i| i.parent_issue_id.is_none() && !has_children(s, i)),
                4 => Box::new(move |s, i| has_children(s, i)),
                _ => return Err(ApiError::invalid("parentChild")),
            };
            filters.push(predicate);
        }

        for (id, param) in params.custom_fields() {
            if let Some(predicate) = custom_field_filter(state, id, &param)? {
                filters.push(predicate);
            }
        }
        Ok(Self(filters))
    }
}

/// The `_min`/`_max` bounds of a range filter; `None` when neither is given.
fn range<T>(
    name: &str,
    param: &CustomFieldParam,
    parse: impl Fn(&str) -> Option<T>,
) -> ApiResult<Option<(Option<T>, Option<T>)>> {
    let bound = |suffix: &str, text: &Option<String>| match text.as_deref() {
        None | Some("") => Ok(None),
        Some(t) => parse(t)
            .map(Some)
            .ok_or_else(|| ApiError::invalid(&format!("{name}_{suffix}"))),
    };
    let (min, max) = (bound("min", &param.min)?, bound("max", &param.max)?);
    Ok((min.is_some() || max.is_some()).then_some((min, max)))
}

fn in_range<T: PartialOrd>(value: T, min: Option<T>, max: Option<T>) -> bool {
    min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m)
}

/// Text fields match a keyword, numeric/date fields a `_min`/`_max` range, list fields any
/// of the items given as `customField_{id}[n]`. Everything else is ignored, as Backlog
/// ignores a bare `customField_{id}=` or `customField_{id}[]=` list filter.
fn custom_field_filter(
    state: &Store,
    id: Id,
    param: &CustomFieldParam,
) -> ApiResult<Option<Predicate>> {
    let name = format!("customField_{id}");
    let Some(field) = state.custom_fields.get(id) else {
        let used = param.sets_value() || param.min.is_some() || param.max.is_some();
        return if used {
            Err(ApiError::invalid(&name))
        } else {
            Ok(None)
        };
    };
    let value = move |i: &Issue| i.custom.get(&id).and_then(|s| s.value.clone());
    let predicate: Predicate = match field.kind {
        FieldKind::Text | FieldKind::TextArea => {
            let Some(keyword) = param.values.iter().find(|v| !v.trim().is_empty()) else {
                return Ok(None);
            };
            let keyword = keyword.to_lowercase();
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Text(text)) => text.to_lowercase().contains(&keyword),
                _ => false,
            })
        }
        FieldKind::Numeric => {
            let parse = |t: &str| t.parse::<f64>().ok();
            let Some((min, max)) = range(&name, param, parse)? else {
                return Ok(None);
            };
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Numeric(n)) => in_range(n, min, max),
                _ => false,
            })
        }
        FieldKind::Date => {
            let Some((min, max)) = range(&name, param, Date::parse)? else {
                return Ok(None);
            };
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Date(d)) => in_range(d, min, max),
                _ => false,
            })
        }
        _ => {
            let wanted = param
                .indexed
                .iter()
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
                .map(|v| v.parse::<Id>().map_err(|_| ApiError::invalid(&name)))
                .collect::<ApiResult<Vec<_>>>()?;
            if wanted.is_empty() {
                return Ok(None);
            }
            Box::new(move |_, i| match value(i) {
                Some(FieldValue::Items(items)) => items.iter().any(|item| wanted.contains(item)),
                _ => false,
            })
        }
    };
    Ok(Some(predicate))
}
