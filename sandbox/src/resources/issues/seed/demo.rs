//! The demo space's issues: DEMO-1…40 (ids 1–40) and WEB-1…10 (ids 41–50).

use std::collections::BTreeMap;

use super::day;
use crate::resources::custom_fields::{FieldValue, StoredValue};
use crate::resources::issues::Issue;
use crate::table::Id;

/// DEMO-1…40, then WEB-1…10.
pub fn demo() -> Vec<Issue> {
    (1..=40)
        .map(demo_issue)
        .chain((1..=10).map(web_issue))
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
        custom.insert(8, url.into());
    }
    if k.is_multiple_of(3) {
        let notes = FieldValue::Text(format!("Reviewed in sprint {}.\nNo blockers.", 1 + n / 5));
        custom.insert(9, notes.into());
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
