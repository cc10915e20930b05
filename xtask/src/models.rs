//! Our model generator: every component schema becomes a Rust type that keeps what the
//! server sends and can say what the caller means.
//!
//! typify (progenitor's type generator) drops unknown fields, rejects unknown enum
//! values, fails on `null` lists, and cannot tell "absent" from "null" in a PATCH body.
//! progenitor is told to use these types instead of generating its own
//! (`with_replacement`), so the generated client and the models agree by construction.
//!
//! Rules, per property (R = required, N = nullable or `x-optional-nullable`):
//! - R, not N: the plain type; `null` lists read as empty.
//! - R and N: `Option<T>`, `None` written as `null`.
//! - optional in a request body: `Option<T>` (lists included, so an empty list is sent),
//!   or `Nullable<T>` when N, which can be omitted, `null`, or a value.
//! - optional in a response: lists are `Vec<T>` (absent or `null` read as empty), other
//!   values `Option<T>`.
//!
//! Every object keeps unknown fields in `extra`; every string enum has an `Unknown(String)`
//! variant; integers and numbers also read from numeric strings; date-times keep their
//! offset.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Result;
use crate::naming::{field_name, member_name, type_name, variant_name};
use crate::spec::{self, operations, ref_name};
use crate::transform::DEEP_OBJECT_EXTENSION;

/// Names for inline enums met first at `schema.property`: shared enums get one short name
/// instead of the name of wherever they happen to appear first.
const ENUM_NAMES: &[(&str, &str)] = &[
    ("video-creation-payload.language", "Language"),
    (
        "video-creation-payload.transcriptSummaryAttributes",
        "SummaryAttribute",
    ),
    ("video.languageOrigin", "LanguageOrigin"),
    ("webhook.events", "WebhookEventType"),
    ("quality.type", "QualityType"),
    ("quality.quality", "Resolution"),
    ("quality.status", "QualityStatus"),
    ("video-status-ingest.status", "IngestStatus"),
    ("filterBy-query.continent", "Continent"),
    ("filterBy-query.mediaType", "MediaType"),
];

/// The model of the typed webhook delivery, generated from `x-webhooks`.
pub const WEBHOOK_EVENT_ENUM: &str = "WebhookEvent";

/// What a schema is used for, which decides how optional fields are represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Response,
    Payload,
    Multipart,
    DeepObject,
}

#[derive(Clone, Debug, PartialEq)]
enum Ty {
    String,
    DateTime,
    Int,
    Num,
    Bool,
    Binary,
    Json,
    Named(String),
    Vec(Box<Ty>),
    Map(Box<Ty>),
}

struct Field {
    json: String,
    rust: String,
    ty: Ty,
    required: bool,
    nullable: bool,
    /// `x-secret: true`: the value is a credential; `Debug` shows a marker instead.
    secret: bool,
    doc: String,
}

/// The extension that marks a property as a credential (API key, token, stream key,
/// signature secret): its value never appears in `Debug` output.
pub const SECRET_EXTENSION: &str = "x-secret";

struct Struct {
    name: String,
    doc: String,
    role: Role,
    fields: Vec<Field>,
    /// `Some(event type)` for webhook payloads, whose `type` field is fixed.
    event: Option<String>,
    /// The query parameter a deep-object type encodes.
    deep_object: Option<String>,
}

struct Enum {
    name: String,
    doc: String,
    values: Vec<String>,
}

struct DeepMap {
    name: String,
    doc: String,
    param: String,
    value: Ty,
}

enum Item {
    Struct(Struct),
    Enum(Enum),
    DeepMap(DeepMap),
    Alias { name: String, doc: String, ty: Ty },
}

/// The generated `models` module, plus what progenitor needs to know about it.
pub struct Models {
    pub tokens: TokenStream,
    /// Component schema name → Rust type name, for progenitor's replacements.
    pub replacements: Vec<(String, String)>,
}

struct Generator<'a> {
    doc: &'a Value,
    roles: BTreeMap<String, Role>,
    items: Vec<Item>,
    names: BTreeSet<String>,
    enums_by_values: BTreeMap<Vec<String>, String>,
    /// Type name → whether it implements `Default`.
    defaults: BTreeMap<String, bool>,
    webhook_variants: Vec<(String, String)>,
    warnings: Vec<String>,
    /// Component schema name → a sentence added to its doc (see [`notes`]).
    notes: BTreeMap<String, String>,
}

/// Generates the models for the (transformed) spec `doc`; `original` is the spec before
/// transformations, which still lists the multipart operations.
pub fn generate(doc: &Value, original: &Value) -> Result<(Models, Vec<String>)> {
    let mut generator = Generator {
        doc,
        roles: roles(original),
        items: Vec::new(),
        names: BTreeSet::new(),
        enums_by_values: BTreeMap::new(),
        defaults: BTreeMap::new(),
        webhook_variants: Vec::new(),
        warnings: Vec::new(),
        notes: notes(original),
    };
    let mut replacements = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let rust = type_name(name);
            generator.component(name, &rust, schema)?;
            replacements.push((name.clone(), rust));
        }
    }
    generator.webhooks()?;
    let tokens = generator.emit()?;
    Ok((
        Models {
            tokens,
            replacements,
        },
        generator.warnings,
    ))
}

/// Where a model and a hand-written type of the workspace stand for the same thing, the
/// model's doc says why both exist, in one sentence.
const TWIN_NOTES: &[(&str, &str)] = &[(
    "access-token",
    "This is the wire shape the raw auth operations return; the bearer strategy reads the \
     same answer into [`crate::auth::AccessToken`], which holds the tokens in `secrecy` \
     types for its cache.",
)];

/// The sentence added to the doc of every schema an error response names.
const ERROR_BODY_NOTE: &str = "This model documents the spec's body for this status; a \
    failed call carries it as [`crate::auth::Problem`] in [`crate::Error::Api`], one type \
    for every error status that keeps every field sent.";

/// Component schema name → a sentence for its doc: [`TWIN_NOTES`], and
/// [`ERROR_BODY_NOTE`] for the schemas of 4xx and 5xx responses.
fn notes(doc: &Value) -> BTreeMap<String, String> {
    let mut notes: BTreeMap<String, String> = TWIN_NOTES
        .iter()
        .map(|(name, note)| ((*name).to_owned(), (*note).to_owned()))
        .collect();
    for op in operations(doc) {
        let Some(responses) = op.op.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, response) in responses {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let content = spec::resolve(doc, response).get("content");
            for media in content.and_then(Value::as_object).into_iter().flatten() {
                if let Some(name) = media.1.get("schema").and_then(ref_name) {
                    notes.insert(name.to_owned(), ERROR_BODY_NOTE.to_owned());
                }
            }
        }
    }
    notes
}

/// Schemas used directly as request bodies are payloads (multipart ones apart).
fn roles(doc: &Value) -> BTreeMap<String, Role> {
    let mut roles = BTreeMap::new();
    for op in operations(doc) {
        for (mime, schema) in spec::request_bodies(doc, op.op) {
            if let Some(name) = ref_name(schema) {
                let role = if mime.starts_with("multipart/") {
                    Role::Multipart
                } else {
                    Role::Payload
                };
                roles.insert(name.to_owned(), role);
            }
        }
    }
    roles
}

fn is_nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || schema.get("x-optional-nullable").and_then(Value::as_bool) == Some(true)
}

fn describe(schema: &Value) -> String {
    let mut doc = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned();
    let mut notes = Vec::new();
    if let Some(default) = schema.get("default") {
        notes.push(format!("The API's default is `{default}`."));
    }
    if let Some(max) = schema.get("maxLength") {
        notes.push(format!("At most {max} characters."));
    }
    if let Some(max) = schema.get("maxItems") {
        notes.push(format!("At most {max} items."));
    }
    if let (Some(min), Some(max)) = (schema.get("minimum"), schema.get("maximum")) {
        notes.push(format!("From {min} to {max}."));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        notes.push(format!("Matches `{pattern}`."));
    }
    if !notes.is_empty() {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&notes.join(" "));
    }
    doc
}

impl Generator<'_> {
    /// The doc of the schema at `path` (a component's name, or `parent.property` for an
    /// inline one), with its note, if any.
    fn component_doc(&self, path: &str, schema: &Value) -> String {
        let mut doc = describe(schema);
        if let Some(note) = self.notes.get(path) {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(note);
        }
        doc
    }

    fn claim(&mut self, name: &str) -> Result<()> {
        if !self.names.insert(name.to_owned()) {
            return Err(format!("two models would be named `{name}`").into());
        }
        Ok(())
    }

    fn component(&mut self, schema_name: &str, rust: &str, schema: &Value) -> Result<()> {
        let role = if schema.get(DEEP_OBJECT_EXTENSION).is_some() {
            Role::DeepObject
        } else {
            self.roles
                .get(schema_name)
                .copied()
                .unwrap_or(Role::Response)
        };
        let doc = self.component_doc(schema_name, schema);
        if let Some(values) = string_enum(schema) {
            self.claim(rust)?;
            self.enums_by_values
                .entry(values.clone())
                .or_insert_with(|| rust.to_owned());
            self.items.push(Item::Enum(Enum {
                name: rust.to_owned(),
                doc,
                values,
            }));
            return Ok(());
        }
        if role == Role::DeepObject && schema.get("properties").is_none() {
            let param = schema[DEEP_OBJECT_EXTENSION]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let value = match schema.get("additionalProperties") {
                Some(ap) if ap.is_object() => self.ty(ap, schema_name, "value", role)?,
                _ => Ty::String,
            };
            self.claim(rust)?;
            self.items.push(Item::DeepMap(DeepMap {
                name: rust.to_owned(),
                doc,
                param,
                value,
            }));
            return Ok(());
        }
        if is_object_with_properties(schema) {
            return self.object(schema_name, rust, schema, role, None);
        }
        let ty = self.ty(schema, schema_name, "", role)?;
        self.claim(rust)?;
        self.items.push(Item::Alias {
            name: rust.to_owned(),
            doc,
            ty,
        });
        Ok(())
    }

    fn object(
        &mut self,
        path: &str,
        rust: &str,
        schema: &Value,
        role: Role,
        event: Option<String>,
    ) -> Result<()> {
        self.claim(rust)?;
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (json, prop) in props {
                let resolved = spec::resolve(self.doc, prop);
                let ty = self.ty(prop, path, json, role)?;
                let mut doc = describe(prop);
                if doc.is_empty() && prop.get("$ref").is_some() {
                    doc = describe(resolved);
                }
                fields.push(Field {
                    json: json.clone(),
                    rust: member_name(json),
                    ty,
                    required: required.contains(json.as_str()),
                    nullable: is_nullable(prop),
                    secret: prop.get(SECRET_EXTENSION).and_then(Value::as_bool) == Some(true),
                    doc,
                });
            }
        }
        let mut seen = BTreeSet::new();
        for field in &fields {
            if !seen.insert(field.rust.as_str()) || field.rust == "extra" {
                return Err(format!("`{path}` has two fields named `{}`", field.rust).into());
            }
        }
        let deep_object = (role == Role::DeepObject).then(|| {
            schema[DEEP_OBJECT_EXTENSION]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        });
        self.items.push(Item::Struct(Struct {
            name: rust.to_owned(),
            doc: self.component_doc(path, schema),
            role,
            fields,
            event,
            deep_object,
        }));
        Ok(())
    }

    /// The type of a property schema; inline objects and enums become named models.
    fn ty(&mut self, schema: &Value, parent: &str, prop: &str, role: Role) -> Result<Ty> {
        if let Some(name) = ref_name(schema) {
            return Ok(Ty::Named(type_name(name)));
        }
        if let Some(values) = string_enum(schema) {
            return Ok(Ty::Named(self.inline_enum(schema, parent, prop, values)?));
        }
        for combinator in ["oneOf", "anyOf", "allOf", "not"] {
            if schema.get(combinator).is_some() {
                self.warnings.push(format!(
                    "{parent}.{prop}: `{combinator}` is read as untyped JSON"
                ));
                return Ok(Ty::Json);
            }
        }
        let kind = schema.get("type").and_then(Value::as_str);
        Ok(match kind {
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => Ty::DateTime,
                Some("binary") => Ty::Binary,
                _ => Ty::String,
            },
            Some("integer") => Ty::Int,
            Some("number") => Ty::Num,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                Ty::Vec(Box::new(self.ty(items, parent, prop, role)?))
            }
            Some("object") | None if is_object_with_properties(schema) => {
                let path = format!("{parent}.{prop}");
                let name = format!("{}{}", type_name(parent), type_name(prop));
                let role = if role == Role::DeepObject {
                    Role::Payload
                } else {
                    role
                };
                self.object(&path, &name, schema, role, None)?;
                Ty::Named(name)
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(ap) if ap.is_object() && !ap.as_object().is_some_and(|m| m.is_empty()) => {
                    Ty::Map(Box::new(self.ty(ap, parent, prop, role)?))
                }
                _ => Ty::Json,
            },
            other => {
                if !schema.is_null() {
                    self.warnings.push(format!(
                        "{parent}.{prop}: type {other:?} is read as untyped JSON"
                    ));
                }
                Ty::Json
            }
        })
    }

    fn inline_enum(
        &mut self,
        schema: &Value,
        parent: &str,
        prop: &str,
        values: Vec<String>,
    ) -> Result<String> {
        if let Some(existing) = self.enums_by_values.get(&values) {
            return Ok(existing.clone());
        }
        let key = format!("{parent}.{prop}");
        let name = ENUM_NAMES
            .iter()
            .find(|(path, _)| *path == key)
            .map(|(_, name)| (*name).to_owned())
            .unwrap_or_else(|| format!("{}{}", type_name(parent), type_name(prop)));
        self.claim(&name)?;
        self.enums_by_values.insert(values.clone(), name.clone());
        let doc = schema
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("A value of `{key}`."));
        self.items.push(Item::Enum(Enum {
            name: name.clone(),
            doc,
            values,
        }));
        Ok(name)
    }

    /// One model per `x-webhooks` event, and the enum that tells them apart by `type`.
    fn webhooks(&mut self) -> Result<()> {
        let Some(hooks) = self.doc.get("x-webhooks").and_then(Value::as_object) else {
            return Ok(());
        };
        let mut variants = Vec::new();
        for (event, item) in hooks {
            let Some(schema) = item.pointer("/post/requestBody/content/application~1json/schema")
            else {
                continue;
            };
            let schema = spec::resolve(self.doc, schema);
            let rust = format!("{}Event", type_name(event));
            let mut schema = schema.clone();
            if let (Some(obj), Some(summary)) =
                (schema.as_object_mut(), item.pointer("/post/description"))
            {
                obj.entry("description").or_insert(summary.clone());
            }
            self.object(event, &rust, &schema, Role::Response, Some(event.clone()))?;
            variants.push((event.clone(), rust));
        }
        if !variants.is_empty() {
            self.claim(WEBHOOK_EVENT_ENUM)?;
            self.webhook_variants = variants;
        }
        Ok(())
    }
}

fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    if schema
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t != "string")
    {
        return None;
    }
    values
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
}

fn is_object_with_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// How a field is held, from its role, requiredness and nullability.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repr {
    /// `T`.
    Plain,
    /// `Option<T>`, left out when `None`.
    Optional,
    /// `Option<T>`, written as `null` when `None`.
    OptionalNull,
    /// `Nullable<T>`: omitted, `null`, or a value.
    Nullable,
    /// `Vec<T>` that reads absent or `null` as empty.
    List,
}

fn repr(role: Role, field: &Field) -> Repr {
    if field.required {
        return if field.nullable {
            Repr::OptionalNull
        } else {
            Repr::Plain
        };
    }
    match role {
        Role::Payload if field.nullable => Repr::Nullable,
        Role::Payload | Role::DeepObject | Role::Multipart => Repr::Optional,
        Role::Response if matches!(field.ty, Ty::Vec(_)) => Repr::List,
        Role::Response if field.nullable => Repr::OptionalNull,
        Role::Response => Repr::Optional,
    }
}

/// An identifier; `r#name` makes a raw one.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A field's name without the mark that makes a keyword an identifier (`r#type` → `type`,
/// `self_` → `self`), for names built from it (`clear_...`) and for `Debug` labels.
fn bare_name(rust: &str) -> &str {
    rust.strip_prefix("r#")
        .unwrap_or(rust)
        .trim_end_matches('_')
}

fn doc_attr(text: &str) -> TokenStream {
    let lines: Vec<String> = if text.trim().is_empty() {
        Vec::new()
    } else {
        text.lines().map(|l| format!(" {}", l.trim_end())).collect()
    };
    quote! { #(#[doc = #lines])* }
}

impl Generator<'_> {
    fn rust_ty(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => quote!(String),
            Ty::DateTime => quote!(wire::DateTime),
            Ty::Int => quote!(i64),
            Ty::Num => quote!(f64),
            Ty::Bool => quote!(bool),
            Ty::Binary => quote!(crate::multipart::FilePart),
            Ty::Json => quote!(serde_json::Value),
            Ty::Named(name) => {
                let name = ident(name);
                quote!(#name)
            }
            Ty::Vec(inner) => {
                let inner = self.rust_ty(inner);
                quote!(Vec<#inner>)
            }
            Ty::Map(inner) => {
                let inner = self.rust_ty(inner);
                quote!(std::collections::BTreeMap<String, #inner>)
            }
        }
    }

    fn has_default(&self, ty: &Ty) -> bool {
        match ty {
            Ty::DateTime | Ty::Binary => false,
            Ty::Named(name) => self.defaults.get(name).copied().unwrap_or(false),
            _ => true,
        }
    }

    fn is_struct(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(name) if self.items.iter().any(|i| matches!(i, Item::Struct(s) if &s.name == name)))
    }

    /// The lenient reader for a value of `ty`, or `None` when serde's own is right.
    fn leaf_adapter(&self, ty: &Ty) -> Option<String> {
        match ty {
            Ty::Int => Some("wire::Int".into()),
            Ty::Num => Some("wire::Num".into()),
            Ty::DateTime => Some("wire::Rfc3339".into()),
            Ty::Vec(inner) => Some(format!(
                "wire::Seq<{}>",
                self.leaf_adapter(inner)
                    .unwrap_or_else(|| "wire::Same".into())
            )),
            _ => None,
        }
    }

    fn adapter(&self, repr: Repr, ty: &Ty) -> Option<String> {
        match repr {
            Repr::Plain if self.is_struct(ty) && self.has_default(ty) => {
                Some("wire::OrDefault<wire::Same>".into())
            }
            Repr::Plain | Repr::List => self.leaf_adapter(ty),
            Repr::Optional | Repr::OptionalNull => {
                self.leaf_adapter(ty).map(|a| format!("wire::Opt<{a}>"))
            }
            Repr::Nullable => self
                .leaf_adapter(ty)
                .map(|a| format!("wire::NullableAs<{a}>")),
        }
    }

    fn field_ty(&self, repr: Repr, ty: &Ty) -> TokenStream {
        let inner = self.rust_ty(ty);
        match repr {
            Repr::Plain | Repr::List => inner,
            Repr::Optional | Repr::OptionalNull => quote!(Option<#inner>),
            Repr::Nullable => quote!(Nullable<#inner>),
        }
    }

    fn compute_defaults(&mut self) {
        for item in &self.items {
            match item {
                Item::Enum(e) => {
                    self.defaults.insert(e.name.clone(), false);
                }
                Item::DeepMap(m) => {
                    self.defaults.insert(m.name.clone(), true);
                }
                Item::Alias { name, .. } | Item::Struct(Struct { name, .. }) => {
                    self.defaults.insert(name.clone(), true);
                }
            }
        }
        // Shrink to a fixpoint: a struct is Default when every plain field's type is.
        loop {
            let mut changed = false;
            for item in &self.items {
                let (name, ok) = match item {
                    Item::Struct(s) => (
                        &s.name,
                        s.fields
                            .iter()
                            .all(|f| repr(s.role, f) != Repr::Plain || self.has_default(&f.ty)),
                    ),
                    Item::Alias { name, ty, .. } => (name, self.has_default(ty)),
                    _ => continue,
                };
                if self.defaults.get(name) != Some(&ok) {
                    self.defaults.insert(name.clone(), ok);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn emit(&mut self) -> Result<TokenStream> {
        self.compute_defaults();
        let mut out = Vec::new();
        for item in &self.items {
            out.push(match item {
                Item::Struct(s) if s.role == Role::Multipart => self.emit_multipart(s),
                Item::Struct(s) if s.role == Role::DeepObject => self.emit_deep_struct(s),
                Item::Struct(s) => self.emit_struct(s),
                Item::Enum(e) => emit_enum(e),
                Item::DeepMap(m) => self.emit_deep_map(m),
                Item::Alias { name, doc, ty } => {
                    let name = ident(name);
                    let doc = doc_attr(doc);
                    let ty = self.rust_ty(ty);
                    quote! { #doc pub type #name = #ty; }
                }
            });
        }
        let webhook = self.emit_webhook_enum();
        let strategies = self.emit_strategies();
        Ok(quote! {
            #[allow(unused_imports)]
            use crate::wire;
            pub use crate::wire::{DateTime, Nullable};
            #[allow(unused_imports)]
            use serde::{Deserialize, Serialize};

            #(#out)*
            #webhook
            #strategies
        })
    }

    fn setter(&self, struct_role: Role, f: &Field) -> TokenStream {
        let name = ident(&f.rust);
        let r = repr(struct_role, f);
        // An optional list of a request body: `[]` is a value of its own (in an update,
        // "remove them all"), which `.tags([])` cannot say: an empty array literal gives
        // `impl Into<T>` no item type to infer.
        let empty_list =
            struct_role == Role::Payload && r == Repr::Optional && matches!(f.ty, Ty::Vec(_));
        let clear_name = format_ident!("clear_{}", bare_name(&f.rust));
        let doc = if empty_list {
            format!(
                " Sets `{}`; [`{clear_name}`](Self::{clear_name}) sends an empty list \
                 (`.{}([])` does not compile: an empty array has no item type).",
                f.json,
                bare_name(&f.rust)
            )
        } else {
            format!(" Sets `{}`.", f.json)
        };
        let (param, value) = match &f.ty {
            Ty::Vec(item) => {
                let item = self.rust_ty(item);
                (
                    quote!(values: impl IntoIterator<Item = impl Into<#item>>),
                    quote!(values.into_iter().map(Into::into).collect()),
                )
            }
            ty => {
                let ty = self.rust_ty(ty);
                (quote!(value: impl Into<#ty>), quote!(value.into()))
            }
        };
        let assign = match r {
            Repr::Plain | Repr::List => quote!(#value),
            Repr::Optional | Repr::OptionalNull => quote!(Some(#value)),
            Repr::Nullable => quote!(Nullable::Value(#value)),
        };
        let clear = match r {
            Repr::Nullable => {
                let doc = format!(" Sends `{}` as `null`.", f.json);
                Some(quote! {
                    #[doc = #doc]
                    #[must_use]
                    pub fn #clear_name(mut self) -> Self {
                        self.#name = Nullable::Null;
                        self
                    }
                })
            }
            _ if empty_list => {
                let doc = format!(" Sends `{}` as an empty list, `[]`.", f.json);
                Some(quote! {
                    #[doc = #doc]
                    #[must_use]
                    pub fn #clear_name(mut self) -> Self {
                        self.#name = Some(Vec::new());
                        self
                    }
                })
            }
            _ => None,
        };
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #name(mut self, #param) -> Self {
                self.#name = #assign;
                self
            }
            #clear
        }
    }

    /// `new(required...)`: required fields as arguments, the rest empty.
    fn constructor(&self, s: &Struct, with_extra: bool) -> TokenStream {
        let mut params = Vec::new();
        let mut inits = Vec::new();
        for f in &s.fields {
            let name = ident(&f.rust);
            if f.required {
                match &f.ty {
                    Ty::Vec(item) => {
                        let item = self.rust_ty(item);
                        params.push(quote!(#name: impl IntoIterator<Item = impl Into<#item>>));
                        let v = quote!(#name.into_iter().map(Into::into).collect());
                        inits.push(if f.nullable {
                            quote!(#name: Some(#v))
                        } else {
                            quote!(#name: #v)
                        });
                    }
                    ty => {
                        let ty = self.rust_ty(ty);
                        params.push(quote!(#name: impl Into<#ty>));
                        inits.push(if f.nullable {
                            quote!(#name: Some(#name.into()))
                        } else {
                            quote!(#name: #name.into())
                        });
                    }
                }
            } else {
                inits.push(quote!(#name: Default::default()));
            }
        }
        if with_extra {
            inits.push(quote!(extra: serde_json::Map::new()));
        }
        let doc = if params.is_empty() {
            " An empty value; set fields with the methods below.".to_owned()
        } else {
            " A value with the required fields; set the others with the methods below.".to_owned()
        };
        quote! {
            #[doc = #doc]
            #[allow(clippy::new_without_default)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* }
            }
        }
    }

    fn emit_struct(&self, s: &Struct) -> TokenStream {
        let name = ident(&s.name);
        let doc = doc_attr(&s.doc);
        let fields = s.fields.iter().map(|f| {
            let r = repr(s.role, f);
            let fname = ident(&f.rust);
            let ty = self.field_ty(r, &f.ty);
            let fdoc = if r == Repr::Nullable {
                let bare = bare_name(&f.rust);
                doc_attr(&format!(
                    "{}\n\nA [`Nullable`]: left out unless set; [`{bare}`](Self::{}) sends a \
                     value, [`clear_{bare}`](Self::clear_{bare}) sends `null`.",
                    f.doc, f.rust
                ))
            } else {
                doc_attr(&f.doc)
            };
            let mut attrs = Vec::new();
            if f.json != f.rust {
                let json = &f.json;
                attrs.push(quote!(rename = #json));
            }
            match r {
                Repr::Plain => {}
                Repr::Optional => {
                    attrs.push(quote!(default, skip_serializing_if = "Option::is_none"))
                }
                Repr::OptionalNull | Repr::List => attrs.push(quote!(default)),
                Repr::Nullable => attrs.push(quote!(
                    default,
                    skip_serializing_if = "Nullable::is_omitted"
                )),
            }
            if let Some(adapter) = self.adapter(r, &f.ty) {
                let path = format!("wire::As::<{adapter}>::deserialize");
                attrs.push(quote!(deserialize_with = #path));
            }
            let serde = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
            quote! { #fdoc #serde pub #fname: #ty, }
        });
        let default = self
            .defaults
            .get(&s.name)
            .copied()
            .unwrap_or(false)
            .then(|| quote!(Default,));
        let setters = s.fields.iter().map(|f| self.setter(s.role, f));
        let constructor = self.constructor(s, true);
        let (derive_debug, debug_impl) = debug_for(s);
        quote! {
            #doc
            #[derive(Clone, #derive_debug PartialEq, #default Serialize, Deserialize)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
                /// Fields this version does not know, kept as they came so nothing is lost
                /// and re-serialization gives them back.
                #[serde(flatten)]
                pub extra: serde_json::Map<String, serde_json::Value>,
            }

            impl #name {
                #constructor
                #(#setters)*
                /// Adds a field this version does not know; it is sent as given.
                #[must_use]
                pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
                    self.extra.insert(key.into(), value.into());
                    self
                }
            }
            #debug_impl
        }
    }

    fn emit_multipart(&self, s: &Struct) -> TokenStream {
        let name = ident(&s.name);
        let doc = doc_attr(&format!(
            "{}\n\nSent as `multipart/form-data`; see [`to_form`](Self::to_form).",
            s.doc
        ));
        let fields = s.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let ty = self.field_ty(repr(s.role, f), &f.ty);
            let fdoc = doc_attr(&f.doc);
            quote! { #fdoc pub #fname: #ty, }
        });
        let parts = s.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let json = &f.json;
            let add = |v: TokenStream| match f.ty {
                Ty::Binary => quote!(form = form.part(#json, #v.to_part()?);),
                Ty::String => quote!(form = form.text(#json, #v.clone());),
                _ => quote!(form = form.text(#json, #v.to_string());),
            };
            if repr(s.role, f) == Repr::Plain {
                add(quote!(self.#fname))
            } else {
                let body = add(quote!(value));
                quote!(if let Some(value) = &self.#fname { #body })
            }
        });
        let setters = s.fields.iter().map(|f| self.setter(s.role, f));
        let constructor = self.constructor(s, false);
        quote! {
            #doc
            #[derive(Debug)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }

            impl #name {
                #constructor
                #(#setters)*
                /// The multipart form the API expects, fields named as in the spec, for
                /// one attempt; `None` when the file was a stream already sent.
                pub fn to_form(&self) -> Option<reqwest::multipart::Form> {
                    let mut form = reqwest::multipart::Form::new();
                    #(#parts)*
                    Some(form)
                }
            }
        }
    }

    fn emit_deep_struct(&self, s: &Struct) -> TokenStream {
        let name = ident(&s.name);
        let param = s.deep_object.clone().unwrap_or_default();
        let doc = doc_attr(&format!(
            "{}\n\nSent as the deep-object query parameter `{param}`: `{param}[field]=value`, \
             and `{param}[field][]=value` once per item of a list.",
            s.doc
        ));
        let fields = s.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            let ty = self.field_ty(repr(s.role, f), &f.ty);
            let fdoc = doc_attr(&f.doc);
            quote! { #fdoc pub #fname: #ty, }
        });
        let entries = s.fields.iter().map(|f| {
            let fname = ident(&f.rust);
            match &f.ty {
                Ty::Vec(_) => {
                    let key = format!("{param}[{}][]", f.json);
                    quote! {
                        if let Some(values) = &self.#fname {
                            for value in values {
                                map.serialize_entry(#key, value)?;
                            }
                        }
                    }
                }
                _ => {
                    let key = format!("{param}[{}]", f.json);
                    quote! {
                        if let Some(value) = &self.#fname {
                            map.serialize_entry(#key, value)?;
                        }
                    }
                }
            }
        });
        let setters = s.fields.iter().map(|f| self.setter(s.role, f));
        quote! {
            #doc
            #[derive(Clone, Debug, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }

            impl #name {
                /// No filter; add some with the methods below.
                pub fn new() -> Self {
                    Self::default()
                }
                #(#setters)*
            }

            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut map = serializer.serialize_map(None)?;
                    #(#entries)*
                    map.end()
                }
            }
        }
    }

    fn emit_deep_map(&self, m: &DeepMap) -> TokenStream {
        let name = ident(&m.name);
        let param = &m.param;
        let doc = doc_attr(&format!(
            "{}\n\nSent as the deep-object query parameter `{param}`: `{param}[key]=value` per entry.",
            m.doc
        ));
        let value = self.rust_ty(&m.value);
        let prefix = format!("{param}[");
        quote! {
            #doc
            #[derive(Clone, Debug, Default, PartialEq)]
            pub struct #name(pub std::collections::BTreeMap<String, #value>);

            impl #name {
                /// No entries yet.
                pub fn new() -> Self {
                    Self::default()
                }
                /// Adds (or replaces) the entry for `key`.
                #[must_use]
                pub fn insert(mut self, key: impl Into<String>, value: impl Into<#value>) -> Self {
                    self.0.insert(key.into(), value.into());
                    self
                }
            }

            impl<K: Into<String>, V: Into<#value>> FromIterator<(K, V)> for #name {
                fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
                    Self(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
                }
            }

            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut map = serializer.serialize_map(Some(self.0.len()))?;
                    for (key, value) in &self.0 {
                        map.serialize_entry(&format!("{}{key}]", #prefix), value)?;
                    }
                    map.end()
                }
            }
        }
    }

    fn emit_webhook_enum(&self) -> TokenStream {
        if self.webhook_variants.is_empty() {
            return quote!();
        }
        let name = ident(WEBHOOK_EVENT_ENUM);
        let variants = self.webhook_variants.iter().map(|(event, rust)| {
            let variant = ident(&type_name(event));
            let ty = ident(rust);
            let doc = format!(" `{event}`.");
            quote! { #[doc = #doc] #variant(#ty), }
        });
        let de_arms = self.webhook_variants.iter().map(|(event, _)| {
            let variant = ident(&type_name(event));
            quote! {
                Some(#event) => serde_json::from_value(value)
                    .map(Self::#variant)
                    .map_err(serde::de::Error::custom),
            }
        });
        let ser_arms = self.webhook_variants.iter().map(|(event, _)| {
            let variant = ident(&type_name(event));
            quote!(Self::#variant(event) => event.serialize(serializer),)
        });
        let type_arms = self.webhook_variants.iter().map(|(event, _)| {
            let variant = ident(&type_name(event));
            quote!(Self::#variant(_) => Some(#event),)
        });
        quote! {
            /// A webhook delivery, told apart by its `type` field. Event types this version
            /// does not know are kept whole in [`Unknown`](Self::Unknown).
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                /// An event type this version does not know, as it came.
                Unknown(serde_json::Value),
            }

            impl #name {
                /// The event's `type`, such as `video.encoding.quality.completed`.
                pub fn event_type(&self) -> Option<&str> {
                    match self {
                        #(#type_arms)*
                        Self::Unknown(value) => value.get("type").and_then(serde_json::Value::as_str),
                    }
                }
            }

            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(#ser_arms)*
                        Self::Unknown(value) => value.serialize(serializer),
                    }
                }
            }

            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    let kind = value.get("type").and_then(serde_json::Value::as_str).map(str::to_owned);
                    match kind.as_deref() {
                        #(#de_arms)*
                        _ => Ok(Self::Unknown(value)),
                    }
                }
            }
        }
    }
}

fn emit_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let doc = doc_attr(&e.doc);
    let mut used = BTreeSet::new();
    let variants: Vec<Ident> = e
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut n = variant_name(v);
            if n == "Unknown" || !used.insert(n.clone()) {
                n = format!("{n}{i}");
                used.insert(n.clone());
            }
            ident(&n)
        })
        .collect();
    let values = &e.values;
    let docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #doc
        ///
        /// Open: a value this version does not know is kept in `Unknown` and sent back as is.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#[doc = #docs] #variants,)*
            /// A value this version does not know.
            Unknown(String),
        }

        impl #name {
            /// Every value the spec lists.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

impl Generator<'_> {
    fn strategy_fn(name: &str) -> Ident {
        ident(&field_name(name))
    }

    fn ty_strategy(&self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => quote!(any::<String>()),
            Ty::DateTime => quote!(crate::wire::arbitrary::date_time()),
            Ty::Int => quote!(any::<i64>()),
            Ty::Num => quote!(crate::wire::arbitrary::number()),
            Ty::Bool => quote!(any::<bool>()),
            Ty::Json | Ty::Binary => quote!(crate::wire::arbitrary::json_scalar()),
            Ty::Named(name) => {
                let alias = self.items.iter().find_map(|i| match i {
                    Item::Alias { name: n, ty, .. } if n == name => Some(ty),
                    _ => None,
                });
                match alias {
                    Some(ty) => self.ty_strategy(ty),
                    None => {
                        let f = Self::strategy_fn(name);
                        quote!(#f())
                    }
                }
            }
            Ty::Vec(inner) => {
                let inner = self.ty_strategy(inner);
                quote!(proptest::collection::vec(#inner, 0..3))
            }
            Ty::Map(inner) => {
                let inner = self.ty_strategy(inner);
                quote!(proptest::collection::btree_map(any::<String>(), #inner, 0..3))
            }
        }
    }

    fn struct_strategy(&self, s: &Struct) -> TokenStream {
        let name = ident(&s.name);
        let f = Self::strategy_fn(&s.name);
        let mut names = Vec::new();
        let mut strategies = Vec::new();
        for field in &s.fields {
            let r = repr(s.role, field);
            let base = self.ty_strategy(&field.ty);
            let strategy = match (&s.event, field.json.as_str(), r) {
                (Some(event), "type", Repr::Plain) => quote!(Just(#event.to_owned())),
                (Some(event), "type", _) => quote!(Just(Some(#event.to_owned()))),
                (_, _, Repr::Plain | Repr::List) => base,
                (_, _, Repr::Optional | Repr::OptionalNull) => quote!(proptest::option::of(#base)),
                (_, _, Repr::Nullable) => quote!(crate::wire::arbitrary::nullable(#base)),
            };
            names.push(ident(&field.rust));
            strategies.push(strategy);
        }
        // proptest implements Strategy for tuples of up to 12; group fields by six.
        let groups: Vec<(Vec<Ident>, Vec<TokenStream>)> = names
            .chunks(6)
            .zip(strategies.chunks(6))
            .map(|(n, s)| (n.to_vec(), s.to_vec()))
            .collect();
        let pattern = groups.iter().map(|(n, _)| quote!((#(#n,)*)));
        let tuple = groups.iter().map(|(_, s)| quote!((#(#s,)*)));
        quote! {
            pub(crate) fn #f() -> BoxedStrategy<#name> {
                (#(#tuple,)* crate::wire::arbitrary::extra_fields())
                    .prop_map(|(#(#pattern,)* extra)| #name { #(#names,)* extra })
                    .boxed()
            }
        }
    }

    fn emit_strategies(&self) -> TokenStream {
        let mut fns = Vec::new();
        let mut listed = Vec::new();
        for item in &self.items {
            match item {
                Item::Struct(s) if matches!(s.role, Role::Response | Role::Payload) => {
                    fns.push(self.struct_strategy(s));
                    listed.push((ident(&s.name), Self::strategy_fn(&s.name)));
                }
                Item::Enum(e) => {
                    let name = ident(&e.name);
                    let f = Self::strategy_fn(&e.name);
                    fns.push(quote! {
                        pub(crate) fn #f() -> BoxedStrategy<#name> {
                            prop_oneof![
                                proptest::sample::select(#name::KNOWN.to_vec()),
                                "[a-z0-9]{1,8}".prop_map(|s| #name::Unknown(format!("unknown-{s}"))),
                            ]
                            .boxed()
                        }
                    });
                    listed.push((name, f));
                }
                _ => {}
            }
        }
        if !self.webhook_variants.is_empty() {
            let name = ident(WEBHOOK_EVENT_ENUM);
            let f = Self::strategy_fn(WEBHOOK_EVENT_ENUM);
            let arms = self.webhook_variants.iter().map(|(event, rust)| {
                let variant = ident(&type_name(event));
                let sf = Self::strategy_fn(rust);
                quote!(#sf().prop_map(#name::#variant))
            });
            fns.push(quote! {
                pub(crate) fn #f() -> BoxedStrategy<#name> {
                    prop_oneof![
                        #(#arms,)*
                        crate::wire::arbitrary::extra_fields().prop_map(|mut fields| {
                            fields.insert("type".into(), "unknown.event".into());
                            #name::Unknown(serde_json::Value::Object(fields))
                        }),
                    ]
                    .boxed()
                }
            });
            listed.push((name, f));
        }
        let names = listed.iter().map(|(n, _)| n);
        let fns_listed = listed.iter().map(|(_, f)| f);
        quote! {
            /// Property-test strategies for every JSON model (tests only).
            #[cfg(test)]
            #[allow(dead_code, clippy::all)]
            pub(crate) mod arbitrary {
                use super::*;
                use proptest::prelude::*;
                #(#fns)*
            }

            /// Calls `$callback! { Model => strategy, ... }` with every JSON model (tests only).
            #[cfg(test)]
            macro_rules! for_each_json_model {
                ($callback:ident) => {
                    $callback! { #(#names => #fns_listed),* }
                };
            }
            #[cfg(test)]
            pub(crate) use for_each_json_model;
        }
    }
}

/// `Debug` for a struct: derived, unless a field is a secret; then written out with the
/// secret's value replaced by a marker (the value is still serialized: users need it).
fn debug_for(s: &Struct) -> (TokenStream, TokenStream) {
    if !s.fields.iter().any(|f| f.secret) {
        return (quote!(Debug,), TokenStream::new());
    }
    let name = ident(&s.name);
    let label = &s.name;
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.rust);
        let label = bare_name(&f.rust);
        if f.secret {
            quote!(.field(#label, &crate::wire::Redacted))
        } else {
            quote!(.field(#label, &self.#fname))
        }
    });
    let debug = quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label)
                    #(#fields)*
                    .field("extra", &self.extra)
                    .finish()
            }
        }
    };
    (TokenStream::new(), debug)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Error bodies say that failed calls carry `auth::Problem`; the access token says why
    /// `auth::AccessToken` exists too; a success body gets nothing.
    #[test]
    fn twin_types_are_explained_in_the_models_docs() {
        let doc = spec::parse(
            r#"
openapi: 3.0.0
info: { title: tiny, version: '1' }
paths:
  /things:
    get:
      operationId: GET-things
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/thing' } } } }
        '404': { $ref: '#/components/responses/missing' }
        '429': { description: slow, content: { application/json: { schema: { $ref: '#/components/schemas/slow-down' } } } }
components:
  responses:
    missing: { description: missing, content: { application/json: { schema: { $ref: '#/components/schemas/not-found' } } } }
"#,
        )
        .expect("spec")
        .doc;
        let notes = notes(&doc);
        assert_eq!(
            notes.get("not-found").map(String::as_str),
            Some(ERROR_BODY_NOTE)
        );
        assert_eq!(
            notes.get("slow-down").map(String::as_str),
            Some(ERROR_BODY_NOTE)
        );
        assert!(!notes.contains_key("thing"), "{notes:?}");
        assert!(notes["access-token"].contains("crate::auth::AccessToken"));
    }
}
