//! Argument checks the generated code runs before any Backlog call. Each
//! named format carries the JSON Schema `pattern` it is published with, so
//! the schema a client sees and the check we run say the same thing.

use super::ToolError;

/// A named string format of the declaration language (`format = "..."`).
pub struct Format {
    /// Published as the parameter's JSON Schema `pattern`.
    pub pattern: &'static str,
    /// What a user should send, for the error text.
    pub expected: &'static str,
    /// Longest value accepted (enforced; the pattern is what is published).
    pub max_length: usize,
    pub matches: fn(&str) -> bool,
}

/// `PROJ-123`: a project key, a hyphen, a positive number.
pub const ISSUE_KEY: Format = Format {
    pattern: "^[A-Z][A-Z0-9_]*-[1-9][0-9]*$",
    expected: "an issue key such as PROJ-123",
    max_length: 64,
    matches: is_issue_key,
};

/// `PROJ`: uppercase letters, digits and underscores, starting with a letter.
pub const PROJECT_KEY: Format = Format {
    pattern: "^[A-Z][A-Z0-9_]*$",
    expected: "a project key such as PROJ (uppercase letters, digits, underscores)",
    max_length: 32,
    matches: is_project_key,
};

/// A Git repository's name: letters, digits, `.`, `-` and `_`, not starting with a dot.
pub const REPO_NAME: Format = Format {
    pattern: "^[\\w-][\\w.-]*$",
    expected: "a repository name such as app (letters, digits, '.', '-', '_')",
    max_length: 100,
    matches: is_repo_name,
};

/// A document's ID: 32 hexadecimal digits, as in the document's URL.
pub const DOCUMENT_ID: Format = Format {
    pattern: "^[0-9a-fA-F]{32}$",
    expected: "a document ID of 32 hexadecimal digits",
    max_length: 32,
    matches: is_document_id,
};

/// A path of the shared files below the project's root, `""` for the root
/// itself, `docs/specs` for a folder in a folder: segments without `.` or `..`.
pub const FILE_PATH: Format = Format {
    pattern: "^([^/]+(/[^/]+)*)?$",
    expected: "a folder path such as docs/specs (\"\" for the root), without '.' or '..' parts",
    max_length: 1000,
    matches: is_file_path,
};

/// `yyyy-MM-dd`, the only date form Backlog takes in requests.
pub const DATE: Format = Format {
    pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    expected: "a date as yyyy-MM-dd",
    max_length: 10,
    matches: is_date,
};

fn is_project_key(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn is_issue_key(value: &str) -> bool {
    match value.rsplit_once('-') {
        Some((project, number)) => {
            is_project_key(project)
                && number.starts_with(|c: char| matches!(c, '1'..='9'))
                && number.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

fn is_repo_name(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('.')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn is_document_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_file_path(value: &str) -> bool {
    value.is_empty()
        || value.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && !segment.contains(char::is_control)
        })
}

fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &value[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(_), Some(month), Some(day)) => (1..=12).contains(&month) && (1..=31).contains(&day),
        _ => false,
    }
}

/// Checks `value` of parameter `field` against `format`.
pub fn format(field: &str, format: &Format, value: &str) -> Result<(), ToolError> {
    if value.len() > format.max_length {
        return Err(ToolError::InvalidArguments(format!(
            "{field}: {} characters is too long for {}",
            value.chars().count(),
            format.expected
        )));
    }
    if (format.matches)(value) {
        Ok(())
    } else {
        Err(ToolError::InvalidArguments(format!(
            "{field}: {value:?} is not {}",
            format.expected
        )))
    }
}

/// Checks a string's length in characters.
pub fn length(field: &str, value: &str, max: usize) -> Result<(), ToolError> {
    // Bytes bound characters from above: count only when it could matter.
    if value.len() > max && value.chars().count() > max {
        return Err(ToolError::InvalidArguments(format!(
            "{field}: the text is longer than {max} characters"
        )));
    }
    Ok(())
}

/// Checks the number of items of an array.
pub fn items(field: &str, count: usize, max: usize) -> Result<(), ToolError> {
    if count > max {
        return Err(ToolError::InvalidArguments(format!(
            "{field}: {count} items is more than the {max} accepted"
        )));
    }
    Ok(())
}

/// Checks an integer against its declared bounds.
pub fn range(field: &str, value: i64, min: Option<i64>, max: Option<i64>) -> Result<(), ToolError> {
    let below = min.is_some_and(|min| value < min);
    let above = max.is_some_and(|max| value > max);
    if !below && !above {
        return Ok(());
    }
    let bounds = match (min, max) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => unreachable!("a value cannot be out of no bounds"),
    };
    Err(ToolError::InvalidArguments(format!(
        "{field}: {value} is out of range, it must be {bounds}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_keys() {
        for good in ["PROJ-1", "A_B2-10", "X-999999"] {
            assert!(is_issue_key(good), "{good}");
        }
        for bad in [
            "",
            "PROJ",
            "PROJ-0",
            "PROJ-01",
            "proj-1",
            "-1",
            "PROJ-1a",
            "../projects/PROJ",
            "PROJ-1?count=100#x",
            "1PROJ-1",
        ] {
            assert!(!is_issue_key(bad), "{bad}");
        }
    }

    #[test]
    fn project_keys() {
        assert!(is_project_key("DEMO_2"));
        for bad in ["", "demo", "2DEMO", "DE-MO", "..", "DEMO/X"] {
            assert!(!is_project_key(bad), "{bad}");
        }
    }

    #[test]
    fn repo_names_document_ids_and_file_paths() {
        for good in ["app", "my-repo.git", "_x", "A1"] {
            assert!(is_repo_name(good), "{good}");
        }
        for bad in ["", ".", "..", ".hidden", "a/b", "a b", "a?b"] {
            assert!(!is_repo_name(bad), "{bad}");
        }
        assert!(is_document_id("0123456789abcdef0123456789ABCDEF"));
        for bad in [
            "",
            "123",
            "0123456789abcdef0123456789abcdeg",
            "../../users/myself/xxxxxxxxxxxxxx",
        ] {
            assert!(!is_document_id(bad), "{bad}");
        }
        for good in ["", "docs", "docs/specs", "資料/仕様 v2"] {
            assert!(is_file_path(good), "{good}");
        }
        for bad in [
            "/docs",
            "docs/",
            "a//b",
            "..",
            "docs/../x",
            "./docs",
            "a\nb",
        ] {
            assert!(!is_file_path(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-11-27"));
        for bad in [
            "2026-13-01",
            "2026-1-01",
            "26-11-27",
            "2026/11/27",
            "2026-11-27T00:00:00Z",
            "2026-11-00",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn range_errors_name_the_field_and_bounds() {
        assert!(range("count", 100, Some(1), Some(100)).is_ok());
        let error = range("count", 101, Some(1), Some(100))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("count") && error.contains("between 1 and 100"),
            "{error}"
        );
    }
}
