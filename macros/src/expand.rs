//! Emits the code of checked declarations: per tool, a module holding the
//! typed argument struct (serde + schemars), its checks and Backlog request,
//! the call, and the registration in the registry behind the toolset
//! feature; beside it, the tool's entry in the index of all declarations.
//! Reads only the typed [`model`]; every path is absolute
//! (`::backlog_mcp::__private::…`).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ast::{Literal, Origin, Toolset};
use crate::model::{Format, Location, Param, ParamType, Scalar, Segment, Tool};

fn private() -> TokenStream {
    quote!(::backlog_mcp::__private)
}

pub fn tool(tool: &Tool) -> TokenStream {
    let private = private();
    let module = &tool.module;
    let feature = &tool.toolset;
    let name = &tool.name;
    let toolset = &tool.toolset;
    let title = &tool.title;
    let description = &tool.description;
    let path = &tool.path;
    let method = tool.method.variant();
    let reply = tool.reply.variant();
    let annotations = tool.annotations;
    let (read_only, destructive, idempotent, open_world) = (
        annotations.read_only,
        annotations.destructive,
        annotations.idempotent,
        annotations.open_world,
    );

    let fields = tool.params.iter().map(struct_field);
    let enums = tool.params.iter().filter_map(enum_type);
    let mut checks: Vec<TokenStream> = tool.params.iter().map(value_checks).collect();
    let mut request = Vec::new();
    for segment in &tool.segments {
        match segment {
            Segment::Literal(text) => request.push(quote!(request.segment(#text);)),
            Segment::Direct { param } => {
                let param = &tool.params[*param];
                let (field, name) = (&param.field, &param.name);
                if param.format == Some(Format::FilePath) {
                    request.push(quote!(request.path_segments(#name, &self.#field)?;));
                } else {
                    request.push(quote!(request.path_param(#name, &self.#field)?;));
                }
            }
            Segment::Sources { variable, sources } => {
                let (choose, check) = first_given(tool, sources);
                request.push(quote! {
                    let value = { #choose };
                    request.path_param(#variable, value)?;
                });
                checks.push(check);
            }
        }
    }
    for derived in &tool.derived {
        let (choose, check) = first_given(tool, &derived.sources);
        let location = location_tokens(derived.location);
        let name = &derived.name;
        request.push(quote! {
            let value = { #choose };
            request.param(#location, #name, value);
        });
        checks.push(check);
    }
    request.extend(tool.params.iter().filter_map(send));

    let run = match &tool.origin {
        Origin::Toml { .. } => quote!(context.send(args.request()?).await),
        Origin::Fn { ident } => quote!(super::#ident(context, args).await),
    };
    let doc = format!(
        "The `{name}` tool ({} `{path}`): its arguments, request and registration.",
        tool.method.as_str()
    );
    let declared = format_ident!("__DECLARED_{}", name.to_uppercase());
    let sends: Vec<&str> = tool
        .derived
        .iter()
        .map(|d| d.name.as_str())
        .chain(
            tool.params
                .iter()
                .filter(|p| matches!(p.location, Location::Query | Location::Form))
                .map(|p| p.wire_name.as_str()),
        )
        .collect();

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
                /// Checks formats, ranges, sizes and required path sources; no Backlog call is made before this passes.
                pub fn check(&self) -> ::core::result::Result<(), #private::ToolError> {
                    #(#checks)*
                    ::core::result::Result::Ok(())
                }

                /// The Backlog request these arguments make.
                pub fn request(&self) -> ::core::result::Result<#private::BacklogRequest, #private::ToolError> {
                    let mut request = #private::BacklogRequest::new(#private::Method::#method);
                    #(#request)*
                    ::core::result::Result::Ok(request)
                }
            }

            fn call<'a>(
                context: &'a #private::CallContext,
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
                reply: #private::Reply::#reply,
                input_schema: #private::input_schema::<Args>,
                sends: &[#(#sends),*],
                call,
            };
        }

        // Every declaration is indexed, compiled in or not, so that tests and
        // startup errors can name the tools a build left out.
        #[#private::linkme::distributed_slice(#private::DECLARED)]
        #[linkme(crate = ::backlog_mcp::__private::linkme)]
        #[doc(hidden)]
        static #declared: #private::Declared = #private::Declared {
            name: #name,
            toolset: #toolset,
        };
    }
}

/// `pub const TOOLSETS`: the toolsets of a declaration file, in its order,
/// each marked with whether its cargo feature is on in the calling crate.
pub fn toolsets(toolsets: &[Toolset]) -> TokenStream {
    let private = private();
    let entries = toolsets.iter().map(|toolset| {
        let name = &toolset.name.value;
        let description = &toolset.description.value;
        let instructions = toolset
            .instructions
            .as_ref()
            .map(|i| i.value.as_str())
            .unwrap_or_default();
        quote! {
            #private::Toolset {
                name: #name,
                description: #description,
                instructions: #instructions,
                compiled: cfg!(feature = #name),
            }
        }
    });
    quote! {
        /// The toolsets of the declaration file, in its order.
        // A toolset without a cargo feature is caught by the tools in it (their
        // modules are cfg'd on it) and by a test comparing the two lists.
        #[allow(unexpected_cfgs)]
        pub const TOOLSETS: &[#private::Toolset] = &[#(#entries),*];
    }
}

/// The value of the first given of `sources` (an expression that returns an
/// error when none is), and the check that one is given.
fn first_given(tool: &Tool, sources: &[usize]) -> (TokenStream, TokenStream) {
    let private = private();
    let params: Vec<&Param> = sources.iter().map(|&i| &tool.params[i]).collect();
    let missing = missing_sources(&params);
    let tries = params.iter().map(|param| {
        let field = &param.field;
        let given = given(param, quote!(value));
        quote! {
            if let ::core::option::Option::Some(value) = &self.#field
                && #given
            {
                break 'chosen #private::Wire::wire(value);
            }
        }
    });
    let error = quote!(#private::ToolError::InvalidArguments(#missing.to_owned()));
    let choose = quote! {
        'chosen: {
            #(#tries)*
            return ::core::result::Result::Err(#error);
        }
    };
    let presence = params.iter().map(|param| {
        let field = &param.field;
        let given = given(param, quote!(value));
        quote!(self.#field.as_ref().is_some_and(|value| #given))
    });
    let check = quote! {
        if !(#(#presence)||*) {
            return ::core::result::Result::Err(#error);
        }
    };
    (choose, check)
}

fn location_tokens(location: Location) -> TokenStream {
    let private = private();
    match location {
        Location::Form => quote!(#private::Location::Form),
        _ => quote!(#private::Location::Query),
    }
}

/// Whether a path source was given: a positive id or a non-empty key.
fn given(param: &Param, value: TokenStream) -> TokenStream {
    match param.wire() {
        Some((Scalar::Integer, _)) => quote!(*#value > 0),
        _ => quote!(!#value.is_empty()),
    }
}

fn scalar_type(param: &Param, scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String | Scalar::Date => quote!(::std::string::String),
        Scalar::Integer => quote!(i64),
        Scalar::Number => quote!(f64),
        Scalar::Boolean => quote!(bool),
        Scalar::Enum => {
            let ident = param.enum_ident.as_ref().expect("an enum has its type");
            quote!(#ident)
        }
    }
}

fn rust_type(param: &Param) -> TokenStream {
    match &param.ty {
        ParamType::Encoded(ty) => quote!(#ty),
        ParamType::Wire { scalar, array } => {
            let scalar = scalar_type(param, *scalar);
            if *array {
                quote!(::std::vec::Vec<#scalar>)
            } else {
                scalar
            }
        }
    }
}

fn struct_field(param: &Param) -> TokenStream {
    let private = private();
    let (field, wire_name, description) = (&param.field, &param.name, &param.description);
    let rust = rust_type(param);
    let mut schemars = Vec::new();
    if !description.trim().is_empty() {
        schemars.push(quote!(description = #description));
    }
    if let Some(format) = param.format {
        let constant = format.constant();
        schemars.push(quote!(extend("pattern" = #private::check::#constant.pattern)));
    }
    if param.wire() == Some((Scalar::Date, false)) {
        schemars.push(quote!(extend("format" = "date")));
    }
    // Only the declaration's own bounds are published; defaults are only enforced.
    if let Some(bound) = param.max_length.filter(|b| b.published) {
        let max = bound.value;
        schemars.push(quote!(length(max = #max)));
    }
    if let Some(bound) = param.max_items.filter(|b| b.published) {
        let max = bound.value;
        schemars.push(quote!(length(max = #max)));
    }
    match (param.min, param.max) {
        (Some(min), Some(max)) => schemars.push(quote!(range(min = #min, max = #max))),
        (Some(min), None) => schemars.push(quote!(range(min = #min))),
        (None, Some(max)) => schemars.push(quote!(range(max = #max))),
        (None, None) => {}
    }
    if let Some(default) = &param.default {
        let json = wire_literal(default);
        schemars.push(quote!(extend("default" = #json)));
    }
    if param.required {
        let schemars = (!schemars.is_empty()).then(|| quote!(#[schemars(#(#schemars),*)]));
        quote! {
            #[serde(rename = #wire_name)]
            #schemars
            pub #field: #rust,
        }
    } else {
        // `with` keeps the schema of T, not of a nullable Option<T>.
        let with = rust.to_string();
        schemars.insert(0, quote!(with = #with));
        quote! {
            #[serde(rename = #wire_name, default)]
            #[schemars(#(#schemars),*)]
            pub #field: ::core::option::Option<#rust>,
        }
    }
}

fn enum_type(param: &Param) -> Option<TokenStream> {
    let ident = param.enum_ident.as_ref()?;
    let values = &param.values;
    let mut variants: Vec<Ident> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        let mut name = crate::valid::pascal_case(value);
        if name.is_empty()
            || name.starts_with(|c: char| c.is_ascii_digit())
            || variants.iter().any(|v| *v == name)
        {
            name = format!("V{index}");
        }
        variants.push(format_ident!("{}", name));
    }
    let doc = format!("The values of `{}`.", param.name);
    Some(quote! {
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
    })
}

/// The checks of one parameter's value(s): formats, lengths, ranges, item
/// counts, or the encoder's own check.
fn value_checks(param: &Param) -> TokenStream {
    let private = private();
    let (field, wire_name) = (&param.field, &param.name);
    let (scalar, array) = match &param.ty {
        ParamType::Encoded(_) => {
            let body = quote!(#private::Encode::check(value, #wire_name)?;);
            return if param.required {
                quote!({ let value = &self.#field; #body })
            } else {
                quote!(if let ::core::option::Option::Some(value) = &self.#field { #body })
            };
        }
        ParamType::Wire { scalar, array } => (*scalar, *array),
    };
    let mut body = TokenStream::new();
    if scalar == Scalar::Date {
        body.extend(quote!(#private::check::format(#wire_name, &#private::check::DATE, value)?;));
    }
    if let Some(format) = param.format {
        let constant = format.constant();
        body.extend(
            quote!(#private::check::format(#wire_name, &#private::check::#constant, value)?;),
        );
    } else if let Some(bound) = param.max_length {
        let max = bound.value as usize;
        body.extend(quote!(#private::check::length(#wire_name, value, #max)?;));
    }
    if param.min.is_some() || param.max.is_some() {
        let min = option_tokens(param.min);
        let max = option_tokens(param.max);
        body.extend(quote!(#private::check::range(#wire_name, *value, #min, #max)?;));
    }
    if !array {
        if body.is_empty() {
            return TokenStream::new();
        }
        return if param.required {
            quote!({ let value = &self.#field; #body })
        } else {
            quote!(if let ::core::option::Option::Some(value) = &self.#field { #body })
        };
    }
    let max = param.max_items.map_or(0, |b| b.value) as usize;
    let all = quote! {
        #private::check::items(#wire_name, values.len(), #max)?;
        for value in values { #body }
    };
    if param.required {
        quote!({ let values = &self.#field; #all })
    } else {
        quote!(if let ::core::option::Option::Some(values) = &self.#field { #all })
    }
}

/// How a query or form parameter is put into the request.
fn send(param: &Param) -> Option<TokenStream> {
    let private = private();
    let location = match param.location {
        Location::Query | Location::Form => location_tokens(param.location),
        Location::Path | Location::Source | Location::Tool => return None,
    };
    let (field, wire_name) = (&param.field, &param.wire_name);
    let put = |value: TokenStream| match param.ty {
        ParamType::Encoded(_) => {
            quote!(#private::Encode::encode(#value, &mut request, #location, #wire_name)?;)
        }
        ParamType::Wire { array: true, .. } if param.clear_when_empty => quote! {
            if #value.is_empty() {
                request.clear_array(#location, #wire_name);
            } else {
                request.param_array(#location, #wire_name, #value);
            }
        },
        ParamType::Wire { array: true, .. } => {
            quote!(request.param_array(#location, #wire_name, #value);)
        }
        ParamType::Wire { array: false, .. } => {
            quote!(request.param(#location, #wire_name, #value);)
        }
    };
    if param.required {
        return Some(put(quote!(&self.#field)));
    }
    let present = put(quote!(value));
    let absent = match &param.default {
        Some(default) => {
            let literal = wire_literal(default);
            quote!(request.param(#location, #wire_name, #literal);)
        }
        None => quote!(),
    };
    Some(quote! {
        match &self.#field {
            ::core::option::Option::Some(value) => { #present }
            ::core::option::Option::None => { #absent }
        }
    })
}

fn option_tokens(value: Option<i64>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn missing_sources(params: &[&Param]) -> String {
    let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
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
