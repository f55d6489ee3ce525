//! A fake Telegram Bot API server on loopback, for the bot's tests. It speaks the Bot API's
//! JSON (`getMe`, `getUpdates` with long polling and offsets, `sendMessage`, `setMyCommands`,
//! `answerCallbackQuery`, `answerInlineQuery`, `editMessageText`, `setWebhook`,
//! `deleteWebhook`), records every call, and can be told to fail a method to test how the bot
//! copes: before the call takes effect (429 with `retry_after`, 500 and other 5xx, refused
//! HTML) or after it (a slow response, a connection dropped halfway through the response, a
//! response that is not JSON), once or until told otherwise. It also keeps the most updates
//! the bot was handed and had not answered (`most_unanswered`).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use futures_util::{stream, StreamExt};
use serde_json::{json, Value};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456789:TEST-token_secret_value";
pub const BOT_ID: i64 = 123456789;
pub const BOT_USERNAME: &str = "kzcn_test_bot";
/// The user `getChatMember` reports as a group's owner; everyone else is a plain member.
pub const GROUP_OWNER: i64 = 4242;
/// The stand-in user Telegram names as the sender of an anonymous group admin's message.
pub const ANONYMOUS_ADMIN: i64 = 1087968824;

/// One recorded API call.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    pub at: Instant,
}

/// A failure to inject into a call of a method.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 Too Many Requests with `retry_after` seconds; the call has no effect.
    RetryAfter(u64),
    /// An HTTP 5xx status such as 500 or 502; the call has no effect. (teloxide itself waits
    /// 10 s after any 5xx before reporting it.)
    Status(u16),
    /// 400: Telegram could not parse the HTML; the call has no effect.
    BadHtml,
    /// The call takes effect and its response comes after this long.
    Slow(Duration),
    /// The call takes effect, then the connection closes halfway through the response.
    DropMidResponse,
    /// The call takes effect, and the response is a proxy's HTML page instead of JSON. The
    /// page quotes the request's path, token and all, as some proxies' pages do.
    MalformedJson,
}

#[derive(Default)]
struct Inner {
    updates: Vec<Value>,
    next_update_id: i64,
    /// Updates below this id have been confirmed by the bot (offset semantics).
    confirmed: i64,
    calls: Vec<Call>,
    faults: VecDeque<(String, Fault)>,
    /// A fault for every call of a method until cleared: the server is down.
    outage: Option<(String, Fault)>,
    next_message_id: i64,
    /// The highest update id handed to the bot so far.
    handed_out: i64,
    /// `sendMessage` calls received so far.
    messages: i64,
    /// The most updates handed out and not yet answered, as of each `getUpdates` response.
    most_unanswered: i64,
}

#[derive(Clone)]
pub struct FakeApi {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

impl FakeApi {
    /// Starts the server on 127.0.0.1 with a free port.
    pub async fn start() -> FakeApi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        let inner = Arc::new(Mutex::new(Inner {
            next_update_id: 1,
            next_message_id: 1000,
            ..Inner::default()
        }));
        let api = FakeApi {
            addr,
            inner,
            changed: Arc::new(Notify::new()),
        };
        let app = Router::new()
            .route("/{token}/{method}", any(handle))
            .with_state(api.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("fake API serves") });
        api
    }

    /// The base URL to give the bot as `TELOXIDE_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Queues an update (its `update_id` is filled in); returns the id.
    pub fn push(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.inner.lock().unwrap();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            update["update_id"] = json!(id);
            inner.updates.push(update);
            id
        };
        self.changed.notify_waiters();
        id
    }

    pub fn fail_next(&self, method: &str, fault: Fault) {
        self.inner
            .lock()
            .unwrap()
            .faults
            .push_back((method.to_owned(), fault));
    }

    /// Fails every call of `method` with `fault` from now on, until `recover`.
    pub fn outage(&self, method: &str, fault: Fault) {
        self.inner.lock().unwrap().outage = Some((method.to_owned(), fault));
    }

    /// Ends an outage: calls succeed again.
    pub fn recover(&self) {
        self.inner.lock().unwrap().outage = None;
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.inner
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Updates with a lower id than this have been confirmed as handled by the bot.
    pub fn confirmed_below(&self) -> i64 {
        self.inner.lock().unwrap().confirmed
    }

    /// The most updates the bot had been handed and not yet answered, as seen at each
    /// `getUpdates` response: the highest update id handed out then, less the `sendMessage`
    /// calls received by then. Meaningful when every update gets exactly one message, its ids
    /// counted from 1, and each answer is counted as it arrives: the bot itself still holds an
    /// update until the answer's response, so it had at least this many in flight.
    pub fn most_unanswered(&self) -> i64 {
        self.inner.lock().unwrap().most_unanswered
    }

    /// Waits until `count` calls satisfy `matches`, or panics after `timeout`.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
        matches: impl Fn(&Call) -> bool,
    ) -> Vec<Call> {
        let deadline = Instant::now() + timeout;
        loop {
            let found: Vec<Call> = self
                .inner
                .lock()
                .unwrap()
                .calls
                .iter()
                .filter(|c| matches(c))
                .cloned()
                .collect();
            if found.len() >= count {
                return found;
            }
            if Instant::now() > deadline {
                let all: Vec<String> = self
                    .inner
                    .lock()
                    .unwrap()
                    .calls
                    .iter()
                    .map(|c| format!("{} {}", c.method, c.body))
                    .collect();
                panic!(
                    "timed out waiting for {count} matching calls; got {}. All calls:\n{}",
                    found.len(),
                    all.join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Messages sent to `chat`, waiting until there are `count` of them.
    pub async fn messages_to(&self, chat: i64, count: usize) -> Vec<Value> {
        self.wait_for(count, Duration::from_secs(15), |c| {
            c.method == "sendMessage" && c.body["chat_id"] == json!(chat)
        })
        .await
        .into_iter()
        .map(|c| c.body)
        .collect()
    }

    /// Gives the bot time to (wrongly) answer, then returns what it sent to `chat`.
    pub async fn quiet_period(&self, chat: i64) -> Vec<Value> {
        tokio::time::sleep(Duration::from_millis(700)).await;
        self.calls("sendMessage")
            .into_iter()
            .filter(|c| c.body["chat_id"] == json!(chat))
            .map(|c| c.body)
            .collect()
    }
}

fn ok(result: Value) -> Response {
    Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: StatusCode, description: &str, parameters: Option<Value>) -> Response {
    let mut body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    if let Some(parameters) = parameters {
        body["parameters"] = parameters;
    }
    (status, Json(body)).into_response()
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "KZCN", "username": BOT_USERNAME})
}

fn chat_of(id: i64) -> Value {
    if id > 0 {
        json!({"id": id, "type": "private", "first_name": "Tester"})
    } else {
        json!({"id": id, "type": "supergroup", "title": "Test group"})
    }
}

/// The text fields of a multipart/form-data body (teloxide sends `setWebhook` this way).
fn multipart_fields(body: &[u8], boundary: &str) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.trim_end_matches("\r\n");
        let parsed = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        fields.insert(name.to_owned(), parsed);
    }
    Value::Object(fields)
}

async fn handle(
    State(api): State<FakeApi>,
    Path((token, method)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    if token != format!("bot{TOKEN}") {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized", None);
    }
    // Method names are case-insensitive in the Bot API (teloxide sends `SendMessage`).
    let method = lower_camel(&method);
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut body: Value = if body.is_empty() {
        json!({})
    } else if let Some(boundary) = content_type.split("boundary=").nth(1) {
        multipart_fields(&body, boundary.trim_matches('"'))
    } else {
        serde_json::from_slice(&body).unwrap_or(json!({}))
    };
    let fault = record_and_take_fault(&api, &method, &body);
    match fault {
        Some(Fault::RetryAfter(seconds)) => {
            let description = format!("Too Many Requests: retry after {seconds}");
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                &description,
                Some(json!({"retry_after": seconds})),
            );
        }
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).expect("a valid status");
            let description = status.canonical_reason().unwrap_or("Server Error");
            return error(status, description, None);
        }
        Some(Fault::BadHtml) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0",
                None,
            )
        }
        // A long poll that is about to fail does not first wait for news.
        Some(_) if method == "getUpdates" => body["timeout"] = json!(0),
        _ => {}
    }
    let response = respond(&api, &method, &body).await;
    match fault {
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            response
        }
        Some(Fault::DropMidResponse) => cut_short(response).await,
        Some(Fault::MalformedJson) => {
            let page = format!("<html><body>502 Bad Gateway: /bot{TOKEN}/{method}</body></html>");
            (StatusCode::OK, page).into_response()
        }
        _ => response,
    }
}

/// Records the call; returns the fault it is to suffer, if any.
fn record_and_take_fault(api: &FakeApi, method: &str, body: &Value) -> Option<Fault> {
    let mut inner = api.inner.lock().unwrap();
    if method == "sendMessage" {
        inner.messages += 1;
    }
    inner.calls.push(Call {
        method: method.to_owned(),
        body: body.clone(),
        at: Instant::now(),
    });
    if let Some((_, fault)) = inner.outage.as_ref().filter(|(m, _)| m == method) {
        return Some(fault.clone());
    }
    let position = inner.faults.iter().position(|(m, _)| m == method);
    position
        .and_then(|i| inner.faults.remove(i))
        .map(|(_, fault)| fault)
}

/// `response` with only the first half of its body sent: the headers promise the whole body,
/// the half goes out, then the connection drops, and the client sees a connection dropped
/// mid-response.
///
/// The body is a stream, whose length hyper does not know, so hyper keeps to the declared
/// length and aborts the connection when the stream fails. A body of known length would not
/// do: hyper trusts the body's own length over the header, sends the half as if it were whole
/// and keeps the connection open, and the client waits for the rest until its own time-out.
/// (Debug builds of hyper assert that the two lengths agree, and the panic closed the
/// connection, so there the drop only seemed to work.)
async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("a whole body");
    let length = axum::http::HeaderValue::from(bytes.len());
    parts
        .headers
        .insert(axum::http::header::CONTENT_LENGTH, length);
    let half = bytes.slice(..bytes.len() / 2);
    let drop = stream::once(async {
        // Hyper flushes what it has while the body waits, so the headers and the half reach
        // the client before the connection is aborted.
        tokio::task::yield_now().await;
        Err(std::io::Error::other("the connection drops mid-response"))
    });
    let body = stream::iter([Ok(half)]).chain(drop);
    Response::from_parts(parts, axum::body::Body::from_stream(body))
}

/// What the Bot API answers to `method`.
async fn respond(api: &FakeApi, method: &str, body: &Value) -> Response {
    match method {
        "getMe" => {
            let mut me = bot_user();
            for (key, value) in [
                ("can_join_groups", true),
                ("can_read_all_group_messages", false),
                ("supports_inline_queries", true),
                ("can_connect_to_business", false),
                ("has_main_web_app", false),
            ] {
                me[key] = json!(value);
            }
            ok(me)
        }
        "getUpdates" => get_updates(api, body).await,
        "sendMessage" => {
            let chat = body["chat_id"].as_i64().unwrap_or_default();
            let id = {
                let mut inner = api.inner.lock().unwrap();
                inner.next_message_id += 1;
                inner.next_message_id
            };
            ok(json!({
                "message_id": id, "date": 0, "chat": chat_of(chat), "from": bot_user(),
                "text": body["text"].as_str().unwrap_or_default(),
            }))
        }
        "editMessageText" => {
            let chat = body["chat_id"].as_i64().unwrap_or_default();
            ok(json!({
                "message_id": body["message_id"], "date": 0, "chat": chat_of(chat), "from": bot_user(),
                "text": body["text"].as_str().unwrap_or_default(),
            }))
        }
        "getChatMember" => {
            let user = body["user_id"].as_i64().unwrap_or_default();
            let who = json!({"id": user, "is_bot": false, "first_name": "User"});
            match user == GROUP_OWNER {
                true => ok(json!({"status": "creator", "user": who, "is_anonymous": false})),
                false => ok(json!({"status": "member", "user": who})),
            }
        }
        "getWebhookInfo" => {
            ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0}))
        }
        "setMyCommands"
        | "deleteMyCommands"
        | "setWebhook"
        | "deleteWebhook"
        | "answerCallbackQuery"
        | "answerInlineQuery" => ok(json!(true)),
        _ => error(StatusCode::NOT_FOUND, "Not Found: method not found", None),
    }
}

fn lower_camel(method: &str) -> String {
    let mut chars = method.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Long polling: returns updates at or above `offset`, waiting up to `timeout` seconds for one.
async fn get_updates(api: &FakeApi, body: &Value) -> Response {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0).min(30));
    let deadline = Instant::now() + timeout;
    loop {
        let notified = api.changed.notified();
        let pending: Vec<Value> = {
            let mut inner = api.inner.lock().unwrap();
            // As on Telegram, a confirmed update is forgotten: a later, lower offset (a restarted
            // bot starts at 0) does not bring it back.
            inner.confirmed = inner.confirmed.max(offset);
            let from = inner.confirmed;
            let pending: Vec<Value> = inner
                .updates
                .iter()
                .filter(|u| u["update_id"].as_i64().unwrap_or(0) >= from)
                .take(limit)
                .cloned()
                .collect();
            if let Some(last) = pending.last().and_then(|u| u["update_id"].as_i64()) {
                inner.handed_out = inner.handed_out.max(last);
                inner.most_unanswered =
                    inner.most_unanswered.max(inner.handed_out - inner.messages);
            }
            pending
        };
        if !pending.is_empty() || Instant::now() >= deadline {
            return ok(Value::Array(pending));
        }
        let _ = tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), notified)
            .await;
    }
}

/// Regression: the fault used to send the half as a whole body of that length and keep the
/// connection open, so in release builds the client waited for the rest until its time-out.
#[tokio::test]
async fn a_response_dropped_midway_sends_its_headers_and_half_then_closes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let api = FakeApi::start().await;
    api.fail_next("getMe", Fault::DropMidResponse);
    let mut socket = tokio::net::TcpStream::connect(api.addr)
        .await
        .expect("connects");
    let request =
        format!("POST /bot{TOKEN}/getMe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    socket.write_all(request.as_bytes()).await.expect("sends");
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), socket.read_to_end(&mut received))
        .await
        .expect("the server closes the connection")
        .expect("reads");
    let received = String::from_utf8_lossy(&received);
    let (head, body) = received.split_once("\r\n\r\n").expect("the headers arrive");
    let declared: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length: ")?
                .parse()
                .ok()
        })
        .expect("a declared length");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared} bytes",
        body.len()
    );
}

/// Builders for the updates Telegram would send.
pub mod update {
    use serde_json::{json, Value};

    use super::{chat_of, ANONYMOUS_ADMIN, BOT_ID};

    fn user(id: i64) -> Value {
        json!({"id": id, "is_bot": false, "first_name": "User", "language_code": "en"})
    }

    pub fn private_text(user_id: i64, text: &str) -> Value {
        json!({"message": {"message_id": 1, "date": 0, "chat": chat_of(user_id), "from": user(user_id), "text": text}})
    }

    /// A private message from a user whose Telegram interface is in `language_code`.
    pub fn private_text_from(user_id: i64, language_code: &str, text: &str) -> Value {
        let mut update = private_text(user_id, text);
        update["message"]["from"]["language_code"] = json!(language_code);
        update
    }

    pub fn private_photo(user_id: i64) -> Value {
        json!({"message": {"message_id": 2, "date": 0, "chat": chat_of(user_id), "from": user(user_id),
            "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]}})
    }

    pub fn group_text(chat_id: i64, user_id: i64, message_id: i64, text: &str) -> Value {
        json!({"message": {"message_id": message_id, "date": 0, "chat": chat_of(chat_id), "from": user(user_id), "text": text}})
    }

    /// A group message replying to a message of the bot.
    pub fn group_reply_to_bot(chat_id: i64, user_id: i64, message_id: i64, text: &str) -> Value {
        let mut update = group_text(chat_id, user_id, message_id, text);
        update["message"]["reply_to_message"] = json!({
            "message_id": message_id - 1, "date": 0, "chat": chat_of(chat_id),
            "from": {"id": BOT_ID, "is_bot": true, "first_name": "KZCN", "username": super::BOT_USERNAME},
            "text": "an earlier answer"
        });
        update
    }

    /// `update` as a forward: the text was first written by `original_author`.
    pub fn forwarded(mut update: Value, original_author: i64) -> Value {
        update["message"]["forward_origin"] =
            json!({"type": "user", "date": 0, "sender_user": user(original_author)});
        update
    }

    /// A group message sent on behalf of a channel: Telegram names `Channel_Bot` as `from`.
    pub fn group_text_as_channel(
        chat_id: i64,
        channel_id: i64,
        message_id: i64,
        text: &str,
    ) -> Value {
        json!({"message": {"message_id": message_id, "date": 0, "chat": chat_of(chat_id),
            "from": {"id": 136817688, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"},
            "sender_chat": {"id": channel_id, "type": "channel", "title": "A channel"}, "text": text}})
    }

    /// A group message from an anonymous admin: sent as the group, `from` is GroupAnonymousBot.
    pub fn group_text_as_anonymous_admin(chat_id: i64, message_id: i64, text: &str) -> Value {
        json!({"message": {"message_id": message_id, "date": 0, "chat": chat_of(chat_id),
            "from": {"id": ANONYMOUS_ADMIN, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"},
            "sender_chat": chat_of(chat_id), "text": text}})
    }

    pub fn callback(user_id: i64, chat_id: i64, data: &str) -> Value {
        json!({"callback_query": {
            "id": format!("cb-{user_id}-{data}"), "from": user(user_id), "chat_instance": "ci", "data": data,
            "message": {"message_id": 77, "date": 0, "chat": chat_of(chat_id),
                "from": {"id": BOT_ID, "is_bot": true, "first_name": "KZCN"}, "text": "earlier answer"}
        }})
    }

    pub fn inline(user_id: i64, query: &str) -> Value {
        json!({"inline_query": {"id": format!("iq-{user_id}"), "from": user(user_id), "query": query, "offset": ""}})
    }
}
