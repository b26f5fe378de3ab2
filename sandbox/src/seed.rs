//! The reference data a sandbox starts from: the JSON files under `data/<space>/`, in
//! Backlog's own response shapes (relations as ids: `memberIds`, `createdUserId`), plus
//! what code generates from them. [`SpaceSeed`] names the spaces a sandbox can serve:
//! [`DEMO`], unless told otherwise, and [`ACME`].

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::resources::issues::{self, Issue};
use crate::table::Id;

/// Which seeded space a sandbox serves; see [`Sandbox::with_space`](crate::Sandbox::with_space).
/// Each is deterministic: a fresh sandbox of a seed always holds the same data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpaceSeed {
    /// Space `demo`, "Demo Space": users admin (myself), alice, bob, carol, dave; projects
    /// DEMO, WEB and OLD (archived) with issues, wikis, documents, Git repositories and
    /// pull requests. What [`Sandbox::new`](crate::Sandbox::new) serves.
    #[default]
    Demo,
    /// Space `acme`, "Acme Corp", smaller: users hanako (myself, id 1), kenji, maria,
    /// chidi; projects OPS and SALES with a few issues and one wiki page, no Git. Its ids
    /// differ from the demo space's (but the key owner's, 1), as its keys and names do, so
    /// a call that reaches the wrong space misses.
    Acme,
}

impl SpaceSeed {
    /// Every seed, in declaration order.
    pub const ALL: [SpaceSeed; 2] = [SpaceSeed::Demo, SpaceSeed::Acme];

    /// What the space is seeded from.
    pub(crate) fn data(self) -> &'static SpaceData {
        match self {
            SpaceSeed::Demo => &DEMO,
            SpaceSeed::Acme => &ACME,
        }
    }
}

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

/// A [`SpaceData`] of `data/<dir>/<field>.json` for each data field, the one list of them
/// every space is read from, plus the other fields as given.
macro_rules! space_data {
    ($dir:literal, $($field:ident: $value:expr),+ $(,)?) => {
        space_data!(@files $dir {
            space, users, projects, statuses, issue_types, priorities, resolutions,
            categories, versions, custom_fields, comments, stars, attachments, related_issues,
            shared_files, repositories, pull_requests, pull_request_comments, wikis, documents,
            notifications, watchings,
        } $($field: $value),+)
    };
    (@files $dir:literal { $($file:ident),+ $(,)? } $($field:ident: $value:expr),+) => {
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
pub const DEMO: SpaceData = space_data!("demo",
    files: embedded_files!("demo" [
        "api-spec.txt", "architecture.zip", "benchmark.csv", "checklist.pdf", "crash-report.pdf",
        "logo-checker.png", "logo-cross.png", "manual.pdf", "minutes-2026-01.txt",
        "minutes-2026-03.txt", "readme.md", "requirements-ja.txt", "screenshot.png",
    ]),
    issues: issues::seed::demo,
    myself_id: 1,
    first_write: "2026-11-27T08:00:00Z",
);

/// The Acme space: another organization, smaller than [`DEMO`] and disjoint from it in
/// everything a call names (space key, user names, project keys, ids but the key owner's
/// 1), so a request that reaches the wrong space misses or shows foreign data. Resources
/// it has no rows of are empty lists.
///
/// | what | ids |
/// |---|---|
/// | users | 1 hanako (myself, roleType 1), 6 kenji (2), 7 maria (2), 8 chidi (3) |
/// | projects | 11 OPS "Operations" (members 1, 6, 7), 12 SALES "Sales" (1, 7, 8) |
/// | statuses | 1 Open, 2 In Progress, 3 Resolved, 4 Closed in both; SALES also 5 Waiting for customer (listed last) |
/// | issue types | OPS 11 Incident, 12 Change, 13 Maintenance; SALES 14 Lead, 15 Deal |
/// | priorities / resolutions | as in the demo space: 2 High, 3 Normal, 4 Low / 0 Fixed … 4 Cannot Reproduce |
/// | categories | OPS 11 Network, 12 Servers; SALES 13 Enterprise |
/// | versions | OPS 11 2027-Q1 maintenance; SALES 12 FY2027 |
/// | custom fields | SALES 11 Deal size (numeric, USD; set on the deals) |
/// | issues | OPS-1…8 = ids 101–108; SALES-1…6 = ids 109–114 (generated) |
/// | comments | OPS-2: 11–12, SALES-1: 13 |
/// | wikis | OPS 11 Runbook (v1), tag 11 runbook |
/// | notifications | of 1: 11 (comment 11 on OPS-2, unread) |
/// | watchings | of 1: 11 SALES-1 |
/// | activities | one per issue created, issue updated after creation, and comment (generated) |
/// | stars, attachments, related issues, shared files, repositories, pull requests, documents | none |
pub const ACME: SpaceData = space_data!("acme",
    files: &[],
    issues: issues::seed::acme,
    myself_id: 1,
    first_write: "2027-01-20T08:00:00Z",
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{ACME, DEMO, SpaceSeed};
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

    /// The table in the doc comment of [`ACME`], as ids and counts.
    #[test]
    fn acme_space_holds_what_its_table_says() {
        let state = State::seeded(&ACME);
        assert_eq!(state.space.space_key, "acme");
        assert_eq!(state.space.name, "Acme Corp");
        let users: Vec<_> = state
            .users
            .iter()
            .map(|u| (u.id, u.user_id.as_str()))
            .collect();
        assert_eq!(
            users,
            [(1, "hanako"), (6, "kenji"), (7, "maria"), (8, "chidi")]
        );
        assert_eq!(state.myself_id, 1);
        let projects: Vec<_> = state
            .projects
            .iter()
            .map(|p| (p.id, p.project_key.as_str(), p.member_ids.clone()))
            .collect();
        assert_eq!(
            projects,
            [(11, "OPS", vec![1, 6, 7]), (12, "SALES", vec![1, 7, 8])]
        );
        let statuses: Vec<_> = state
            .statuses
            .iter()
            .map(|s| (s.project_id, s.id))
            .collect();
        let sales = [1, 2, 3, 4, 5].map(|id| (12, id));
        assert_eq!(
            statuses,
            [[1, 2, 3, 4].map(|id| (11, id)).as_slice(), &sales].concat()
        );
        assert_eq!(ids(&state.issue_types), [11, 12, 13, 14, 15]);
        assert_eq!(ids(&state.priorities), [2, 3, 4]);
        assert_eq!(ids(&state.resolutions), [0, 1, 2, 3, 4]);
        assert_eq!(ids(&state.categories), [11, 12, 13]);
        assert_eq!(ids(&state.versions), [11, 12]);
        assert_eq!(ids(&state.custom_fields), [11]);
        assert_eq!(ids(&state.issues), (101..=114).collect::<Vec<_>>());
        let projects: Vec<_> = state
            .issues
            .iter()
            .map(|i| (i.project_id, i.key_id))
            .collect();
        let sales = (1..=6).map(|k| (12, k));
        assert_eq!(
            projects,
            (1..=8).map(|k| (11, k)).chain(sales).collect::<Vec<_>>()
        );
        let commented: Vec<_> = state.comments.iter().map(|c| (c.id, c.issue_id)).collect();
        assert_eq!(commented, [(11, 102), (12, 102), (13, 109)]);
        assert_eq!(ids(&state.wikis), [11]);
        assert_eq!(state.wikis.iter().next().map(|w| w.history.len()), Some(1));
        assert_eq!(ids(&state.notifications), [11]);
        let watched: Vec<_> = state
            .watchings
            .iter()
            .map(|w| (w.user_id, w.issue_id))
            .collect();
        assert_eq!(watched, [(1, 109)]);
        let created = state.activities.iter().filter(|a| a.type_id == 1).count();
        assert_eq!(created, 14);
        assert_eq!(state.stars.len(), 0);
        assert_eq!(state.attachments.len(), 0);
        assert_eq!(state.related_issues.len(), 0);
        assert_eq!(state.shared_files.len(), 0);
        assert_eq!(state.repositories.len(), 0);
        assert_eq!(state.pull_requests.len(), 0);
        assert_eq!(state.documents.len(), 0);
        let next: Vec<_> = state.projects.iter().map(|p| p.next_key_id).collect();
        assert_eq!(next, [9, 7]);
    }

    /// The items of `b` that `a` holds too.
    fn shared<T: Ord>(a: impl IntoIterator<Item = T>, b: impl IntoIterator<Item = T>) -> Vec<T> {
        let a: BTreeSet<T> = a.into_iter().collect();
        b.into_iter().filter(|x| a.contains(x)).collect()
    }

    /// A call that reaches the wrong space names nothing there: the spaces share no
    /// project key, user name, or id of anything a path names, but the key owner's.
    #[test]
    fn acme_and_demo_share_no_keys_names_or_ids_but_the_key_owner() {
        let [demo, acme] = SpaceSeed::ALL.map(|seed| State::seeded(seed.data()));
        assert_ne!(demo.space.space_key, acme.space.space_key);
        assert_eq!(shared(ids(&demo.users), ids(&acme.users)), [1]);
        let names = |state: &State| -> Vec<String> {
            let users = state.users.iter();
            users
                .flat_map(|u| [u.user_id.clone(), u.name.clone()])
                .collect()
        };
        assert_eq!(shared(names(&demo), names(&acme)), [] as [String; 0]);
        let keys = |state: &State| -> Vec<String> {
            let projects = state.projects.iter();
            projects.map(|p| p.project_key.clone()).collect()
        };
        assert_eq!(shared(keys(&demo), keys(&acme)), [] as [String; 0]);
        let shared_ids = [
            ("projects", shared(ids(&demo.projects), ids(&acme.projects))),
            (
                "issue types",
                shared(ids(&demo.issue_types), ids(&acme.issue_types)),
            ),
            (
                "categories",
                shared(ids(&demo.categories), ids(&acme.categories)),
            ),
            ("versions", shared(ids(&demo.versions), ids(&acme.versions))),
            (
                "custom fields",
                shared(ids(&demo.custom_fields), ids(&acme.custom_fields)),
            ),
            ("issues", shared(ids(&demo.issues), ids(&acme.issues))),
            ("comments", shared(ids(&demo.comments), ids(&acme.comments))),
            ("wikis", shared(ids(&demo.wikis), ids(&acme.wikis))),
            (
                "notifications",
                shared(ids(&demo.notifications), ids(&acme.notifications)),
            ),
            (
                "watchings",
                shared(ids(&demo.watchings), ids(&acme.watchings)),
            ),
        ];
        for (table, ids) in shared_ids {
            assert!(ids.is_empty(), "{table} {ids:?} are in both spaces");
        }
    }
}
