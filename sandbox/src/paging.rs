//! The paging parameters lists share: `count` and `order` everywhere, and the
//! `minId`/`maxId` cursor of id-ordered lists (activities, comments) (backlog-api.md §1.4).

use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::table::Id;

/// `count`: 1–100, default 20.
pub fn count_param(params: &Params) -> ApiResult<usize> {
    match params.int("count")? {
        None => Ok(20),
        Some(count @ 1..=100) => Ok(count as usize),
        Some(_) => Err(ApiError::invalid("count")),
    }
}

/// `order`: `asc` or `desc` (the default). True for ascending.
pub fn ascending_param(params: &Params) -> ApiResult<bool> {
    match params.get("order") {
        None | Some("") | Some("desc") => Ok(false),
        Some("asc") => Ok(true),
        Some(_) => Err(ApiError::invalid("order")),
    }
}

/// Sorts `items` by `key` (which should end in an id, so no two are equal), ascending or
/// descending.
pub fn sort_by<T, K: Ord>(items: &mut [T], ascending: bool, key: impl FnMut(&T) -> K) {
    items.sort_by_key(key);
    if !ascending {
        items.reverse();
    }
}

/// `minId` / `maxId` / `count` / `order` paging over id-ordered items.
pub struct Cursor {
    min_id: Option<Id>,
    max_id: Option<Id>,
    count: usize,
    ascending: bool,
}

impl Cursor {
    pub fn parse(params: &Params) -> ApiResult<Self> {
        Ok(Self {
            min_id: params.int("minId")?,
            max_id: params.int("maxId")?,
            count: count_param(params)?,
            ascending: ascending_param(params)?,
        })
    }

    /// Keeps ids strictly between `minId` and `maxId` (both exclusive, so the last id
    /// seen pages on without repeats), newest first unless ascending, at most `count`.
    pub fn page<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> Id) -> Vec<T> {
        items.retain(|item| {
            let id = id(item);
            self.min_id.is_none_or(|min| id > min) && self.max_id.is_none_or(|max| id < max)
        });
        items.sort_by_key(&id);
        if !self.ascending {
            items.reverse();
        }
        items.truncate(self.count);
        items
    }
}
