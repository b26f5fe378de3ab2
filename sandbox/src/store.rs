//! The whole emulated space: one [`Table`] per resource, the clock, and who is acting. A resource's types live in its module under `resources/`.

use crate::resources::activities::{self, Activity};
use crate::resources::attachments::{self, Attachment};
use crate::resources::categories::Category;
use crate::resources::comments::Comment;
use crate::resources::custom_fields::CustomField;
use crate::resources::documents::{self, Document};
use crate::resources::git::{self, PullRequest, PullRequestComment, Repository};
use crate::resources::issue_types::IssueType;
use crate::resources::issues::Issue;
use crate::resources::notifications::Notification;
use crate::resources::priorities::Priority;
use crate::resources::projects::Project;
use crate::resources::related_issues::RelatedIssue;
use crate::resources::resolutions::Resolution;
use crate::resources::shared_files::{self, SharedFile};
use crate::resources::space::Space;
use crate::resources::stars::Star;
use crate::resources::statuses::Status;
use crate::resources::users::User;
use crate::resources::versions::Version;
use crate::resources::watchings::Watching;
use crate::resources::wikis::{self, Wiki};
use crate::seed::SpaceData;
use crate::table::{Id, Table};
use crate::time::Timestamp;

#[derive(Clone, Debug)]
pub struct State {
    pub space: Space,
    /// Who is acting: what `/users/myself` returns and who writes. The lock sets it to the
    /// user whose credential the request holding it presented (`Shared::state_as`); the
    /// API key's owner in a fresh state.
    pub myself_id: Id,
    pub users: Table<User>,
    pub projects: Table<Project>,
    pub statuses: Table<Status>,
    pub issue_types: Table<IssueType>,
    pub priorities: Table<Priority>,
    pub resolutions: Table<Resolution>,
    pub categories: Table<Category>,
    pub versions: Table<Version>,
    pub custom_fields: Table<CustomField>,
    pub issues: Table<Issue>,
    pub comments: Table<Comment>,
    pub activities: Table<Activity>,
    pub stars: Table<Star>,
    pub attachments: Table<Attachment>,
    pub related_issues: Table<RelatedIssue>,
    pub shared_files: Table<SharedFile>,
    pub repositories: Table<Repository>,
    pub pull_requests: Table<PullRequest>,
    pub pull_request_comments: Table<PullRequestComment>,
    pub wikis: Table<Wiki>,
    pub documents: Table<Document>,
    /// The key owner's notifications.
    pub notifications: Table<Notification>,
    pub watchings: Table<Watching>,
    /// The sandbox clock: deterministic, advanced one minute per write.
    pub now: Timestamp,
}

impl State {
    /// A fresh space holding `data`.
    pub fn seeded(data: &SpaceData) -> State {
        let mut state = State {
            space: data.space.load(),
            myself_id: data.myself_id,
            users: data.users.load(),
            projects: data.projects.load(),
            statuses: data.statuses.load(),
            issue_types: data.issue_types.load(),
            priorities: data.priorities.load(),
            resolutions: data.resolutions.load(),
            categories: data.categories.load(),
            versions: data.versions.load(),
            custom_fields: data.custom_fields.load(),
            issues: Table::new((data.issues)()),
            comments: data.comments.load(),
            activities: Table::default(),
            stars: data.stars.load(),
            attachments: attachments::seed(data),
            related_issues: data.related_issues.load(),
            shared_files: shared_files::seed(data),
            repositories: data.repositories.load(),
            pull_requests: data.pull_requests.load(),
            pull_request_comments: data.pull_request_comments.load(),
            wikis: data.wikis.load(),
            documents: data.documents.load(),
            notifications: data.notifications.load(),
            watchings: data.watchings.load(),
            now: Timestamp::parse(data.first_write)
                .expect("first_write is a timestamp")
                .plus_seconds(-60),
        };
        for project in state.projects.iter_mut() {
            let issues = state.issues.of_project(project.id);
            project.next_key_id = issues.map(|i| i.key_id).max().unwrap_or(0) + 1;
        }
        git::number_pull_requests(&mut state);
        activities::seed(&mut state);
        wikis::seed(&mut state);
        documents::seed(&mut state);
        state
    }

    /// The time of a write; each call is one minute later than the previous one, so
    /// `created`/`updated` order follows write order.
    pub fn tick(&mut self) -> Timestamp {
        self.now = self.now.plus_seconds(60);
        self.now
    }
}
