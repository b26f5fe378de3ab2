//! The emulated resources, one module each: its types, its routes, and its seed (a data
//! file under `data/<space>/`, or generated, as the bulk issues and the activity log are).
//! [`routes`] is the one place a resource is plugged into the router.
//!
//! A new resource is: a module here (types, `routes()`, `Deserialize` for its rows); its
//! `.merge(…::routes())` below; a `Table` of it in `store::State`, loaded in
//! `State::seeded`; and its data file `data/<space>/<name>.json` in every space (`[]` where
//! the space has none), a `DataFile` field of `seed::SpaceData`, named once in the list
//! of `seed::space_data!`, which fills it for every space.

pub mod activities;
pub mod attachments;
pub mod categories;
pub mod comments;
pub mod custom_fields;
pub mod documents;
pub mod git;
pub mod issue_types;
pub mod issues;
pub mod notifications;
pub mod priorities;
pub mod projects;
pub mod rate_limit;
pub mod related_issues;
pub mod resolutions;
pub mod shared_files;
pub mod space;
pub mod stars;
pub mod statuses;
pub mod users;
pub mod versions;
pub mod watchings;
pub mod wikis;

use crate::routing::Routes;

/// Every resource's routes.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .merge(space::routes())
        .merge(users::routes())
        .merge(projects::routes())
        .merge(statuses::routes())
        .merge(issue_types::routes())
        .merge(priorities::routes())
        .merge(resolutions::routes())
        .merge(categories::routes())
        .merge(versions::routes())
        .merge(custom_fields::routes())
        .merge(issues::routes())
        .merge(comments::routes())
        .merge(activities::routes())
        .merge(stars::routes())
        .merge(attachments::routes())
        .merge(related_issues::routes())
        .merge(shared_files::routes())
        .merge(git::routes())
        .merge(wikis::routes())
        .merge(documents::routes())
        .merge(notifications::routes())
        .merge(watchings::routes())
        .merge(rate_limit::routes())
}

