//! The declaration language of backlog-mcp.
//!
//! `tools_toml!("path/to/tools.toml")` and `#[backlog_tool(...)]` on an async
//! fn both parse into one IR ([`ast::Tool`]), are checked and resolved by one
//! validator ([`valid`]) into a typed form ([`model::Tool`]), which one code
//! generator ([`expand`]) reads.

use proc_macro::TokenStream;

mod ast;
mod attr;
mod errors;
mod expand;
mod model;
mod toml_file;
mod valid;

use errors::Errors;

/// Declares a tool whose body is custom logic. The fn receives the call's
/// context and the typed arguments (`<tool_name>::Args`, generated beside it)
/// and returns `Result<ToolOutput, ToolError>`; its `///` comment is the
/// description.
///
/// ```ignore
/// /// Creates an issue.
/// #[backlog_tool(name = "add_issue", toolset = "issue", title = "Add issue", method = "POST", path = "issues",
///     param(name = "projectId", type = "integer", required, description = "Project ID"))]
/// async fn add_issue(context: &CallContext, args: add_issue::Args) -> Result<ToolOutput, ToolError> {
///     context.send(args.request()?).await
/// }
/// ```
#[proc_macro_attribute]
pub fn backlog_tool(args: TokenStream, item: TokenStream) -> TokenStream {
    let item_tokens = proc_macro2::TokenStream::from(item.clone());
    let function = match syn::parse::<syn::ItemFn>(item) {
        Ok(function) => function,
        Err(error) => {
            // An item that is not a fn gets the rule; a fn syn cannot parse, syn's own error.
            let error = match syn::parse2::<syn::Item>(item_tokens.clone()) {
                Ok(_) => syn::Error::new(
                    proc_macro2::Span::call_site(),
                    "#[backlog_tool] goes on an async fn \
                     (its /// doc comment is the tool description)",
                ),
                Err(_) => error,
            };
            let mut errors = error.to_compile_error();
            errors.extend(item_tokens);
            return errors.into();
        }
    };
    let mut errors = Errors::default();
    let mut tool = attr::parse(args.into(), &function, &mut errors);
    let span = proc_macro2::Span::call_site();
    let context = match toml_file::find_above_caller() {
        Some(path) => match toml_file::read(&path, "tools.toml", span) {
            Ok(file) => {
                // A set's parameters go where the set is named.
                if let Some(tool) = &mut tool {
                    for (at, set) in std::mem::take(&mut tool.param_sets).into_iter().rev() {
                        match file.set_params(&set.value, set.site) {
                            Ok(set_params) => {
                                tool.params.splice(at..at, set_params);
                            }
                            Err(problems) => {
                                for (site, message) in problems {
                                    let message = format!("tool {:?}: {message}", tool.name.value);
                                    let file = site.pos.map(|_| "tools.toml");
                                    errors.at(site.span, valid::located(file, site, message));
                                }
                            }
                        }
                    }
                }
                Some(valid::Context {
                    toolsets: file.toolset_names(),
                    toml_tool_names: file.tool_names().into_iter().collect(),
                })
            }
            Err(message) => {
                errors.at(span, message);
                None
            }
        },
        None => {
            errors.at(
                span,
                "no tools.toml above this file: #[backlog_tool] takes its toolsets from the workspace's tools.toml",
            );
            None
        }
    };
    // A malformed attribute or an unreadable tools.toml is reported alone:
    // checking what could be read would only add secondary errors.
    let checked = match (tool, context) {
        (Some(tool), Some(context)) => valid::validate(vec![tool], &context, &mut errors),
        _ => Vec::new(),
    };
    if !errors.is_empty() {
        // The fn is dropped: it names `<tool>::Args`, which is not generated.
        return errors.into_compile_errors().into();
    }
    let feature = &checked[0].toolset;
    let generated = expand::tool(&checked[0]);
    quote::quote! {
        #[cfg(feature = #feature)]
        #function
        #generated
    }
    .into()
}

/// Expands every tool of a TOML file (path relative to the calling file, as
/// `include_str!`), plus `pub const TOOLSETS: &[Toolset]` in the file's order.
#[proc_macro]
pub fn tools_toml(input: TokenStream) -> TokenStream {
    let literal = match syn::parse::<syn::LitStr>(input) {
        Ok(literal) => literal,
        Err(error) => {
            let message = "tools_toml! takes the path of a TOML file, relative to this file: \
                           tools_toml!(\"tools.toml\")";
            return syn::Error::new(error.span(), message)
                .to_compile_error()
                .into();
        }
    };
    let relative = literal.value();
    let shown = std::path::Path::new(&relative)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| relative.clone());
    let path = toml_file::resolve(&relative);
    let fail = |message: String| {
        syn::Error::new(literal.span(), message)
            .to_compile_error()
            .into()
    };
    let file = match toml_file::read(&path, &shown, literal.span()) {
        Ok(file) => file,
        Err(message) => return fail(message),
    };
    let mut errors = Errors::default();
    let toolsets = file.toolsets();
    valid::toolsets(&shown, &toolsets, &mut errors);
    let tools = file.tools(&mut errors);
    let context = valid::Context {
        toolsets: file.toolset_names(),
        toml_tool_names: Default::default(),
    };
    // The tools that pass are expanded even when others fail, and TOOLSETS
    // always is: code that uses them gets no secondary errors.
    let checked = valid::validate(tools, &context, &mut errors);
    let errors = errors.into_compile_errors();
    let expanded = checked.iter().map(expand::tool);
    let toolsets = expand::toolsets(&toolsets);
    let tracked = path.to_string_lossy().into_owned();
    quote::quote! {
        #errors
        // Rebuild when the file changes.
        const _: &[u8] = include_bytes!(#tracked);
        #toolsets
        #(#expanded)*
    }
    .into()
}
