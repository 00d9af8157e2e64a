//! The example service `examples/serve.rs`, started on an ephemeral port of
//! 127.0.0.1 and called over real HTTP with a real client (ureq): answers
//! match the engine's own decisions, malformed bodies get clear 4xx JSON
//! errors, and the service keeps answering after all of them.

#[allow(dead_code)]
#[path = "../examples/serve.rs"]
mod serve;

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use kefu_triage::{Engine, Request};
use serde_json::{Value, json};

/// One engine, built once (a second in a debug build): the services share
/// clones of it, and the tests compare answers with its decisions.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

/// Starts a service on its own runtime and thread, on a free port of
/// 127.0.0.1; it stops when `shutdown` resolves.
fn start(
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (SocketAddr, std::thread::JoinHandle<std::io::Result<()>>) {
    start_with(shutdown, serve::Limits::default())
}

/// [`start`] with other limits.
fn start_with(
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    limits: serve::Limits,
) -> (SocketAddr, std::thread::JoinHandle<std::io::Result<()>>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            tx.send(listener.local_addr()?).expect("the test waits");
            serve::serve_with(listener, serve::app(engine().clone()), shutdown, limits).await
        })
    });
    let addr = rx.recv().expect("the service did not start");
    (addr, handle)
}

/// The service shared by the tests, for the whole test run.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let (addr, _) = start(std::future::pending());
        format!("http://{addr}")
    })
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent()
}

/// A status, the headers the tests look at, and the body, which must be
/// JSON whatever the status.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    allow: String,
    body: Value,
}

fn answer(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = result.expect("the service answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (content_type, allow) = (header("content-type"), header("allow"));
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {text:?}"));
    Answer {
        status,
        content_type,
        allow,
        body,
    }
}

fn post_as(content_type: Option<&str>, body: impl AsRef<[u8]>) -> Answer {
    let mut request = agent().post(format!("{}/triage", base()));
    if let Some(ct) = content_type {
        request = request.header("Content-Type", ct);
    }
    answer(request.send(body.as_ref()))
}

fn post(body: impl AsRef<[u8]>) -> Answer {
    post_as(Some("application/json"), body)
}

fn get(path: &str) -> Answer {
    answer(agent().get(format!("{}{path}", base())).call())
}

/// What the engine itself decides for these requests, with the service's
/// default queue snapshot, as JSON that went through text like the answer.
fn expected(requests: &[&str]) -> Vec<Value> {
    let engine = engine();
    let queue = serve::Options::default()
        .queue
        .expect("the demo queue reads");
    requests
        .iter()
        .map(|r| {
            let request: Request = serde_json::from_str(r).expect("a valid request");
            let mut inquiry = request.inquiry();
            inquiry.queue = inquiry.queue.or(Some(&queue));
            let text = serde_json::to_string(&engine.triage(&inquiry)).expect("serializes");
            serde_json::from_str(&text).expect("reads back")
        })
        .collect()
}

/// An error answer: its status, JSON content type and message.
fn error(a: &Answer, status: u16) -> &str {
    assert_eq!(a.status, status, "{a:?}");
    assert!(a.content_type.starts_with("application/json"), "{a:?}");
    a.body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error message: {a:?}"))
}

const LOGISTICS: &str = r#"{"text": "订单号2024111100123456 怎么还没发货？？我电话13812345678"}"#;

#[test]
fn healthz_says_ok_with_the_version_and_labels() {
    let a = get("/healthz");
    assert_eq!(a.status, 200, "{a:?}");
    assert!(a.content_type.starts_with("application/json"), "{a:?}");
    assert_eq!(a.body["status"], "ok");
    assert_eq!(a.body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(a.body["labels"], json!(engine().labels().count()), "{a:?}");
    assert_eq!(a.body["policy"], "embedded");
}

#[test]
fn one_request_gets_one_decision_with_pii_masked() {
    let a = post(LOGISTICS);
    assert_eq!(a.status, 200, "{a:?}");
    assert!(a.content_type.starts_with("application/json"), "{a:?}");
    assert!(a.body.is_object(), "one request, one object: {a:?}");
    assert_eq!(a.body["issue"]["label"], "logistics", "{a:?}");
    let masked = a.body["masked_text"].as_str().expect("masked_text");
    assert!(masked.contains("[手机号]"), "{masked}");
    assert!(!a.body.to_string().contains("13812345678"), "{a:?}");
    assert_eq!(a.body, expected(&[LOGISTICS])[0]);
}

#[test]
fn a_batch_gets_its_decisions_in_order() {
    let items = [
        LOGISTICS,
        r#"{"text": "机器人听不懂，转人工！！", "customer": {"id": "u2"}}"#,
        r#"{"text": "我要退款，衣服尺码不对", "industry": "ecommerce"}"#,
    ];
    let a = post(format!("[{}]", items.join(",")));
    assert_eq!(a.status, 200, "{a:?}");
    let decisions = a.body.as_array().expect("an array for a batch");
    assert_eq!(decisions.len(), 3);
    assert_eq!(decisions[0]["issue"]["label"], "logistics");
    assert_eq!(decisions[1]["flags"]["human_requested"], true);
    assert_eq!(decisions[1]["route"]["lane"], "human");
    assert_eq!(decisions[2]["issue"]["label"], "return_refund");
    assert_eq!(*decisions, expected(&items));

    let empty = post("[]");
    assert_eq!((empty.status, empty.body), (200, json!([])));
}

#[test]
fn a_full_batch_is_triaged_off_the_async_workers_in_order() {
    let texts = ["快递到哪了", "转人工", "这个耳机有白色的吗", ""];
    let items: Vec<String> = (0..serve::MAX_BATCH)
        .map(|i| json!({"text": texts[i % texts.len()], "customer": {"id": i}}).to_string())
        .collect();
    let a = post(format!("[{}]", items.join(",")));
    assert_eq!(a.status, 200, "{a:?}");
    let decisions = a.body.as_array().expect("an array");
    assert_eq!(decisions.len(), serve::MAX_BATCH);
    let first: Vec<&str> = items[..texts.len()].iter().map(String::as_str).collect();
    let want = expected(&first);
    for (i, d) in decisions.iter().enumerate() {
        assert_eq!(*d, want[i % texts.len()], "item {i}");
    }
}

#[test]
fn integer_ids_and_names_in_any_case_are_accepted() {
    let body = r#"{"text": "这个耳机有白色的吗", "customer": {"id": 42, "tier": "VIP"},
                   "industry": "Electronics", "received_at": 1732600000}"#;
    let a = post(body);
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.body["route"]["lane"], "dedicated", "{a:?}");
    assert_eq!(a.body, expected(&[body])[0]);

    // A content type with parameters, and a `+json` type, are JSON too.
    for ct in [
        "application/json; charset=utf-8",
        "application/vnd.kefu+json",
    ] {
        assert_eq!(post_as(Some(ct), LOGISTICS).status, 200, "{ct}");
    }
}

#[test]
fn any_unicode_and_empty_text_get_decisions() {
    for text in [
        "",
        "   ",
        "\u{0}\u{1}\u{7f}",
        "\u{200b}转\u{200d}人\u{feff}工",
        "🙂🙃👍🏽👨‍👩‍👧 \u{202e}款退",
        "ｔｅｓｔ　全角１３８１２３４５６７８",
        "\u{10ffff}\u{fffd}",
    ] {
        let a = post(json!({ "text": text }).to_string());
        assert_eq!(a.status, 200, "{text:?}: {a:?}");
        assert!(a.body["issue"]["label"].is_string(), "{text:?}: {a:?}");
    }
    // Near the body limit: one long text, on a blocking thread.
    let long = "我的快递13812345678到哪了？".repeat(20_000);
    assert!(long.len() < serve::MAX_BODY_BYTES);
    let a = post(json!({ "text": long }).to_string());
    assert_eq!(a.status, 200, "{:?}", a.body.get("error"));
    assert!(!a.body.to_string().contains("13812345678"));
}

#[test]
fn malformed_bodies_get_400_naming_what_is_wrong() {
    // (body, what the message must say, path of the field if any)
    let cases: &[(&[u8], &str, Option<&str>)] = &[
        (b"hello", "expected a JSON object", None),
        (b"", "empty body", None),
        (b"  \n ", "empty body", None),
        (b"42", "expected a JSON object", None),
        (b"null", "expected a JSON object", None),
        (b"{not json}", "key must be a string", None),
        ("{\"text\": \"快递到".as_bytes(), "EOF", Some("text")),
        (
            b"{\"text\": \"a\"} {\"text\": \"b\"}",
            "trailing characters",
            None,
        ),
        (
            br#"{"text": "t", "industy": "finance"}"#,
            "unknown field `industy`",
            Some("industy"),
        ),
        (
            br#"{"text": "t", "customer": {"idd": "u1"}}"#,
            "unknown field `idd`",
            Some("customer.idd"),
        ),
        (br#"{"text": 5}"#, "invalid type", Some("text")),
        (br#"{"text": null}"#, "invalid type", Some("text")),
        (
            br#"{"text": "t", "customer": {"prior_contacts": -1}}"#,
            "invalid value",
            Some("customer.prior_contacts"),
        ),
        (
            br#"{"text": "t", "customer": {"id": 1.5}}"#,
            "customer id",
            Some("customer.id"),
        ),
        (
            br#"{"text": "t", "received_at": "yesterday"}"#,
            "invalid type",
            Some("received_at"),
        ),
        (
            br#"{"text": "t", "customer": {"tier": "gold"}}"#,
            "unknown variant `gold`",
            Some("customer.tier"),
        ),
        (
            br#"{"text": "t", "industry": "fintech"}"#,
            "fintech",
            Some("industry"),
        ),
        (
            br#"{"customer": {"id": "u1"}}"#,
            "missing field `text`",
            None,
        ),
        (
            br#"{"text": "t", "queue": {"groups": [{"agents": 3}]}}"#,
            "unknown field `agents`",
            Some("queue.groups[0].agents"),
        ),
        // Not UTF-8 inside a string.
        (b"{\"text\": \"\xff\xfe\"}", "invalid unicode", Some("text")),
    ];
    for (body, needle, path) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let a = post(body);
        let message = error(&a, 400);
        assert!(message.contains(needle), "{shown}: {message}");
        assert!(a.body.get("index").is_none(), "{shown}: {a:?}");
        match path {
            Some(p) => assert_eq!(a.body["path"], *p, "{shown}: {a:?}"),
            None => assert!(a.body.get("path").is_none(), "{shown}: {a:?}"),
        }
    }
    assert_eq!(get("/healthz").status, 200);
}

#[test]
fn a_bad_batch_item_is_named_by_its_index() {
    let cases = [
        (
            r#"[{"text": "a"}, {"text": "b"}, {"text": "c", "industy": "x"}]"#,
            2,
            "unknown field `industy`",
            Some("industy"),
        ),
        (
            r#"[{"text": "a"}, {"text": "b", "customer": {"tier": "gold"}}]"#,
            1,
            "unknown variant `gold`",
            Some("customer.tier"),
        ),
        (r#"[{"text": "a"}, 7]"#, 1, "invalid type", None),
        (r#"[{"text": "a"}, {"text": "b"}, {"tex"#, 2, "EOF", None),
        (r#"[{"customer": {}}]"#, 0, "missing field `text`", None),
    ];
    for (body, index, needle, path) in cases {
        let a = post(body);
        let message = error(&a, 400);
        assert!(message.contains(needle), "{body}: {message}");
        assert!(
            message.contains(&format!("batch item {index}")),
            "{body}: {message}"
        );
        assert_eq!(a.body["index"], index, "{body}: {a:?}");
        match path {
            Some(p) => assert_eq!(a.body["path"], p, "{body}: {a:?}"),
            None => assert!(a.body.get("path").is_none(), "{body}: {a:?}"),
        }
    }
    // Deep nesting is an error, not a crash.
    let open = "[".repeat(100_000);
    let a = post(&open);
    assert!(error(&a, 400).contains("EOF while parsing a list"), "{a:?}");
    assert_eq!(a.body["index"], 0, "{a:?}");
    let a = post(format!("{open}{}", "]".repeat(100_000)));
    assert!(error(&a, 400).contains("invalid type: sequence"), "{a:?}");
    assert_eq!(a.body["index"], 0, "{a:?}");
    // Between items, a syntax error has a position but no item.
    let a = post(r#"[{"text": "a"}, {"text": "b"},]"#);
    assert!(error(&a, 400).contains("trailing comma at line 1 column 31"));
    assert!(a.body.get("index").is_none(), "{a:?}");
    assert_eq!(get("/healthz").status, 200);
}

#[test]
fn other_content_types_get_415() {
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonx"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let a = post_as(ct, LOGISTICS);
        let message = error(&a, 415);
        assert!(message.contains("application/json"), "{ct:?}: {message}");
    }
}

#[test]
fn too_large_bodies_and_batches_get_413() {
    let huge = json!({ "text": "快".repeat(serve::MAX_BODY_BYTES / 3 + 10) }).to_string();
    assert!(huge.len() > serve::MAX_BODY_BYTES);
    let message = error(&post(&huge), 413).to_string();
    assert!(message.contains("1 MiB"), "{message}");
    // Four times the limit: the service stops reading and still answers.
    let message = error(&post(huge.repeat(4)), 413).to_string();
    assert!(message.contains("1 MiB"), "{message}");

    let items = vec![r#"{"text":"t"}"#; serve::MAX_BATCH + 1];
    let message = error(&post(format!("[{}]", items.join(","))), 413).to_string();
    assert!(message.contains("at most 1000"), "{message}");
    assert!(message.contains("1001"), "{message}");
    assert_eq!(get("/healthz").status, 200);
}

#[test]
fn routing_errors_are_404_and_405_in_json() {
    let a = get("/triage");
    assert!(error(&a, 405).contains("POST"));
    assert_eq!(a.allow, "POST");
    let a = answer(
        agent()
            .put(format!("{}/triage", base()))
            .header("Content-Type", "application/json")
            .send(LOGISTICS),
    );
    error(&a, 405);
    let a = answer(
        agent()
            .post(format!("{}/healthz", base()))
            .header("Content-Type", "application/json")
            .send(LOGISTICS),
    );
    error(&a, 405);
    assert!(a.allow.contains("GET"), "{a:?}");
    for path in ["/", "/nope", "/triage/extra", "/TRIAGE", "/healthz/"] {
        let a = get(path);
        assert!(error(&a, 404).contains("/triage"), "{path}: {a:?}");
    }
    assert_eq!(get("/healthz").status, 200);
}

#[test]
fn concurrent_clients_share_one_engine() {
    let want = expected(&[LOGISTICS]).remove(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let want = &want;
                scope.spawn(move || {
                    for i in 0..25 {
                        let a = if (t + i) % 5 == 0 {
                            post("{\"text\": ")
                        } else {
                            post(LOGISTICS)
                        };
                        if (t + i) % 5 == 0 {
                            assert_eq!(a.status, 400);
                        } else {
                            assert_eq!(a.status, 200);
                            assert_eq!(a.body, *want);
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("a client thread");
        }
    });
}

#[test]
fn shutdown_lets_the_service_return() {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let (addr, handle) = start(async move {
        // Any value or a dropped sender stops the service.
        let _ = tokio::task::spawn_blocking(move || rx.recv()).await;
    });
    let a = answer(agent().get(format!("http://{addr}/healthz")).call());
    assert_eq!(a.status, 200);
    tx.send(()).expect("the service listens");
    handle
        .join()
        .expect("the service thread")
        .expect("the service returns without an error");
    assert!(
        agent()
            .get(format!("http://{addr}/healthz"))
            .call()
            .is_err(),
        "the port is closed after shutdown"
    );
}

#[test]
fn slow_headers_are_cut_off_and_connections_capped() {
    use std::io::{Read, Write};
    let limits = serve::Limits {
        header_timeout: Duration::from_millis(500),
        max_connections: 2,
    };
    let (addr, _) = start_with(std::future::pending(), limits);
    // Two clients send half a request line and stop: they hold both slots.
    let mut slow: Vec<std::net::TcpStream> = (0..2)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(addr).expect("connect");
            s.write_all(b"GET /hea").expect("write");
            s
        })
        .collect();
    // A third client is answered, but only once the header timeout has
    // closed one of them.
    let started = std::time::Instant::now();
    let a = answer(agent().get(format!("http://{addr}/healthz")).call());
    assert_eq!(a.status, 200);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300),
        "served after {waited:?}"
    );
    // The slow ones were closed by the service: their reads end (with at
    // most an error response before the end), they do not hang.
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut all = Vec::new();
        let end = s.read_to_end(&mut all);
        assert!(
            !matches!(&end, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
            "a slow client's connection stayed open: {end:?}"
        );
    }
}
