//! The reference data a sandbox starts from: the JSON files under `data/<space>/`, in
//! Backlog's own response shapes (relations as ids: `memberIds`, `createdUserId`), plus
//! what code generates from them. [`DEMO`] is the space every sandbox serves.

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::resources::issues::{self, Issue};
use crate::table::Id;

/// One data file, embedded at compile time.
#[derive(Clone, Copy, Debug)]
pub struct DataFile {
    path: &'static str,
    text: &'static str,
}

impl DataFile {
    /// The file's rows. Panics naming the file if it does not fit the type: the data ships
    /// with the code, so a mismatch is a bug every test would hit at once.
    pub fn load<T: DeserializeOwned>(self) -> T {
        serde_json::from_str(self.text).unwrap_or_else(|e| panic!("{}: {e}", self.path))
    }
}

/// Everything one space is seeded from.
pub struct SpaceData {
    pub space: DataFile,
    pub users: DataFile,
    pub projects: DataFile,
    pub statuses: DataFile,
    pub issue_types: DataFile,
    pub priorities: DataFile,
    pub resolutions: DataFile,
    pub categories: DataFile,
    pub versions: DataFile,
    pub custom_fields: DataFile,
    pub comments: DataFile,
    pub stars: DataFile,
    pub attachments: DataFile,
    pub related_issues: DataFile,
    pub shared_files: DataFile,
    pub repositories: DataFile,
    pub pull_requests: DataFile,
    pub pull_request_comments: DataFile,
    pub wikis: DataFile,
    pub documents: DataFile,
    pub notifications: DataFile,
    pub watchings: DataFile,
    /// The bytes of the seeded attachments and shared files, `data/<space>/files/*`.
    pub files: &'static [EmbeddedFile],
    /// The bulk issues, generated in id order.
    pub issues: fn() -> Vec<Issue>,
    /// The user the API key belongs to.
    pub myself_id: Id,
    /// When the first write of a fresh sandbox is stamped (ISO-8601 UTC); each later one
    /// a minute on.
    pub first_write: &'static str,
}

/// A file under `data/<space>/files/`, embedded at compile time.
#[derive(Clone, Copy, Debug)]
pub struct EmbeddedFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

impl SpaceData {
    /// The bytes of `files/<name>`. Panics naming the file if it is not embedded: a data
    /// file naming a missing one is a bug every test would hit at once.
    pub fn file(&self, name: &str) -> Bytes {
        let file = self.files.iter().find(|f| f.name == name);
        let file = file.unwrap_or_else(|| panic!("files/{name} is not embedded"));
        Bytes::from_static(file.bytes)
    }
}

/// `data/<dir>/files/<name>` for each name, as [`EmbeddedFile`]s.
macro_rules! embedded_files {
    ($dir:literal [$($name:literal),+ $(,)?]) => {
        &[$(EmbeddedFile {
            name: $name,
            bytes: include_bytes!(concat!("../data/", $dir, "/files/", $name)),
        }),+]
    };
}

/// `data/<dir>/<field>.json` for each data field of [`SpaceData`], plus the other fields.
macro_rules! space_data {
    ($dir:literal { $($file:ident),+ $(,)? } $($field:ident: $value:expr),+ $(,)?) => {
        SpaceData {
            $($file: DataFile {
                path: concat!("data/", $dir, "/", stringify!($file), ".json"),
                text: include_str!(concat!("../data/", $dir, "/", stringify!($file), ".json")),
            },)+
            $($field: $value,)+
        }
    };
}

/// The deterministic demo space. Variety in the bulk issues comes from small modular
/// formulas over the issue number, so the same ids always carry the same data.
///
/// | what | ids |
/// |---|---|
/// | users | 1 admin (myself, roleType 1), 2 alice (2), 3 bob (3), 4 carol (4), 5 dave (2) |
/// | projects | 1 DEMO (members 1–4), 2 WEB (1, 2, 5), 3 OLD (archived; 1, 3) |
/// | statuses | 1 Open, 2 In Progress, 3 Resolved, 4 Closed — in every project |
/// | issue types | DEMO 1 Bug, 2 Task, 3 Request, 4 Other; WEB 5 Bug, 6 Task, 7 Request; OLD 8 Task |
/// | priorities / resolutions | 2 High, 3 Normal, 4 Low / 0 Fixed … 4 Cannot Reproduce |
/// | categories | DEMO 1 Frontend, 2 Backend, 3 Documentation; WEB 4 Design, 5 Content; OLD 6 |
/// | versions | DEMO 1 v1.0, 2 v1.1, 3 v2.0; WEB 4 Sprint 1, 5 Sprint 2; OLD 6 (archived) |
/// | custom fields | DEMO 1 text, 2 numeric, 3 date, 4 single list (items 1–3), 5 multiple list (4–7), 6 checkbox (8–10), 7 radio (11–13); WEB 8 text, 9 textarea |
/// | issues | DEMO-1…40 = ids 1–40 (11–13 are subtasks of 10); WEB-1…10 = ids 41–50 (generated) |
/// | comments | DEMO-1: 1–3, DEMO-2: 4, DEMO-5: 5–6, DEMO-10: 7, WEB-1: 8–9 |
/// | stars | received by 1: DEMO-4 (1), comments 2, 6 (2, 3); by 2: DEMO-1 (4), wiki 1 (5), comments 1, 5 (6, 7), DEMO-5 (8); by 3: wiki 3 (9); by 5: comment 8 (10), WEB-3 (11) |
/// | attachments | one id space: 1 login-screen.png (DEMO-1, PNG), 2 議事録 2026-03.txt (wiki 2, UTF-8 text), 3 release-checklist.pdf (wiki 3, PDF), 4 install-screen.png (document Installation, PNG), 5 architecture.zip (document Architecture, zip), 6 logo.png (wiki 1, PNG), 7 議事録.txt (DEMO-2, UTF-8 text), 8 crash-report.pdf (DEMO-5, PDF), 9 benchmark.csv (app #1, CSV); bytes from `files/`, uploads from 10 |
/// | related issues | links 1 DEMO-1–DEMO-2, 2 DEMO-1–DEMO-5, 3 DEMO-40–DEMO-3, 4 WEB-1–WEB-2 |
/// | shared files | DEMO 1 `/docs`, 2 `/README.md` (linked to DEMO-1), 3 `/logo.png`, 4 `/docs/specs`, 5 `/docs/manual.pdf` (linked to wiki 3), 6 `/docs/specs/api-v2.txt` and 7 `/docs/specs/要件定義.txt` (both DEMO-3); WEB 8 `/assets` |
/// | repositories | DEMO 1 app (branches main, develop, feature/login-fix, feature/csv-export, fix/search-timeout), 2 docs (main, draft/api-guide) |
/// | pull requests | app #1–#4 = ids 1–4: #1 Merged (DEMO-1), #2 Open (DEMO-3), #3 Closed, #4 Open; docs #1 = id 5, Open |
/// | pull request comments | app #1: 1–2, app #2: 3–4, docs #1: 5 |
/// | wikis | DEMO 1 Home (v1–2), 2 Meeting notes, 3 Release process (v1–3); WEB 4 Home, 5 Style guide |
/// | wiki tags | 1 guide (wikis 1, 3), 2 meeting (2), 3 release (3), 4 website (4) |
/// | documents | DEMO: Product handbook › {Getting started › Installation, Architecture}; Release notes › v1.0; Old draft (trash). WEB: Website launch plan |
/// | notifications | of 1: 1–10, ids in time order; 1–6 alreadyRead, 7–10 not; resourceAlreadyRead 1–5 and 7 |
/// | watchings | of 1: 1 DEMO-1 (read), 2 DEMO-5, 3 DEMO-13, 4 WEB-1 (read); of 2: 5 DEMO-2 |
/// | activities | one per issue created, issue updated after creation, and comment; one per pull request added, no longer open, and commented (generated) |
pub const DEMO: SpaceData = space_data!("demo" {
    space, users, projects, statuses, issue_types, priorities, resolutions, categories,
    versions, custom_fields, comments, stars,
    attachments, related_issues, shared_files, repositories, pull_requests, pull_request_comments,
    wikis, documents, notifications, watchings,
}
    files: embedded_files!("demo" [
        "api-spec.txt", "architecture.zip", "benchmark.csv", "checklist.pdf", "crash-report.pdf",
        "logo-checker.png", "logo-cross.png", "manual.pdf", "minutes-2026-01.txt",
        "minutes-2026-03.txt", "readme.md", "requirements-ja.txt", "screenshot.png",
    ]),
    issues: issues::seed::demo,
    myself_id: 1,
    first_write: "2026-11-27T08:00:00Z",
);

#[cfg(test)]
mod tests {
    use super::DEMO;
    use crate::resources::attachments::Parent;
    use crate::store::State;
    use crate::table::{Id, Row, Table};

    fn ids<T: Row>(table: &Table<T>) -> Vec<Id> {
        table.iter().map(Row::id).collect()
    }

    /// The table in the doc comment of [`DEMO`], as ids and counts.
    #[test]
    fn demo_space_holds_what_its_table_says() {
        let state = State::seeded(&DEMO);
        assert_eq!(ids(&state.users), [1, 2, 3, 4, 5]);
        let myself = state.users.get(state.myself_id);
        assert_eq!(myself.map(|u| u.user_id.as_str()), Some("admin"));
        let keys: Vec<_> = state
            .projects
            .iter()
            .map(|p| p.project_key.as_str())
            .collect();
        assert_eq!(keys, ["DEMO", "WEB", "OLD"]);
        assert_eq!(ids(&state.statuses), [1, 2, 3, 4].repeat(3));
        assert_eq!(ids(&state.issue_types), (1..=8).collect::<Vec<_>>());
        assert_eq!(ids(&state.priorities), [2, 3, 4]);
        assert_eq!(ids(&state.resolutions), [0, 1, 2, 3, 4]);
        assert_eq!(ids(&state.categories), (1..=6).collect::<Vec<_>>());
        assert_eq!(ids(&state.versions), (1..=6).collect::<Vec<_>>());
        assert_eq!(ids(&state.custom_fields), (1..=9).collect::<Vec<_>>());
        assert_eq!(ids(&state.issues), (1..=50).collect::<Vec<_>>());
        assert_eq!(ids(&state.comments), (1..=9).collect::<Vec<_>>());
        assert_eq!(state.stars.len(), 11);
        let created = state.activities.iter().filter(|a| a.type_id == 1).count();
        assert_eq!(created, 50);
        assert_eq!(ids(&state.attachments), (1..=9).collect::<Vec<_>>());
        let document = |title: &str| {
            let document = state.documents.find(|d| d.title == title);
            Parent::Document(document.expect("seeded document").id)
        };
        let parents: Vec<_> = state.attachments.iter().map(|a| a.parent).collect();
        let expected = [
            Parent::Issue(1),
            Parent::Wiki(2),
            Parent::Wiki(3),
            document("Installation"),
            document("Architecture"),
            Parent::Wiki(1),
            Parent::Issue(2),
            Parent::Issue(5),
            Parent::PullRequest(1),
        ];
        assert_eq!(parents, expected.map(Some));
        assert!(state.attachments.iter().all(|a| !a.content.is_empty()));
        assert_eq!(ids(&state.related_issues), [1, 2, 3, 4]);
        assert_eq!(ids(&state.shared_files), (1..=8).collect::<Vec<_>>());
        let wiki_links = state.shared_files.iter();
        let wiki_links = wiki_links.flat_map(|f| f.wiki_ids.iter().map(|wiki| (f.id, *wiki)));
        assert_eq!(wiki_links.collect::<Vec<_>>(), [(5, 3)]);
        assert_eq!(ids(&state.repositories), [1, 2]);
        assert_eq!(ids(&state.pull_requests), [1, 2, 3, 4, 5]);
        assert_eq!(ids(&state.pull_request_comments), [1, 2, 3, 4, 5]);
        let pull_request_activities = state.activities.iter().filter(|a| a.type_id >= 18);
        assert_eq!(pull_request_activities.count(), 5 + 2 + 5);
        let next: Vec<_> = state
            .repositories
            .iter()
            .map(|r| r.next_pull_request_number)
            .collect();
        assert_eq!(next, [5, 2]);
        assert_eq!(ids(&state.wikis), [1, 2, 3, 4, 5]);
        let versions: Vec<_> = state.wikis.iter().map(|w| w.history.len()).collect();
        assert_eq!(versions, [2, 1, 3, 1, 1]);
        let titles: Vec<_> = state.documents.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles.len(), 8);
        let trashed: Vec<_> = state.documents.iter().filter(|d| d.in_trash).collect();
        assert_eq!(trashed.len(), 1);
        assert_eq!(trashed[0].title, "Old draft");
        assert_eq!(ids(&state.notifications), (1..=10).collect::<Vec<_>>());
        let unread = state.notifications.iter().filter(|n| !n.already_read);
        assert_eq!(unread.map(|n| n.id).collect::<Vec<_>>(), [7, 8, 9, 10]);
        let watched: Vec<_> = state
            .watchings
            .iter()
            .map(|w| (w.user_id, w.issue_id))
            .collect();
        assert_eq!(watched, [(1, 1), (1, 5), (1, 13), (1, 41), (2, 2)]);
        // Keys continue after the seeded issues.
        let next: Vec<_> = state.projects.iter().map(|p| p.next_key_id).collect();
        assert_eq!(next, [41, 11, 1]);
    }
}
