//! The sort keys of `GET /issues` (backlog-api.md §2.3) and the value each sorts by.

use super::{Issue, children};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::resources::attachments::{self, Parent};
use crate::resources::shared_files;
use crate::store::State;
use crate::table::Id;
use crate::time::Date;

/// Backlog's sort keys (backlog-api.md §2.3).
#[derive(Clone, Copy)]
pub enum SortKey {
    IssueType,
    Category,
    Version,
    Milestone,
    Summary,
    Status,
    Priority,
    Attachment,
    SharedFile,
    Created,
    CreatedUser,
    Updated,
    UpdatedUser,
    Assignee,
    StartDate,
    DueDate,
    EstimatedHours,
    ActualHours,
    ChildIssue,
}

/// A comparable sort value; a missing value sorts before any present one.
#[derive(PartialEq, PartialOrd)]
pub enum SortValue {
    Missing,
    Number(f64),
    Text(String),
}

impl SortKey {
    pub fn parse(params: &Params) -> ApiResult<Self> {
        Ok(match params.get("sort").unwrap_or("") {
            "" | "created" => Self::Created,
            "issueType" => Self::IssueType,
            "category" => Self::Category,
            "version" => Self::Version,
            "milestone" => Self::Milestone,
            "summary" => Self::Summary,
            "status" => Self::Status,
            "priority" => Self::Priority,
            "attachment" => Self::Attachment,
            "sharedFile" => Self::SharedFile,
            "createdUser" => Self::CreatedUser,
            "updated" => Self::Updated,
            "updatedUser" => Self::UpdatedUser,
            "assignee" => Self::Assignee,
            "startDate" => Self::StartDate,
            "dueDate" => Self::DueDate,
            "estimatedHours" => Self::EstimatedHours,
            "actualHours" => Self::ActualHours,
            "childIssue" => Self::ChildIssue,
            _ => return Err(ApiError::invalid("sort")),
        })
    }

    pub fn value(self, state: &State, issue: &Issue) -> SortValue {
        use SortValue::{Missing, Number, Text};
        let number = |n: Option<f64>| n.map_or(Missing, Number);
        let order = |n: Option<u32>| number(n.map(f64::from));
        // Lists sort by their first entry's display order.
        let category = |ids: &[Id]| ids.first().and_then(|id| state.categories.get(*id));
        let version = |ids: &[Id]| ids.first().and_then(|id| state.versions.get(*id));
        let user = |id: Option<Id>| {
            let user = id.and_then(|id| state.users.get(id));
            user.map_or(Missing, |u| Text(u.name.clone()))
        };
        // ISO dates and timestamps order correctly as text.
        let date = |d: Option<Date>| d.map_or(Missing, |d| Text(d.to_string()));
        match self {
            Self::IssueType => order(
                state
                    .issue_types
                    .get(issue.issue_type_id)
                    .map(|t| t.display_order),
            ),
            Self::Category => order(category(&issue.category_ids).map(|c| c.display_order)),
            Self::Version => order(version(&issue.version_ids).map(|v| v.display_order)),
            Self::Milestone => order(version(&issue.milestone_ids).map(|v| v.display_order)),
            Self::Summary => Text(issue.summary.clone()),
            Self::Status => order(
                state
                    .statuses
                    .get((issue.project_id, issue.status_id))
                    .map(|s| s.display_order),
            ),
            // By id: High (2) before Normal (3) before Low (4) when ascending.
            Self::Priority => Number(issue.priority_id as f64),
            Self::Attachment => {
                Number(attachments::of(state, Parent::Issue(issue.id)).count() as f64)
            }
            Self::SharedFile => Number(shared_files::linked(state, issue.id).count() as f64),
            Self::Created => Text(issue.created.to_string()),
            Self::Updated => Text(issue.updated.to_string()),
            Self::CreatedUser => user(Some(issue.created_user_id)),
            Self::UpdatedUser => user(Some(issue.updated_user_id)),
            Self::Assignee => user(issue.assignee_id),
            Self::StartDate => date(issue.start_date),
            Self::DueDate => date(issue.due_date),
            Self::EstimatedHours => number(issue.estimated_hours),
            Self::ActualHours => number(issue.actual_hours),
            Self::ChildIssue => Number(children(state, issue.id).count() as f64),
        }
    }
}
