//! One generic table for every resource: rows kept in key order, found by binary search,
//! with Backlog's id allocation — ids only grow, so no id is handed out twice, even after
//! the row that had it is deleted.

use std::slice;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Backlog's numeric ids.
pub type Id = u64;

/// A row of a [`Table`].
pub trait Row {
    /// What rows are ordered and found by: the id, or a pair where Backlog repeats ids
    /// (statuses 1–4 exist in every project, so a status is `(project_id, id)`).
    type Key: Ord + Copy;

    fn key(&self) -> Self::Key;

    /// The allocated part of the key.
    fn id(&self) -> Id;
}

/// A row that belongs to one project, e.g. a category.
pub trait InProject {
    fn project_id(&self) -> Id;
}

/// Implements [`Row`] keyed by the `id` field for each type named.
macro_rules! keyed_by_id {
    ($($row:ty),+ $(,)?) => {$(
        impl $crate::table::Row for $row {
            type Key = $crate::table::Id;

            fn key(&self) -> $crate::table::Id {
                self.id
            }

            fn id(&self) -> $crate::table::Id {
                self.id
            }
        }
    )+};
}

/// Implements [`InProject`] from the `project_id` field for each type named.
macro_rules! in_project {
    ($($row:ty),+ $(,)?) => {$(
        impl $crate::table::InProject for $row {
            fn project_id(&self) -> $crate::table::Id {
                self.project_id
            }
        }
    )+};
}

pub(crate) use {in_project, keyed_by_id};

/// The rows of one resource.
#[derive(Clone, Debug)]
pub struct Table<T> {
    rows: Vec<T>,
    next_id: Id,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            next_id: 1,
        }
    }
}

impl<T: Row> Table<T> {
    /// A table of `rows`; the next id allocated is one past the largest.
    ///
    /// Panics if two rows share a key: seed data with a duplicate is a bug.
    pub fn new(mut rows: Vec<T>) -> Self {
        rows.sort_by_key(T::key);
        assert!(
            rows.windows(2).all(|pair| pair[0].key() != pair[1].key()),
            "two rows share a key"
        );
        let next_id = rows.iter().map(T::id).max().map_or(1, |id| id + 1);
        Self { rows, next_id }
    }

    fn position(&self, key: T::Key) -> Result<usize, usize> {
        self.rows.binary_search_by_key(&key, T::key)
    }

    pub fn get(&self, key: T::Key) -> Option<&T> {
        self.position(key).ok().map(|at| &self.rows[at])
    }

    /// The row to edit in place; its key must stay as it is.
    pub fn get_mut(&mut self, key: T::Key) -> Option<&mut T> {
        self.position(key).ok().map(|at| &mut self.rows[at])
    }

    /// The first row, in key order, that `matches`.
    pub fn find(&self, matches: impl FnMut(&&T) -> bool) -> Option<&T> {
        self.rows.iter().find(matches)
    }

    /// The rows in key order.
    pub fn iter(&self) -> slice::Iter<'_, T> {
        self.rows.iter()
    }

    /// The rows in key order, to edit in place; their keys must stay as they are.
    pub fn iter_mut(&mut self) -> slice::IterMut<'_, T> {
        self.rows.iter_mut()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Adds the row `make` builds around the next id, and returns it.
    pub fn insert(&mut self, make: impl FnOnce(Id) -> T) -> &T {
        let row = make(self.next_id);
        self.put(row)
    }

    /// Adds a row that brings its own id (a status of a new project is 1–4 again), and
    /// returns it. Panics if the key is taken.
    pub fn put(&mut self, row: T) -> &T {
        self.next_id = self.next_id.max(row.id() + 1);
        let at = match self.position(row.key()) {
            Ok(_) => panic!("a row with this key exists"),
            Err(at) => at,
        };
        self.rows.insert(at, row);
        &self.rows[at]
    }

    /// Puts `row` in the place of the row with its key, as an edit made on a copy is
    /// stored once it is known to be valid; returns the row it replaced.
    pub fn replace(&mut self, row: T) -> Option<T> {
        let at = self.position(row.key()).ok()?;
        Some(std::mem::replace(&mut self.rows[at], row))
    }

    pub fn remove(&mut self, key: T::Key) -> Option<T> {
        self.position(key).ok().map(|at| self.rows.remove(at))
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.rows.retain(keep);
    }
}

impl<T: InProject> Table<T> {
    /// The rows of one project, in key order.
    pub fn of_project(&self, project_id: Id) -> impl Iterator<Item = &T> {
        self.rows
            .iter()
            .filter(move |row| row.project_id() == project_id)
    }
}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

/// A table answers as Backlog's list: a JSON array of its rows in key order.
impl<T: Serialize> Serialize for Table<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(serializer)
    }
}

/// A data file is a JSON array of rows.
impl<'de, T: Row + Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Table::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Thing {
        id: Id,
        project_id: Id,
    }

    keyed_by_id!(Thing);
    in_project!(Thing);

    /// Ids that repeat per project, like Backlog's statuses.
    #[derive(Debug)]
    struct PerProject {
        id: Id,
        project_id: Id,
    }

    impl Row for PerProject {
        type Key = (Id, Id);

        fn key(&self) -> (Id, Id) {
            (self.project_id, self.id)
        }

        fn id(&self) -> Id {
            self.id
        }
    }

    fn thing(id: Id) -> Thing {
        Thing {
            id,
            project_id: id % 2,
        }
    }

    #[test]
    fn finds_by_key_in_key_order_and_allocates_past_the_largest_id() {
        let mut table = Table::new(vec![thing(3), thing(1), thing(2)]);
        assert_eq!(table.iter().map(|t| t.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(table.get(2), Some(&thing(2)));
        assert_eq!(table.get(4), None);
        assert_eq!(table.insert(thing).id, 4);
        assert_eq!(
            table.of_project(0).map(|t| t.id).collect::<Vec<_>>(),
            [2, 4]
        );
        assert_eq!(table.find(|t| t.project_id == 1).map(|t| t.id), Some(1));
    }

    #[test]
    fn ids_are_never_reused_after_a_remove() {
        let mut table = Table::new(vec![thing(1), thing(2)]);
        assert_eq!(table.replace(thing(2)), Some(thing(2)));
        assert_eq!(table.replace(thing(9)), None);
        assert_eq!(table.remove(2), Some(thing(2)));
        assert_eq!(table.remove(2), None);
        assert_eq!(table.insert(thing).id, 3);
        table.retain(|t| t.id != 3);
        assert_eq!(table.insert(thing).id, 4);
        assert_eq!(Table::<Thing>::default().insert(thing).id, 1);
    }

    #[test]
    fn a_pair_key_lets_ids_repeat_across_projects() {
        let row = |project_id, id| PerProject { id, project_id };
        let mut table = Table::new(vec![row(2, 1), row(1, 2), row(1, 1)]);
        table.put(row(3, 1));
        let keys: Vec<_> = table.iter().map(Row::key).collect();
        assert_eq!(keys, [(1, 1), (1, 2), (2, 1), (3, 1)]);
        assert_eq!(table.get((2, 1)).map(|s| s.project_id), Some(2));
        assert_eq!(table.insert(|id| row(1, id)).key(), (1, 3));
    }

    #[test]
    #[should_panic(expected = "share a key")]
    fn duplicate_keys_are_refused() {
        Table::new(vec![thing(1), thing(1)]);
    }
}
