//! The JSON path of the value a serde_json error is about, read back from the error's position.
//!
//! Tracking the path while deserialising (serde_path_to_error) means a second copy of every
//! view's `Deserialize` code, for a wrapped deserializer. The position is enough: walking the
//! text up to it gives the values open there, and where serde_json places each kind of error
//! says which of them failed.

use std::fmt::Write as _;
use std::ops::Range;

use serde_json::error::Category;

/// The path of the value `error` (from deserialising `text`) is about, as
/// `configuration.ipPermissions[0].fromPort`; empty for the whole document.
///
/// A value of the wrong type or shape is named exactly. A document that is not JSON at all
/// (a syntax error, a truncation) is named by the top-level field or element where it breaks:
/// a view reads some values without looking inside (unknown fields, values kept as raw JSON),
/// and nothing in the text says which.
pub fn error_path(text: &str, error: &serde_json::Error) -> String {
    let text = text.as_bytes();
    let Some(at) = offset_of(text, error.line(), error.column()) else {
        return String::new();
    };
    let path = match error.classify() {
        // Placed (by serde_json's `fix_position`) at the next byte it had not read.
        Category::Data => data_error_path(text, at, &error.to_string()),
        Category::Eof => Walk::to(text, text.len()).syntax_error_path(text, &error.to_string()),
        // Placed just after the byte at fault.
        Category::Syntax | Category::Io => {
            Walk::to(text, at.saturating_sub(1)).syntax_error_path(text, &error.to_string())
        }
    };
    render(text, &path)
}

/// The byte offset of serde_json's 1-based `line` and its `column`, the number of bytes before
/// the position on that line; `None` when the error has no position.
fn offset_of(text: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start = if line == 1 {
        0
    } else {
        text.iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    Some(start.saturating_add(column).min(text.len()))
}

/// A value that does not fit. serde_json places the error just after the failing scalar, at the
/// opening bracket of a container of the wrong kind (or, when it had opened it, at its first
/// entry), or, for an error a container's visitor or a type's own check raises, where the
/// enclosing container's reading stopped: just after its closing bracket, or at the separator
/// after the failing value.
fn data_error_path(text: &[u8], fault: usize, message: &str) -> Vec<Segment> {
    let mut walk = Walk::to(text, fault);
    if walk.token.is_some() {
        walk = Walk::to(text, text.len());
    }
    let closed_here = walk.closed_at == Some(walk.at);
    // A field the struct lacks or a list of the wrong length: the container itself, read to
    // its closing bracket before its visitor failed.
    if closed_here
        && (message.starts_with("missing field `") || message.starts_with("invalid length "))
    {
        return walk.value_path();
    }
    let Some(top) = walk.stack.last() else {
        // The document's own value; or, when it is a container that closed right there, its
        // last entry, whose own check failed once the container had been read.
        let mut path = Vec::new();
        if closed_here {
            path.extend(walk.closed_last_child.take());
        }
        return path;
    };
    // A container where a scalar was expected: serde_json stops at its opening bracket. (A list
    // of the wrong kind whose first element is a list is read as the outer list's error.)
    let wrong_container = match text.get(fault) {
        Some(b'{') => message.starts_with("invalid type: map"),
        Some(b'[') => message.starts_with("invalid type: sequence"),
        _ => false,
    };
    match (top.object, top.phase) {
        // The value just read; or, when it is a container that closed right there, its last
        // entry, whose own check failed once the container had been read (an untagged enum's
        // check is the container's own).
        (_, Phase::Done) => {
            let mut path = walk.value_path();
            if closed_here && !message.starts_with("data did not match any variant") {
                path.extend(walk.closed_last_child.take());
            }
            path
        }
        (false, Phase::Comma) if wrong_container => walk.value_path(),
        (false, Phase::Open) if wrong_container && text.get(fault) == Some(&b'{') => {
            let mut path = walk.container_path();
            path.push(Segment::Index(0));
            path
        }
        // serde_json read the separator after the failing element.
        (_, Phase::Comma) => {
            let mut path = walk.container_path();
            path.push(match top.child {
                Child::Index(i) => Segment::Index(i.saturating_sub(1)),
                Child::Key(ref range) => Segment::Key(range.clone()),
                Child::None => Segment::Unknown,
            });
            path
        }
        // A key the struct does not know is the key's error; anything else (a duplicate) is
        // the object's.
        (_, Phase::Colon)
            if message.starts_with("unknown field") || message.starts_with("unknown variant") =>
        {
            walk.value_path()
        }
        (_, Phase::Open | Phase::Colon) => walk.container_path(),
        (_, Phase::Value) => walk.value_path(),
    }
}

/// One step of a path: an object's key (its escaped text), an element's index, or a position
/// between an object's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(Range<usize>),
    Index(usize),
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// After the opening bracket.
    Open,
    /// After an object's key, before its colon.
    Colon,
    /// After an object's colon, before its value.
    Value,
    /// After an entry's value.
    Done,
    /// After a comma.
    Comma,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Child {
    None,
    Key(Range<usize>),
    Index(usize),
}

impl Child {
    fn segment(&self) -> Segment {
        match self {
            Child::None => Segment::Unknown,
            Child::Key(range) => Segment::Key(range.clone()),
            Child::Index(i) => Segment::Index(*i),
        }
    }
}

/// An open object or array.
#[derive(Debug)]
struct Frame {
    object: bool,
    phase: Phase,
    /// The entry being read or last read.
    child: Child,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// A string, unterminated; `key` when it is an object's key.
    Str { key: bool },
    /// A number or a literal (`true`, `null`…) broken off or malformed at the end of the walk.
    Bare,
}

/// The state of the JSON text read up to a position. Lenient: it stops at anything that is not
/// JSON, which serde_json has already reported at or before that position.
#[derive(Debug)]
struct Walk {
    /// Where the walk stopped.
    at: usize,
    stack: Vec<Frame>,
    /// A token begun but not finished at `at`.
    token: Option<Token>,
    /// Just after the latest closing bracket, and the last entry of the container it closed.
    closed_at: Option<usize>,
    closed_last_child: Option<Segment>,
}

impl Walk {
    /// Reads `text[..end]`.
    fn to(text: &[u8], end: usize) -> Self {
        let end = end.min(text.len());
        let mut walk = Walk {
            at: 0,
            stack: Vec::new(),
            token: None,
            closed_at: None,
            closed_last_child: None,
        };
        let mut root_done = false;
        let mut i = 0;
        while i < end {
            let byte = text[i];
            if matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                i += 1;
                continue;
            }
            let (expects_key, expects_value) = match walk.stack.last() {
                None => (false, !root_done),
                Some(top) if top.object => (
                    matches!(top.phase, Phase::Open | Phase::Comma),
                    top.phase == Phase::Value,
                ),
                Some(top) => (false, matches!(top.phase, Phase::Open | Phase::Comma)),
            };
            match byte {
                b'"' if expects_key || expects_value => {
                    let Some(close) = string_end(text, i + 1, end) else {
                        walk.begin_value(expects_value);
                        walk.token = Some(Token::Str { key: expects_key });
                        i = end;
                        break;
                    };
                    if let (true, Some(top)) = (expects_key, walk.stack.last_mut()) {
                        top.child = Child::Key(i + 1..close);
                        top.phase = Phase::Colon;
                    } else {
                        walk.begin_value(true);
                        walk.end_value(&mut root_done);
                    }
                    i = close + 1;
                }
                b'{' | b'[' if expects_value => {
                    walk.begin_value(true);
                    walk.stack.push(Frame {
                        object: byte == b'{',
                        phase: Phase::Open,
                        child: Child::None,
                    });
                    i += 1;
                }
                b'}' | b']' => {
                    let Some(top) = walk.stack.last() else { break };
                    if top.object != (byte == b'}')
                        || !matches!(top.phase, Phase::Open | Phase::Done)
                    {
                        break;
                    }
                    let closed = walk.stack.pop().expect("a frame");
                    walk.closed_last_child = match closed.child {
                        Child::None => None,
                        child => Some(child.segment()),
                    };
                    walk.end_value(&mut root_done);
                    i += 1;
                    walk.closed_at = Some(i);
                }
                b':' => match walk.stack.last_mut() {
                    Some(top) if top.object && top.phase == Phase::Colon => {
                        top.phase = Phase::Value;
                        i += 1;
                    }
                    _ => break,
                },
                b',' => match walk.stack.last_mut() {
                    Some(top) if top.phase == Phase::Done => {
                        top.phase = Phase::Comma;
                        if let Child::Index(index) = &mut top.child {
                            *index += 1;
                        }
                        i += 1;
                    }
                    _ => break,
                },
                b'-' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' if expects_value => {
                    walk.begin_value(true);
                    let start = i;
                    while i < end
                        && (text[i].is_ascii_alphanumeric()
                            || matches!(text[i], b'-' | b'+' | b'.'))
                    {
                        i += 1;
                    }
                    if i == end && !bare_complete(&text[start..end], text.get(end).copied()) {
                        walk.token = Some(Token::Bare);
                        break;
                    }
                    walk.end_value(&mut root_done);
                }
                _ => break,
            }
        }
        walk.at = i;
        walk
    }

    /// A value starts in the innermost container: an array counts its elements.
    fn begin_value(&mut self, starts: bool) {
        if let (true, Some(top)) = (starts, self.stack.last_mut()) {
            if !top.object {
                if top.child == Child::None {
                    top.child = Child::Index(0);
                }
                top.phase = Phase::Value;
            }
        }
    }

    fn end_value(&mut self, root_done: &mut bool) {
        match self.stack.last_mut() {
            Some(top) => top.phase = Phase::Done,
            None => *root_done = true,
        }
    }

    /// The path of the innermost open container.
    fn container_path(&self) -> Vec<Segment> {
        let open = self.stack.len().saturating_sub(1);
        self.stack[..open]
            .iter()
            .map(|f| f.child.segment())
            .collect()
    }

    /// The path of the innermost container's current entry.
    fn value_path(&self) -> Vec<Segment> {
        self.stack.iter().map(|f| f.child.segment()).collect()
    }

    /// Where serde_json was reading when the text stopped being JSON, as serde_path_to_error
    /// names it: the value being read; between an object's entries, the object and `?`; in an
    /// array, the array, or the element begun at the fault. Only the top-level step is kept (see
    /// [`error_path`]).
    fn syntax_error_path(&self, text: &[u8], message: &str) -> Vec<Segment> {
        let mut path = match (self.token, self.stack.last()) {
            (_, None) => Vec::new(),
            (Some(Token::Str { key: true }), Some(_)) => {
                let mut path = self.container_path();
                path.push(Segment::Unknown);
                path
            }
            (Some(_), Some(_)) => self.value_path(),
            // A container whose visitor stopped reading before its end.
            _ if message.starts_with("trailing characters") => self.container_path(),
            (None, Some(top)) => match (top.object, top.phase) {
                (true, Phase::Open | Phase::Comma | Phase::Done) => {
                    let mut path = self.container_path();
                    path.push(Segment::Unknown);
                    path
                }
                (_, Phase::Colon) => self.container_path(),
                (false, Phase::Open | Phase::Comma)
                    if text.get(self.at).is_some_and(|&b| b != b']') =>
                {
                    let mut path = self.container_path();
                    path.push(match top.child {
                        Child::Index(i) => Segment::Index(i),
                        _ => Segment::Index(0),
                    });
                    path
                }
                (false, Phase::Open | Phase::Comma | Phase::Done) => self.container_path(),
                (_, Phase::Value) => self.value_path(),
            },
        };
        path.truncate(1);
        if path == [Segment::Unknown] {
            path.clear();
        }
        path
    }
}

/// Whether a number or literal ending where the walk ends, followed by `next`, is whole
/// (serde_json read it and then failed on what follows) rather than broken off or malformed.
fn bare_complete(token: &[u8], next: Option<u8>) -> bool {
    match token.first() {
        Some(b'-' | b'0'..=b'9') => {
            token.last().is_some_and(u8::is_ascii_digit)
                && !next.is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E'))
        }
        _ => matches!(token, b"true" | b"false" | b"null"),
    }
}

/// The index of the quote closing the string whose contents start at `start`, if before `end`.
fn string_end(text: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut i = start;
    while i < end {
        match text[i] {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// The path as serde_path_to_error writes it: `a.b[0].c`.
fn render(text: &[u8], path: &[Segment]) -> String {
    let mut rendered = String::new();
    for (i, segment) in path.iter().enumerate() {
        if i > 0 && !matches!(segment, Segment::Index(_)) {
            rendered.push('.');
        }
        match segment {
            Segment::Key(range) => unescape_into(&text[range.clone()], &mut rendered),
            Segment::Index(index) => {
                let _ = write!(rendered, "[{index}]");
            }
            Segment::Unknown => rendered.push('?'),
        }
    }
    rendered
}

/// Decodes the text of a JSON string (without its quotes) that serde_json has accepted.
fn unescape_into(raw: &[u8], out: &mut String) {
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            bytes.push(raw[i]);
            i += 1;
            continue;
        }
        let escaped = raw.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let c = match escaped {
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = |at: usize| {
                    raw.get(at..at + 4)
                        .and_then(|hex| std::str::from_utf8(hex).ok())
                        .and_then(|hex| u16::from_str_radix(hex, 16).ok())
                };
                let Some(high) = unit(i) else {
                    bytes.extend_from_slice("\u{fffd}".as_bytes());
                    continue;
                };
                i += 4;
                let low = (raw.get(i..i + 2) == Some(b"\\u"))
                    .then(|| unit(i + 2))
                    .flatten()
                    .filter(|low| (0xdc00..0xe000).contains(low));
                let code = match low {
                    Some(low) if (0xd800..0xdc00).contains(&high) => {
                        i += 6;
                        0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(low) - 0xdc00)
                    }
                    _ => u32::from(high),
                };
                char::from_u32(code).unwrap_or('\u{fffd}')
            }
            other => char::from(other),
        };
        let mut buf = [0; 4];
        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    out.push_str(&String::from_utf8_lossy(&bytes));
}
