//! Emits the code of checked declarations: per tool, a module holding the
//! typed argument struct (serde + schemars), its checks and Backlog request,
//! the call, and the registration in the registry behind the toolset feature.
//! Every path is absolute (`::backlog_mcp::__private::…`).

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ast::{self, FORMATS, Literal, Origin, Param, Scalar, WireType};
use crate::valid::{Checked, Location, Segment};

pub fn tool(checked: &Checked) -> TokenStream {
    let tool = &checked.tool;
    let private = quote!(::backlog_mcp::__private);
    let module = Ident::new(&tool.name.value, tool.name.span);
    let feature = &tool.toolset.value;
    let name = &tool.name.value;
    let toolset = &tool.toolset.value;
    let title = &tool.title.value;
    let description = &tool.description.value;
    let path = &tool.path.value;
    let method = method_variant(&tool.method.value);
    let (read_only, destructive, idempotent) = match tool.method.value.as_str() {
        "GET" => (true, false, true),
        "POST" => (false, false, false),
        "DELETE" => (false, true, true),
        _ => (false, false, true),
    };
    let overrides = &tool.annotations;
    let read_only = overrides.read_only.unwrap_or(read_only);
    let destructive = overrides.destructive.unwrap_or(destructive);
    let idempotent = overrides.idempotent.unwrap_or(idempotent);
    let open_world = overrides.open_world.unwrap_or(true);

    let mut fields = Vec::new();
    let mut enums = Vec::new();
    let mut checks = Vec::new();
    for (param, resolved) in tool.params.iter().zip(&checked.params) {
        let field = field_ident(param);
        let rust = match (&param.rust_type, resolved.wire) {
            (Some(ty), _) => {
                let ty = &ty.value;
                quote!(#ty)
            }
            (None, Some(wire)) => {
                if wire.scalar == Scalar::Enum {
                    enums.push(enum_type(param));
                }
                rust_type(param, wire)
            }
            (None, None) => unreachable!("the validator gives every parameter a type"),
        };
        fields.push(struct_field(param, &field, &rust));
        if let Some(wire) = resolved.wire {
            checks.push(value_checks(param, &field, wire));
        }
    }

    let mut request = Vec::new();
    for segment in &checked.segments {
        match segment {
            Segment::Literal(text) => request.push(quote!(request.segment(#text);)),
            Segment::Variable { name, sources } => {
                let params: Vec<&Param> = sources.iter().map(|&i| &tool.params[i]).collect();
                let direct =
                    sources.len() == 1 && checked.params[sources[0]].location == Location::Path;
                if direct {
                    let field = field_ident(params[0]);
                    request.push(quote!(request.path_param(#name, &self.#field)?;));
                } else {
                    let tries = params.iter().map(|param| {
                        let field = field_ident(param);
                        let is_integer = WireType::parse(&param.ty.value)
                            .is_some_and(|w| w.scalar == Scalar::Integer);
                        let present = if is_integer {
                            quote!(*value > 0)
                        } else {
                            quote!(!value.is_empty())
                        };
                        quote! {
                            if chosen.is_none()
                                && let ::core::option::Option::Some(value) = &self.#field
                                && #present
                            {
                                chosen = ::core::option::Option::Some(#private::Wire::wire(value));
                            }
                        }
                    });
                    let missing = missing_sources(&params);
                    request.push(quote! {
                        let mut chosen: ::core::option::Option<::std::string::String> = ::core::option::Option::None;
                        #(#tries)*
                        match chosen {
                            ::core::option::Option::Some(value) => request.path_param(#name, value)?,
                            ::core::option::Option::None => {
                                return ::core::result::Result::Err(#private::ToolError::InvalidArguments(#missing.to_owned()));
                            }
                        }
                    });
                    let presence = params.iter().map(|param| {
                        let field = field_ident(param);
                        let is_integer = WireType::parse(&param.ty.value)
                            .is_some_and(|w| w.scalar == Scalar::Integer);
                        if is_integer {
                            quote!(self.#field.is_some_and(|value| value > 0))
                        } else {
                            quote!(self.#field.as_ref().is_some_and(|value| !value.is_empty()))
                        }
                    });
                    checks.push(quote! {
                        if !(#(#presence)||*) {
                            return ::core::result::Result::Err(#private::ToolError::InvalidArguments(#missing.to_owned()));
                        }
                    });
                }
            }
        }
    }
    for (param, resolved) in tool.params.iter().zip(&checked.params) {
        let location = match resolved.location {
            Location::Query => quote!(#private::Location::Query),
            Location::Form => quote!(#private::Location::Form),
            Location::Path | Location::Source | Location::Body => continue,
        };
        let Some(wire) = resolved.wire else { continue };
        let field = field_ident(param);
        let wire_name = &param.name.value;
        let send = |value: TokenStream| {
            if wire.array {
                if param.clear_when_empty {
                    quote! {
                        if #value.is_empty() {
                            request.clear_array(#location, #wire_name);
                        } else {
                            request.param_array(#location, #wire_name, #value);
                        }
                    }
                } else {
                    quote!(request.param_array(#location, #wire_name, #value);)
                }
            } else {
                quote!(request.param(#location, #wire_name, #value);)
            }
        };
        if param.required {
            request.push(send(quote!(&self.#field)));
        } else {
            let present = send(quote!(value));
            let absent = match &param.default {
                Some(default) => {
                    let literal = wire_literal(&default.value);
                    quote!(request.param(#location, #wire_name, #literal);)
                }
                None => quote!(),
            };
            request.push(quote! {
                match &self.#field {
                    ::core::option::Option::Some(value) => { #present }
                    ::core::option::Option::None => { #absent }
                }
            });
        }
    }

    let run = match &tool.origin {
        Origin::Toml { .. } => quote!(backlog.send(args.request()?).await),
        Origin::Fn { ident } => quote!(super::#ident(backlog, args).await),
    };
    let doc = format!(
        "The `{name}` tool ({method_text} `{path}`): its arguments, request and registration.",
        method_text = tool.method.value
    );

    quote! {
        #[cfg(feature = #feature)]
        #[doc = #doc]
        #[allow(clippy::needless_borrow, clippy::collapsible_if, unused_imports)]
        pub mod #module {
            // A `rust_type` names a type of the declaring module.
            use super::*;

            /// The arguments, exactly as the tool's input schema describes them.
            #[derive(#private::serde::Deserialize, #private::schemars::JsonSchema, ::core::fmt::Debug)]
            #[serde(crate = "::backlog_mcp::__private::serde", deny_unknown_fields)]
            #[schemars(crate = "::backlog_mcp::__private::schemars")]
            pub struct Args {
                #(#fields)*
            }

            #(#enums)*

            impl Args {
                /// Checks formats, ranges and required path sources; no Backlog call is made before this passes.
                pub fn check(&self) -> ::core::result::Result<(), #private::ToolError> {
                    #(#checks)*
                    ::core::result::Result::Ok(())
                }

                /// The Backlog request these arguments make (parameters the fn body encodes are not included).
                pub fn request(&self) -> ::core::result::Result<#private::BacklogRequest, #private::ToolError> {
                    let mut request = #private::BacklogRequest::new(#private::Method::#method);
                    #(#request)*
                    ::core::result::Result::Ok(request)
                }
            }

            fn call<'a>(
                backlog: &'a #private::Backlog,
                arguments: #private::serde_json::Map<::std::string::String, #private::serde_json::Value>,
            ) -> #private::CallFuture<'a> {
                ::std::boxed::Box::pin(async move {
                    let args: Args = #private::parse_arguments(arguments)?;
                    args.check()?;
                    #run
                })
            }

            #[#private::linkme::distributed_slice(#private::TOOLS)]
            #[linkme(crate = ::backlog_mcp::__private::linkme)]
            static TOOL: #private::ToolDef = #private::ToolDef {
                name: #name,
                toolset: #toolset,
                title: #title,
                description: #description,
                method: #private::Method::#method,
                path: #path,
                annotations: #private::Annotations {
                    read_only: #read_only,
                    destructive: #destructive,
                    idempotent: #idempotent,
                    open_world: #open_world,
                },
                input_schema: #private::input_schema::<Args>,
                call,
            };
        }
    }
}

fn method_variant(method: &str) -> Ident {
    let name = match method {
        "GET" => "Get",
        "POST" => "Post",
        "PUT" => "Put",
        "PATCH" => "Patch",
        _ => "Delete",
    };
    Ident::new(name, Span::call_site())
}

fn field_ident(param: &Param) -> Ident {
    let snake = ast::snake_case(&param.name.value);
    syn::parse_str::<Ident>(&snake).unwrap_or_else(|_| format_ident!("r#{}", snake))
}

fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

fn enum_ident(param: &Param) -> Ident {
    format_ident!("{}", pascal_case(&param.name.value))
}

fn scalar_type(param: &Param, scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String | Scalar::Date => quote!(::std::string::String),
        Scalar::Integer => quote!(i64),
        Scalar::Number => quote!(f64),
        Scalar::Boolean => quote!(bool),
        Scalar::Enum => {
            let ident = enum_ident(param);
            quote!(#ident)
        }
    }
}

fn rust_type(param: &Param, wire: WireType) -> TokenStream {
    let scalar = scalar_type(param, wire.scalar);
    if wire.array {
        quote!(::std::vec::Vec<#scalar>)
    } else {
        scalar
    }
}

fn struct_field(param: &Param, field: &Ident, rust: &TokenStream) -> TokenStream {
    let wire_name = &param.name.value;
    let description = &param.description.value;
    let mut schemars = vec![quote!(description = #description)];
    if let Some(format) = &param.format {
        let constant = FORMATS
            .iter()
            .find(|(n, _)| *n == format.value)
            .map(|(_, c)| format_ident!("{}", c));
        schemars
            .push(quote!(extend("pattern" = ::backlog_mcp::__private::check::#constant.pattern)));
    }
    let wire = WireType::parse(&param.ty.value);
    if wire.is_some_and(|w| w.scalar == Scalar::Date && !w.array) {
        schemars.push(quote!(extend("format" = "date")));
    }
    if let Some(wire) = wire {
        if let Some(constant) = format_constant(param) {
            if !wire.array {
                schemars.push(quote!(extend(
                    "maxLength" = ::backlog_mcp::__private::check::#constant.max_length
                )));
            }
        } else if wire.scalar == Scalar::String && !wire.array {
            let max = max_length(param);
            schemars.push(quote!(length(max = #max)));
        }
        if wire.array {
            let max = max_items(param);
            schemars.push(quote!(length(max = #max)));
        }
    }
    match (&param.min, &param.max) {
        (Some(min), Some(max)) => {
            let (min, max) = (min.value, max.value);
            schemars.push(quote!(range(min = #min, max = #max)));
        }
        (Some(min), None) => {
            let min = min.value;
            schemars.push(quote!(range(min = #min)));
        }
        (None, Some(max)) => {
            let max = max.value;
            schemars.push(quote!(range(max = #max)));
        }
        (None, None) => {}
    }
    if let Some(default) = &param.default {
        let json = wire_literal(&default.value);
        schemars.push(quote!(extend("default" = #json)));
    }
    if param.required {
        quote! {
            #[serde(rename = #wire_name)]
            #[schemars(#(#schemars),*)]
            pub #field: #rust,
        }
    } else {
        let with = rust.to_string();
        quote! {
            #[serde(rename = #wire_name, default)]
            #[schemars(with = #with, #(#schemars),*)]
            pub #field: ::core::option::Option<#rust>,
        }
    }
}

fn enum_type(param: &Param) -> TokenStream {
    let ident = enum_ident(param);
    let values = param
        .values
        .as_ref()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let mut variants: Vec<Ident> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let mut name = pascal_case(value);
        if name.is_empty()
            || name.starts_with(|c: char| c.is_ascii_digit())
            || variants.iter().any(|v| *v == name)
        {
            name = format!("V{index}");
        }
        variants.push(format_ident!("{}", name));
    }
    let doc = format!("The values of `{}`.", param.name.value);
    quote! {
        #[doc = #doc]
        #[derive(::backlog_mcp::__private::serde::Deserialize, ::backlog_mcp::__private::schemars::JsonSchema, ::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        #[serde(crate = "::backlog_mcp::__private::serde")]
        #[schemars(crate = "::backlog_mcp::__private::schemars")]
        pub enum #ident {
            #( #[serde(rename = #values)] #variants, )*
        }

        impl #ident {
            /// The value as Backlog spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    #( #ident::#variants => #values, )*
                }
            }
        }

        impl ::backlog_mcp::__private::Wire for #ident {
            fn wire(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }
    }
}

/// Format and range checks of one parameter's value(s).
fn max_length(param: &Param) -> i64 {
    param
        .max_length
        .as_ref()
        .map_or(ast::DEFAULT_MAX_LENGTH, |m| m.value)
}

fn max_items(param: &Param) -> i64 {
    param
        .max_items
        .as_ref()
        .map_or(ast::DEFAULT_MAX_ITEMS, |m| m.value)
}

fn format_constant(param: &Param) -> Option<Ident> {
    let format = param.format.as_ref()?;
    let (_, constant) = FORMATS.iter().find(|(n, _)| *n == format.value)?;
    Some(format_ident!("{}", constant))
}

fn value_checks(param: &Param, field: &Ident, wire: WireType) -> TokenStream {
    let private = quote!(::backlog_mcp::__private);
    let wire_name = &param.name.value;
    let check_one = |value: TokenStream| -> TokenStream {
        let mut out = TokenStream::new();
        if wire.scalar == Scalar::Date {
            out.extend(
                quote!(#private::check::format(#wire_name, &#private::check::DATE, #value)?;),
            );
        }
        if let Some(constant) = format_constant(param) {
            out.extend(
                quote!(#private::check::format(#wire_name, &#private::check::#constant, #value)?;),
            );
        } else if wire.scalar == Scalar::String {
            let max = max_length(param) as usize;
            out.extend(quote!(#private::check::length(#wire_name, #value, #max)?;));
        }
        if param.min.is_some() || param.max.is_some() {
            let min = option_tokens(param.min.as_ref().map(|m| m.value));
            let max = option_tokens(param.max.as_ref().map(|m| m.value));
            out.extend(quote!(#private::check::range(#wire_name, *#value, #min, #max)?;));
        }
        out
    };
    let body = check_one(quote!(value));
    if !wire.array {
        if body.is_empty() {
            return TokenStream::new();
        }
        return if param.required {
            quote!({ let value = &self.#field; #body })
        } else {
            quote!(if let ::core::option::Option::Some(value) = &self.#field { #body })
        };
    }
    let max = max_items(param) as usize;
    let array = quote! {
        #private::check::items(#wire_name, values.len(), #max)?;
        for value in values { #body }
    };
    if param.required {
        quote!({ let values = &self.#field; #array })
    } else {
        quote!(if let ::core::option::Option::Some(values) = &self.#field { #array })
    }
}

fn option_tokens(value: Option<i64>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn missing_sources(params: &[&Param]) -> String {
    let names: Vec<&str> = params.iter().map(|p| p.name.value.as_str()).collect();
    format!("{} is required", names.join(" or "))
}

fn wire_literal(literal: &Literal) -> TokenStream {
    match literal {
        Literal::Str(s) => quote!(#s),
        Literal::Int(i) => quote!(#i),
        Literal::Float(f) => quote!(#f),
        Literal::Bool(b) => quote!(#b),
    }
}
