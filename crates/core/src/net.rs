//! Network reasoning: CIDR blocks, IP protocols and port ranges.
//!
//! The rules follow EC2: protocol `-1` is every protocol and every port; a `/0` prefix is the whole
//! address space whatever host bits are written (`11.0.0.0/0`); TCP/UDP ranges are inclusive.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IPv4 or IPv6 CIDR block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cidr {
    V4 { addr: u32, prefix: u8 },
    V6 { addr: u128, prefix: u8 },
}

impl Cidr {
    /// The whole internet: any `/0`, IPv4 or IPv6, whatever host bits were written.
    pub fn is_world(&self) -> bool {
        self.prefix() == 0
    }

    pub fn prefix(&self) -> u8 {
        match *self {
            Cidr::V4 { prefix, .. } | Cidr::V6 { prefix, .. } => prefix,
        }
    }

    /// Whether every address of `other` lies in `self`.
    pub fn contains(&self, other: &Cidr) -> bool {
        match (*self, *other) {
            (Cidr::V4 { addr: a, prefix: p }, Cidr::V4 { addr: b, prefix: q }) => {
                p <= q && mask32(a, p) == mask32(b, p)
            }
            (Cidr::V6 { addr: a, prefix: p }, Cidr::V6 { addr: b, prefix: q }) => {
                p <= q && mask128(a, p) == mask128(b, p)
            }
            _ => false,
        }
    }

    /// The first and last address of the block (IPv4 addresses as their 32-bit value).
    fn span(&self) -> (u128, u128) {
        match *self {
            Cidr::V4 { addr, prefix } => {
                let first = mask32(addr, prefix);
                let last = first | !mask32(u32::MAX, prefix);
                (u128::from(first), u128::from(last))
            }
            Cidr::V6 { addr, prefix } => {
                let first = mask128(addr, prefix);
                (first, first | !mask128(u128::MAX, prefix))
            }
        }
    }

    /// Whether every address of `self` lies in the union of `blocks` (blocks of the other
    /// address family are ignored). Unlike [`Cidr::contains`], several blocks may share the work:
    /// `0.0.0.0/1` and `128.0.0.0/1` together cover `0.0.0.0/0`.
    pub fn is_covered_by(&self, blocks: &[Cidr]) -> bool {
        let v6 = matches!(self, Cidr::V6 { .. });
        let mut spans: Vec<(u128, u128)> = blocks
            .iter()
            .filter(|b| matches!(b, Cidr::V6 { .. }) == v6)
            .map(Cidr::span)
            .collect();
        spans.sort_unstable();
        let (first, last) = self.span();
        let mut next = first;
        for (start, end) in spans {
            if start > next {
                break;
            }
            if end >= next {
                match end.checked_add(1) {
                    Some(after) if after <= last => next = after,
                    _ => return true,
                }
            }
        }
        false
    }
}

fn mask32(addr: u32, prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        addr & (u32::MAX << (32 - u32::from(prefix)))
    }
}

fn mask128(addr: u128, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        addr & (u128::MAX << (128 - u32::from(prefix)))
    }
}

impl FromStr for Cidr {
    type Err = String;

    /// `a.b.c.d/n` or `x::y/n`; a bare address is a host route (`/32`, `/128`).
    fn from_str(text: &str) -> Result<Self, String> {
        // Trimmed only when the plain form does not fit: trimming Unicode whitespace costs as
        // much as reading the block.
        plain_ipv4(text.as_bytes()).map_or_else(|| parse_cidr(text.trim()), Ok)
    }
}

/// An IPv4 block written plainly, `a.b.c.d` or `a.b.c.d/n` (no leading zeros, a prefix of at
/// most 32), read without the general parser: a large security group holds thousands of them.
/// Anything else is `None`, for [`parse_cidr`] to read or name.
fn plain_ipv4(text: &[u8]) -> Option<Cidr> {
    let mut addr = 0u32;
    let mut at = 0;
    for octet in 0..4 {
        if octet > 0 {
            if text.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let start = at;
        let mut value = 0u32;
        while at - start < 3 && at < text.len() && text[at].is_ascii_digit() {
            value = value * 10 + u32::from(text[at] - b'0');
            at += 1;
        }
        let digits = at - start;
        if digits == 0 || value > 255 || (digits > 1 && text[start] == b'0') {
            return None;
        }
        addr = addr << 8 | value;
    }
    let prefix = match text[at..] {
        [] => 32,
        [b'/', d] if d.is_ascii_digit() => d - b'0',
        [b'/', tens, units] if (b'1'..=b'3').contains(&tens) && units.is_ascii_digit() => {
            (tens - b'0') * 10 + (units - b'0')
        }
        _ => return None,
    };
    (prefix <= 32).then_some(Cidr::V4 { addr, prefix })
}

/// Any CIDR the standard address parsers read, or why not.
fn parse_cidr(text: &str) -> Result<Cidr, String> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let parse_prefix = |max: u8| -> Result<u8, String> {
        match prefix {
            None => Ok(max),
            Some(p) => p.parse::<u8>().ok().filter(|n| *n <= max).ok_or_else(|| {
                format!("invalid prefix length in CIDR {text:?} (expected 0-{max})")
            }),
        }
    };
    if let Ok(v4) = addr.parse::<Ipv4Addr>() {
        return Ok(Cidr::V4 {
            addr: u32::from(v4),
            prefix: parse_prefix(32)?,
        });
    }
    if let Ok(v6) = addr.parse::<Ipv6Addr>() {
        return Ok(Cidr::V6 {
            addr: u128::from(v6),
            prefix: parse_prefix(128)?,
        });
    }
    Err(format!(
        "invalid CIDR {text:?} (expected an IPv4 or IPv6 block such as 10.0.0.0/8)"
    ))
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Cidr::V4 { addr, prefix } => write!(f, "{}/{prefix}", Ipv4Addr::from(addr)),
            Cidr::V6 { addr, prefix } => write!(f, "{}/{prefix}", Ipv6Addr::from(addr)),
        }
    }
}

/// An IP protocol as security groups and network ACLs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `-1`: every protocol, every port.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Any other IP protocol number (ESP = 50…); ports do not apply.
    Number(u8),
}

impl Protocol {
    /// Accepts names (`tcp`), numbers (`6`, `"6"`) and `-1`/`all`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let named = |name: &str, number: &str| t == number || t.eq_ignore_ascii_case(name);
        Some(if named("all", "-1") {
            Protocol::All
        } else if named("tcp", "6") {
            Protocol::Tcp
        } else if named("udp", "17") {
            Protocol::Udp
        } else if named("icmp", "1") {
            Protocol::Icmp
        } else if named("icmpv6", "58") {
            Protocol::Icmpv6
        } else {
            Protocol::Number(t.parse().ok()?)
        })
    }

    /// Whether a rule for `self` over `ports` lets `protocol` traffic to `port` through
    /// (protocol `-1` lets everything through).
    pub fn admits(self, ports: PortRange, protocol: Protocol, port: u16) -> bool {
        match self {
            Protocol::All => true,
            p => p == protocol && ports.contains(port),
        }
    }

    /// Whether the protocol carries TCP/UDP ports at all.
    pub fn has_ports(&self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all traffic"),
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Icmpv6 => f.write_str("icmpv6"),
            Protocol::Number(n) => write!(f, "protocol {n}"),
        }
    }
}

/// An inclusive TCP/UDP port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };

    pub fn single(port: u16) -> Self {
        PortRange {
            from: port,
            to: port,
        }
    }

    pub fn contains(&self, port: u16) -> bool {
        self.from <= port && port <= self.to
    }

    /// Whether every port of `self` lies within `other`.
    pub fn within(&self, other: &PortRange) -> bool {
        other.from <= self.from && self.to <= other.to
    }

    pub fn is_all(&self) -> bool {
        *self == PortRange::ALL
    }

    /// The parts of `self` that no range of `allowed` covers, in order.
    pub fn uncovered_by(&self, allowed: &[PortRange]) -> Vec<PortRange> {
        let mut sorted = allowed.to_vec();
        sorted.sort_unstable();
        let mut gaps = Vec::new();
        // The first port not yet accounted for; `None` once the whole range is.
        let mut next = Some(self.from);
        for range in sorted {
            let Some(from) = next else { break };
            if range.to < from {
                continue;
            }
            if range.from > self.to {
                break;
            }
            if range.from > from {
                gaps.push(PortRange {
                    from,
                    to: range.from - 1,
                });
            }
            next = range.to.checked_add(1).filter(|p| *p <= self.to);
        }
        if let Some(from) = next {
            gaps.push(PortRange { from, to: self.to });
        }
        gaps
    }

    /// A port range from the `fromPort`/`toPort` pair of a rule: absent or `-1` means every port,
    /// a reversed pair is normalised. `None` when a value is not a port number.
    pub fn from_bounds(from: Option<f64>, to: Option<f64>) -> Option<PortRange> {
        let bound = |v: Option<f64>, default: u16| -> Option<u16> {
            let Some(x) = v else { return Some(default) };
            if x == -1.0 {
                Some(default)
            } else if x.fract() == 0.0 && (0.0..=65535.0).contains(&x) {
                Some(x as u16)
            } else {
                None
            }
        };
        let from = bound(from, 0)?;
        let to = bound(to, 65535)?;
        Some(if from <= to {
            PortRange { from, to }
        } else {
            PortRange { from: to, to: from }
        })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// Parses `"80,443,1020-1025"` (spaces allowed). An empty string is an empty list.
pub fn parse_port_list(text: &str) -> Result<Vec<PortRange>, String> {
    let mut ranges = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let port = |s: &str| {
            s.trim().parse::<u16>().map_err(|_| {
                format!("{part:?} is not a port or port range (expected e.g. 443 or 1020-1025)")
            })
        };
        let (from, to) = (port(a)?, port(b)?);
        if from > to {
            return Err(format!("{part:?}: range start is after its end"));
        }
        ranges.push(PortRange { from, to });
    }
    Ok(ranges)
}

/// Formats a protocol and port range the way people say it: `tcp/22`, `tcp/0-65535`, `all traffic`.
pub fn describe_traffic(protocol: Protocol, ports: PortRange) -> String {
    if protocol.has_ports() {
        format!("{protocol}/{ports}")
    } else {
        protocol.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cidr(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn plain_ipv4_blocks_are_read_as_the_standard_parser_reads_them() {
        for text in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "255.255.255.255",
            "192.168.1.7/32",
            "1.2.3.4/09",
        ] {
            if let Some(fast) = plain_ipv4(text.as_bytes()) {
                assert_eq!(Ok(fast), parse_cidr(text), "{text}");
            }
        }
        assert!(plain_ipv4(b"10.0.0.0/8").is_some());
        assert!(plain_ipv4(b"203.0.113.9").is_some());
        // Left to the general parser, which reads or names them.
        for text in [
            "01.2.3.4",
            "1.2.3.4/33",
            "1.2.3.4/",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "::/0",
            "1.2.3.4/08",
            "1.2.3.4/+8",
        ] {
            assert_eq!(plain_ipv4(text.as_bytes()), None, "{text}");
        }
        assert_eq!(
            cidr("1.2.3.4/08"),
            Cidr::V4 {
                addr: 0x01020304,
                prefix: 8
            }
        );
        assert_eq!(cidr(" 10.0.0.0/8\n"), cidr("10.0.0.0/8"));
        assert!("1.2.3.4/33"
            .parse::<Cidr>()
            .unwrap_err()
            .contains("prefix length"));
        assert!("256.1.1.1/8"
            .parse::<Cidr>()
            .unwrap_err()
            .contains("invalid CIDR"));
    }

    #[test]
    fn world_is_any_zero_prefix() {
        assert!(cidr("0.0.0.0/0").is_world());
        assert!(cidr("11.0.0.0/0").is_world());
        assert!(cidr("25.25.0.0/0").is_world());
        assert!(cidr("::/0").is_world());
        assert!(cidr("2001:db8::/0").is_world());
        assert!(!cidr("10.0.0.0/8").is_world());
        assert!(!cidr("108.56.181.242").is_world());
        assert_eq!(cidr("108.56.181.242"), cidr("108.56.181.242/32"));
    }

    #[test]
    fn invalid_cidrs_are_errors_not_panics() {
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "not-an-ip",
            "10.0.0/8",
            "10.0.0.0/-1",
            "1.2.3.4/x",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn protocols() {
        assert_eq!(Protocol::parse("-1"), Some(Protocol::All));
        assert_eq!(Protocol::parse("TCP"), Some(Protocol::Tcp));
        assert_eq!(Protocol::parse("6"), Some(Protocol::Tcp));
        assert_eq!(Protocol::parse("17"), Some(Protocol::Udp));
        assert_eq!(Protocol::parse("50"), Some(Protocol::Number(50)));
        assert_eq!(Protocol::parse("bogus"), None);
    }

    #[test]
    fn port_bounds() {
        assert_eq!(PortRange::from_bounds(None, None), Some(PortRange::ALL));
        assert_eq!(
            PortRange::from_bounds(Some(22.0), Some(22.0)),
            Some(PortRange::single(22))
        );
        assert_eq!(
            PortRange::from_bounds(Some(-1.0), Some(-1.0)),
            Some(PortRange::ALL)
        );
        assert_eq!(
            PortRange::from_bounds(Some(25.0), Some(20.0)),
            Some(PortRange { from: 20, to: 25 })
        );
        assert_eq!(PortRange::from_bounds(Some(22.5), Some(23.0)), None);
        assert_eq!(PortRange::from_bounds(Some(70000.0), None), None);
        assert!(PortRange { from: 20, to: 25 }.contains(22));
    }

    #[test]
    fn port_lists() {
        assert_eq!(
            parse_port_list("80, 443,1020-1025").unwrap(),
            vec![
                PortRange::single(80),
                PortRange::single(443),
                PortRange {
                    from: 1020,
                    to: 1025
                }
            ]
        );
        assert!(parse_port_list("").unwrap().is_empty());
        assert!(parse_port_list("80,http").is_err());
        assert!(parse_port_list("90-80").is_err());
        assert!(parse_port_list("65536").is_err());
    }

    #[test]
    fn uncovered_ports() {
        let r = |from, to| PortRange { from, to };
        let allowed = [r(80, 80), r(443, 443)];
        assert_eq!(r(80, 80).uncovered_by(&allowed), vec![]);
        assert_eq!(r(80, 443).uncovered_by(&allowed), vec![r(81, 442)]);
        assert_eq!(
            PortRange::ALL.uncovered_by(&allowed),
            vec![r(0, 79), r(81, 442), r(444, 65535)]
        );
        assert_eq!(r(90, 150).uncovered_by(&[r(101, 200), r(80, 100)]), vec![]);
        assert_eq!(PortRange::ALL.uncovered_by(&[PortRange::ALL]), vec![]);
        assert_eq!(r(22, 22).uncovered_by(&[]), vec![r(22, 22)]);
    }

    #[test]
    fn coverage_by_several_blocks() {
        let world = cidr("0.0.0.0/0");
        assert!(world.is_covered_by(&[cidr("0.0.0.0/1"), cidr("128.0.0.0/1")]));
        assert!(!world.is_covered_by(&[cidr("0.0.0.0/1"), cidr("192.0.0.0/2")]));
        assert!(world.is_covered_by(&[cidr("11.0.0.0/0")]));
        assert!(!world.is_covered_by(&[cidr("::/0")]));
        assert!(cidr("::/0").is_covered_by(&[cidr("::/1"), cidr("8000::/1")]));
        assert!(!cidr("::/0").is_covered_by(&[cidr("::/1")]));
        assert!(cidr("10.1.0.0/16").is_covered_by(&[cidr("10.0.0.0/8")]));
        assert!(!cidr("10.1.0.0/16").is_covered_by(&[]));
    }

    proptest! {
        #[test]
        fn the_plain_ipv4_reader_agrees_with_the_standard_parser(
            text in "[0-9]{1,4}(\\.[0-9]{1,4}){0,4}(/[0-9+]{0,3})?",
        ) {
            if let Some(fast) = plain_ipv4(text.as_bytes()) {
                prop_assert_eq!(Ok(fast), parse_cidr(&text));
            }
        }

        #[test]
        fn uncovered_ports_are_exactly_the_ports_no_range_allows(
            from: u16,
            width in 0u16..300,
            allowed in proptest::collection::vec((0u16..=65535, 0u16..200), 0..6),
        ) {
            let range = PortRange { from, to: from.saturating_add(width) };
            let allowed: Vec<PortRange> = allowed
                .iter()
                .map(|&(a, w)| PortRange { from: a, to: a.saturating_add(w) })
                .collect();
            let gaps = range.uncovered_by(&allowed);
            for port in range.from..=range.to {
                let is_allowed = allowed.iter().any(|r| r.contains(port));
                let in_gap = gaps.iter().any(|g| g.contains(port));
                prop_assert_eq!(is_allowed, !in_gap, "port {}", port);
            }
            prop_assert!(gaps.iter().all(|g| g.within(&range)));
        }

        #[test]
        fn coverage_agrees_with_containment_of_one_block(a: u32, p in 0u8..=32, b: u32, q in 0u8..=32) {
            let outer = Cidr::V4 { addr: a, prefix: p };
            let inner = Cidr::V4 { addr: b, prefix: q };
            prop_assert_eq!(inner.is_covered_by(&[outer]), outer.contains(&inner));
        }

        #[test]
        fn any_zero_prefix_v4_is_world(a: u32) {
            let text = format!("{}/0", Ipv4Addr::from(a));
            prop_assert!(text.parse::<Cidr>().unwrap().is_world());
        }

        #[test]
        fn any_zero_prefix_v6_is_world(a: u128) {
            let text = format!("{}/0", Ipv6Addr::from(a));
            prop_assert!(text.parse::<Cidr>().unwrap().is_world());
        }

        #[test]
        fn nonzero_prefix_is_never_world(a: u32, p in 1u8..=32) {
            let text = format!("{}/{p}", Ipv4Addr::from(a));
            prop_assert!(!text.parse::<Cidr>().unwrap().is_world());
        }

        #[test]
        fn cidr_parse_never_panics(s in ".{0,40}") {
            let _ = s.parse::<Cidr>();
        }

        #[test]
        fn block_contains_its_subnets(a: u32, p in 0u8..=32, extra in 0u8..=32) {
            let outer = Cidr::V4 { addr: a, prefix: p };
            let q = p.saturating_add(extra).min(32);
            let inner = Cidr::V4 { addr: a, prefix: q };
            prop_assert!(outer.contains(&inner));
            let world = Cidr::V4 { addr: 0, prefix: 0 };
            prop_assert!(world.contains(&inner));
        }

        #[test]
        fn port_range_contains_matches_bounds(from: u16, to: u16, port: u16) {
            let r = PortRange::from_bounds(Some(f64::from(from)), Some(f64::from(to))).unwrap();
            let (lo, hi) = (from.min(to), from.max(to));
            prop_assert_eq!(r.contains(port), lo <= port && port <= hi);
        }

        #[test]
        fn port_list_round_trips(ports in proptest::collection::vec((0u16..=65535, 0u16..=100), 0..8)) {
            let ranges: Vec<PortRange> = ports
                .iter()
                .map(|&(a, w)| PortRange { from: a, to: a.saturating_add(w) })
                .collect();
            let text = ranges.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(",");
            prop_assert_eq!(parse_port_list(&text).unwrap(), ranges);
        }
    }
}
