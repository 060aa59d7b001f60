//! JSON-RPC over stdio, framed with `Content-Length` headers. Written here rather than taken from
//! `lsp-server`'s reader so that bad input is answered with an error instead of closing the
//! connection: unparsable JSON gets a parse error, a JSON value that is no message an invalid
//! request error.

use std::io::{self, BufRead, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};

/// What the writer thread sends: a protocol message, or a raw reply to input that was not one.
pub enum Outgoing {
    Message(Message),
    Raw(Value),
}

/// Starts the reader and writer threads on stdin and stdout. The receiver ends when stdin does.
pub fn stdio() -> (Sender<Outgoing>, Receiver<Message>) {
    let (out_tx, out_rx) = crossbeam_channel::unbounded::<Outgoing>();
    let (in_tx, in_rx) = crossbeam_channel::unbounded::<Message>();
    let replies = out_tx.clone();
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        read_messages(&mut input, &in_tx, &replies);
    });
    std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut output = stdout.lock();
        for msg in out_rx {
            let written = match msg {
                Outgoing::Message(m) => m.write(&mut output),
                Outgoing::Raw(v) => write_raw(&mut output, &v),
            };
            if written.is_err() {
                break;
            }
        }
    });
    (out_tx, in_rx)
}

fn write_raw(w: &mut impl Write, value: &Value) -> io::Result<()> {
    let body = value.to_string();
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    w.flush()
}

fn error_reply(id: Value, code: ErrorCode, message: &str) -> Outgoing {
    Outgoing::Raw(json!({"jsonrpc": "2.0", "id": id, "error": {"code": code as i32, "message": message}}))
}

/// Reads framed messages until end of input or a broken frame.
pub fn read_messages(input: &mut impl BufRead, messages: &Sender<Message>, replies: &Sender<Outgoing>) {
    loop {
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
            }
        }
        let Some(length) = length else {
            eprintln!("archc lsp: a message without a valid Content-Length header was skipped");
            continue;
        };
        let mut body = vec![0; length];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                let _ = replies.send(error_reply(Value::Null, ErrorCode::ParseError, &format!("invalid JSON: {e}")));
                continue;
            }
        };
        let id = value.get("id").cloned();
        match serde_json::from_value::<Message>(value) {
            Ok(msg) => {
                if messages.send(msg).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = replies.send(error_reply(
                    id.unwrap_or(Value::Null),
                    ErrorCode::InvalidRequest,
                    &format!("not a JSON-RPC request, response or notification: {e}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_frames_are_skipped_or_answered_and_reading_goes_on() {
        let ok = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input =
            format!("X-Nothing: 1\r\n\r\nContent-Length: 5\r\n\r\n{{bad}}Content-Length: {}\r\n\r\n{ok}", ok.len());
        let (msg_tx, msg_rx) = crossbeam_channel::unbounded();
        let (reply_tx, reply_rx) = crossbeam_channel::unbounded();
        read_messages(&mut input.as_bytes(), &msg_tx, &reply_tx);
        let messages: Vec<Message> = msg_rx.try_iter().collect();
        assert!(matches!(&messages[..], [Message::Notification(n)] if n.method == "initialized"));
        let replies: Vec<Value> = reply_rx
            .try_iter()
            .map(|r| match r {
                Outgoing::Raw(v) => v,
                Outgoing::Message(_) => Value::Null,
            })
            .collect();
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0]["error"]["code"], -32700);
        assert_eq!(replies[0]["id"], Value::Null);
    }
}
