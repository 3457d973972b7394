//! Just enough HTTP/1.1 for the local test servers (the Lambda Runtime API stand-in and the
//! fault-injecting proxy): reading one request off a connection.

use std::io::Read;
use std::net::{TcpListener, TcpStream};

/// One request as it came.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// The path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Reads one HTTP/1.1 request (Content-Length or chunked body); `None` when the connection
/// closes first. `buffer` keeps what was read beyond it, for the next request.
pub(crate) fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Request> {
    let header_end = loop {
        if let Some(i) = find(buffer, b"\r\n\r\n") {
            break i;
        }
        fill(stream, buffer)?;
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_string();
    buffer.drain(..header_end + 4);
    let mut lines = head.lines();
    let mut request_line = lines.next()?.split_whitespace();
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = if header(&headers, "Transfer-Encoding").is_some_and(|v| v.contains("chunked")) {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(buffer, b"\r\n") {
                    break i;
                }
                fill(stream, buffer)?;
            };
            let size_text = String::from_utf8_lossy(&buffer[..line_end]).to_string();
            let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            buffer.drain(..line_end + 2);
            while buffer.len() < size + 2 {
                fill(stream, buffer)?;
            }
            body.extend_from_slice(&buffer[..size]);
            buffer.drain(..size + 2);
            if size == 0 {
                break;
            }
        }
        body
    } else {
        let length: usize = header(&headers, "Content-Length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buffer.len() < length {
            fill(stream, buffer)?;
        }
        buffer.drain(..length).collect()
    };
    Some(Request {
        method,
        target,
        headers,
        body,
    })
}

fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk) {
        Ok(0) | Err(_) => None,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Some(())
        }
    }
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Serves each connection on a thread of its own, from a thread of its own, until `stopping`
/// says so. Accepts block, so a connection is served the moment it arrives; whoever stops the
/// server connects once more to wake the loop.
pub(crate) fn serve_connections(
    listener: TcpListener,
    stopping: impl Fn() -> bool + Send + 'static,
    serve: impl Fn(TcpStream) + Send + Sync + Clone + 'static,
) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stopping() {
                return;
            }
            if let Ok(stream) = stream {
                let serve = serve.clone();
                std::thread::spawn(move || serve(stream));
            }
        }
    });
}
