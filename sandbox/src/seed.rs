//! The deterministic demo space every sandbox starts from. Variety comes from small
//! modular formulas over the issue number, so the same ids always carry the same data.
//!
//! | what | ids |
//! |---|---|
//! | users | 1 admin (myself, roleType 1), 2 alice (2), 3 bob (3), 4 carol (4), 5 dave (2) |
//! | projects | 1 DEMO (members 1–4), 2 WEB (1, 2, 5), 3 OLD (archived; 1, 3) |
//! | statuses | 1 Open, 2 In Progress, 3 Resolved, 4 Closed — in every project |
//! | issue types | DEMO 1 Bug, 2 Task, 3 Request, 4 Other; WEB 5 Bug, 6 Task, 7 Request; OLD 8 Task |
//! | priorities / resolutions | 2 High, 3 Normal, 4 Low / 0 Fixed … 4 Cannot Reproduce |
//! | categories | DEMO 1 Frontend, 2 Backend, 3 Documentation; WEB 4 Design, 5 Content; OLD 6 |
//! | versions | DEMO 1 v1.0, 2 v1.1, 3 v2.0; WEB 4 Sprint 1, 5 Sprint 2; OLD 6 (archived) |
//! | custom fields | DEMO 1 text, 2 numeric, 3 date, 4 single list (items 1–3), 5 multiple list (4–7), 6 checkbox (8–10), 7 radio (11–13); WEB 8 text, 9 textarea |
//! | issues | DEMO-1…40 = ids 1–40 (11–13 are subtasks of 10); WEB-1…10 = ids 41–50 |
//! | comments | DEMO-1: 1–3, DEMO-2: 4, DEMO-5: 5–6, DEMO-10: 7, WEB-1: 8–9 |

use std::collections::BTreeMap;

use crate::render;
use crate::store::{
    Activity, Category, Comment, CustomField, FieldKind, FieldValue, Id, Issue, IssueType,
    ListItem, Named, Project, Space, Star, State, Status, StoredValue, User, Version,
    activity_type,
};
use crate::time::{Date, Timestamp};

fn day(text: &str) -> Date {
    Date::parse(text).expect("seed dates are valid")
}

/// The first write of a fresh sandbox is stamped one minute after this.
const NOW: &str = "2026-11-27";

pub fn demo_space() -> State {
    let mut state = State {
        space: Space {
            space_key: "demo".into(),
            name: "Demo Space".into(),
            owner_id: 1,
            lang: "en".into(),
            timezone: "UTC".into(),
            report_send_time: "08:00:00".into(),
            text_formatting_rule: "markdown".into(),
            created: day("2025-04-01").at(0, 0, 0),
            updated: day("2026-01-05").at(9, 0, 0),
        },
        myself_id: 1,
        users: users(),
        projects: projects(),
        statuses: Vec::new(),
        issue_types: Vec::new(),
        priorities: named(&[(2, "High"), (3, "Normal"), (4, "Low")]),
        resolutions: named(&[
            (0, "Fixed"),
            (1, "Won't Fix"),
            (2, "Invalid"),
            (3, "Duplicate"),
            (4, "Cannot Reproduce"),
        ]),
        categories: categories(),
        versions: versions(),
        custom_fields: custom_fields(),
        issues: Vec::new(),
        comments: Vec::new(),
        activities: Vec::new(),
        stars: stars(),
        next_issue_id: 1,
        next_comment_id: 1,
        next_activity_id: 1,
        now: day(NOW).at(8, 0, 0).plus_seconds(-60),
    };
    for project_id in [1, 2, 3] {
        state.statuses.extend(default_statuses(project_id));
    }
    let types: [(Id, &[&str]); 3] = [
        (1, &["Bug", "Task", "Request", "Other"]),
        (2, &["Bug", "Task", "Request"]),
        (3, &["Task"]),
    ];
    for (project_id, names) in types {
        let first_id = state.issue_types.len() as Id + 1;
        state
            .issue_types
            .extend(default_issue_types(project_id, first_id, names));
    }
    for k in 1..=40 {
        state.issues.push(demo_issue(k));
    }
    for k in 1..=10 {
        state.issues.push(web_issue(k));
    }
    for project in &mut state.projects {
        let count = state
            .issues
            .iter()
            .filter(|i| i.project_id == project.id)
            .count();
        project.next_key_id = count as u64 + 1;
    }
    state.next_issue_id = state.issues.len() as Id + 1;
    seed_comments(&mut state);
    seed_activities(&mut state);
    state
}

fn named(pairs: &[(Id, &str)]) -> Vec<Named> {
    pairs
        .iter()
        .map(|(id, name)| Named {
            id: *id,
            name: (*name).into(),
        })
        .collect()
}

fn users() -> Vec<User> {
    let rows: [(&str, &str, u8, Option<&str>); 5] = [
        ("admin", "Sandbox Admin", 1, Some("en")),
        ("alice", "Alice Tanaka", 2, Some("ja")),
        ("bob", "Bob Smith", 3, Some("en")),
        ("carol", "Carol Suzuki", 4, Some("ja")),
        ("dave", "Dave Kim", 2, None),
    ];
    rows.iter()
        .zip(1..)
        .map(|((user_id, name, role_type, lang), id)| User {
            id,
            user_id: (*user_id).into(),
            name: (*name).into(),
            role_type: *role_type,
            lang: lang.map(Into::into),
            mail_address: format!("{user_id}@example.com"),
            last_login_time: day("2026-11-26").at(9 + id as i64, 15, 0),
        })
        .collect()
}

/// A project with Backlog's defaults for everything but identity.
pub fn new_project(id: Id, key: &str, name: &str, member_ids: Vec<Id>) -> Project {
    Project {
        id,
        key: key.into(),
        name: name.into(),
        chart_enabled: false,
        use_resolved_for_chart: false,
        subtasking_enabled: false,
        project_leader_can_edit_project_leader: false,
        use_wiki: true,
        use_file_sharing: true,
        use_wiki_tree_view: false,
        use_original_image_size_at_wiki: false,
        use_subversion: false,
        use_git: false,
        use_dev_attributes: true,
        grandchild_issue_enabled: false,
        text_formatting_rule: "markdown".into(),
        archived: false,
        display_order: 0,
        member_ids,
        next_key_id: 1,
    }
}

fn projects() -> Vec<Project> {
    let demo = Project {
        chart_enabled: true,
        subtasking_enabled: true,
        use_git: true,
        ..new_project(1, "DEMO", "Demo project", vec![1, 2, 3, 4])
    };
    let web = Project {
        subtasking_enabled: true,
        text_formatting_rule: "backlog".into(),
        display_order: 1,
        ..new_project(2, "WEB", "Website", vec![1, 2, 5])
    };
    let old = Project {
        archived: true,
        display_order: 2,
        ..new_project(3, "OLD", "Old project", vec![1, 3])
    };
    vec![demo, web, old]
}

/// Open 1, In Progress 2, Resolved 3, Closed 4 — the same ids in every project.
pub fn default_statuses(project_id: Id) -> Vec<Status> {
    [
        ("Open", "#ea2c00"),
        ("In Progress", "#3b9dbd"),
        ("Resolved", "#4caf93"),
        ("Closed", "#393939"),
    ]
    .iter()
    .zip(1..)
    .map(|((name, color), id)| Status {
        id,
        project_id,
        name: (*name).into(),
        color: (*color).into(),
        display_order: id as u32 - 1,
    })
    .collect()
}

pub fn default_issue_types(project_id: Id, first_id: Id, names: &[&str]) -> Vec<IssueType> {
    const COLORS: [&str; 4] = ["#e30000", "#7ea800", "#ff9200", "#2779ca"];
    names
        .iter()
        .enumerate()
        .map(|(n, name)| IssueType {
            id: first_id + n as Id,
            project_id,
            name: (*name).into(),
            color: COLORS[n % COLORS.len()].into(),
            display_order: n as u32,
        })
        .collect()
}

fn categories() -> Vec<Category> {
    let rows = [
        (1, "Frontend"),
        (1, "Backend"),
        (1, "Documentation"),
        (2, "Design"),
        (2, "Content"),
        (3, "Misc"),
    ];
    rows.iter()
        .zip(1..)
        .map(|((project_id, name), id)| Category {
            id,
            project_id: *project_id,
            name: (*name).into(),
            display_order: id as u32,
        })
        .collect()
}

fn versions() -> Vec<Version> {
    let rows = [
        (
            1,
            "v1.0",
            "First release",
            "2026-01-05",
            "2026-03-31",
            false,
        ),
        (
            1,
            "v1.1",
            "Polish and fixes",
            "2026-04-01",
            "2026-06-30",
            false,
        ),
        (
            1,
            "v2.0",
            "Next major release",
            "2026-07-01",
            "2026-12-31",
            false,
        ),
        (2, "Sprint 1", "", "2026-09-01", "2026-09-30", false),
        (2, "Sprint 2", "", "2026-10-01", "2026-10-31", false),
        (
            3,
            "Final",
            "Last release before archiving",
            "2025-06-01",
            "2025-09-30",
            true,
        ),
    ];
    rows.iter()
        .zip(1..)
        .map(
            |((project_id, name, description, start, due, archived), id)| Version {
                id,
                project_id: *project_id,
                name: (*name).into(),
                description: (*description).into(),
                start_date: Some(day(start)),
                release_due_date: Some(day(due)),
                archived: *archived,
                display_order: id as u32,
            },
        )
        .collect()
}

fn custom_fields() -> Vec<CustomField> {
    // List item ids are unique across all fields, so a test cannot mix them up.
    let fields: [(Id, FieldKind, &str, &[&str]); 9] = [
        (1, FieldKind::Text, "Customer", &[]),
        (1, FieldKind::Numeric, "Story points", &[]),
        (1, FieldKind::Date, "Release date", &[]),
        (
            1,
            FieldKind::SingleList,
            "OS",
            &["Windows", "macOS", "Linux"],
        ),
        (
            1,
            FieldKind::MultipleList,
            "Browsers",
            &["Chrome", "Firefox", "Safari", "Edge"],
        ),
        (
            1,
            FieldKind::CheckBox,
            "Impact",
            &["Data loss", "Security", "Performance"],
        ),
        (
            1,
            FieldKind::Radio,
            "Severity",
            &["Critical", "Major", "Minor"],
        ),
        (2, FieldKind::Text, "Page URL", &[]),
        (2, FieldKind::TextArea, "Review notes", &[]),
    ];
    let mut next_item_id = 1;
    fields
        .iter()
        .zip(1..)
        .map(|((project_id, kind, name, items), id)| {
            let items = items
                .iter()
                .enumerate()
                .map(|(n, item)| {
                    next_item_id += 1;
                    ListItem {
                        id: next_item_id - 1,
                        name: (*item).into(),
                        display_order: n as u32,
                    }
                })
                .collect();
            CustomField {
                id,
                project_id: *project_id,
                kind: *kind,
                name: (*name).into(),
                description: String::new(),
                required: false,
                display_order: id as u32,
                unit: (*kind == FieldKind::Numeric).then(|| "pt".into()),
                items,
                allow_add_item: false,
                allow_input: kind.has_other_value(),
            }
        })
        .collect()
}

fn stars() -> Vec<Star> {
    let rows = [
        (1, "2026-02-10"),
        (1, "2026-05-20"),
        (1, "2026-10-01"),
        (2, "2026-01-15"),
        (2, "2026-03-03"),
        (2, "2026-06-06"),
        (2, "2026-09-09"),
        (2, "2026-11-11"),
        (3, "2026-07-07"),
        (5, "2026-09-15"),
        (5, "2026-10-20"),
    ];
    rows.iter()
        .map(|(user_id, date)| Star {
            user_id: *user_id,
            created: day(date).at(12, 0, 0),
        })
        .collect()
}

const DEMO_SUBJECTS: [&str; 8] = [
    "Login page",
    "Search results",
    "Export to CSV",
    "User settings",
    "Notification emails",
    "Dashboard chart",
    "API rate limiter",
    "Password reset",
];
const DEMO_PROBLEMS: [&str; 5] = [
    "shows a blank screen",
    "is slow on large projects",
    "needs a dark mode",
    "returns a timeout error",
    "loses unsaved changes",
];

/// DEMO-k (id k, k = 1..=40).
fn demo_issue(k: u64) -> Issue {
    let n = (k - 1) as usize;
    // (n % 8, n % 5) is distinct for n < 40, so every summary is unique.
    let summary = format!("{} {}", DEMO_SUBJECTS[n % 8], DEMO_PROBLEMS[n % 5]);
    let mut description = format!(
        "Steps to reproduce: open the app and check that the {}.",
        summary.to_lowercase()
    );
    if k.is_multiple_of(6) {
        description.push_str(" This is a regression from v1.0.");
    }
    let status_id = [4, 1, 1, 2, 3][(k % 5) as usize];
    let created = day("2026-01-05")
        .add_days(7 * n as i64)
        .at(9, 0, 0)
        .plus_seconds((k * 53 % 480) as i64 * 60);
    let updated = if k.is_multiple_of(9) {
        created
    } else {
        created.plus_seconds((k % 9) as i64 * 86_400 + 7200)
    };
    let created_user_id = [1, 2, 3, 4][(k % 4) as usize];
    let estimated_hours = k.is_multiple_of(2).then(|| (k % 8 + 1) as f64 * 1.5);

    let mut custom = BTreeMap::new();
    let mut set = |field: Id, value: FieldValue, other_value: Option<&str>| {
        let other_value = other_value.map(Into::into);
        custom.insert(
            field,
            StoredValue {
                value: Some(value),
                other_value,
            },
        );
    };
    if k.is_multiple_of(3) {
        let customer = ["ACME Corp", "Globex", "Initech", "Umbrella"][(k % 4) as usize];
        set(1, FieldValue::Text(customer.into()), None);
    }
    if !k.is_multiple_of(4) {
        set(2, FieldValue::Numeric((k % 13) as f64), None);
    }
    if k.is_multiple_of(5) {
        set(
            3,
            FieldValue::Date(day("2026-06-01").add_days(k as i64)),
            None,
        );
    }
    if k.is_multiple_of(2) {
        set(
            4,
            FieldValue::Items(vec![[1, 2, 3][(k % 3) as usize]]),
            None,
        );
    }
    match k % 4 {
        0 => set(5, FieldValue::Items(vec![4]), None),
        1 => set(5, FieldValue::Items(vec![4, 5]), None),
        3 => set(5, FieldValue::Items(vec![6, 7]), None),
        _ => {}
    }
    match k % 6 {
        0 => set(
            6,
            FieldValue::Items(vec![9]),
            k.is_multiple_of(12).then_some("Affects billing"),
        ),
        3 => set(6, FieldValue::Items(vec![8, 10]), None),
        _ => {}
    }
    match k % 5 {
        1 => set(7, FieldValue::Items(vec![11]), None),
        3 => set(7, FieldValue::Items(vec![12]), None),
        _ => {}
    }

    Issue {
        id: k,
        project_id: 1,
        key_id: k,
        issue_type_id: 1 + (k - 1) % 4,
        summary,
        description,
        resolution_id: matches!(status_id, 3 | 4).then_some(if k.is_multiple_of(3) {
            1
        } else {
            0
        }),
        priority_id: [3, 2, 3, 4, 3, 3, 2][(k % 7) as usize],
        status_id,
        assignee_id: [None, Some(1), Some(2), Some(3), Some(2), Some(4)][(k % 6) as usize],
        category_ids: [vec![], vec![1], vec![2], vec![1, 3]][(k % 4) as usize].clone(),
        version_ids: [vec![1], vec![2], vec![]][(k % 3) as usize].clone(),
        milestone_ids: match k % 5 {
            0 => vec![3],
            2 => vec![2],
            _ => vec![],
        },
        start_date: (k % 3 != 2).then(|| created.date().add_days(1)),
        due_date: (k % 4 != 3).then(|| created.date().add_days(14 + (k % 10) as i64)),
        estimated_hours,
        actual_hours: estimated_hours
            .filter(|_| matches!(status_id, 3 | 4))
            .map(|h| h + 0.5),
        parent_issue_id: matches!(k, 11..=13).then_some(10),
        created_user_id,
        created,
        updated_user_id: if updated == created {
            created_user_id
        } else {
            [1, 2][(k % 2) as usize]
        },
        updated,
        custom,
    }
}

const WEB_SUMMARIES: [&str; 10] = [
    "Update the pricing page",
    "Fix broken links in the footer",
    "Add a cookie consent banner",
    "Compress hero images",
    "Translate the landing page to Japanese",
    "Refresh the team photos",
    "Add structured data for search engines",
    "Redirect old blog URLs",
    "Improve contrast of buttons",
    "Publish the autumn release notes",
];

/// WEB-k (id 40 + k, k = 1..=10).
fn web_issue(k: u64) -> Issue {
    let n = (k - 1) as usize;
    let created = day("2026-09-01").add_days(3 * n as i64).at(10, 0, 0);
    let status_id = [1, 2, 3, 4][n % 4];
    let mut custom = BTreeMap::new();
    if k % 2 == 1 {
        let url = FieldValue::Text(format!("https://www.example.com/page-{k}"));
        custom.insert(
            8,
            StoredValue {
                value: Some(url),
                other_value: None,
            },
        );
    }
    if k.is_multiple_of(3) {
        let notes = FieldValue::Text(format!("Reviewed in sprint {}.\nNo blockers.", 1 + n / 5));
        custom.insert(
            9,
            StoredValue {
                value: Some(notes),
                other_value: None,
            },
        );
    }
    Issue {
        id: 40 + k,
        project_id: 2,
        key_id: k,
        issue_type_id: 5 + (k % 3),
        summary: WEB_SUMMARIES[n].into(),
        description: format!("Website task {k}."),
        resolution_id: matches!(status_id, 3 | 4).then_some(0),
        priority_id: [3, 2, 4][n % 3],
        status_id,
        assignee_id: [None, Some(1), Some(2), Some(5)][n % 4],
        category_ids: [vec![4], vec![5], vec![]][n % 3].clone(),
        version_ids: vec![],
        milestone_ids: if k <= 5 { vec![4] } else { vec![5] },
        start_date: Some(created.date()),
        due_date: k.is_multiple_of(2).then(|| created.date().add_days(10)),
        estimated_hours: None,
        actual_hours: None,
        parent_issue_id: None,
        created_user_id: [1, 2, 5][n % 3],
        created,
        updated_user_id: 1,
        updated: created.plus_seconds(3600 * (1 + k as i64)),
        custom,
    }
}

fn seed_comments(state: &mut State) {
    // (issue id, author, content)
    let rows: [(Id, Id, &str); 9] = [
        (1, 2, "I can reproduce this on Chrome."),
        (1, 1, "Looking into it."),
        (1, 3, "Same here on Firefox."),
        (2, 4, "Is there a workaround?"),
        (5, 2, "Attached the server logs."),
        (5, 1, "Thanks, the timeout comes from the search index."),
        (10, 1, "Split into subtasks DEMO-11 to DEMO-13."),
        (41, 5, "New prices are in the shared sheet."),
        (41, 2, "Updated, please review."),
    ];
    for (n, (issue_id, user_id, content)) in rows.iter().enumerate() {
        let issue = state.issue(*issue_id).expect("seeded issue");
        let created = issue.created.plus_seconds(3600 * (n as i64 + 1));
        let comment = Comment {
            id: n as Id + 1,
            issue_id: *issue_id,
            project_id: issue.project_id,
            content: Some((*content).into()),
            change_log: Vec::new(),
            notified_user_ids: Vec::new(),
            created_user_id: *user_id,
            created,
            updated: created,
        };
        state.comments.push(comment);
    }
    state.next_comment_id = state.comments.len() as Id + 1;
}

/// One "created" activity per issue, one "updated" per issue edited after creation, one
/// "commented" per comment; ids follow time order, as in Backlog.
fn seed_activities(state: &mut State) {
    let mut pending: Vec<(Timestamp, Id, u32, serde_json::Value, Id)> = Vec::new();
    for issue in &state.issues {
        let content = render::issue_activity_content(issue, None, &[]);
        pending.push((
            issue.created,
            issue.project_id,
            activity_type::ISSUE_CREATED,
            content,
            issue.created_user_id,
        ));
        if issue.updated != issue.created {
            let change = crate::store::ChangeLog {
                field: "status".into(),
                new_value: state
                    .status(issue.project_id, issue.status_id)
                    .map_or(String::new(), |s| s.name.clone()),
                original_value: if issue.status_id == 1 {
                    "In Progress"
                } else {
                    "Open"
                }
                .into(),
            };
            let content = render::issue_activity_content(issue, None, &[change]);
            pending.push((
                issue.updated,
                issue.project_id,
                activity_type::ISSUE_UPDATED,
                content,
                issue.updated_user_id,
            ));
        }
    }
    for comment in &state.comments {
        let issue = state.issue(comment.issue_id).expect("seeded issue");
        let content = render::issue_activity_content(issue, Some(comment), &[]);
        pending.push((
            comment.created,
            issue.project_id,
            activity_type::ISSUE_COMMENTED,
            content,
            comment.created_user_id,
        ));
    }
    pending.sort_by_key(|(created, ..)| *created);
    state.activities = pending
        .into_iter()
        .zip(1..)
        .map(
            |((created, project_id, type_id, content, created_user_id), id)| Activity {
                id,
                project_id,
                type_id,
                content,
                created_user_id,
                created,
            },
        )
        .collect();
    state.next_activity_id = state.activities.len() as Id + 1;
}
