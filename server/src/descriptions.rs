//! Descriptions a team rewrites for its assistants, by the official server's
//! keys: `TOOL_<TOOL>_DESCRIPTION` for a tool, `TOOL_<TOOL>_<PARAMETER>` for
//! a parameter (`TOOL_GET_ISSUE_ISSUE_KEY`). From the environment
//! (`BACKLOG_MCP_<KEY>`), which wins, and from `~/.backlog-mcp-serverrc`
//! (`.json`, `.yaml`, `.yml`; the first that exists), which wins over the
//! declarations. A parameter named `description` has its tool's key
//! (`TOOL_ADD_ISSUE_DESCRIPTION`), as in the official server: that key
//! rewrites the tool's description.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::registry::{TOOLS, ToolDef};

/// The overrides in force, by key.
#[derive(Clone, Debug, Default)]
pub struct Descriptions {
    texts: HashMap<String, String>,
}

/// What loading found that the user should hear about.
#[derive(Debug, Default)]
pub struct Loaded {
    pub descriptions: Descriptions,
    /// Keys that name no tool or parameter of this binary, with where they came from.
    pub unknown: Vec<String>,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// A file that exists but could not be used, and why.
    pub unreadable: Option<String>,
}

const ENV_PREFIX: &str = "BACKLOG_MCP_";
const FILE_NAMES: [&str; 4] = [
    ".backlog-mcp-serverrc",
    ".backlog-mcp-serverrc.json",
    ".backlog-mcp-serverrc.yaml",
    ".backlog-mcp-serverrc.yml",
];

/// `get_issue` → `TOOL_GET_ISSUE_DESCRIPTION`.
pub fn tool_key(tool: &str) -> String {
    format!("TOOL_{}_DESCRIPTION", tool.to_ascii_uppercase())
}

/// `get_issue`, `issueKey` → `TOOL_GET_ISSUE_ISSUE_KEY`.
pub fn parameter_key(tool: &str, parameter: &str) -> String {
    let mut snake = String::new();
    for (i, c) in parameter.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_uppercase());
    }
    format!("TOOL_{}_{snake}", tool.to_ascii_uppercase())
}

impl Descriptions {
    /// Overrides from key → text pairs (keys in any case).
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Descriptions {
            texts: pairs
                .into_iter()
                .map(|(key, text)| (key.to_ascii_uppercase(), text))
                .collect(),
        }
    }

    /// Reads the file in `home` (if any) and the `BACKLOG_MCP_*` variables of `env`.
    pub fn load(env: impl IntoIterator<Item = (String, String)>, home: Option<&Path>) -> Loaded {
        let mut loaded = Loaded::default();
        let mut texts: HashMap<String, (String, String)> = HashMap::new();
        if let Some(path) =
            home.and_then(|h| FILE_NAMES.iter().map(|n| h.join(n)).find(|p| p.is_file()))
        {
            match read_file(&path) {
                Ok(pairs) => {
                    let origin = path.display().to_string();
                    for (key, text) in pairs {
                        texts.insert(key.to_ascii_uppercase(), (text, origin.clone()));
                    }
                }
                Err(reason) => loaded.unreadable = Some(format!("{}: {reason}", path.display())),
            }
            loaded.file = Some(path);
        }
        for (name, text) in env {
            // Other BACKLOG_MCP_* settings are no descriptions.
            if let Some(key) = name.strip_prefix(ENV_PREFIX)
                && key.starts_with("TOOL_")
            {
                texts.insert(key.to_ascii_uppercase(), (text, name.clone()));
            }
        }
        // Knowing every key builds every schema: only worth it with an override to check.
        if !texts.is_empty() {
            let known = known_keys();
            let mut unknown: Vec<String> = texts
                .iter()
                .filter(|(key, _)| !known.contains_key(key.as_str()))
                .map(|(key, (_, origin))| format!("{key} (from {origin})"))
                .collect();
            unknown.sort();
            loaded.unknown = unknown;
        }
        loaded.descriptions = Descriptions {
            texts: texts.into_iter().map(|(k, (text, _))| (k, text)).collect(),
        };
        loaded
    }

    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// A tool's description, if overridden.
    pub fn tool(&self, tool: &str) -> Option<&str> {
        self.texts.get(&tool_key(tool)).map(String::as_str)
    }

    /// Writes overridden parameter descriptions into a tool's input schema.
    pub fn apply_to_schema(&self, tool: &str, schema: &mut Map<String, Value>) {
        if self.texts.is_empty() {
            return;
        }
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        let tool_key = tool_key(tool);
        for (name, property) in properties.iter_mut() {
            let key = parameter_key(tool, name);
            if key == tool_key {
                continue;
            }
            if let (Some(text), Value::Object(property)) = (self.texts.get(&key), property) {
                property.insert("description".to_owned(), Value::String(text.clone()));
            }
        }
    }

    /// Every key of the compiled tools with the text now in force, sorted.
    pub fn export(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (key, default) in known_keys() {
            let text = self.texts.get(&key).cloned().unwrap_or(default);
            out.insert(key, text);
        }
        out
    }
}

/// Every key of the compiled tools, with its declared text.
fn known_keys() -> HashMap<String, String> {
    let mut keys = HashMap::new();
    for tool in TOOLS.iter() {
        for (name, text) in parameters(tool) {
            keys.insert(parameter_key(tool.name, &name), text);
        }
        // A `description` parameter's key is the tool's (as in the official
        // server): it names the tool's description.
        keys.insert(tool_key(tool.name), tool.description.to_owned());
    }
    keys
}

/// A tool's parameters and their declared descriptions (empty where none).
fn parameters(tool: &ToolDef) -> Vec<(String, String)> {
    let schema = tool.schema();
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let text = property
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default();
            (name.clone(), text.to_owned())
        })
        .collect()
}

/// The string values of a file's top-level mapping: JSON for `.json`, YAML
/// (which reads JSON too) otherwise. Other values are skipped: a description is text.
fn read_file(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    if path.extension().is_some_and(|e| e == "json") {
        let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let Value::Object(map) = value else {
            return Err("not an object of key: text".to_owned());
        };
        return Ok(map
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect());
    }
    let documents = yaml_rust2::YamlLoader::load_from_str(&text).map_err(|e| e.to_string())?;
    let Some(yaml_rust2::Yaml::Hash(map)) = documents.into_iter().next() else {
        return Err("not a mapping of key: text".to_owned());
    };
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_official_scheme() {
        assert_eq!(tool_key("get_issue"), "TOOL_GET_ISSUE_DESCRIPTION");
        assert_eq!(
            parameter_key("get_issue", "issueKey"),
            "TOOL_GET_ISSUE_ISSUE_KEY"
        );
        assert_eq!(
            parameter_key("get_pull_request", "repoIdOrName"),
            "TOOL_GET_PULL_REQUEST_REPO_ID_OR_NAME"
        );
    }

    #[test]
    fn the_environment_wins_over_the_file_and_unknown_keys_are_reported() {
        let home = std::env::temp_dir().join(format!("descriptions-{}", std::process::id()));
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".backlog-mcp-serverrc.yaml"),
            "TOOL_GET_ISSUE_DESCRIPTION: From the file\nTOOL_GET_SPACE_DESCRIPTION: Space from the file\nTOOL_NO_SUCH_DESCRIPTION: x\ncount: 3\n",
        )
        .unwrap();
        let env = [
            (
                "BACKLOG_MCP_TOOL_GET_ISSUE_DESCRIPTION".to_owned(),
                "From the environment".to_owned(),
            ),
            (
                "BACKLOG_MCP_TOOL_GET_ISSUE_ISSUE_KEY".to_owned(),
                "The key, like ABC-1".to_owned(),
            ),
            (
                "BACKLOG_API_KEY".to_owned(),
                "never a description".to_owned(),
            ),
        ];
        let loaded = Descriptions::load(env, Some(&home));
        let d = &loaded.descriptions;
        assert_eq!(d.tool("get_issue"), Some("From the environment"));
        assert_eq!(d.tool("get_space"), Some("Space from the file"));
        assert_eq!(loaded.unknown.len(), 1);
        assert!(
            loaded.unknown[0].starts_with("TOOL_NO_SUCH_DESCRIPTION (from "),
            "{:?}",
            loaded.unknown
        );
        let export = d.export();
        assert_eq!(export["TOOL_GET_ISSUE_ISSUE_KEY"], "The key, like ABC-1");
        assert_eq!(
            export["TOOL_GET_USERS_DESCRIPTION"],
            "Returns every user of the space."
        );
        std::fs::write(
            home.join(".backlog-mcp-serverrc.yaml"),
            "- not: a mapping\n",
        )
        .unwrap();
        assert!(Descriptions::load([], Some(&home)).unreadable.is_some());
        std::fs::remove_dir_all(&home).unwrap();
    }
}
