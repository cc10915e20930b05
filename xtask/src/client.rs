//! Runs progenitor over the transformed spec.

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use serde_json::Value;

use crate::Result;

/// The client and builders for every operation progenitor can read, using our models
/// (`replacements`: component schema name → type in `crate::models`).
pub fn generate(doc: &Value, replacements: &[(String, String)]) -> Result<TokenStream> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .map_err(|e| format!("progenitor's OpenAPI reader rejects the spec: {e}"))?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Credentials, retries and logging are attached per request by our hooks, which
        // read this context; `Expected` makes a missing hooks impl a compile error.
        .with_inner_type(quote!(crate::Context))
        .with_hooks(HooksMode::Expected);
    for (schema, rust) in replacements {
        // typify keys replacements by the Rust name it would have derived.
        settings.with_replacement(
            crate::naming::type_name(schema),
            format!("crate::models::{rust}"),
            std::iter::empty(),
        );
    }
    let mut generator = Generator::new(&settings);
    generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor failed: {e}").into())
}
