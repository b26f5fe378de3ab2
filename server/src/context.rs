//! The context of one tool call: which Backlog space it goes to (its shared
//! connection pool and limits), as whom (the credential of this call), and
//! the call's options. The MCP layer resolves it per call, from the
//! configured spaces, the reserved arguments and the HTTP request, before
//! the tool runs; a tool never holds a key.

use std::sync::Arc;

use crate::backlog::{BacklogRequest, Credential, Space, ToolError, ToolOutput};

/// What a tool call runs with.
pub struct CallContext {
    pub space: Arc<Space>,
    pub credential: Credential,
    pub options: CallOptions,
}

/// The options of one call, resolved from reserved arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The organization the call goes to, when several are configured.
    pub organization: Option<String>,
    /// `fields` (with --optimize-response): the fields of the reply to keep.
    pub fields: Option<crate::shape::fields::Selection>,
}

impl CallContext {
    /// Sends one request to this call's space as this call's credential.
    pub async fn send(&self, request: BacklogRequest) -> Result<ToolOutput, ToolError> {
        self.space.send(&self.credential, request).await
    }
}

/// One configured Backlog space and, in API-key mode, the key its calls use.
pub struct Organization {
    pub name: String,
    pub space: Arc<Space>,
    /// `None` when each call brings its own (OAuth).
    pub credential: Option<Credential>,
}

/// The spaces a server calls: one, or several organizations chosen per call
/// by the reserved `organization` argument.
pub struct Spaces {
    organizations: Vec<Organization>,
    default: usize,
    /// Whether the spaces are named organizations (BACKLOG_ORG_*), even one.
    named: bool,
}

/// Why a set of spaces cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum SpacesError {
    #[error("no Backlog space is configured")]
    Empty,
    #[error("the default organization {default:?} is not configured; configured: {configured}")]
    UnknownDefault { default: String, configured: String },
    #[error("organization {0:?} is configured twice")]
    Duplicate(String),
}

impl Spaces {
    /// One space, with the credential its calls use unless the request brings one.
    pub fn single(space: Space, credential: Option<Credential>) -> Self {
        Spaces {
            organizations: vec![Organization {
                name: "default".to_owned(),
                space: Arc::new(space),
                credential,
            }],
            default: 0,
            named: false,
        }
    }

    /// Several organizations; calls without `organization` go to `default`.
    pub fn organizations(
        organizations: Vec<Organization>,
        default: &str,
    ) -> Result<Self, SpacesError> {
        if organizations.is_empty() {
            return Err(SpacesError::Empty);
        }
        for (i, organization) in organizations.iter().enumerate() {
            if organizations[..i]
                .iter()
                .any(|o| o.name == organization.name)
            {
                return Err(SpacesError::Duplicate(organization.name.clone()));
            }
        }
        let default = organizations
            .iter()
            .position(|o| o.name == default)
            .ok_or_else(|| SpacesError::UnknownDefault {
                default: default.to_owned(),
                configured: names(&organizations).join(", "),
            })?;
        Ok(Spaces {
            organizations,
            default,
            named: true,
        })
    }

    /// Whether calls choose among named organizations (the `organization` argument).
    pub fn is_multi(&self) -> bool {
        self.named
    }

    pub fn all(&self) -> &[Organization] {
        &self.organizations
    }

    pub fn names(&self) -> Vec<&str> {
        names(&self.organizations)
    }

    pub fn default_organization(&self) -> &Organization {
        &self.organizations[self.default]
    }

    /// The context of a call to `organization` (the default when `None`),
    /// as `credential` when the request brought one, else as the space's own.
    pub fn context(
        &self,
        organization: Option<&str>,
        credential: Option<&Credential>,
    ) -> Result<CallContext, ToolError> {
        let chosen = match organization {
            None => self.default_organization(),
            Some(name) => self
                .organizations
                .iter()
                .find(|o| o.name == name)
                .ok_or_else(|| {
                    ToolError::InvalidArguments(format!(
                        "organization: unknown organization {name:?}; this server has: {}",
                        self.names().join(", ")
                    ))
                })?,
        };
        let credential = credential
            .or(chosen.credential.as_ref())
            .cloned()
            .ok_or(ToolError::NoCredential)?;
        Ok(CallContext {
            space: Arc::clone(&chosen.space),
            credential,
            options: CallOptions {
                organization: organization.map(str::to_owned),
                fields: None,
            },
        })
    }
}

fn names(organizations: &[Organization]) -> Vec<&str> {
    organizations.iter().map(|o| o.name.as_str()).collect()
}
