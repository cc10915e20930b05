//! One plain-data parameters struct per paginated operation, read by every page's request.
//!
//! progenitor's builders are consumed by `send`, so a paginated call cannot keep one and
//! send it again for the next page. `ListVideosParams` and its siblings hold the same
//! parameters as plain values (`Clone`, `Default`, `PartialEq`): a caller fills one in,
//! reads it back, and builds each page's request from it with `page(client, n)`.
//!
//! The fields are read from progenitor's builder structs, so their types are the ones the
//! builder's setters take, and their docs from the spec's parameters.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::{Fields, GenericArgument, Item, PathArguments, Type};

use crate::Result;
use crate::models::SECRET_EXTENSION;
use crate::naming::{field_name, type_name};
use crate::spec::{self, operations};

/// The parameter every page's request sets itself.
const CURRENT_PAGE: &str = "current_page";

/// `pub mod list_params { ... }` for the paginated operations of `doc`, whose builders are
/// in `client` (progenitor's output).
pub fn generate(doc: &Value, client: &TokenStream) -> Result<TokenStream> {
    let file: syn::File = syn::parse2(client.clone())
        .map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let builders = builder_structs(&file.items);
    let mut structs = Vec::new();
    for op in operations(doc) {
        if !crate::operations::is_paginated(doc, op.op) {
            continue;
        }
        let id = op
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{} {} has no operationId", op.method, op.path))?;
        let builder = type_name(id);
        let fields = builders
            .iter()
            .find(|s| s.ident == builder)
            .ok_or_else(|| format!("no progenitor builder `{builder}` for paginated {id}"))?;
        structs.push(params_struct(doc, &op, id, fields)?);
    }
    Ok(quote! {
        /// The parameters of each paginated operation but the page number, as plain data:
        /// fill one in, then build any page's request from it with its `page` method (or
        /// set them on a builder of your own with `apply`). `None` and empty fields are not
        /// sent, so the API's defaults apply.
        pub mod list_params {
            #(#structs)*
        }
    })
}

/// Every struct of progenitor's `builder` module.
fn builder_structs(items: &[Item]) -> Vec<&syn::ItemStruct> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items)
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// How a parameter is held: an `Option`, or a list that is sent when not empty.
enum Holder {
    Option,
    List,
}

struct Param {
    ident: Ident,
    ty: Type,
    holder: Holder,
    required: bool,
    secret: bool,
    doc: String,
}

fn params_struct(
    doc: &Value,
    op: &spec::OperationRef<'_>,
    id: &str,
    builder: &syn::ItemStruct,
) -> Result<TokenStream> {
    let Fields::Named(named) = &builder.fields else {
        return Err(format!("builder `{}` has no named fields", builder.ident).into());
    };
    let spec_params: Vec<&Value> = op
        .op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| list.iter().map(|p| spec::resolve(doc, p)).collect())
        .unwrap_or_default();
    let mut params = Vec::new();
    for field in &named.named {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let name = ident.to_string();
        if name == "client" || name == CURRENT_PAGE {
            continue;
        }
        let spec_param = spec_params
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str).map(field_name) == Some(name.clone()))
            .ok_or_else(|| format!("{id}: builder field `{name}` is no parameter of the spec"))?;
        let inner = first_generic(&field.ty, "Result")
            .ok_or_else(|| format!("{id}: builder field `{name}` is not a `Result<_, String>`"))?;
        let (holder, mut ty, required) = match first_generic(&inner, "Option") {
            Some(value) => match first_generic(&value, "Vec") {
                Some(_) => (Holder::List, value, false),
                None => (Holder::Option, value, false),
            },
            None => (Holder::Option, inner, true),
        };
        qualify_types(&mut ty);
        let schema = spec_param.get("schema").unwrap_or(&Value::Null);
        let secret = [*spec_param, schema]
            .iter()
            .any(|v| v.get(SECRET_EXTENSION).and_then(Value::as_bool) == Some(true));
        params.push(Param {
            ident,
            ty,
            holder,
            required,
            secret,
            doc: field_doc(spec_param),
        });
    }
    if !params.iter().any(|p| p.ident == "page_size") {
        return Err(format!("paginated {id} has no `pageSize` parameter").into());
    }

    let name = Ident::new(&format!("{}Params", type_name(id)), Span::call_site());
    let builder_ident = &builder.ident;
    let method = Ident::new(&field_name(id), Span::call_site());
    let struct_doc = format!(
        " The parameters of `{} {}` (`{method}`) but the page number: plain data that each \
         page's request reads.",
        op.method.to_uppercase(),
        op.path
    );
    let fields = params.iter().map(|p| {
        let (ident, ty) = (&p.ident, &p.ty);
        let doc = doc_lines(&p.doc);
        match p.holder {
            Holder::Option => quote!(#doc pub #ident: ::std::option::Option<#ty>,),
            Holder::List => quote!(#doc pub #ident: #ty,),
        }
    });
    let sets = params.iter().map(|p| {
        let ident = &p.ident;
        match p.holder {
            Holder::Option => quote! {
                if let ::std::option::Option::Some(value) = &self.#ident {
                    builder = builder.#ident(value.clone());
                }
            },
            Holder::List => quote! {
                if !self.#ident.is_empty() {
                    builder = builder.#ident(self.#ident.clone());
                }
            },
        }
    });
    let (derive_debug, debug_impl) = debug_for(&name, &params);
    let required: Vec<String> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("`{}`", p.ident))
        .collect();
    let apply_doc = if required.is_empty() {
        " Sets every parameter given here on `builder`; the page number is left to the caller."
            .to_owned()
    } else {
        format!(
            " Sets every parameter given here on `builder`; the page number is left to the \
             caller. Sending fails with `Error::InvalidRequest` while {} is `None`.",
            required.join(" or ")
        )
    };
    Ok(quote! {
        #[doc = #struct_doc]
        #[derive(Clone, #derive_debug Default, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #apply_doc]
            pub fn apply<'a>(
                &self,
                builder: super::builder::#builder_ident<'a>,
            ) -> super::builder::#builder_ident<'a> {
                let mut builder = builder;
                #(#sets)*
                builder
            }

            /// The request for page `current_page` (from 1) with these parameters.
            pub fn page<'a>(
                &self,
                client: &'a super::Client,
                current_page: i64,
            ) -> super::builder::#builder_ident<'a> {
                self.apply(client.#method()).current_page(current_page)
            }
        }

        #debug_impl
    })
}

/// The doc of a field: the spec's description, then where it is sent.
fn field_doc(param: &Value) -> String {
    let description = param
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim();
    let name = param
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let place = param.get("in").and_then(Value::as_str).unwrap_or("query");
    let required = param.get("required").and_then(Value::as_bool) == Some(true);
    let mut doc = description.to_owned();
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&match (place, required) {
        ("path", _) => format!("The `{{{name}}}` segment of the path; required."),
        (_, true) => format!("Sent as the {place} parameter `{name}`; required."),
        _ => format!("Sent as the {place} parameter `{name}`."),
    });
    doc
}

fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

/// `Debug`: derived, unless a parameter is a secret (`x-secret`, such as a stream key);
/// then written out with a marker in place of its value.
fn debug_for(name: &Ident, params: &[Param]) -> (TokenStream, TokenStream) {
    if !params.iter().any(|p| p.secret) {
        return (quote!(Debug,), TokenStream::new());
    }
    let label = name.to_string();
    let fields = params.iter().map(|p| {
        let ident = &p.ident;
        let field = ident.to_string();
        match (p.secret, &p.holder) {
            (false, _) => quote!(.field(#field, &self.#ident)),
            (true, Holder::Option) => {
                quote!(.field(#field, &self.#ident.as_ref().map(|_| crate::wire::Redacted)))
            }
            (true, Holder::List) => {
                quote!(.field(#field, &self.#ident.iter().map(|_| crate::wire::Redacted).collect::<::std::vec::Vec<_>>()))
            }
        }
    });
    let debug = quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label)
                    #(#fields)*
                    .finish()
            }
        }
    };
    (TokenStream::new(), debug)
}

/// `T` of `Wrapper<T>` when `ty` is a path ending in `Wrapper`.
fn first_generic(ty: &Type, wrapper: &str) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// progenitor's builders name parameter types `types::X` (imported in `builder`); from
/// `list_params` they are `super::types::X`, in generic arguments too.
fn qualify_types(ty: &mut Type) {
    let Type::Path(ty) = ty else { return };
    let path = &mut ty.path;
    if ty.qself.is_none()
        && path.leading_colon.is_none()
        && path.segments.first().is_some_and(|s| s.ident == "types")
    {
        let outer = Ident::new("super", Span::call_site());
        path.segments.insert(0, syn::PathSegment::from(outer));
    }
    for segment in &mut path.segments {
        if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
            for arg in &mut args.args {
                if let GenericArgument::Type(inner) = arg {
                    qualify_types(inner);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(spec: &str, client: TokenStream) -> String {
        let doc = spec::parse(spec).expect("spec").doc;
        let tokens = generate(&doc, &client).expect("generates");
        let file: syn::File = syn::parse2(tokens).expect("parses");
        prettyplease::unparse(&file)
    }

    const SPEC: &str = r#"
openapi: 3.0.0
info: { title: tiny, version: '1' }
paths:
  /things/{id}/parts:
    get:
      operationId: LIST-parts
      parameters:
        - { name: id, in: path, required: true, description: Id of the thing., schema: { type: string } }
        - { name: 'tags[]', in: query, description: Every tag., schema: { type: array, items: { type: string } } }
        - { name: key, in: query, description: A key., x-secret: true, schema: { type: string } }
        - { name: sortOrder, in: query, schema: { type: string, enum: [asc, desc] } }
        - { $ref: '#/components/parameters/current-page' }
        - { name: pageSize, in: query, schema: { type: integer } }
      responses: { '200': { description: ok } }
  /things:
    get:
      operationId: GET-things
      responses: { '200': { description: ok } }
components:
  parameters:
    current-page: { name: currentPage, in: query, schema: { type: integer } }
"#;

    fn builder() -> TokenStream {
        quote! {
            pub mod builder {
                use super::types;
                pub struct ListParts<'a> {
                    client: &'a super::Client,
                    id: Result<::std::string::String, String>,
                    current_page: Result<Option<i64>, String>,
                    key: Result<Option<::std::string::String>, String>,
                    page_size: Result<Option<i64>, String>,
                    sort_order: Result<Option<types::ListPartsSortOrder>, String>,
                    tags: Result<Option<::std::vec::Vec<::std::string::String>>, String>,
                }
                pub struct GetThings<'a> {
                    client: &'a super::Client,
                }
            }
        }
    }

    /// The paginated operation gets a struct with every builder field but the client and
    /// the page number, each documented from the spec; lists are plain `Vec`s, required
    /// path parameters `Option`s too (so the struct has a `Default`); `apply` sets what is
    /// given and `page` adds the page number.
    #[test]
    fn a_paginated_operation_gets_a_params_struct() {
        let code = generated(SPEC, builder());
        for expected in [
            "pub mod list_params",
            "pub struct ListPartsParams",
            "#[derive(Clone, Default, PartialEq)]",
            "#[non_exhaustive]",
            "pub id: ::std::option::Option<::std::string::String>,",
            "/// Id of the thing.",
            "/// The `{id}` segment of the path; required.",
            "pub tags: ::std::vec::Vec<::std::string::String>,",
            "/// Sent as the query parameter `tags[]`.",
            "pub sort_order: ::std::option::Option<super::types::ListPartsSortOrder>,",
            "pub page_size: ::std::option::Option<i64>,",
            "builder: super::builder::ListParts<'a>,",
            "builder = builder.id(value.clone());",
            "if !self.tags.is_empty() {",
            "builder = builder.tags(self.tags.clone());",
            "self.apply(client.list_parts()).current_page(current_page)",
            "Sending fails with `Error::InvalidRequest` while `id` is `None`.",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in\n{code}");
        }
        assert!(!code.contains("pub current_page"), "{code}");
        assert!(!code.contains("pub client"), "{code}");
        assert!(!code.contains("GetThingsParams"), "not paginated: {code}");
    }

    /// A secret parameter (a stream key) never shows in `Debug`.
    #[test]
    fn secret_parameters_are_redacted_in_debug() {
        let code = generated(SPEC, builder());
        assert!(
            code.contains("impl ::std::fmt::Debug for ListPartsParams"),
            "{code}"
        );
        assert!(
            code.contains(".field(\"key\", &self.key.as_ref().map(|_| crate::wire::Redacted))"),
            "{code}"
        );
        assert!(code.contains(".field(\"id\", &self.id)"), "{code}");
    }

    /// A builder field the spec does not describe, or a missing builder, is an error: the
    /// generator and progenitor disagree, and someone must look.
    #[test]
    fn disagreements_with_progenitor_are_errors() {
        let doc = spec::parse(SPEC).expect("spec").doc;
        let missing = generate(
            &doc,
            &quote!(
                pub mod builder {}
            ),
        )
        .expect_err("error");
        assert!(
            missing
                .to_string()
                .contains("no progenitor builder `ListParts`"),
            "{missing}"
        );
        let extra = quote! {
            pub mod builder {
                pub struct ListParts<'a> {
                    client: &'a super::Client,
                    page_size: Result<Option<i64>, String>,
                    surprise: Result<Option<i64>, String>,
                }
            }
        };
        let error = generate(&doc, &extra).expect_err("error");
        assert!(
            error.to_string().contains("`surprise` is no parameter"),
            "{error}"
        );
    }
}
