//! Requests and answers: bodies in (JSON through the generated models, multipart through
//! multer), bodies out, problem details, pagination.

use std::collections::HashMap;

use apivideo_api::auth::Problem as ProblemDetails;
use apivideo_api::models;
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An answer.
pub(crate) type Resp = hyper::Response<Full<Bytes>>;

/// A problem-details answer, boxed so that results carrying one stay small.
#[derive(Debug)]
pub(crate) struct Problem(Box<Resp>);

impl Problem {
    /// The answer to send.
    pub fn into_response(self) -> Resp {
        *self.0
    }
}

/// What a handler returns: the error side is an answer too (a problem).
pub(crate) type HandlerResult = Result<Resp, Problem>;

/// JSON bodies larger than this are refused.
const JSON_LIMIT: usize = 16 << 20;

/// A request on its way to a handler.
pub(crate) struct Req {
    pub path: String,
    pub raw_query: Option<String>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Incoming,
    pub params: Vec<(&'static str, String)>,
}

impl Req {
    /// A path parameter of the route (always present: the route matched).
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// The last value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a query parameter, in order.
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Decodes a query string (`+` and `%XX`).
pub(crate) fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|raw| {
        url::form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

// ---------------------------------------------------------------- answers ---

/// A JSON answer.
pub(crate) fn json(status: StatusCode, body: &impl Serialize) -> Resp {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    with_body(status, "application/json", Bytes::from(bytes))
}

/// An answer with a body of the given type.
pub(crate) fn with_body(status: StatusCode, content_type: &'static str, body: Bytes) -> Resp {
    let mut resp = hyper::Response::new(Full::new(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// An answer without a body (204, 202).
pub(crate) fn empty(status: StatusCode) -> Resp {
    let mut resp = hyper::Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = status;
    resp
}

const DOCS: &str = "https://docs.api.video/reference/";

fn problem_type(kind: &str) -> String {
    format!("{DOCS}{kind}")
}

/// A problem-details answer from one of the models. `problems` is left out when empty,
/// as api.video does.
fn problem_answer(status: StatusCode, body: &impl Serialize) -> Problem {
    let mut value = serde_json::to_value(body).unwrap_or_default();
    if let Some(object) = value.as_object_mut()
        && object
            .get("problems")
            .and_then(serde_json::Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        object.remove("problems");
    }
    Problem(Box::new(json(status, &value)))
}

/// One validation failure, for [`bad_request_many`].
pub(crate) struct Invalid {
    pub kind: &'static str,
    pub title: String,
    pub name: String,
}

impl Invalid {
    pub fn new(kind: &'static str, title: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind,
            title: title.into(),
            name: name.into(),
        }
    }
}

/// 400 with the `bad-request` model.
pub(crate) fn bad_request(
    kind: &str,
    title: impl Into<String>,
    name: impl Into<String>,
) -> Problem {
    let mut body = models::BadRequest::new()
        .r#type(problem_type(kind))
        .title(title)
        .name(name);
    body.status = Some(400);
    problem_answer(StatusCode::BAD_REQUEST, &body)
}

/// 400 whose top level repeats the first problem and whose `problems` lists them all.
pub(crate) fn bad_request_many(top: Invalid, problems: Vec<Invalid>) -> Problem {
    let mut body = models::BadRequest::new()
        .r#type(problem_type(top.kind))
        .title(top.title)
        .name(top.name);
    body.status = Some(400);
    body.problems = problems
        .into_iter()
        .map(|problem| {
            models::AdditionalBadRequestErrors::new()
                .r#type(problem_type(problem.kind))
                .title(problem.title)
                .name(problem.name)
                .status(400)
        })
        .collect();
    problem_answer(StatusCode::BAD_REQUEST, &body)
}

/// 400 for a query parameter of an analytics route (`analytics-plays-400-error`).
pub(crate) fn analytics_bad_request(title: impl Into<String>, name: &str, detail: &str) -> Problem {
    let body = models::AnalyticsPlays400Error::new()
        .r#type(problem_type("request-invalid-query-parameter"))
        .title(title)
        .name(name)
        .status(400)
        .detail(detail);
    problem_answer(StatusCode::BAD_REQUEST, &body)
}

/// 404 with the `not-found` model.
pub(crate) fn not_found(title: impl Into<String>, name: &str) -> Problem {
    let body = models::NotFound::new()
        .r#type(problem_type("resource-not-found"))
        .title(title)
        .name(name)
        .status(404);
    problem_answer(StatusCode::NOT_FOUND, &body)
}

/// 404 for a path no route matches (`unrecognized-request-url`).
pub(crate) fn unrecognized(title: impl Into<String>) -> Problem {
    let body = models::UnrecognizedRequestUrl::new()
        .r#type(problem_type("unrecognized-request-url"))
        .title(title)
        .status(404);
    problem_answer(StatusCode::NOT_FOUND, &body)
}

/// 409 with the `conflict-error` model.
pub(crate) fn conflict(kind: &str, title: &str, name: &str, detail: &str) -> Problem {
    let body = models::ConflictError::new()
        .r#type(problem_type(kind))
        .title(title)
        .name(name)
        .status(409)
        .detail(detail);
    problem_answer(StatusCode::CONFLICT, &body)
}

/// 429 with the `too-many-requests` model.
pub(crate) fn too_many_requests() -> Problem {
    let body = models::TooManyRequests::new()
        .r#type(problem_type("too-many-requests"))
        .title("Request quota exhausted for this window; retry later.")
        .status(429);
    problem_answer(StatusCode::TOO_MANY_REQUESTS, &body)
}

/// 401 for missing, wrong or expired credentials.
pub(crate) fn unauthorized() -> Problem {
    generic_problem(
        StatusCode::UNAUTHORIZED,
        "authentication-unauthorized",
        "Unauthorized request.",
        "",
    )
}

/// Any status, with the modelled body when the spec has one for it.
pub(crate) fn problem_for_status(status: StatusCode, title: &str) -> Problem {
    match status.as_u16() {
        400 => bad_request("invalid-attribute", title, ""),
        404 => not_found(title, ""),
        409 => conflict("conflict", title, "", title),
        429 => too_many_requests(),
        _ => generic_problem(status, "server-error", title, ""),
    }
}

/// A problem with no model of its own in the spec (401, 405, 5xx).
pub(crate) fn generic_problem(status: StatusCode, kind: &str, title: &str, name: &str) -> Problem {
    let body = ProblemDetails {
        r#type: Some(problem_type(kind)),
        title: Some(title.to_owned()),
        name: Some(name.to_owned()),
        status: Some(status.as_u16()),
        ..ProblemDetails::default()
    };
    problem_answer(status, &body)
}

// ------------------------------------------------------------- JSON bodies ---

/// Reads the whole body and decodes it into `T`, one of the generated payload models.
///
/// A body that is not JSON, or whose field does not fit the model, is refused with 400
/// naming the field the way api.video does (`restreams[0][serverUrl]`). An empty body
/// is read as `{}`, so optional-only payloads may be left out.
pub(crate) async fn json_body<T: DeserializeOwned>(req: &mut Req) -> Result<T, Problem> {
    let bytes = read_body(req, JSON_LIMIT).await?;
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        Bytes::from_static(b"{}")
    } else {
        bytes
    };
    decode_json(&bytes)
}

/// Decodes `bytes` into `T`, see [`json_body`].
pub(crate) fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value =
        serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|error| json_problem(&error))?;
    de.end().map_err(|_| {
        bad_request(
            "invalid-body",
            "The request body is not valid JSON: unexpected data after the object.",
            "",
        )
    })?;
    Ok(value)
}

fn json_problem(error: &serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let inner = error.inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return bad_request(
            "invalid-body",
            format!(
                "The request body is not valid JSON: {}.",
                strip_position(inner)
            ),
            "",
        );
    }
    let mut name = field_name(error.path());
    let message = strip_position(inner);
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        name = if name.is_empty() {
            field.to_owned()
        } else {
            format!("{name}[{field}]")
        };
        let title = format!("The {name} attribute must be provided.");
        return bad_request_many(
            Invalid::new("attribute-required", title.clone(), name.clone()),
            vec![Invalid::new("attribute-required", title, name)],
        );
    }
    if name.is_empty() {
        return bad_request(
            "invalid-body",
            format!("The request body must be a JSON object: {message}."),
            "",
        );
    }
    let title = format!("The {name} attribute is invalid: {message}.");
    bad_request_many(
        Invalid::new("invalid-attribute", title.clone(), name.clone()),
        vec![Invalid::new("invalid-attribute", title, name)],
    )
}

/// serde_json's message without its " at line L column C".
fn strip_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

/// `restreams[0].serverUrl` written as api.video names fields: `restreams[0][serverUrl]`.
pub(crate) fn field_name(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut name = String::new();
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => "?".to_owned(),
        };
        if name.is_empty() {
            name = part;
        } else {
            name.push('[');
            name.push_str(&part);
            name.push(']');
        }
    }
    name
}

/// The whole body, at most `limit` bytes.
pub(crate) async fn read_body(req: &mut Req, limit: usize) -> Result<Bytes, Problem> {
    match Limited::new(&mut req.body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) => {
            if error.is::<http_body_util::LengthLimitError>() {
                Err(generic_problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request-entity-too-large",
                    "The request body is too large.",
                    "",
                ))
            } else {
                Err(bad_request(
                    "invalid-body",
                    "The request body could not be read.",
                    "",
                ))
            }
        }
    }
}

/// Reads and forgets what is left of the body, so the answer is not cut short by a
/// client still sending. Gives up after `limit` bytes.
pub(crate) async fn drain(body: &mut Incoming, limit: u64) {
    let mut seen = 0u64;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    seen += data.len() as u64;
                    if seen > limit {
                        return;
                    }
                }
            }
            Err(_) => return,
        }
    }
}

// -------------------------------------------------------- multipart bodies ---

/// The file part of a multipart body.
pub(crate) struct FilePart {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl FilePart {
    /// The file name's extension, lower-cased.
    pub fn extension(&self) -> Option<String> {
        let name = self.file_name.as_deref()?;
        let (_, ext) = name.rsplit_once('.')?;
        Some(ext.to_ascii_lowercase())
    }
}

/// A parsed `multipart/form-data` body.
pub(crate) struct Form {
    pub file: Option<FilePart>,
    /// How many file parts the body held (only the first is kept).
    pub file_parts: usize,
    pub fields: HashMap<String, String>,
}

/// Parses a multipart body as it streams in.
///
/// The file is the part named `file` or, whatever its name, a part that carries a
/// `filename`: api.video's Node client names the part after the file
/// (`name="558k.mp4"; filename="558k.mp4"`) and the API takes it. Every other part is
/// read as text. A body with two file parts is refused by [`require_file`].
pub(crate) async fn multipart(req: &mut Req) -> Result<Form, Problem> {
    let not_multipart = || {
        bad_request(
            "invalid-body",
            "The request body must be multipart/form-data with the file in a file field.",
            "file",
        )
    };
    let content_type = req.header("content-type").ok_or_else(not_multipart)?;
    let boundary = multer::parse_boundary(content_type).map_err(|_| not_multipart())?;
    let stream = (&mut req.body).into_data_stream();
    let mut parts = multer::Multipart::new(stream, boundary);
    let malformed = |error: multer::Error| {
        bad_request(
            "invalid-body",
            format!("The multipart body is malformed: {error}."),
            "",
        )
    };
    let mut form = Form {
        file: None,
        file_parts: 0,
        fields: HashMap::new(),
    };
    while let Some(mut field) = parts.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        if name != "file" && file_name.is_none() {
            let text = field.text().await.map_err(malformed)?;
            form.fields.insert(name, text);
            continue;
        }
        form.file_parts += 1;
        if form.file.is_some() {
            // Read and forget: the body is refused once it has been read.
            while field.chunk().await.map_err(malformed)?.is_some() {}
            continue;
        }
        let content_type = field.content_type().map(ToString::to_string);
        let mut data = BytesMut::new();
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            data.extend_from_slice(&chunk);
        }
        form.file = Some(FilePart {
            file_name,
            content_type,
            data: data.freeze(),
        });
    }
    Ok(form)
}

/// The one file part, or 400 naming `file` when there is none or more than one.
pub(crate) fn require_file(form: &mut Form) -> Result<FilePart, Problem> {
    if form.file_parts > 1 {
        return Err(bad_request(
            "invalid-body",
            format!(
                "The multipart body must carry one file, not {}.",
                form.file_parts
            ),
            "file",
        ));
    }
    form.file.take().ok_or_else(|| {
        bad_request(
            "attribute-required",
            "The file attribute must be provided.",
            "file",
        )
    })
}

/// An image format the API takes for thumbnails, watermarks and logos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Image {
    Jpeg,
    Png,
    Webp,
}

impl Image {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }

    fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/webp" => Some(Self::Webp),
            _ => None,
        }
    }

    /// The format the bytes announce with their signature, if one of these.
    pub fn sniff(data: &[u8]) -> Option<Self> {
        if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }
}

/// Media types that say nothing about what a file holds.
fn is_generic_media_type(media_type: &str) -> bool {
    matches!(
        media_type,
        "" | "application/octet-stream" | "binary/octet-stream" | "application/unknown"
    )
}

/// Judges an uploaded image as the API does: by its file name's extension; without one,
/// by its media type; and when neither says anything (a stream sent by api.video's Node
/// client arrives as `filename="file"`, `application/octet-stream`), by its bytes. A
/// format outside `allowed`, or bytes that are no image at all, get
/// `uploaded-file-extension-invalid` with `title`.
pub(crate) fn check_image(
    file: &FilePart,
    allowed: &[Image],
    title: &str,
) -> Result<Image, Problem> {
    let media_type = file
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let judged = if let Some(ext) = file.extension() {
        Image::from_extension(&ext)
    } else if !is_generic_media_type(&media_type) {
        Image::from_media_type(&media_type)
    } else {
        Image::sniff(&file.data)
    };
    judged
        .filter(|image| allowed.contains(image))
        .ok_or_else(|| bad_request("uploaded-file-extension-invalid", title, "file"))
}

// -------------------------------------------------------------- pagination ---

/// `currentPage` and `pageSize` of a list request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub current: usize,
    pub size: usize,
}

/// Reads and checks `currentPage` (from 1, default 1) and `pageSize` (1 to 100,
/// default 25).
pub(crate) fn page(req: &Req) -> Result<Page, Problem> {
    let mut problems = Vec::new();
    let current = match req.query("currentPage") {
        None => 1,
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(value) if value >= 1 => usize::try_from(value).unwrap_or(usize::MAX),
            _ => {
                problems.push(Invalid::new(
                    "invalid-pagination",
                    "currentPage must be 1 or greater.",
                    "currentPage",
                ));
                1
            }
        },
    };
    let size = match req.query("pageSize") {
        None => 25,
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(value @ 1..=100) => usize::try_from(value).unwrap_or(25),
            _ => {
                problems.push(Invalid::new(
                    "invalid-pagination",
                    "pageSize accepts values from 1 to 100.",
                    "pageSize",
                ));
                25
            }
        },
    };
    match problems.len() {
        0 => Ok(Page { current, size }),
        1 => {
            let only = problems.remove(0);
            Err(bad_request(only.kind, only.title, only.name))
        }
        _ => {
            let name = problems[0].name.clone();
            Err(bad_request_many(
                Invalid::new(
                    "invalid-pagination",
                    "The pagination parameters are out of range.",
                    name,
                ),
                problems,
            ))
        }
    }
}

/// One page of `items`, with the `pagination` object and its links (absolute URLs on
/// the simulator, keeping the request's other query parameters).
pub(crate) fn paginate<T>(
    items: Vec<T>,
    page: Page,
    req: &Req,
    base_url: &str,
) -> (Vec<T>, models::Pagination) {
    let total = items.len();
    let pages = total.div_ceil(page.size).max(1);
    let start = (page.current - 1).saturating_mul(page.size);
    let data: Vec<T> = items.into_iter().skip(start).take(page.size).collect();
    let link = |rel: &str, number: usize| {
        models::PaginationLink::new()
            .rel(rel)
            .uri(page_uri(req, base_url, number, page.size))
    };
    let mut links = vec![link("self", page.current), link("first", 1)];
    if page.current > 1 {
        links.push(link("previous", (page.current - 1).min(pages)));
    }
    if page.current < pages {
        links.push(link("next", page.current + 1));
    }
    links.push(link("last", pages));
    let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let pagination = models::Pagination::new(links)
        .current_page(as_i64(page.current))
        .page_size(as_i64(page.size))
        .pages_total(as_i64(pages))
        .items_total(as_i64(total))
        .current_page_items(as_i64(data.len()));
    (data, pagination)
}

fn page_uri(req: &Req, base_url: &str, number: usize, size: usize) -> String {
    let mut query: Vec<String> = req
        .raw_query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            let key = crate::routes::percent_decode(key);
            key != "currentPage" && key != "pageSize"
        })
        .map(str::to_owned)
        .collect();
    query.push(format!("currentPage={number}"));
    query.push(format!("pageSize={size}"));
    format!("{base_url}{}?{}", req.path, query.join("&"))
}

/// Reads `sortOrder` (`asc` or `desc`, default `asc`); `true` for descending.
pub(crate) fn sort_descending(req: &Req) -> Result<bool, Problem> {
    match req.query("sortOrder") {
        None | Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(_) => Err(bad_request(
            "invalid-attribute",
            "sortOrder accepts asc or desc.",
            "sortOrder",
        )),
    }
}

/// Reads `sortBy` among `allowed`, or `default`.
pub(crate) fn sort_by<'a>(
    req: &'a Req,
    allowed: &[&str],
    default: &'a str,
) -> Result<&'a str, Problem> {
    match req.query("sortBy") {
        None => Ok(default),
        Some(value) if allowed.contains(&value) => Ok(value),
        Some(_) => Err(bad_request(
            "invalid-attribute",
            format!(
                "Unsupported sortBy value; use one of {}.",
                allowed.join(", ")
            ),
            "sortBy",
        )),
    }
}
