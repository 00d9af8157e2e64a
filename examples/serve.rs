//! A small HTTP service around one shared engine: `POST /triage` for one
//! request or a batch, `GET /healthz`.
//!
//! ```text
//! cargo run --release --example serve -- [--addr 127.0.0.1:8080] [--policy FILE] [--queue SNAPSHOT.json] [--threads N]
//! ```
//!
//! - `--addr`: where to listen (default `127.0.0.1:8080`; port 0 picks a
//!   free one, printed at start).
//! - `--policy`: a JSON or TOML policy (`Engine::builder().policy_path`);
//!   the embedded policy without it.
//! - `--queue`: the live queue snapshot for wait estimates of requests that
//!   bring none of their own; the demo snapshot `examples/demo_queue.json`
//!   without it, as in the `triage` CLI.
//! - `--threads`: threads that one large batch is triaged on (default: the
//!   cores available).
//!
//! `POST /triage` takes `Content-Type: application/json` and a body that is
//! one `kefu_triage::Request` object — answered with one `Decision` — or an
//! array of them — answered with an array of `Decision`s in the same order
//! (an empty array gives an empty array). A request is the same JSON as a
//! line of the `triage` CLI: only `text` is required, unknown fields are
//! errors, customer ids may be strings or integers, tier and industry names
//! may be in any case; the text may be empty or any Unicode.
//!
//! Errors are JSON objects `{"error": "..."}` with the status that says
//! what went wrong; the error names the field and, for a batch, the
//! 0-based `index` of the first bad item (also given as a number, with the
//! `path` of the field inside the item where there is one):
//!
//! - 400: not JSON, truncated JSON, neither an object nor an array, an
//!   unknown field, a missing `text`, a value of the wrong type or an
//!   unknown tier or industry name (every value that does not make a
//!   `Request` is a 400; the service sends no 422);
//! - 413: a body over 1 MiB, or a batch of more than 1,000 requests (a
//!   body is read on to 8 MiB so that the client gets the answer; past that
//!   the connection is closed);
//! - 415: a `Content-Type` that is not JSON (or none);
//! - 408: a body that takes more than 30 s to arrive;
//! - 404 for an unknown path, 405 for another method on a known one.
//!
//! `GET /healthz` answers `{"status": "ok", "version": ..., "labels": ...,
//! "policy": ..., "queue": ...}`. Ctrl-C or SIGTERM stops the service
//! gracefully: requests in flight are answered first.
//!
//! Limits against slow or greedy clients ([`Limits`]): a request's headers
//! must arrive within 10 s (else the connection is closed), at most 1,024
//! connections are open at once (more wait in the listen backlog), and at
//! most one large batch per core is triaged at once (more wait their
//! turn).
//!
//! The engine is built once and shared by every request (it is cheap to
//! clone, `Send` and `Sync`). Small bodies are triaged on the async worker
//! (microseconds); a batch of more than 16 requests or more than 16 KiB of
//! text goes to a blocking thread, so that the runtime keeps answering.

#[path = "common/usage.rs"]
mod usage;

use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kefu_triage::{Decision, Engine, QueueSnapshot, Request};
use serde_json::{Value, json};

/// The largest body `POST /triage` reads; a larger one is a 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Past [`MAX_BODY_BYTES`], the body is still read (and dropped) up to this
/// size, so that a client that sends it whole before reading gets its 413;
/// a larger one is answered at once and the connection closed.
const DRAIN_MAX_BYTES: usize = 8 * MAX_BODY_BYTES;
/// How long reading a body may take; longer is a 408.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// The most requests in one batch; more is a 413.
pub const MAX_BATCH: usize = 1_000;
/// Up to this many requests, and …
const INLINE_MAX_ITEMS: usize = 16;
/// … this many bytes of text, a body is triaged on the async worker itself.
const INLINE_MAX_BYTES: usize = 16 << 10;

const DEMO_QUEUE: &str = include_str!("demo_queue.json");

/// What the service is run with besides the engine.
pub struct Options {
    /// Threads one large batch is triaged on, and how many large batches
    /// are triaged at once (more wait their turn).
    pub threads: usize,
    /// The queue snapshot for requests that bring none.
    pub queue: Option<QueueSnapshot>,
    /// What `/healthz` calls the policy (its file, or `embedded`).
    pub policy: String,
    /// What `/healthz` calls the queue snapshot.
    pub queue_name: String,
}

impl Default for Options {
    /// The cores available, the demo queue, the embedded policy.
    fn default() -> Options {
        Options {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            queue: serde_json::from_str(DEMO_QUEUE).ok(),
            policy: "embedded".into(),
            queue_name: "demo".into(),
        }
    }
}

/// What every request shares.
struct Service {
    engine: Engine,
    options: Options,
    labels: usize,
    /// One permit per large batch being triaged: as many as threads, so
    /// that a burst of batches waits its turn instead of starting
    /// hundreds of blocking threads that all compete for the cores.
    batches: Semaphore,
}

impl Service {
    /// Triage in order, giving the service's queue snapshot to requests
    /// that bring none.
    fn triage_all(&self, requests: &[Request], threads: usize) -> Vec<Decision> {
        let inquiries: Vec<_> = requests
            .iter()
            .map(|r| {
                let mut q = r.inquiry();
                q.queue = q.queue.or(self.options.queue.as_ref());
                q
            })
            .collect();
        self.engine.triage_batch(&inquiries, threads)
    }
}

/// The service with the default [`Options`].
pub fn app(engine: Engine) -> Router {
    app_with(engine, Options::default())
}

/// The routes of the service, sharing `engine` across requests.
pub fn app_with(engine: Engine, options: Options) -> Router {
    let labels = engine.labels().count();
    let service = Arc::new(Service {
        engine,
        batches: Semaphore::new(options.threads.max(1)),
        options,
        labels,
    });
    Router::new()
        .route(
            "/triage",
            post(triage).fallback(|| async { method_not_allowed("POST") }),
        )
        .route(
            "/healthz",
            get(healthz).fallback(|| async { method_not_allowed("GET, HEAD") }),
        )
        .fallback(not_found)
        .with_state(service)
}

/// An error answer: a status and a JSON object with at least `error`.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    body: Value,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({ "error": message.into() }),
        }
    }

    fn bad_request(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, format!("bad request: {message}"))
    }

    /// A body that does not read as the type wanted: the message names the
    /// field (serde's own words, with line and column), and the batch
    /// item's index when the error is inside one.
    fn from_json(e: serde_path_to_error::Error<serde_json::Error>, batch: bool) -> ApiError {
        let mut segments = e.path().iter().peekable();
        let index = match segments.peek() {
            Some(serde_path_to_error::Segment::Seq { index }) if batch => {
                let index = *index;
                segments.next();
                Some(index)
            }
            _ => None,
        };
        let mut path = String::new();
        for segment in segments {
            match segment {
                serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                serde_path_to_error::Segment::Unknown => {}
                other => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&other.to_string());
                }
            }
        }
        let inner = e.inner();
        let mut message = String::from("bad request: ");
        if let Some(i) = index {
            message.push_str(&format!("batch item {i}: "));
        }
        if !path.is_empty() {
            message.push_str(&format!("{path}: "));
        }
        message.push_str(&inner.to_string());
        let mut error = ApiError::new(StatusCode::BAD_REQUEST, message);
        if let Some(i) = index {
            error.body["index"] = json!(i);
        }
        if !path.is_empty() {
            error.body["path"] = json!(path);
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

fn method_not_allowed(allow: &'static str) -> Response {
    let error = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method not allowed here; allowed: {allow}"),
    );
    ([(header::ALLOW, allow)], error).into_response()
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no such path: {}; the service has POST /triage and GET /healthz",
            uri.path()
        ),
    )
}

async fn healthz(State(service): State<Arc<Service>>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "labels": service.labels,
        "policy": service.options.policy,
        "queue": service.options.queue_name,
    }))
}

async fn triage(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let content_type = check_content_type(&headers);
    // Read (or drain) the body before any answer, so that a client that
    // writes it all before reading sees the answer rather than a reset.
    let body = read_body(&headers, body).await;
    content_type?;
    let (requests, batch) = parse(&body?)?;
    let decisions = decide(service, requests).await?;
    Ok(if batch {
        Json(decisions).into_response()
    } else {
        match decisions.into_iter().next() {
            Some(d) => Json(d).into_response(),
            None => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "no decision").into_response(),
        }
    })
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the body is larger than {MAX_BODY_BYTES} bytes (1 MiB); send a large batch in parts"
        ),
    )
}

/// The body, if it is at most [`MAX_BODY_BYTES`] and comes within
/// [`BODY_TIMEOUT`].
async fn read_body(headers: &HeaderMap, mut body: Body) -> Result<Vec<u8>, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_MAX_BYTES as u64) {
        return Err(too_large());
    }
    let read = async {
        let mut data =
            Vec::with_capacity(declared.map_or(0, |n| n.min(MAX_BODY_BYTES as u64) as usize));
        let mut seen = 0usize;
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!("cannot read the body: {e}"),
                )
            })?;
            let Ok(chunk) = frame.into_data() else {
                continue;
            };
            seen = seen.saturating_add(chunk.len());
            if seen <= MAX_BODY_BYTES {
                data.extend_from_slice(&chunk);
            } else if seen > DRAIN_MAX_BYTES {
                break;
            } else if !data.is_empty() {
                data = Vec::new();
            }
        }
        if seen > MAX_BODY_BYTES {
            return Err(too_large());
        }
        Ok(data)
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .unwrap_or_else(|_| {
            Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!("the body did not come within {} s", BODY_TIMEOUT.as_secs()),
            ))
        })
}

/// Only JSON is read: `application/json` or `application/…+json`, with any
/// parameters.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "no Content-Type: send the body as application/json",
        ));
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Type {text:?} is not JSON: send the body as application/json"),
        ))
    }
}

/// The requests of a body, and whether it was a batch.
fn parse(body: &[u8]) -> Result<(Vec<Request>, bool), ApiError> {
    let body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => Err(ApiError::bad_request(
            "empty body: send one request object or an array of them",
        )),
        Some(b'{') => Ok((vec![from_json::<Request>(body, false)?], false)),
        Some(b'[') => {
            // The syntax and the count first, without building requests
            // for a batch that is then refused.
            let count = from_json::<Vec<serde::de::IgnoredAny>>(body, true)?.len();
            if count > MAX_BATCH {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("a batch holds at most {MAX_BATCH} requests; this one has {count}"),
                ));
            }
            Ok((from_json::<Vec<Request>>(body, true)?, true))
        }
        Some(_) => Err(ApiError::bad_request(
            "expected a JSON object (one request) or an array of objects (a batch)",
        )),
    }
}

fn from_json<'a, T: serde::Deserialize<'a>>(body: &'a [u8], batch: bool) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| ApiError::from_json(e, batch))?;
    de.end().map_err(ApiError::bad_request)?;
    Ok(value)
}

/// Triage on the async worker when the body is small, else on a blocking
/// thread (with the service's threads for a batch).
async fn decide(service: Arc<Service>, requests: Vec<Request>) -> Result<Vec<Decision>, ApiError> {
    let bytes: usize = requests.iter().map(|r| r.text.len()).sum();
    if requests.len() <= INLINE_MAX_ITEMS && bytes <= INLINE_MAX_BYTES {
        return Ok(service.triage_all(&requests, 1));
    }
    let failed = |e: &dyn std::fmt::Display| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("triage failed: {e}"),
        )
    };
    let _turn = service.batches.acquire().await.map_err(|e| failed(&e))?;
    let worker = Arc::clone(&service);
    tokio::task::spawn_blocking(move || worker.triage_all(&requests, worker.options.threads))
        .await
        .map_err(|e| failed(&e))
}

/// The command line.
struct Args {
    addr: SocketAddr,
    policy: Option<String>,
    queue: Option<String>,
    threads: Option<usize>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        policy: None,
        queue: None,
        threads: None,
    };
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--addr" => {
                let v = value()?;
                parsed.addr = v
                    .parse()
                    .map_err(|e| format!("--addr {v:?}: {e} (write it as 127.0.0.1:8080)"))?;
            }
            "--policy" => parsed.policy = Some(value()?),
            "--queue" => parsed.queue = Some(value()?),
            "--threads" => {
                let v = value()?;
                match v.parse::<usize>() {
                    Ok(n) if n >= 1 => parsed.threads = Some(n),
                    _ => return Err(format!("--threads {v:?}: expected a whole number ≥ 1")),
                }
            }
            _ => return Err(format!("unexpected argument {a:?} (see --help)")),
        }
    }
    Ok(parsed)
}

/// The engine and options the command line asks for.
fn setup(args: &Args) -> Result<(Engine, Options), String> {
    let mut builder = Engine::builder();
    if let Some(p) = &args.policy {
        builder = builder.policy_path(p);
    }
    let engine = builder.build().map_err(|e| e.to_string())?;
    let mut options = Options::default();
    if let Some(p) = &args.policy {
        options.policy = p.clone();
    }
    if let Some(n) = args.threads {
        options.threads = n;
    }
    let (name, text) = match &args.queue {
        Some(p) => (
            p.as_str(),
            std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"))?,
        ),
        None => ("demo_queue.json", DEMO_QUEUE.to_string()),
    };
    options.queue = Some(serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?);
    if let Some(p) = &args.queue {
        options.queue_name = p.clone();
    }
    Ok((engine, options))
}

/// Resolves on Ctrl-C or SIGTERM; never, where the signal cannot be
/// listened to.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    // Whichever comes first.
    let (mut ctrl_c, mut terminate) = (std::pin::pin!(ctrl_c), std::pin::pin!(terminate));
    std::future::poll_fn(|cx| {
        if ctrl_c.as_mut().poll(cx).is_ready() || terminate.as_mut().poll(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}

/// Limits on connections, against clients that are slow or many.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A request's headers must arrive within this long; else the
    /// connection is closed (hyper's header read timeout).
    pub header_timeout: Duration,
    /// Connections open at once; further clients wait in the listen
    /// backlog until one closes.
    pub max_connections: usize,
}

impl Default for Limits {
    /// 10 s for the headers, 1,024 connections.
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Serves `app` on `listener` with the default [`Limits`] until `shutdown`
/// resolves, then answers the requests in flight and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    serve_with(listener, app, shutdown, Limits::default()).await
}

/// [`serve`] with other [`Limits`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    limits: Limits,
) -> io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        // A free slot first, then the connection: past the cap, clients
        // wait in the kernel's backlog rather than in memory here.
        let slot = tokio::select! {
            slot = Arc::clone(&open).acquire_owned() => slot.map_err(io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: pass, and retry
                // shortly instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A client that goes away or sends garbage ends its own
            // connection; nothing to report.
            let _ = conn.await;
            drop(slot);
        });
    }
    graceful.shutdown().await;
    Ok(())
}

async fn run(addr: SocketAddr, app: Router) -> io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
    eprintln!(
        "serve: listening on http://{} (POST /triage, GET /healthz; Ctrl-C stops)",
        listener.local_addr()?
    );
    serve(listener, app, shutdown_signal()).await?;
    eprintln!("serve: stopped");
    Ok(())
}

fn main() -> ExitCode {
    if usage::asked() {
        usage::print(include_str!("serve.rs"), "serve.rs");
        return ExitCode::SUCCESS;
    }
    let started = parse_args(std::env::args().skip(1)).and_then(|args| {
        let (engine, options) = setup(&args)?;
        Ok((args.addr, engine, options))
    });
    let (addr, engine, options) = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("serve: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("serve: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(addr, app_with(engine, options))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve: {e}");
            ExitCode::from(2)
        }
    }
}
