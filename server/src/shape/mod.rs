//! Shaping a reply for an assistant's context: [`fields`] keeps only the
//! selected keys (`fields: "{ id summary assignee { name } }"`), [`tokens`]
//! cuts a reply to `MAX_TOKENS`. Pure, synchronous functions over the reply
//! text or its JSON tree; the output pipeline (`mcp::output`) calls them.

pub mod fields;
pub mod tokens;
