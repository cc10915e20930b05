//! Patches to the code progenitor generates, each a small named function with its reason
//! and a test. They run on the parsed syntax tree, never on text.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{ImplItem, Item};

use crate::Result;

/// A patch over the items of the generated file; returns how many places it changed.
type Patch = fn(&mut [Item]) -> usize;

/// What one patch did, for the report.
pub struct Applied {
    pub name: &'static str,
    pub count: usize,
}

/// Applies every patch; each must find something to change, or the generator's output
/// changed shape and the patch needs a look.
pub fn apply_all(tokens: TokenStream) -> Result<(TokenStream, Vec<Applied>)> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("progenitor's output does not parse: {e}"))?;
    let patches: [(&'static str, Patch); 2] = [
        ("typed_send", typed_send),
        (
            "client_new_without_total_timeout",
            client_new_without_total_timeout,
        ),
    ];
    let mut applied = Vec::new();
    for (name, patch) in patches {
        let count = patch(&mut file.items);
        if count == 0 {
            return Err(
                format!("patch `{name}` found nothing to change in progenitor's output").into(),
            );
        }
        applied.push(Applied { name, count });
    }
    Ok((file.into_token_stream(), applied))
}

/// Every impl block of `items`, nested modules included.
fn for_each_impl(items: &mut [Item], f: &mut dyn FnMut(&mut syn::ItemImpl)) {
    for item in items {
        match item {
            Item::Impl(block) => f(block),
            Item::Mod(module) => {
                if let Some((_, nested)) = &mut module.content {
                    for_each_impl(nested, f);
                }
            }
            _ => {}
        }
    }
}

/// progenitor's builders end in `send()` returning its fixed `Error<()>`, which keeps no
/// typed detail (problem documents, rate limits, what timed out). Each `send` becomes a
/// private `send_raw`, and a new `send` returns `crate::Error`, decoded where the answer
/// was read (`crate::error::from_raw`).
fn typed_send(items: &mut [Item]) -> usize {
    let mut count = 0;
    for_each_impl(items, &mut |block| {
        let mut added = Vec::new();
        for item in &mut block.items {
            let ImplItem::Fn(method) = item else { continue };
            if method.sig.ident != "send" || method.sig.asyncness.is_none() {
                continue;
            }
            let Some(value) = response_value_type(&method.sig.output) else {
                continue;
            };
            let docs: Vec<_> = method
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            method.attrs.retain(|a| !a.path().is_ident("doc"));
            method.sig.ident = syn::Ident::new("send_raw", method.sig.ident.span());
            method.vis = syn::Visibility::Inherited;
            let typed: ImplItem = syn::parse_quote! {
                #(#docs)*
                ///
                /// Failures are [`crate::Error`]s: the server's problem details, rate limits
                /// and request id for an error answer, what stalled for a timeout.
                pub async fn send(self) -> Result<ResponseValue<#value>, crate::Error> {
                    crate::error::from_raw(self.send_raw()).await
                }
            };
            added.push(typed);
            count += 1;
        }
        block.items.extend(added);
    });
    count
}

/// `T` of a return type `Result<ResponseValue<T>, Error<..>>`.
fn response_value_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = ty.as_ref() else {
        return None;
    };
    let result = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &result.arguments else {
        return None;
    };
    let syn::GenericArgument::Type(syn::Type::Path(ok)) = args.args.first()? else {
        return None;
    };
    let response_value = ok.path.segments.last()?;
    if response_value.ident != "ResponseValue" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(inner) = &response_value.arguments else {
        return None;
    };
    match inner.args.first()? {
        syn::GenericArgument::Type(value) => Some(value.clone()),
        _ => None,
    }
}

/// progenitor's `Client::new` builds a reqwest client with a 15 s total timeout, which
/// fails any upload of more than a few megabytes on a slow link, and follows redirects.
/// It uses `crate::runtime::default_http_client()` instead: no redirects, no `Referer`,
/// a connect timeout, stalls caught by the runtime's read timeout.
fn client_new_without_total_timeout(items: &mut [Item]) -> usize {
    let mut count = 0;
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let is_client =
            matches!(block.self_ty.as_ref(), syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || block.trait_.is_some() {
            continue;
        }
        for item in &mut block.items {
            let ImplItem::Fn(method) = item else { continue };
            if method.sig.ident != "new" {
                continue;
            }
            method.attrs.retain(|a| !a.path().is_ident("doc"));
            let replacement: syn::ImplItemFn = syn::parse_quote! {
                /// A client for the API at `baseurl` (scheme, host, optional port and path
                /// prefix) with [`crate::http_client_builder`]'s settings: no redirects, no
                /// `Referer`, a connect timeout and no total timeout, so slow uploads that
                /// keep moving are never cut (stalls end in [`crate::Error::Timeout`]).
                pub fn new(baseurl: &str, inner: crate::Context) -> Self {
                    Self::new_with_client(baseurl, crate::runtime::default_http_client(), inner)
                }
            };
            *method = replacement;
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn patched(tokens: TokenStream, patch: Patch) -> (String, usize) {
        let mut file: syn::File = syn::parse2(tokens).expect("parses");
        let count = patch(&mut file.items);
        (prettyplease::unparse(&file), count)
    }

    #[test]
    fn send_becomes_typed_and_the_raw_one_private() {
        let tokens = quote! {
            pub mod builder {
                impl<'a> GetVideo<'a> {
                    ///Sends a `GET` request to `/videos/{videoId}`
                    pub async fn send(self) -> Result<ResponseValue<crate::models::Video>, Error<()>> {
                        todo!()
                    }
                    pub fn video_id(self) -> Self { self }
                }
            }
        };
        let (code, count) = patched(tokens, typed_send);
        assert_eq!(count, 1);
        assert!(code.contains("async fn send_raw("), "{code}");
        assert!(!code.contains("pub async fn send_raw"), "{code}");
        assert!(code.contains("pub async fn send("), "{code}");
        assert!(
            code.contains(") -> Result<ResponseValue<crate::models::Video>, crate::Error> {"),
            "{code}"
        );
        assert!(
            code.contains("crate::error::from_raw(self.send_raw()).await"),
            "{code}"
        );
        assert!(code.contains("Sends a `GET` request"), "{code}");
    }

    #[test]
    fn client_new_uses_the_runtime_client() {
        let tokens = quote! {
            impl Client {
                pub fn new(baseurl: &str, inner: crate::Context) -> Self {
                    let dur = ::std::time::Duration::from_secs(15u64);
                    Self::new_with_client(baseurl, reqwest::ClientBuilder::new().timeout(dur).build().unwrap(), inner)
                }
            }
            impl ClientInfo<crate::Context> for Client {
                fn new() {}
            }
        };
        let (code, count) = patched(tokens, client_new_without_total_timeout);
        assert_eq!(count, 1);
        assert!(!code.contains("from_secs(15u64)"), "{code}");
        assert!(
            code.contains("crate::runtime::default_http_client()"),
            "{code}"
        );
    }

    #[test]
    fn a_patch_that_finds_nothing_is_an_error() {
        let error = apply_all(quote!(
            struct Nothing;
        ))
        .err()
        .expect("nothing to patch");
        assert!(error.to_string().contains("typed_send"), "{error}");
    }
}
