//! One insta snapshot per tool descriptor (name, title, description,
//! annotations, input schema) and one of tools/list's names and order, in
//! snapshots/ at the workspace root, plus tools/list's byte budget. CI (CI=true) fails on a missing or
//! changed snapshot; review changes with `cargo insta review`.

use backlog_mcp::inventory::Inventory;
use backlog_mcp_tests::snapshot_settings;

#[test]
fn every_tool_descriptor() {
    let registry = Inventory::all();
    snapshot_settings().bind(|| {
        for tool in registry.descriptors().iter() {
            insta::assert_json_snapshot!(format!("tool__{}", tool.name), tool);
        }
    });
}

#[test]
fn no_snapshot_without_a_tool() {
    let registry = Inventory::all();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../snapshots");
    for entry in std::fs::read_dir(dir).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        if let Some(name) = file
            .strip_prefix("tool__")
            .and_then(|f| f.strip_suffix(".snap"))
        {
            assert!(
                registry.get(name).is_some(),
                "snapshots/{file} has no tool: delete it"
            );
        }
    }
}

/// The names of tools/list in order; each tool's schema is in its own snapshot.
#[test]
fn tools_list_names_and_order() {
    let names: Vec<&str> = Inventory::all().tools().iter().map(|t| t.name).collect();
    snapshot_settings().bind(|| insta::assert_json_snapshot!("tools_list", names));
}

/// The README's tool table, generated from the registry.
fn tool_table(registry: &Inventory) -> String {
    let mut table = String::from(
        "| toolset | tool | Backlog call | reads only | description |\n|---|---|---|---|---|\n",
    );
    for tool in registry.tools() {
        let description = tool
            .description
            .lines()
            .next()
            .unwrap_or_default()
            .replace('|', "\\|");
        let reads = if tool.annotations.read_only {
            "yes"
        } else {
            "no"
        };
        table.push_str(&format!(
            "| {} | `{}` | `{} /api/v2/{}` | {reads} | {} |\n",
            tool.toolset,
            tool.name,
            tool.method.as_str(),
            tool.path,
            description
        ));
    }
    table
}

#[test]
fn readme_tool_table_is_current() {
    const START: &str = "<!-- tools:start -->\n";
    const END: &str = "<!-- tools:end -->";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let (head, rest) = readme
        .split_once(START)
        .expect("README has the tools:start marker");
    let (current, tail) = rest
        .split_once(END)
        .expect("README has the tools:end marker");
    let table = tool_table(&Inventory::all());
    if current == table {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, format!("{head}{START}{table}{END}{tail}")).unwrap();
    } else {
        panic!(
            "README's tool table is stale; run UPDATE_README=1 cargo nextest run -p backlog-mcp-tests\n\nexpected:\n{table}"
        );
    }
}
