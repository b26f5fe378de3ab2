//! Parses `#[backlog_tool(...)]` and its async fn into the IR.

use std::collections::BTreeSet;

use proc_macro2::Span;
use quote::ToTokens as _;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprLit, ExprUnary, Lit, UnOp};

use crate::ast::{AnnotationOverrides, Literal, Origin, Param, Site, Spanned, Tool};
use crate::errors::Errors;

const TOOL_KEYS: &str = "name, toolset, title, method, path, param(...), param_set, reply, \
                         read_only_hint, destructive_hint, idempotent_hint or open_world_hint";
const PARAM_KEYS: &str = "name, type, rust_type, required, description, location, wire_name, source_of, \
                          format, min, max, max_length, max_items, values, default or clear_when_empty";

/// Mistakes found while parsing, reported once the tool's (and the parameter's)
/// name is known, whichever order the keys come in.
type Problems = Vec<(Span, String)>;

/// The attribute's arguments and the fn's doc comment, as one [`Tool`]. Returns
/// `None` when the attribute itself is malformed: the validator's findings on a
/// half-parsed declaration ("missing `type`" after a misspelt `typ`) would only
/// repeat the parse errors.
pub fn parse(
    args: proc_macro2::TokenStream,
    item: &syn::ItemFn,
    errors: &mut Errors,
) -> Option<Tool> {
    let mut tool = Tool {
        origin: Origin::Fn {
            ident: item.sig.ident.clone(),
        },
        name: Spanned::new(String::new(), Site::span(Span::call_site())),
        toolset: Spanned::new(String::new(), Site::span(Span::call_site())),
        title: Spanned::new(String::new(), Site::span(Span::call_site())),
        description: doc_comment(item),
        method: Spanned::new(String::new(), Site::span(Span::call_site())),
        path: Spanned::new(String::new(), Site::span(Span::call_site())),
        params: Vec::new(),
        param_sets: Vec::new(),
        annotations: AnnotationOverrides::default(),
        reply: None,
        site: Site::span(item.sig.ident.span()),
    };
    let mut problems = Problems::new();
    let mut seen = BTreeSet::new();
    let parser = syn::meta::parser(|meta| {
        let key = key(&meta);
        if key != "param" && key != "param_set" && !seen.insert(key.clone()) {
            problems.push((meta.path.span(), format!("`{key}` is given twice")));
        }
        let problems = &mut problems;
        match key.as_str() {
            "name" => set(&mut tool.name, string(&meta, &key, problems)?),
            "toolset" => set(&mut tool.toolset, string(&meta, &key, problems)?),
            "title" => set(&mut tool.title, string(&meta, &key, problems)?),
            "method" => set(&mut tool.method, string(&meta, &key, problems)?),
            "path" => set(&mut tool.path, string(&meta, &key, problems)?),
            "reply" => tool.reply = string(&meta, &key, problems)?,
            "read_only_hint" => tool.annotations.read_only = boolean(&meta, &key, problems)?,
            "destructive_hint" => tool.annotations.destructive = boolean(&meta, &key, problems)?,
            "idempotent_hint" => tool.annotations.idempotent = boolean(&meta, &key, problems)?,
            "open_world_hint" => tool.annotations.open_world = boolean(&meta, &key, problems)?,
            "param_set" => {
                if let Some(set) = string(&meta, &key, problems)? {
                    tool.param_sets.push((tool.params.len(), set));
                }
            }
            "param" if meta.input.peek(syn::token::Paren) => {
                tool.params.push(param(&meta, problems)?);
            }
            "param" => {
                problems.push((
                    meta.path.span(),
                    "a parameter is written param(name = \"...\", type = \"...\", description = \"...\")"
                        .to_owned(),
                ));
                skip(&meta)?;
            }
            "description" => {
                problems.push((
                    meta.path.span(),
                    "a fn's description is its /// doc comment, not a `description` key".to_owned(),
                ));
                skip(&meta)?;
            }
            _ => {
                problems.push((
                    meta.path.span(),
                    format!("unknown key `{key}` in #[backlog_tool]; expected {TOOL_KEYS}"),
                ));
                skip(&meta)?;
            }
        }
        Ok(())
    });
    let syntax = syn::parse::Parser::parse2(parser, args).err();
    let name = if tool.name.value.is_empty() {
        "<unnamed>"
    } else {
        &tool.name.value
    };
    let failed = syntax.is_some() || !problems.is_empty();
    for (span, message) in problems {
        errors.at(span, format!("tool {name:?}: {message}"));
    }
    if let Some(error) = syntax {
        errors.push(error);
    }
    // Not a parse failure: the declaration itself can still be checked.
    if item.sig.asyncness.is_none() {
        errors.at(
            item.sig.fn_token.span,
            format!(
                "tool {name:?}: #[backlog_tool] goes on an async fn: `async fn {}`",
                item.sig.ident
            ),
        );
    }
    (!failed).then_some(tool)
}

fn param(meta: &ParseNestedMeta, tool_problems: &mut Problems) -> syn::Result<Param> {
    let mut param = Param {
        name: Spanned::new(String::new(), Site::span(meta.path.span())),
        ty: Spanned::new(String::new(), Site::span(meta.path.span())),
        rust_type: None,
        required: false,
        description: Spanned::new(String::new(), Site::span(meta.path.span())),
        location: None,
        wire_name: None,
        source_of: None,
        format: None,
        min: None,
        max: None,
        values: None,
        default: None,
        clear_when_empty: false,
        max_length: None,
        max_items: None,
        site: Site::span(meta.path.span()),
    };
    let mut problems = Problems::new();
    let mut seen = BTreeSet::new();
    let result = meta.parse_nested_meta(|meta| {
        let key = key(&meta);
        if !seen.insert(key.clone()) {
            problems.push((meta.path.span(), format!("`{key}` is given twice")));
        }
        let problems = &mut problems;
        match key.as_str() {
            "name" => set(&mut param.name, string(&meta, &key, problems)?),
            "type" => set(&mut param.ty, string(&meta, &key, problems)?),
            "rust_type" => {
                if let Some(text) = string(&meta, &key, problems)? {
                    match syn::parse_str::<syn::Type>(&text.value) {
                        Ok(ty) => param.rust_type = Some(Spanned::new(ty, text.site)),
                        Err(e) => problems.push((
                            text.site.span,
                            format!("rust_type {:?} is not a Rust type: {e}", text.value),
                        )),
                    }
                }
            }
            "required" => param.required = flag(&meta, &key, problems)?,
            "clear_when_empty" => param.clear_when_empty = flag(&meta, &key, problems)?,
            "description" => set(&mut param.description, string(&meta, &key, problems)?),
            "location" => param.location = string(&meta, &key, problems)?,
            "wire_name" => param.wire_name = string(&meta, &key, problems)?,
            "source_of" => param.source_of = string(&meta, &key, problems)?,
            "format" => param.format = string(&meta, &key, problems)?,
            "min" => param.min = integer(&meta, &key, problems)?,
            "max" => param.max = integer(&meta, &key, problems)?,
            "max_length" => param.max_length = integer(&meta, &key, problems)?,
            "max_items" => param.max_items = integer(&meta, &key, problems)?,
            "values" => param.values = values(&meta, &key, problems)?,
            "default" => {
                let expr = value(&meta)?;
                match literal(&expr) {
                    Some(value) => {
                        param.default = Some(Spanned::new(value, Site::span(expr.span())))
                    }
                    None => problems.push((
                        expr.span(),
                        "`default` is a string, number or boolean literal".to_owned(),
                    )),
                }
            }
            _ => {
                problems.push((
                    meta.path.span(),
                    format!("unknown key `{key}` in param(...); expected {PARAM_KEYS}"),
                ));
                skip(&meta)?;
            }
        }
        Ok(())
    });
    let label = if param.name.value.is_empty() {
        "<unnamed>"
    } else {
        &param.name.value
    };
    for (span, message) in problems {
        tool_problems.push((span, format!("parameter {label:?}: {message}")));
    }
    result.map(|()| param)
}

/// The key as written (`foo::bar` too, to be reported as unknown).
fn key(meta: &ParseNestedMeta) -> String {
    match meta.path.get_ident() {
        Some(ident) => ident.to_string(),
        None => meta.path.to_token_stream().to_string().replace(' ', ""),
    }
}

fn set<T>(field: &mut Spanned<T>, parsed: Option<Spanned<T>>) {
    if let Some(parsed) = parsed {
        *field = parsed;
    }
}

/// The expression after `key =`. Values are parsed as expressions and their
/// kind checked afterwards, so that a wrong kind is one error, not the end of parsing.
fn value(meta: &ParseNestedMeta) -> syn::Result<Expr> {
    meta.value()?.parse()
}

/// Consumes the value of a key that is reported, whatever its form.
fn skip(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        value(meta)?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}

fn string(
    meta: &ParseNestedMeta,
    key: &str,
    problems: &mut Problems,
) -> syn::Result<Option<Spanned<String>>> {
    let expr = value(meta)?;
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Some(Spanned::new(s.value(), Site::span(s.span())))),
        other => {
            problems.push((
                other.span(),
                format!("`{key}` is a string literal: {key} = \"...\""),
            ));
            Ok(None)
        }
    }
}

fn boolean(
    meta: &ParseNestedMeta,
    key: &str,
    problems: &mut Problems,
) -> syn::Result<Option<bool>> {
    let expr = value(meta)?;
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(Some(b.value)),
        other => {
            problems.push((
                other.span(),
                format!("`{key}` is true or false: {key} = true"),
            ));
            Ok(None)
        }
    }
}

/// `required` alone, or `required = true/false`.
fn flag(meta: &ParseNestedMeta, key: &str, problems: &mut Problems) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        Ok(boolean(meta, key, problems)?.unwrap_or(false))
    } else {
        Ok(true)
    }
}

fn integer(
    meta: &ParseNestedMeta,
    key: &str,
    problems: &mut Problems,
) -> syn::Result<Option<Spanned<i64>>> {
    let expr = value(meta)?;
    match literal(&expr) {
        Some(Literal::Int(value)) => Ok(Some(Spanned::new(value, Site::span(expr.span())))),
        _ => {
            problems.push((
                expr.span(),
                format!("`{key}` is an integer literal: {key} = 1"),
            ));
            Ok(None)
        }
    }
}

fn values(
    meta: &ParseNestedMeta,
    key: &str,
    problems: &mut Problems,
) -> syn::Result<Option<Spanned<Vec<String>>>> {
    let expr = value(meta)?;
    let message = format!("`{key}` is an array of strings: {key} = [\"a\", \"b\"]");
    let Expr::Array(array) = &expr else {
        problems.push((expr.span(), message));
        return Ok(None);
    };
    let mut values = Vec::new();
    for element in &array.elems {
        match element {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => values.push(s.value()),
            other => {
                problems.push((other.span(), message));
                return Ok(None);
            }
        }
    }
    Ok(Some(Spanned::new(values, Site::span(array.span()))))
}

/// A string, number or boolean literal, or a negative number.
fn literal(expr: &Expr) -> Option<Literal> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(s) => Some(Literal::Str(s.value())),
            Lit::Int(i) => i.base10_parse().ok().map(Literal::Int),
            Lit::Float(f) => f.base10_parse().ok().map(Literal::Float),
            Lit::Bool(b) => Some(Literal::Bool(b.value)),
            _ => None,
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match literal(expr)? {
            Literal::Int(i) => Some(Literal::Int(-i)),
            Literal::Float(f) => Some(Literal::Float(-f)),
            _ => None,
        },
        _ => None,
    }
}

/// The fn's `///` lines, joined as the tool description.
fn doc_comment(item: &syn::ItemFn) -> Spanned<String> {
    let mut lines = Vec::new();
    for attr in &item.attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) = &nv.value
        {
            let line = s.value();
            lines.push(
                line.strip_prefix(' ')
                    .unwrap_or(&line)
                    .trim_end()
                    .to_owned(),
            );
        }
    }
    let text = lines.join("\n").trim().to_owned();
    Spanned::new(text, Site::span(item.sig.ident.span()))
}
