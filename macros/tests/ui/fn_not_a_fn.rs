use backlog_mcp_macros::backlog_tool;

/// Returns the space.
#[backlog_tool(
    name = "get_space_struct",
    toolset = "space",
    title = "Get space",
    method = "GET",
    path = "space"
)]
struct GetSpace;

fn main() {
    let _ = GetSpace;
}
