//! A Backlog API call before it is sent, and its wire encoding
//! (backlog-api.md §1.3): `name[]` arrays, indexed custom-field lists, `%20`
//! for spaces, brackets percent-encoded in keys.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::ToolError;

/// HTTP method of a Backlog call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Where a non-path parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Query,
    Form,
}

/// A value as Backlog expects it on the wire.
#[diagnostic::on_unimplemented(
    message = "`{Self}` fills a path variable or a source of one, so it must implement `Wire`",
    note = "implement backlog_mcp::backlog::Wire for it: the text that goes into the path segment"
)]
pub trait Wire {
    fn wire(&self) -> String;
}

impl Wire for i64 {
    fn wire(&self) -> String {
        self.to_string()
    }
}

impl Wire for f64 {
    fn wire(&self) -> String {
        // Rust prints 2.0 as "2" and 1.5 as "1.5", like JavaScript.
        self.to_string()
    }
}

impl Wire for bool {
    fn wire(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

impl Wire for String {
    fn wire(&self) -> String {
        self.clone()
    }
}

impl Wire for str {
    fn wire(&self) -> String {
        self.to_owned()
    }
}

impl<T: Wire + ?Sized> Wire for &T {
    fn wire(&self) -> String {
        (**self).wire()
    }
}

/// One Backlog API call: method, path segments below `/api/v2`, query pairs
/// and form pairs, all unencoded. The client encodes each path segment as one
/// segment, so no value can change the path or add a query parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BacklogRequest {
    pub method: Method,
    pub path: Vec<String>,
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
    /// A file sent as `multipart/form-data` instead of the form (`POST /space/attachment`).
    pub upload: Option<Upload>,
}

/// One file part of a multipart body.
#[derive(Clone, PartialEq, Eq)]
pub struct Upload {
    /// The part's name (`file` for Backlog's attachment upload).
    pub field: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: bytes::Bytes,
}

// Never the whole content in a log line.
impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("field", &self.field)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl BacklogRequest {
    pub fn new(method: Method) -> Self {
        BacklogRequest {
            method,
            path: Vec::new(),
            query: Vec::new(),
            form: Vec::new(),
            upload: None,
        }
    }

    /// Appends a literal segment of the path template.
    pub fn segment(&mut self, segment: &str) {
        self.path.push(segment.to_owned());
    }

    /// Appends a segment filled from the parameter `name`; rejects values that
    /// cannot be one path segment (empty, `.` or `..`).
    pub fn path_param(&mut self, name: &str, value: impl Wire) -> Result<(), ToolError> {
        let value = value.wire();
        if value.is_empty() || value == "." || value == ".." {
            return Err(ToolError::InvalidArguments(format!(
                "{name}: {value:?} is not a valid value for a path segment"
            )));
        }
        self.path.push(value);
        Ok(())
    }

    /// Appends the segments of a path below a directory (`docs/specs` → two
    /// segments, `""` → one empty segment: the directory itself, as a
    /// trailing slash); each is checked like a single path value.
    pub fn path_segments(&mut self, name: &str, value: &str) -> Result<(), ToolError> {
        if value.is_empty() {
            self.path.push(String::new());
            return Ok(());
        }
        for segment in value.split('/') {
            self.path_param(name, segment)?;
        }
        Ok(())
    }

    fn pairs(&mut self, location: Location) -> &mut Vec<(String, String)> {
        match location {
            Location::Query => &mut self.query,
            Location::Form => &mut self.form,
        }
    }

    /// `name=value`.
    pub fn param(&mut self, location: Location, name: &str, value: impl Wire) {
        self.pairs(location).push((name.to_owned(), value.wire()));
    }

    /// `name[]=v1&name[]=v2`; an empty slice sends nothing, as backlog-js does.
    pub fn param_array<T: Wire>(&mut self, location: Location, name: &str, values: &[T]) {
        let key = format!("{name}[]");
        let pairs = self.pairs(location);
        for value in values {
            pairs.push((key.clone(), value.wire()));
        }
    }

    /// `name[]=`: Backlog's form for "clear this list" (update_issue sends it
    /// for an empty categoryId, versionId or milestoneId).
    pub fn clear_array(&mut self, location: Location, name: &str) {
        self.pairs(location)
            .push((format!("{name}[]"), String::new()));
    }

    /// `name[0]=v1&name[1]=v2`: the indexed form Backlog needs for
    /// custom-field lists (`customField_{id}[i]`).
    pub fn param_indexed<T: Wire>(&mut self, location: Location, name: &str, values: &[T]) {
        let pairs = self.pairs(location);
        for (index, value) in values.iter().enumerate() {
            pairs.push((format!("{name}[{index}]"), value.wire()));
        }
    }

    /// The path below `/api/v2`, each segment percent-encoded as exactly one
    /// segment (`/ ? # %` included).
    pub fn encoded_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            out.push('/');
            out.extend(utf8_percent_encode(segment, COMPONENT));
        }
        out
    }

    pub fn encoded_query(&self) -> String {
        encode_pairs(&self.query)
    }

    pub fn encoded_form(&self) -> String {
        encode_pairs(&self.form)
    }
}

/// Everything but RFC 3986 unreserved characters is percent-encoded, as
/// JavaScript's encodeURIComponent (and so backlog-js) does.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'!')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(key, COMPONENT));
        out.push('=');
        out.extend(utf8_percent_encode(value, COMPONENT));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_use_encoded_brackets_and_spaces_are_percent_20() {
        let mut request = BacklogRequest::new(Method::Post);
        request.param_array(Location::Form, "categoryId", &[1i64, 2]);
        request.param(Location::Form, "summary", "a b&c=d");
        request.param_indexed(Location::Form, "customField_5", &[7i64, 8]);
        request.clear_array(Location::Form, "versionId");
        assert_eq!(
            request.encoded_form(),
            "categoryId%5B%5D=1&categoryId%5B%5D=2&summary=a%20b%26c%3Dd\
             &customField_5%5B0%5D=7&customField_5%5B1%5D=8&versionId%5B%5D="
        );
    }

    #[test]
    fn empty_array_sends_nothing() {
        let mut request = BacklogRequest::new(Method::Get);
        request.param_array::<i64>(Location::Query, "statusId", &[]);
        assert_eq!(request.encoded_query(), "");
    }

    #[test]
    fn a_path_value_stays_one_segment() {
        let mut request = BacklogRequest::new(Method::Get);
        request.segment("issues");
        request
            .path_param("issueKey", "../users/myself?x=1#y%")
            .unwrap();
        assert_eq!(
            request.encoded_path(),
            "/issues/..%2Fusers%2Fmyself%3Fx%3D1%23y%25"
        );
    }

    #[test]
    fn a_folder_path_is_several_segments_and_the_root_a_trailing_slash() {
        let mut request = BacklogRequest::new(Method::Get);
        request.segment("files");
        request.path_segments("path", "docs/spec s").unwrap();
        assert_eq!(request.encoded_path(), "/files/docs/spec%20s");
        let mut root = BacklogRequest::new(Method::Get);
        root.segment("files");
        root.path_segments("path", "").unwrap();
        assert_eq!(root.encoded_path(), "/files/");
        assert!(root.path_segments("path", "a/../b").is_err());
    }

    #[test]
    fn dot_segments_are_rejected() {
        let mut request = BacklogRequest::new(Method::Get);
        for bad in ["", ".", ".."] {
            let error = request.path_param("issueKey", bad).unwrap_err();
            assert!(error.to_string().contains("issueKey"), "{error}");
        }
        assert!(request.path.is_empty());
    }

    #[test]
    fn numbers_and_booleans_print_like_javascript() {
        assert_eq!(2.0f64.wire(), "2");
        assert_eq!(1.5f64.wire(), "1.5");
        assert_eq!(true.wire(), "true");
        assert_eq!((-1i64).wire(), "-1");
    }
}
