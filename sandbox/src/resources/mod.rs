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

/// Every resource's routes, and OAuth's.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .merge(crate::oauth::routes())
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

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::{issues, routes};
    use crate::store::State;
    use crate::{DEFAULT_API_KEY, Sandbox, SpaceSeed};

    /// A value for the `{name}` segment of a route: the space's first row of what it names
    /// where it has one, so the data paths run, else one that names nothing.
    fn segment(name: &str, state: &State) -> String {
        let first = |id: Option<u64>| id.map_or("1".into(), |id| id.to_string());
        match name {
            "projectIdOrKey" => state.projects.iter().next().map(|p| p.project_key.clone()),
            "issueIdOrKey" => state.issues.iter().next().map(|i| issues::key(state, i)),
            "userId" => Some(state.myself_id.to_string()),
            "wikiId" => Some(first(state.wikis.iter().next().map(|w| w.id))),
            "watchId" => Some(first(state.watchings.iter().next().map(|w| w.id))),
            "documentId" => state.documents.iter().next().map(|d| d.id.to_string()),
            "repoIdOrName" => state.repositories.iter().next().map(|r| r.name.clone()),
            "*path" => Some("docs".into()),
            _ => None,
        }
        .unwrap_or_else(|| "1".into())
    }

    /// `template` with every `{…}` segment filled by [`segment`].
    fn fill(template: &str, state: &State) -> String {
        let segments = template.split('/').map(|part| {
            let name = part.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
            name.map_or(part.to_owned(), |name| segment(name, state))
        });
        segments.collect::<Vec<_>>().join("/")
    }

    /// The status of the answer to a bodiless request, `None` if the connection closed
    /// without one, as it does when a handler panics.
    async fn status(addr: std::net::SocketAddr, method: &str, target: &str) -> Option<u16> {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let request = format!(
            "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
             Backlog-API-Key: {DEFAULT_API_KEY}\r\nContent-Length: 0\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply).await;
        let reply = String::from_utf8_lossy(&reply);
        reply.split(' ').nth(1)?.parse().ok()
    }

    /// Every space serves every route: reads first, with the project as a query parameter
    /// too, then writes without parameters, which are refused or applied but never a
    /// server error or a dropped connection.
    #[tokio::test]
    async fn every_route_answers_every_seeded_space_without_a_server_error() {
        for seed in SpaceSeed::ALL {
            let sandbox = Sandbox::with_space(DEFAULT_API_KEY, seed);
            let state = sandbox.shared.state().clone();
            let handle = sandbox.spawn().await.expect("spawn");
            let project = state.projects.iter().next().expect("a project");
            let query = format!(
                "?projectIdOrKey={}&projectId[]={}",
                project.project_key, project.id
            );
            let paths: Vec<_> = routes().templates().map(|t| fill(t, &state)).collect();
            let reads = paths.iter().map(|path| ("GET", format!("{path}{query}")));
            let writes = ["POST", "PUT", "PATCH", "DELETE"]
                .into_iter()
                .flat_map(|method| paths.iter().map(move |path| (method, path.clone())));
            for (method, target) in reads.chain(writes) {
                let status = status(handle.addr(), method, &target).await;
                assert!(
                    matches!(status, Some(200..500)),
                    "{seed:?} {method} {target}: {status:?}"
                );
            }
        }
    }
}
