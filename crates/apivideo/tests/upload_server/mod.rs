//! A small in-test HTTP/1.1 server that receives uploads like api.video does, assembles
//! the bytes, and injects the faults wiremock cannot (a connection reset mid-body).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apivideo_test_support::FormPart as Part;
use apivideo_test_support::multipart;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What one request looked like.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub content_range: Option<String>,
    /// Multipart fields: (name, file name, byte length or text value).
    pub fields: Vec<Field>,
    pub status: u16,
    /// How many source chunks had been fully answered when this request arrived.
    #[serde(skip)]
    pub completed_before: usize,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Field {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: usize,
    pub text: Option<String>,
}

/// Which upload requests a fault applies to: the n-th (from 1) upload request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer `status` (with `X-RateLimit-Retry-After` when given).
    Status {
        nth: usize,
        status: u16,
        retry_after: Option<u64>,
    },
    /// Read part of the body, then reset the connection.
    Reset { nth: usize },
    /// Wait this long before reading the body.
    Stall { nth: usize, delay: Duration },
}

#[derive(Default)]
struct Assembly {
    bytes: BTreeMap<u64, Vec<u8>>,
    parts: BTreeMap<u32, Vec<u8>>,
    total: Option<u64>,
}

impl Assembly {
    fn assembled(&self) -> Vec<u8> {
        if !self.parts.is_empty() {
            return self.parts.values().flatten().copied().collect();
        }
        let mut out = Vec::new();
        for (start, data) in &self.bytes {
            assert_eq!(*start as usize, out.len(), "ranges are contiguous");
            out.extend_from_slice(data);
        }
        out
    }
}

#[derive(Default)]
struct State {
    requests: Vec<Recorded>,
    /// Upload requests whose head arrived, answered or not.
    upload_requests: usize,
    /// Paths of the requests whose body the client stopped sending (it closed the
    /// connection first); they are not in `requests`.
    aborted: Vec<String>,
    completed_chunks: usize,
    videos: HashMap<String, Assembly>,
    faults: VecDeque<Fault>,
    next_id: u32,
}

/// The server; it stops when dropped.
pub struct UploadServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for UploadServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl UploadServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        Self { addr, state, task }
    }

    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn fault(&self, fault: Fault) {
        self.state.lock().unwrap().faults.push_back(fault);
    }

    /// Creates an empty video, as `POST /videos` would.
    pub fn create_video(&self) -> String {
        new_video(&mut self.state.lock().unwrap())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// How many upload requests started (their head arrived), whatever became of them.
    pub fn upload_heads(&self) -> usize {
        self.state.lock().unwrap().upload_requests
    }

    /// The paths of the requests the client gave up on mid-body by closing the connection.
    pub fn aborted(&self) -> Vec<String> {
        self.state.lock().unwrap().aborted.clone()
    }

    pub fn upload_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/source") || r.path.starts_with("/upload"))
            .collect()
    }

    pub fn assembled(&self, video_id: &str) -> Vec<u8> {
        self.state
            .lock()
            .unwrap()
            .videos
            .get(video_id)
            .map(Assembly::assembled)
            .unwrap_or_default()
    }

    pub fn video_ids(&self) -> Vec<String> {
        let mut ids: Vec<_> = self.state.lock().unwrap().videos.keys().cloned().collect();
        ids.sort();
        ids
    }
}

fn new_video(state: &mut State) -> String {
    state.next_id += 1;
    let id = format!("vi{:020}", state.next_id);
    state.videos.insert(id.clone(), Assembly::default());
    id
}

fn video_json(id: &str) -> serde_json::Value {
    json!({
        "videoId": id,
        "title": "upload test",
        "createdAt": "2026-11-27T10:00:00+00:00",
        "source": { "uri": format!("/videos/{id}/source"), "type": "upload" },
        "assets": { "player": format!("https://embed.api.video/vod/{id}") },
    })
}

struct Request {
    method: String,
    target: String,
    headers: HashMap<String, String>,
}

async fn read_head(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    Ok(Some(Request {
        method,
        target,
        headers,
    }))
}

async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_head(&mut reader).await? {
        let length: usize = request
            .headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        let path = path.to_owned();
        let query = query.to_owned();
        let is_upload =
            request.method == "POST" && (path.ends_with("/source") || path == "/upload");
        let fault = if is_upload {
            let mut state = state.lock().unwrap();
            state.upload_requests += 1;
            let nth = state.upload_requests;
            let position = state.faults.iter().position(|f| match f {
                Fault::Status { nth: n, .. }
                | Fault::Reset { nth: n }
                | Fault::Stall { nth: n, .. } => *n == nth,
            });
            position.and_then(|p| state.faults.remove(p))
        } else {
            None
        };
        if let Some(Fault::Stall { delay, .. }) = &fault {
            tokio::time::sleep(*delay).await;
        }
        if let Some(Fault::Reset { .. }) = &fault {
            let mut half = vec![0u8; length / 2];
            reader.read_exact(&mut half).await?;
            // Closing with unread body bytes makes the kernel answer with a reset.
            drop(reader);
            state.lock().unwrap().requests.push(Recorded {
                method: request.method,
                path,
                content_range: request.headers.get("content-range").cloned(),
                fields: Vec::new(),
                status: 0,
                completed_before: 0,
            });
            return Ok(());
        }
        let mut body = vec![0u8; length];
        if let Err(error) = reader.read_exact(&mut body).await {
            state.lock().unwrap().aborted.push(path);
            return Err(error);
        }
        let content_type = request
            .headers
            .get("content-type")
            .cloned()
            .unwrap_or_default();
        // Not multipart (a JSON call), or malformed: no fields, which the handler refuses.
        let fields = multipart::parse(&content_type, &body).unwrap_or_default();
        let content_range = request.headers.get("content-range").cloned();

        let (status, response, retry_after) = {
            let mut state = state.lock().unwrap();
            let completed_before = state.completed_chunks;
            let (status, response, retry_after) = match &fault {
                Some(Fault::Status {
                    status,
                    retry_after,
                    ..
                }) => (
                    *status,
                    json!({"title": "injected", "status": status}),
                    *retry_after,
                ),
                _ => handle(
                    &mut state,
                    &request.method,
                    &path,
                    &query,
                    content_range.as_deref(),
                    &fields,
                ),
            };
            if is_upload && (200..300).contains(&status) {
                state.completed_chunks += 1;
            }
            state.requests.push(Recorded {
                method: request.method.clone(),
                path: path.clone(),
                content_range: content_range.clone(),
                fields: fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.clone(),
                        file_name: f.file_name.clone(),
                        content_type: f.content_type.clone(),
                        bytes: f.data.len(),
                        text: f
                            .file_name
                            .is_none()
                            .then(|| String::from_utf8_lossy(&f.data).into_owned()),
                    })
                    .collect(),
                status,
                completed_before,
            });
            (status, response, retry_after)
        };
        let body = response.to_string();
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        );
        if let Some(seconds) = retry_after {
            head.push_str(&format!("x-ratelimit-retry-after: {seconds}\r\n"));
        }
        head.push_str("\r\n");
        let stream = reader.get_mut();
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.flush().await?;
    }
    Ok(())
}

fn handle(
    state: &mut State,
    method: &str,
    path: &str,
    query: &str,
    content_range: Option<&str>,
    fields: &[Part],
) -> (u16, serde_json::Value, Option<u64>) {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("POST", ["auth", "api-key"]) => {
            state.next_id += 1;
            (
                200,
                json!({"token_type": "Bearer", "expires_in": 3600,
                "access_token": format!("access-{}", state.next_id),
                "refresh_token": format!("refresh-{}", state.next_id)}),
                None,
            )
        }
        ("POST", ["videos"]) => {
            let id = new_video(state);
            (201, video_json(&id), None)
        }
        ("GET", ["videos", id]) if state.videos.contains_key(*id) => (200, video_json(id), None),
        ("GET", ["videos", id, "status"]) => match state.videos.get(*id) {
            Some(assembly) => {
                let received: Vec<_> = assembly
                    .bytes
                    .iter()
                    .map(|(start, data)| json!({"from": start, "to": start + data.len() as u64 - 1, "total": assembly.total}))
                    .collect();
                (
                    200,
                    json!({"ingest": {"status": "uploading", "receivedBytes": received}}),
                    None,
                )
            }
            None => (404, json!({"status": 404}), None),
        },
        ("POST", ["videos", id, "source"]) => {
            let id = id.to_string();
            if !state.videos.contains_key(&id) {
                return (404, json!({"status": 404}), None);
            }
            store(state, &id, content_range, fields)
        }
        ("POST", ["upload"]) if query.starts_with("token=") => {
            let named = fields
                .iter()
                .find(|f| f.name == "videoId")
                .map(|f| String::from_utf8_lossy(&f.data).into_owned());
            let id = match named {
                Some(id) if state.videos.contains_key(&id) => id,
                Some(_) => return (404, json!({"status": 404}), None),
                None => new_video(state),
            };
            store(state, &id, content_range, fields)
        }
        _ => (404, json!({"title": "no such route", "status": 404}), None),
    }
}

fn store(
    state: &mut State,
    id: &str,
    content_range: Option<&str>,
    fields: &[Part],
) -> (u16, serde_json::Value, Option<u64>) {
    let Some(file) = fields.iter().find(|f| f.name == "file") else {
        return (400, json!({"title": "no file field", "status": 400}), None);
    };
    let assembly = state.videos.entry(id.to_owned()).or_default();
    match content_range {
        None => {
            assembly.bytes.insert(0, file.data.clone());
            assembly.total = Some(file.data.len() as u64);
        }
        Some(range) if range.starts_with("bytes ") => {
            let (span, total) = range["bytes ".len()..]
                .split_once('/')
                .expect("bytes a-b/t");
            let (from, to) = span.split_once('-').expect("a-b");
            let (from, to): (u64, u64) = (from.parse().unwrap(), to.parse().unwrap());
            if to - from + 1 != file.data.len() as u64 {
                return (
                    400,
                    json!({"title": "range does not match the file", "status": 400}),
                    None,
                );
            }
            assembly.total = total.parse().ok();
            assembly.bytes.insert(from, file.data.clone());
        }
        Some(range) if range.starts_with("part ") => {
            let (number, _) = range["part ".len()..].split_once('/').expect("part n/t");
            assembly
                .parts
                .insert(number.parse().unwrap(), file.data.clone());
        }
        Some(_) => {
            return (
                400,
                json!({"title": "bad Content-Range", "status": 400}),
                None,
            );
        }
    }
    (201, video_json(id), None)
}
