use backlog_mcp_macros::backlog_tool;

/// Returns the space's disk usage.
#[backlog_tool(
    name = "get_space_disk_usage",
    toolset = "space",
    title = "Get space disk usage",
    method = "GET",
    path = "space/diskUsage"
)]
fn get_space_disk_usage(
    _context: &backlog_mcp::context::CallContext,
    _args: get_space_disk_usage::Args,
) -> Result<backlog_mcp::backlog::ToolOutput, backlog_mcp::backlog::ToolError> {
    unimplemented!()
}

fn main() {}
