//! Parses `#[backlog_tool(...)]` and its async fn into the IR.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitStr, UnOp};

use crate::ast::{AnnotationOverrides, Literal, Origin, Param, Spanned, Tool};
use crate::errors::Errors;

/// The attribute's arguments and the fn's doc comment, as one [`Tool`].
pub fn parse(args: proc_macro2::TokenStream, item: &syn::ItemFn, errors: &mut Errors) -> Tool {
    let mut tool = Tool {
        origin: Origin::Fn {
            ident: item.sig.ident.clone(),
        },
        name: Spanned::new(String::new(), Span::call_site()),
        toolset: Spanned::new(String::new(), Span::call_site()),
        title: Spanned::new(String::new(), Span::call_site()),
        description: doc_comment(item),
        method: Spanned::new(String::new(), Span::call_site()),
        path: Spanned::new(String::new(), Span::call_site()),
        params: Vec::new(),
        annotations: AnnotationOverrides::default(),
        span: item.sig.ident.span(),
    };
    let parser = syn::meta::parser(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match key.as_str() {
            "name" => tool.name = string(&meta)?,
            "toolset" => tool.toolset = string(&meta)?,
            "title" => tool.title = string(&meta)?,
            "method" => tool.method = string(&meta)?,
            "path" => tool.path = string(&meta)?,
            "read_only_hint" => tool.annotations.read_only = Some(boolean(&meta)?),
            "destructive_hint" => tool.annotations.destructive = Some(boolean(&meta)?),
            "idempotent_hint" => tool.annotations.idempotent = Some(boolean(&meta)?),
            "open_world_hint" => tool.annotations.open_world = Some(boolean(&meta)?),
            "param" => tool.params.push(param(&meta)?),
            _ => {
                return Err(meta.error(format!(
                    "unknown key `{key}` in #[backlog_tool]; expected name, toolset, title, method, path, \
                     param(...), read_only_hint, destructive_hint, idempotent_hint or open_world_hint"
                )));
            }
        }
        Ok(())
    });
    if let Err(error) = syn::parse::Parser::parse2(parser, args) {
        errors.push(error);
    }
    tool
}

fn param(meta: &ParseNestedMeta) -> syn::Result<Param> {
    let mut param = Param {
        name: Spanned::new(String::new(), meta.path.span()),
        ty: Spanned::new(String::new(), meta.path.span()),
        rust_type: None,
        required: false,
        description: Spanned::new(String::new(), meta.path.span()),
        location: None,
        source_of: None,
        format: None,
        min: None,
        max: None,
        values: None,
        default: None,
        clear_when_empty: false,
        span: meta.path.span(),
    };
    meta.parse_nested_meta(|meta| {
        let key = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        match key.as_str() {
            "name" => param.name = string(&meta)?,
            "type" => param.ty = string(&meta)?,
            "rust_type" => {
                let text = string(&meta)?;
                let ty = syn::parse_str::<syn::Type>(&text.value)
                    .map_err(|e| syn::Error::new(text.span, format!("rust_type is not a Rust type: {e}")))?;
                param.rust_type = Some(Spanned::new(ty, text.span));
            }
            "required" => param.required = flag(&meta)?,
            "clear_when_empty" => param.clear_when_empty = flag(&meta)?,
            "description" => param.description = string(&meta)?,
            "location" => param.location = Some(string(&meta)?),
            "source_of" => param.source_of = Some(string(&meta)?),
            "format" => param.format = Some(string(&meta)?),
            "min" => param.min = Some(integer(&meta)?),
            "max" => param.max = Some(integer(&meta)?),
            "values" => {
                let array: syn::ExprArray = meta.value()?.parse()?;
                let mut values = Vec::new();
                for element in &array.elems {
                    match element {
                        Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => values.push(s.value()),
                        other => return Err(syn::Error::new(other.span(), "enum values are strings")),
                    }
                }
                param.values = Some(Spanned::new(values, array.span()));
            }
            "default" => {
                let expr: Expr = meta.value()?.parse()?;
                param.default = Some(Spanned::new(literal(&expr)?, expr.span()));
            }
            _ => {
                return Err(meta.error(format!(
                    "unknown key `{key}` in param(...); expected name, type, rust_type, required, description, \
                     location, source_of, format, min, max, values, default or clear_when_empty"
                )));
            }
        }
        Ok(())
    })?;
    Ok(param)
}

fn string(meta: &ParseNestedMeta) -> syn::Result<Spanned<String>> {
    let lit: LitStr = meta.value()?.parse()?;
    Ok(Spanned::new(lit.value(), lit.span()))
}

fn boolean(meta: &ParseNestedMeta) -> syn::Result<bool> {
    let lit: syn::LitBool = meta.value()?.parse()?;
    Ok(lit.value)
}

/// `required` alone, or `required = true/false`.
fn flag(meta: &ParseNestedMeta) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        boolean(meta)
    } else {
        Ok(true)
    }
}

fn integer(meta: &ParseNestedMeta) -> syn::Result<Spanned<i64>> {
    let expr: Expr = meta.value()?.parse()?;
    match literal(&expr)? {
        Literal::Int(value) => Ok(Spanned::new(value, expr.span())),
        _ => Err(syn::Error::new(expr.span(), "expected an integer")),
    }
}

fn literal(expr: &Expr) -> syn::Result<Literal> {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(s) => Ok(Literal::Str(s.value())),
            Lit::Int(i) => Ok(Literal::Int(i.base10_parse()?)),
            Lit::Float(f) => Ok(Literal::Float(f.base10_parse()?)),
            Lit::Bool(b) => Ok(Literal::Bool(b.value)),
            _ => Err(syn::Error::new(
                lit.span(),
                "expected a string, number or boolean",
            )),
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => match literal(expr)? {
            Literal::Int(i) => Ok(Literal::Int(-i)),
            Literal::Float(f) => Ok(Literal::Float(-f)),
            _ => Err(syn::Error::new(expr.span(), "only numbers can be negative")),
        },
        other => Err(syn::Error::new(other.span(), "expected a literal")),
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
    Spanned::new(text, item.sig.ident.span())
}
