//! The Acme space's issues: OPS-1…8 (ids 101–108) and SALES-1…6 (ids 109–114).

use std::collections::BTreeMap;

use super::day;
use crate::resources::custom_fields::FieldValue;
use crate::resources::issues::Issue;

/// OPS-1…8, then SALES-1…6.
pub fn acme() -> Vec<Issue> {
    (1..=8)
        .map(ops_issue)
        .chain((1..=6).map(sales_issue))
        .collect()
}

/// Summary and issue type (11 Incident, 12 Change, 13 Maintenance).
const OPS_ISSUES: [(&str, u64); 8] = [
    ("Renew the TLS certificate of the status page", 13),
    ("Disk usage alert on db-02", 11),
    ("Rotate the backup encryption keys", 12),
    ("VPN drops connections every hour", 11),
    ("Patch the load balancers", 13),
    ("Migrate monitoring to the new cluster", 12),
    ("Printer on floor 3 is offline", 11),
    ("Document the on-call handover", 12),
];

/// OPS-k (id 100 + k, k = 1..=8).
fn ops_issue(k: u64) -> Issue {
    let n = (k - 1) as usize;
    let (summary, issue_type_id) = OPS_ISSUES[n];
    let created = day("2026-10-01").add_days(4 * n as i64).at(9, 0, 0);
    let updated = if k.is_multiple_of(3) {
        created
    } else {
        created.plus_seconds(3600 * (1 + k as i64))
    };
    let status_id = [1, 2, 3, 4][n % 4];
    let created_user_id = [6, 7, 1][n % 3];
    Issue {
        id: 100 + k,
        project_id: 11,
        key_id: k,
        issue_type_id,
        summary: summary.into(),
        description: format!("Operations ticket {k}: {}.", summary.to_lowercase()),
        resolution_id: matches!(status_id, 3 | 4).then_some(0),
        priority_id: [2, 3, 3, 4][n % 4],
        status_id,
        assignee_id: [Some(6), Some(7), None, Some(1)][n % 4],
        category_ids: [vec![12], vec![11], vec![]][n % 3].clone(),
        version_ids: vec![],
        milestone_ids: if k.is_multiple_of(2) {
            vec![11]
        } else {
            vec![]
        },
        start_date: Some(created.date()),
        due_date: (issue_type_id != 11).then(|| created.date().add_days(7)),
        estimated_hours: None,
        actual_hours: None,
        parent_issue_id: None,
        created_user_id,
        created,
        updated_user_id: if updated == created {
            created_user_id
        } else {
            [1, 6][n % 2]
        },
        updated,
        custom: BTreeMap::new(),
    }
}

/// Summary and issue type (14 Lead, 15 Deal).
const SALES_ISSUES: [(&str, u64); 6] = [
    ("Follow up with Globex on the renewal", 15),
    ("Prepare the Q1 pricing proposal", 15),
    ("Demo for Initech procurement", 14),
    ("Update the CRM export", 14),
    ("Draft the reseller agreement", 15),
    ("Quarterly pipeline review", 14),
];

/// SALES-k (id 108 + k, k = 1..=6).
fn sales_issue(k: u64) -> Issue {
    let n = (k - 1) as usize;
    let (summary, issue_type_id) = SALES_ISSUES[n];
    let created = day("2026-10-05").add_days(5 * n as i64).at(14, 0, 0);
    // 5 is the project's own "Waiting for customer".
    let status_id = [1, 5, 2, 5, 3, 4][n];
    let deal = issue_type_id == 15;
    let mut custom = BTreeMap::new();
    if deal {
        custom.insert(11, FieldValue::Numeric(25_000.0 * k as f64).into());
    }
    Issue {
        id: 108 + k,
        project_id: 12,
        key_id: k,
        issue_type_id,
        summary: summary.into(),
        description: format!("Sales task {k}."),
        resolution_id: matches!(status_id, 3 | 4).then_some(0),
        priority_id: [3, 2, 3][n % 3],
        status_id,
        assignee_id: [Some(7), Some(8), Some(1)][n % 3],
        category_ids: if k % 2 == 1 { vec![13] } else { vec![] },
        version_ids: if deal { vec![12] } else { vec![] },
        milestone_ids: vec![],
        start_date: None,
        due_date: deal.then(|| created.date().add_days(30)),
        estimated_hours: None,
        actual_hours: None,
        parent_issue_id: None,
        created_user_id: [8, 7][n % 2],
        created,
        updated_user_id: 1,
        updated: created.plus_seconds(86_400),
        custom,
    }
}
