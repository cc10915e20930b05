//! The table of every operation in the spec, including the ones written by hand, for
//! the runtime (credentials, retries, tracing) and the facade.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::Result;
use crate::spec::operations;

/// Whether an operation is paginated: it takes a `currentPage` parameter (the list
/// operations, whose parameters `list_params` also holds).
pub fn is_paginated(doc: &Value, op: &Value) -> bool {
    op.get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|params| {
            params.iter().any(|p| {
                crate::spec::resolve(doc, p)
                    .get("name")
                    .and_then(Value::as_str)
                    == Some("currentPage")
            })
        })
}

/// `pub mod operations { pub const LIST_VIDEOS: Operation = ...; pub const ALL: ... }`.
pub fn generate(doc: &Value) -> Result<TokenStream> {
    let mut consts = Vec::new();
    let mut names = Vec::new();
    for op in operations(doc) {
        let id = op
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{} {} has no operationId", op.method, op.path))?;
        let name = Ident::new(
            &crate::naming::type_name(id).to_shouty_snake_case(),
            Span::call_site(),
        );
        let method = Ident::new(&op.method.to_uppercase(), Span::call_site());
        let path = op.path;
        let tag = op
            .op
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let summary = op
            .op
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let security = match op.op.get("security").and_then(Value::as_array) {
            None => quote!(Security::Unspecified),
            Some(list) if list.is_empty() => quote!(Security::Anonymous),
            Some(list) => {
                let schemes: Vec<&str> = list
                    .iter()
                    .filter_map(Value::as_object)
                    .flat_map(|o| o.keys().map(String::as_str))
                    .collect();
                quote!(Security::Schemes(&[#(#schemes),*]))
            }
        };
        let paginated = is_paginated(doc, op.op);
        let success: Vec<u16> = op
            .op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| {
                r.keys()
                    .filter_map(|k| k.parse().ok())
                    .filter(|s| (200..300).contains(s))
                    .collect()
            })
            .unwrap_or_default();
        let rust_name = crate::naming::field_name(id);
        let doc = format!(" `{} {}`: {summary}.", op.method.to_uppercase(), op.path);
        consts.push(quote! {
            #[doc = #doc]
            pub const #name: Operation = Operation {
                id: #id,
                rust_name: #rust_name,
                method: reqwest::Method::#method,
                path: #path,
                tag: #tag,
                security: #security,
                paginated: #paginated,
                success: &[#(#success),*],
            };
        });
        names.push(name);
    }
    Ok(quote! {
        /// Every operation the spec describes, including those written by hand.
        pub mod operations {
            use crate::operation::{Operation, Security};
            #(#consts)*
            /// All of them, in the spec's order.
            pub const ALL: &[Operation] = &[#(#names),*];
        }
    })
}
